package render

import (
	"bytes"
	"github.com/certiron/certiron-site/internal/mark"
	"github.com/certiron/certiron-site/internal/source"
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func theme(t testing.TB, files map[string]string) *source.Tree {
	t.Helper()
	root := t.TempDir()
	for name, data := range files {
		p := filepath.Join(root, "themes", "t", "layouts", filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return open(t, root)
}

func open(t testing.TB, root string) *source.Tree {
	t.Helper()
	tree, err := source.Open(root, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

var good = map[string]string{
	"baseof.html":        `<html>{{ template "head" . }}<body>{{ block "main" . }}base{{ end }}</body></html>`,
	"partials/head.html": `<title>{{ .Title }}</title>`,
	"single.html":        `{{ define "main" }}<article>{{ .Content }}</article>{{ end }}`,
	"legal/single.html":  `{{ define "main" }}<article class="legal">{{ .Content }}</article>{{ end }}`,
	"standalone.html":    `<p>{{ .Title }}</p>`,
}

type data struct {
	Title   string
	Content template.HTML
}

func TestExecute(t *testing.T) {
	th, errs := Load(theme(t, good), "t", nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	tests := []struct {
		cands []string
		want  string
	}{
		{[]string{"legal/single", "single"}, `<html><title>A &lt;b&gt;</title><body><article class="legal"><b>x</b></article></body></html>`},
		{[]string{"docs/single", "single"}, `<html><title>A &lt;b&gt;</title><body><article><b>x</b></article></body></html>`},
		{[]string{"standalone"}, `<p>A &lt;b&gt;</p>`},
	}
	for _, tt := range tests {
		layout, ok := th.Lookup(tt.cands...)
		if !ok {
			t.Fatalf("Lookup(%v) found nothing", tt.cands)
		}
		var buf bytes.Buffer
		if err := th.Execute(&buf, layout, data{"A <b>", "<b>x</b>"}); err != nil {
			t.Fatal(err)
		}
		// Every start tag of the theme's own text is marked with its
		// file and line; the marks come out whole.
		got, marks := mark.Strip(buf.Bytes())
		if string(got) != tt.want {
			t.Errorf("Execute(%s) = %s, want %s", layout, got, tt.want)
		}
		if marks.Len() == 0 || !strings.HasPrefix(marks.Span(0).Ref.File, "themes/t/layouts/") {
			t.Errorf("Execute(%s) marks = %v", layout, marks)
		}
	}
	if _, ok := th.Lookup("nope", "missing"); ok {
		t.Error("Lookup found a layout that does not exist")
	}
}

func TestErrors(t *testing.T) {
	files := map[string]string{}
	for k, v := range good {
		files[k] = v
	}
	files["single.html"] = "{{ define \"main\" }}\n<p>\n{{ .Title }</p>{{ end }}"
	_, errs := Load(theme(t, files), "t", nil)
	if len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), "themes/t/layouts/single.html:3: ") {
		t.Errorf("parse error = %v, want one at themes/t/layouts/single.html:3", errs)
	}

	files["single.html"] = "{{ define \"main\" }}\n{{ .Missing.Field }}{{ end }}"
	th, errs := Load(theme(t, files), "t", nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	err := th.Execute(&bytes.Buffer{}, "single", data{})
	if err == nil || !strings.HasPrefix(err.Error(), "themes/t/layouts/single.html:2:") {
		t.Errorf("execution error = %v, want one at themes/t/layouts/single.html:2", err)
	}

	if _, errs := Load(open(t, t.TempDir()), "none", nil); len(errs) == 0 || !strings.Contains(errs[0].Error(), "has no layouts folder") {
		t.Errorf("missing theme = %v", errs)
	}
}

func BenchmarkExecute(b *testing.B) {
	th, errs := Load(theme(b, good), "t", nil)
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	d := data{"Title", template.HTML(strings.Repeat("<p>Some text with <a href=\"/x/\">a link</a>.</p>\n", 150))}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := th.Execute(&buf, "single", d); err != nil {
			b.Fatal(err)
		}
	}
}

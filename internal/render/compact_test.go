package render

import (
	"bytes"
	"maps"
	"strings"
	"testing"

	"github.com/certiron/certiron-site/internal/mark"
	"github.com/certiron/certiron-site/internal/minify"
)

func TestCompactTemplate(t *testing.T) {
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"text and tags", "<!DOCTYPE html>\n<html>\n<head>\n<title> {{ .Title }} </title>\n</head>\n<body>\n<p class=\"a\">  Hi   <b>{{ .Name }}</b> </p>\n</body>\n</html>\n",
			`<!doctype html><html><head><title>{{ .Title }}</title></head><body><p class="a">Hi <b>{{ .Name }}</b></p></body></html>`, true},
		{"actions in attributes", `<a href="{{ relURL "x" }}"{{ if .On }} aria-current="page"{{ end }}>{{ "}}" }}</a>`,
			`<a href="{{ relURL "x" }}" {{ if .On }} aria-current="page" {{ end }}>{{ "}}" }}</a>`, true},
		{"the space at a join is kept", "{{ define \"main\" }}\n<ul>\n{{ range . }}<li>{{ . }}</li>\n{{ end }}</ul>\n{{ end }}",
			"{{ define \"main\" }}<ul>{{ range . }}<li>{{ . }}</li>{{ end }}</ul>{{ end }}", true},
		{"inline code kept", "<script>\nvar v = {{ .V }};\n</script>\n<style>\na  { color: red }\n</style>",
			"<script>\nvar v = {{ .V }};\n</script><style>\na  { color: red }\n</style>", true},
		{"comments", "{{/* a }} comment */}}\n<p>x</p>", "{{/* a }} comment */}}<p>x</p>", true},
		{"trim markers", "<p>\n{{- .X -}}\n</p>", "<p>{{- .X -}}</p>", true},
		{"an action as a tag name", "<{{ .Tag }}>x</{{ .Tag }}>", "", false},
		{"an action in an entity", "&{{ .E }};", "", false},
		{"an action in a comment the minifier drops", "<!-- {{ .X }} --><p>y</p>", "", false},
		{"a placeholder in the text", "\ue0000\ue001{{ .X }}", "", false},
		{"an action never closed", "<p>{{ .X </p>", "", false},
	}
	for _, tt := range tests {
		got, ok := compactTemplate([]byte(tt.in))
		if ok != tt.ok || ok && string(got) != tt.want {
			t.Errorf("%s: compactTemplate(%q) = %q, %v; want %q, %v", tt.name, tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestExecuteCompact: a layout whose files are all minified runs from
// them; one with a file that cannot be is made from the files as
// written, and said to need minifying whole; a failure is reported at
// the line of the file as written either way.
func TestExecuteCompact(t *testing.T) {
	th := loadWith(t, map[string]string{
		"single.html":     "{{ define \"main\" }}\n<article>\n  {{ .Content }}\n</article>\n{{ end }}",
		"standalone.html": "<p>\n<!-- {{ .Title }} -->\n{{ .Title }}\n</p>",
		"broken.html":     "<p>\n  {{ .Title }}\n  {{ .Missing }}\n</p>",
	})
	tests := []struct {
		layout, want string
		minified     bool
	}{
		{"single", `<html><title>A &lt;b&gt;</title><body><article><b>x</b></article></body></html>`, true},
		{"standalone", "<p>\n\nA &lt;b&gt;\n</p>", false},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		minified, err := th.ExecuteCompact(&buf, tt.layout, data{"A <b>", "<b>x</b>"})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := mark.Strip(buf.Bytes())
		if minified != tt.minified || string(got) != tt.want {
			t.Errorf("ExecuteCompact(%s) = %q, %v; want %q, %v", tt.layout, got, minified, tt.want, tt.minified)
		}
	}
	if got := strings.Join(th.AsWritten(), " "); got != "themes/t/layouts/standalone.html" {
		t.Errorf("AsWritten() = %s, want the file with an action in a comment", got)
	}
	var buf bytes.Buffer
	buf.WriteString("kept")
	_, err := th.ExecuteCompact(&buf, "broken", data{Title: "T"})
	if err == nil || !strings.HasPrefix(err.Error(), "themes/t/layouts/broken.html:3:") {
		t.Errorf("ExecuteCompact(broken) error = %v, want one at themes/t/layouts/broken.html:3", err)
	}
	if !strings.HasPrefix(buf.String(), "kept") {
		t.Errorf("ExecuteCompact(broken) took what buf held: %q", buf.String())
	}
}

// TestExecuteMinified: the page comes out minified either way, from the
// files minified as the theme loaded or from the files as written and
// minified whole, and the two ways make the same page in meaning: the
// first, minified whole again, is the second.
func TestExecuteMinified(t *testing.T) {
	th := loadWith(t, map[string]string{
		"single.html":     "{{ define \"main\" }}\n<article>\n  <p>\n  {{ .Content }}\n  </p>\n</article>\n{{ end }}",
		"standalone.html": "<p>\n<!-- {{ .Title }} -->\n  {{ .Title }}\n</p>",
	})
	d := data{"A <b>", "<b>x</b>"}
	for layout, want := range map[string]string{
		"single":     `<html><title>A &lt;b></title><body><article><p><b>x</b></p></article></body></html>`,
		"standalone": `<p>A &lt;b></p>`,
	} {
		for _, whole := range []bool{false, true} {
			var buf bytes.Buffer
			if err := th.ExecuteMinified(&buf, layout, d, whole); err != nil {
				t.Fatal(err)
			}
			got, _ := mark.Strip(buf.Bytes())
			if !whole {
				var err error
				if got, err = minify.Page(got); err != nil {
					t.Fatal(err)
				}
			}
			if string(got) != want {
				t.Errorf("ExecuteMinified(%s, whole %v) = %q, want %q", layout, whole, got, want)
			}
		}
	}
}

// TestMarkTemplateActionWithBraces: an action whose string holds "}}"
// and a tag is passed over whole: no mark goes inside it.
func TestMarkTemplateActionWithBraces(t *testing.T) {
	src := `<p>{{ "a}}<b>" }}</p>`
	got, ins := markTemplate([]byte(src), "themes/t/layouts/x.html")
	want := `<p` + mark.Encode(mark.Ref{File: "themes/t/layouts/x.html", Line: 1, Col: 1}) + `>{{ "a}}<b>" }}</p>`
	if string(got) != want || len(ins) != 1 {
		t.Errorf("markTemplate(%q) = %q (%d marks), want %q", src, got, len(ins), want)
	}
}

// loadWith loads the good theme with files added or replaced.
func loadWith(t *testing.T, files map[string]string) *Theme {
	t.Helper()
	all := maps.Clone(good)
	maps.Copy(all, files)
	th, errs := Load(theme(t, all), "t", nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return th
}

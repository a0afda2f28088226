package render

import (
	"bytes"
	"html/template"
	"strings"
	"sync"
	"testing"
)

// page is the data the error cases render.
type page struct {
	Title string
	URL   string
	Count int
	Nil   *obj
	Head  string
	Tail  *page
}

type obj struct{ name string }

func (o *obj) Name() string { return o.name }

// errTheme is a working theme the cases of TestTemplateErrors break one
// file of.
var errTheme = map[string]string{
	"baseof.html": `<!doctype html>
<html lang="en">
{{ template "head" . }}
<body>
{{ block "main" . }}{{ end }}
{{ template "footer" . }}
</body>
</html>`,
	"partials/head.html": `<head>
  <title>{{ .Title }}</title>
</head>`,
	"partials/footer.html": `<footer>
  <p>{{ .Title }}</p>
</footer>`,
	"single.html": `{{ define "main" }}
<article>{{ .Title }}</article>
{{ end }}`,
	"legal/single.html": `{{ define "main" }}
<article class="legal">
  <h1>{{ .Title }}</h1>
</article>
{{ end }}`,
}

// TestTemplateErrors checks that every kind of template error is reported
// in the theme file it comes from, at its line and (where the library
// knows it) column, counted from 1 in characters.
func TestTemplateErrors(t *testing.T) {
	tests := []struct {
		name   string
		file   string // the file of errTheme replaced
		src    string
		layout string
		want   string
	}{
		{"missing template from baseof", "baseof.html", "<!doctype html>\n<html>\n{{ template \"head\" . }}\n<body>\n{{ block \"main\" . }}{{ end }}\n{{ template \"fotter\" . }}\n</body>\n</html>",
			"single", `themes/t/layouts/baseof.html:6:13: no such template "fotter"`},
		{"missing template from a partial", "partials/footer.html", "<footer>\n  <p>{{ template \"copyright\" . }}</p>\n</footer>",
			"single", `themes/t/layouts/partials/footer.html:2:18: no such template "copyright"`},
		{"missing template from a layout in a folder", "legal/single.html", "{{ define \"main\" }}\n<article class=\"legal\">\n  <h1>{{ template \"toc\" . }}</h1>\n</article>\n{{ end }}",
			"legal/single", `themes/t/layouts/legal/single.html:3:19: no such template "toc"`},
		{"method on nil in a partial", "partials/footer.html", "<footer>\n  <p>{{ .Nil.Name }}</p>\n</footer>",
			"single", `themes/t/layouts/partials/footer.html:2:13: executing "footer" at <.Nil.Name>: error calling Name: runtime error: invalid memory address or nil pointer dereference`},
		{"index of the wrong type in a partial", "partials/head.html", "<head>\n  <title>{{ index .Count 0 }}</title>\n</head>",
			"single", `themes/t/layouts/partials/head.html:2:13: executing "head" at <index .Count 0>: error calling index: can't index item of type int`},
		{"field of a missing field in a layout", "single.html", "{{ define \"main\" }}\n<article>{{ .Title.Missing }}</article>\n{{ end }}",
			"single", `themes/t/layouts/single.html:2:19: executing "main" at <.Title.Missing>: can't evaluate field Missing in type string`},
		{"unclosed action in a partial", "partials/head.html", "<head>\n  <title>{{ .Title </title>\n</head>",
			"single", `themes/t/layouts/partials/head.html:2: unexpected "<" in operand`},
		{"unclosed action in a layout", "legal/single.html", "{{ define \"main\" }}\n<article class=\"legal\">\n  <h1>{{ .Title }</h1>\n</article>\n{{ end }}",
			"legal/single", `themes/t/layouts/legal/single.html:3: unexpected "}" in operand`},
		{"unclosed if in a layout", "single.html", "{{ define \"main\" }}\n{{ if .Title }}\n<article>{{ .Title }}</article>\n{{ end }}",
			"single", `themes/t/layouts/single.html:4: unexpected EOF`},
		{"quote in an unquoted attribute in a partial", "partials/footer.html", "<footer>\n  <p class={{ .Title }}\"x\">{{ .Title }}</p>\n</footer>",
			"single", `themes/t/layouts/partials/footer.html:2:24: "\"" in unquoted attr: "\"x\""`},
		{"ambiguous slash in a partial's script", "partials/head.html", "<head>\n  <script>var x = {{ if .Title }}1{{ else }}({{ end }} / 2;</script>\n</head>",
			"single", `themes/t/layouts/partials/head.html:2:56: '/' could start a division or regexp: "/ 2;"`},
		{"unclosed script string in a partial", "partials/head.html", "<head>\n  <title>{{ .Title }}</title>\n  <script>var t = \"{{ .Title }};</script>\n</head>",
			"single", `themes/t/layouts/partials/head.html:3:19: ends in a non-text context: {stateJSDqStr delimNone urlPartNone jsCtxRegexp [] attrNone elementScript <nil>}`},
		{"unclosed attribute in a layout", "single.html", "{{ define \"main\" }}\n<article>\n  <a href=\"{{ .URL }}>{{ .Title }}</a>\n</article>\n{{ end }}",
			"single", `themes/t/layouts/single.html:3:11: ends in a non-text context: {stateURL delimDoubleQuote urlPartPreQuery jsCtxRegexp [] attrURL elementNone <nil>}`},
		{"branches in different contexts in a layout", "legal/single.html", "{{ define \"main\" }}\n<article class=\"legal\">\n  {{ if .Title }}<a href=\"{{ end }}\">x</a>\n</article>\n{{ end }}",
			"legal/single", `themes/t/layouts/legal/single.html:3:9: {{if}} branches end in different contexts: {stateURL delimDoubleQuote urlPartNone jsCtxRegexp [] attrURL elementNone <nil>}, {stateText delimNone urlPartNone jsCtxRegexp [] attrNone elementNone <nil>}`},
		{"ambiguous URL in a partial", "partials/footer.html", "<footer>\n  <a href=\"{{ if .Title }}/search?q={{ else }}/legal/{{ end }}{{ .URL }}\">x</a>\n</footer>",
			"single", `themes/t/layouts/partials/footer.html:2:66: {{.URL}} appears in an ambiguous context within a URL`},
		{"output context of a recursive partial", "partials/footer.html", "<footer>\n<script>var l = [{{ template \"list\" . }}]</script>\n</footer>{{ define \"list\" }}{{ if .Tail }}{{ template \"list\" .Tail }}{{ end }}{{ .Head }}\",{{ end }}",
			"single", `themes/t/layouts/partials/footer.html:3:29: cannot compute output context for template list$htmltemplate_stateJS_elementScript`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{}
			for k, v := range errTheme {
				files[k] = v
			}
			files[tt.file] = tt.src
			th, errs := Load(theme(t, files), "t", nil)
			var got string
			if len(errs) > 0 {
				got = errs.Error()
			} else if err := th.Execute(&bytes.Buffer{}, tt.layout, page{Title: "T"}); err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("%s with %s =\n%s\nwant\n%s", tt.layout, tt.file, got, tt.want)
			}
		})
	}
}

// TestTemplateErrorsConcurrent checks that pages rendered at once with a
// theme that fails to escape all get the error at its place.
func TestTemplateErrorsConcurrent(t *testing.T) {
	files := map[string]string{}
	for k, v := range errTheme {
		files[k] = v
	}
	files["partials/footer.html"] = "<footer>\n  <p class={{ upper .Title }}\"x\">{{ .Title }}</p>\n</footer>"
	th, errs := Load(theme(t, files), "t", template.FuncMap{"upper": strings.ToUpper})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	want := `themes/t/layouts/partials/footer.html:2:30: "\"" in unquoted attr: "\"x\""`
	var wg sync.WaitGroup
	got := make([]string, 8)
	for i := range got {
		wg.Go(func() {
			if err := th.Execute(&bytes.Buffer{}, "single", page{}); err != nil {
				got[i] = err.Error()
			}
		})
	}
	wg.Wait()
	for i, g := range got {
		if g != want {
			t.Errorf("Execute %d = %s, want %s", i, g, want)
		}
	}
}

func TestSplitLocation(t *testing.T) {
	names := []string{"head", "legal/single", "a:1", "a"}
	tests := []struct {
		in   string
		want location
		ok   bool
	}{
		{"template: head:2: bad character U+003C '<'", location{"head", 2, 0, "bad character U+003C '<'"}, true},
		{`template: legal/single:3:14: executing "main" at <.X>: boom`, location{"legal/single", 3, 14, `executing "main" at <.X>: boom`}, true},
		{`template: head: "head" is an incomplete or empty template`, location{"head", 0, 0, `"head" is an incomplete or empty template`}, true},
		{"head:4:12", location{"head", 4, 12, ""}, true},
		{"template: a:1:2:3: x", location{"a:1", 2, 3, "x"}, true},
		{"template: a:7: template: multiple definition of template \"b\"", location{"a", 7, 0, `multiple definition of template "b"`}, true},
		{"template: other:1: x", location{}, false},
		{"template: head:x: y", location{}, false},
		{"html/template: \"x\" is undefined", location{}, false},
	}
	for _, tt := range tests {
		got, ok := splitLocation(tt.in, names)
		if got != tt.want || ok != tt.ok {
			t.Errorf("splitLocation(%q) = %+v, %t, want %+v, %t", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

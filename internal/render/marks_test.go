package render

import (
	"strings"
	"testing"
)

func TestMarkTemplate(t *testing.T) {
	src := "<!DOCTYPE html>\n<html lang=\"{{ .Lang }}\">\n<!-- <p>comment</p> -->\n" +
		"{{ if .X }}<a class=\"x\" href=\"{{ .URL }}\" title=\"a>b\">é</a>{{ end }}\n" +
		"<h{{ .Level }}>dynamic</h{{ .Level }}>\n" +
		"<script>if (a<b) { x = \"<p>\" }</script><style>p>a{}</style>\n" +
		"  <br/><img\nsrc=x>{{/* <b>note</b> */}}\n"
	got, ins := markTemplate([]byte(src), "t.html")
	want := "<!DOCTYPE html>\n<html data-certiron-at=\"t.html:2:1\" lang=\"{{ .Lang }}\">\n<!-- <p>comment</p> -->\n" +
		"{{ if .X }}<a data-certiron-at=\"t.html:4:12\" class=\"x\" href=\"{{ .URL }}\" title=\"a>b\">é</a>{{ end }}\n" +
		"<h{{ .Level }}>dynamic</h{{ .Level }}>\n" +
		"<script data-certiron-at=\"t.html:6:1\">if (a<b) { x = \"<p>\" }</script><style data-certiron-at=\"t.html:6:40\">p>a{}</style>\n" +
		"  <br data-certiron-at=\"t.html:7:3\"/><img data-certiron-at=\"t.html:7:8\"\nsrc=x>{{/* <b>note</b> */}}\n"
	if string(got) != want {
		t.Errorf("markTemplate =\n%s\nwant\n%s", got, want)
	}
	// Columns in the marked source map back to the file's own.
	marked := strings.Split(string(got), "\n")
	orig := strings.Split(src, "\n")
	for _, tt := range []struct {
		line int
		at   string
	}{{2, "<html"}, {2, "{{ .Lang"}, {4, "{{ .URL"}, {4, "é</a>"}, {6, "if (a"}, {6, "p>a{}"}, {7, "src=x"}, {8, "{{/*"}} {
		l := tt.line
		if tt.at == "src=x" || tt.at == "{{/*" {
			l = 8
		}
		col := len([]rune(marked[l-1][:strings.Index(marked[l-1], tt.at)])) + 1
		want := len([]rune(orig[l-1][:strings.Index(orig[l-1], tt.at)])) + 1
		if c := unmarkCol(got, ins, l, col); c != want {
			t.Errorf("unmarkCol(%d, %d) for %q = %d, want %d", l, col, tt.at, c, want)
		}
	}
}

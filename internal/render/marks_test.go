package render

import (
	"github.com/certiron/certiron-site/internal/mark"
	"strings"
	"testing"
)

func TestMarkTemplate(t *testing.T) {
	src := "<!DOCTYPE html>\n<html lang=\"{{ .Lang }}\">\n<!-- <p>comment</p> -->\n" +
		"{{ if .X }}<a class=\"x\" href=\"{{ .URL }}\" title=\"a>b\">é</a>{{ end }}\n" +
		"<h{{ .Level }}>dynamic</h{{ .Level }}>\n" +
		"<script>if (a<b) { x = \"<p>{{ .X }}\" }</script><style>p>a{}</style>\n" +
		"  <br/><img\nsrc=x>{{/* <b>note</b> */}}\n"
	got, ins := markTemplate([]byte(src), "t.html")
	want := "<!DOCTYPE html>\n<html data-certiron-at=t.html:2:1 lang=\"{{ .Lang }}\">\n<!-- <p>comment</p> -->\n" +
		"{{ if .X }}<a data-certiron-at=t.html:4:12 class=\"x\" href=\"{{ .URL }}\" title=\"a>b\">é</a>{{ end }}\n" +
		"<h{{ .Level }}>dynamic</h{{ .Level }}>\n" +
		"<script data-certiron-at=t.html:6:1>" + raw(6, 9) + "if (a<b) { x = \"<p>{{ .X }}" + raw(6, 36) + "\" }</script><style data-certiron-at=t.html:6:48>" + raw(6, 55) + "p>a{}</style>\n" +
		"  <br data-certiron-at=t.html:7:3/><img data-certiron-at=t.html:7:8\nsrc=x>{{/* <b>note</b> */}}\n"
	if string(got) != want {
		t.Errorf("markTemplate =\n%s\nwant\n%s", got, want)
	}
	// Offsets in the marked source map back to the file's own.
	for _, at := range []string{"<html", "{{ .Lang", "{{ .URL", "é</a>", "if (a", "p>a{}", "src=x", "{{/*"} {
		if got := unmarkOff(ins, strings.Index(string(got), at)); got != strings.Index(src, at) {
			t.Errorf("unmarkOff for %q = %d, want %d", at, got, strings.Index(src, at))
		}
	}
}

func raw(line, col int) string {
	return mark.EncodeRaw(mark.Ref{File: "t.html", Line: line, Col: col})
}

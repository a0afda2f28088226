package mark

import (
	"strings"
	"testing"
)

func TestStrip(t *testing.T) {
	a, b := Ref{File: "themes/t/layouts/a&b.html", Line: 2, Col: 3}, Ref{File: "content/x.md", Line: 14, Col: 5}
	page := `<p` + Encode(a) + `>x <a data-certiron-at=content/x.md:14:5 href=/y>y</a> <img data-certiron-at='c:\x.md:9:1' src=z> data-certiron-at=9.9.9 text</p>`
	got, m := Strip([]byte(page))
	if want := `<p>x <a href=/y>y</a> <img src=z> data-certiron-at=9.9.9 text</p>`; string(got) != want {
		t.Errorf("Strip = %s\nwant    %s", got, want)
	}
	if len(m) != 3 || m[0] != (Span{0, a}) || m[1] != (Span{5, b}) || m[2] != (Span{strings.Index(string(got), "<img"), Ref{File: `c:\x.md`, Line: 9, Col: 1}}) {
		t.Errorf("map = %+v", m)
	}
	for _, tt := range []struct {
		off  int
		want Ref
	}{{0, a}, {4, a}, {5, b}, {12, b}, {len(got) - 1, Ref{File: `c:\x.md`, Line: 9, Col: 1}}} {
		if r, _ := m.At(tt.off); r != tt.want {
			t.Errorf("At(%d) = %v, want %v", tt.off, r, tt.want)
		}
	}
	if out, m := Strip([]byte("<p>plain</p>")); string(out) != "<p>plain</p>" || m != nil {
		t.Errorf("Strip of an unmarked page = %s %v", out, m)
	}
}

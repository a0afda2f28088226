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
	if len(m) != 3 || m[0] != (Span{Off: 0, Ref: a}) || m[1] != (Span{Off: 5, Ref: b}) || m[2] != (Span{Off: strings.Index(string(got), "<img"), Ref: Ref{File: `c:\x.md`, Line: 9, Col: 1}}) {
		t.Errorf("map = %+v", m)
	}
	for _, tt := range []struct {
		off  int
		want Ref
	}{{0, a}, {4, a}, {5, b}, {12, b}, {len(got) - 1, Ref{File: `c:\x.md`, Line: 9, Col: 1}}} {
		if r, _ := m.At(got, tt.off); r != tt.want {
			t.Errorf("At(%d) = %v, want %v", tt.off, r, tt.want)
		}
	}
	if out, m := Strip([]byte("<p>plain</p>")); string(out) != "<p>plain</p>" || m != nil {
		t.Errorf("Strip of an unmarked page = %s %v", out, m)
	}
}

func TestStripRaw(t *testing.T) {
	r := Ref{File: "themes/t/layouts/partials/banner.html", Line: 6, Col: 131}
	page := "<script>" + EncodeRaw(Ref{File: "b.html", Line: 6, Col: 9}) + "var k=1;" + EncodeRaw(r) + "setItem(\"k\")</script>"
	got, m := Strip([]byte(page))
	if string(got) != `<script>var k=1;setItem("k")</script>` {
		t.Errorf("Strip = %q", got)
	}
	if len(m) != 2 || m[1] != (Span{Off: 16, Ref: r, Raw: true}) || m[0].Off != 8 {
		t.Errorf("map = %+v", m)
	}
	if at, _ := m.At(got, 16+len(`setItem("`)); at != (Ref{File: r.File, Line: 6, Col: 131 + 9}) {
		t.Errorf("At inside the script = %v", at)
	}
	if strings.ContainsAny(EncodeRaw(r), "\n") {
		t.Error("a raw marker holds a newline")
	}
}

// TestValue: a file name is written as it is when it can be, and
// percent-encoded byte by byte where it cannot.
func TestValue(t *testing.T) {
	for _, tt := range []struct {
		r    Ref
		want string
	}{
		{Ref{File: "content/legal/cookie-policy.md", Line: 3, Col: 1}, "content/legal/cookie-policy.md:3:1"},
		{Ref{File: "content/Terms of Service.md", Line: 1, Col: 2}, "content/Terms%20of%20Service.md:1:2"},
		{Ref{File: "content/é.md", Line: 10, Col: 20}, "content/%C3%A9.md:10:20"},
		{Ref{File: `a"b>c`, Line: 1, Col: 1}, "a%22b%3Ec:1:1"},
	} {
		if got := Value(tt.r); got != tt.want {
			t.Errorf("Value(%v) = %q, want %q", tt.r, got, tt.want)
		}
		if back, ok := parse(Value(tt.r)); !ok || back != tt.r {
			t.Errorf("parse(Value(%v)) = %v, %v", tt.r, back, ok)
		}
	}
}

// TestStripMixed: raw-text markers between element markers, in every
// order, are all found and removed.
func TestStripMixed(t *testing.T) {
	el := func(n int) Ref { return Ref{File: "l.html", Line: n, Col: 1} }
	page := `<p` + Encode(el(1)) + `>a</p><script>` + EncodeRaw(el(2)) + `x()</script><b` + Encode(el(3)) + `>b</b><style>` + EncodeRaw(el(4)) + `p{}</style><i` + Encode(el(5)) + `>c</i><script>` + EncodeRaw(el(6)) + `y()</script>`
	got, m := Strip([]byte(page))
	if want := `<p>a</p><script>x()</script><b>b</b><style>p{}</style><i>c</i><script>y()</script>`; string(got) != want {
		t.Fatalf("Strip = %s\nwant    %s", got, want)
	}
	if len(m) != 6 {
		t.Fatalf("map = %+v, want 6 spans", m)
	}
	for i, sp := range m {
		if sp.Ref != el(i+1) || sp.Raw != (i%2 == 1) {
			t.Errorf("span %d = %+v", i, sp)
		}
	}
}

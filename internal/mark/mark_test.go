package mark

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestStrip(t *testing.T) {
	a, b := Ref{File: "themes/t/layouts/a&b.html", Line: 2, Col: 3}, Ref{File: "content/x.md", Line: 14, Col: 5}
	page := `<p` + Encode(a) + `>x <a data-certiron-at=content/x.md:14:5 href=/y>y</a> <img data-certiron-at='c:\x.md:9:1' src=z> data-certiron-at=9.9.9 text</p>`
	got, mp := Strip([]byte(page))
	m := mp.Spans()
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
		if r, _ := mp.At(got, tt.off); r != tt.want {
			t.Errorf("At(%d) = %v, want %v", tt.off, r, tt.want)
		}
	}
	if out, m := Strip([]byte("<p>plain</p>")); string(out) != "<p>plain</p>" || m.Len() != 0 {
		t.Errorf("Strip of an unmarked page = %s %v", out, m)
	}
}

func TestStripRaw(t *testing.T) {
	r := Ref{File: "themes/t/layouts/partials/banner.html", Line: 6, Col: 131}
	page := "<script>" + EncodeRaw(Ref{File: "b.html", Line: 6, Col: 9}) + "var k=1;" + EncodeRaw(r) + "setItem(\"k\")</script>"
	got, mp := Strip([]byte(page))
	m := mp.Spans()
	if string(got) != `<script>var k=1;setItem("k")</script>` {
		t.Errorf("Strip = %q", got)
	}
	if len(m) != 2 || m[1] != (Span{Off: 16, Ref: r, Raw: true}) || m[0].Off != 8 {
		t.Errorf("map = %+v", m)
	}
	if at, _ := mp.At(got, 16+len(`setItem("`)); at != (Ref{File: r.File, Line: 6, Col: 131 + 9}) {
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
	got, mp := Strip([]byte(page))
	m := mp.Spans()
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

// TestMapCompact: a Map gives back every span as it was added, each
// file listed once however many spans name it, and positions beyond
// 2³¹ held at its limit rather than wrapped.
func TestMapCompact(t *testing.T) {
	in := []Span{
		{Off: 0, Ref: Ref{File: "a.html", Line: 1, Col: 1}},
		{Off: 7, Ref: Ref{File: "b.md", Line: 3, Col: 9}, Raw: true},
		{Off: 9, Ref: Ref{File: "a.html", Line: 4, Col: 2}},
		{Off: 12, Ref: Ref{File: "b.md", Line: 5, Col: 1}},
	}
	m := MapOf(in...)
	if got := m.Spans(); len(got) != len(in) {
		t.Fatalf("Spans = %+v", got)
	} else {
		for i := range in {
			if got[i] != in[i] {
				t.Errorf("span %d = %+v, want %+v", i, got[i], in[i])
			}
		}
	}
	if len(m.files) != 2 {
		t.Errorf("files = %q, want each once", m.files)
	}
	m.Move(8, 100)
	if m.Span(1).Off != 7 || m.Span(2).Off != 109 {
		t.Errorf("after Move: %+v", m.Spans())
	}
	big := MapOf(Span{Off: math.MaxInt, Ref: Ref{File: "x", Line: math.MaxInt, Col: -4}})
	if s := big.Span(0); s.Off != 1<<31-1 || s.Ref.Line != 1<<31-1 || s.Ref.Col != 0 {
		t.Errorf("clamped span = %+v", s)
	}
}

// TestDecode: a Map's encoded form decodes to the same Map; any cut of
// its bytes, a span naming a file not listed, or a byte too many is
// refused.
func TestDecode(t *testing.T) {
	m := MapOf(
		Span{Off: 0, Ref: Ref{File: "a.html", Line: 1, Col: 1}},
		Span{Off: 300, Ref: Ref{File: "b.md", Line: 90, Col: 4}, Raw: true},
		Span{Off: 301, Ref: Ref{File: "a.html", Line: 2, Col: 7}},
	)
	files, n, data := m.Encoded()
	got, ok := Decode(append([]string(nil), files...), n, data)
	if !ok || fmt.Sprint(got.Spans()) != fmt.Sprint(m.Spans()) {
		t.Fatalf("Decode = %v, %v; want %v", got.Spans(), ok, m.Spans())
	}
	for cut := range len(data) {
		if _, ok := Decode(files, n, data[:cut]); ok {
			t.Errorf("spans cut to %d of %d bytes decoded", cut, len(data))
		}
	}
	if _, ok := Decode(files[:1], n, data); ok {
		t.Error("a span naming a file not listed decoded")
	}
	if _, ok := Decode(files, n, append(data[:len(data):len(data)], 0)); ok {
		t.Error("spans with a byte too many decoded")
	}
}

// TestAddAsParse: a marker value read where it lies names what parse
// makes of it, and is refused where parse refuses it.
func TestAddAsParse(t *testing.T) {
	for _, v := range []string{
		"content/a.md:3:1", "a:b:1:2", ":1:2", "f:1:", "f::2", "f:1", "f",
		"f:+1:2", "f:-1:2", "f:1:-2", "f:1:2x", "f: 1:2", "f:1:2 ",
		"%41.md:1:2", "a%2:1:2", "&quot;f&quot;:1:2", "&amp;:1:2",
		"f:99999999999999999999:1", "f:123456789012345678:1", "f:9223372036854775807:1",
		"f:1:+", "f:-:1", "f:1:00012", "é.md:1:1",
	} {
		want, wantOK := parse(v)
		var m Map
		ok := m.add(7, []byte(v))
		if ok != wantOK {
			t.Errorf("%q: added %v, parse says %v", v, ok, wantOK)
			continue
		}
		if !ok {
			if m.Len() != 0 {
				t.Errorf("%q: refused but %d spans", v, m.Len())
			}
			continue
		}
		if got := m.Spans(); len(got) != 1 || got[0] != (Span{Off: 7, Ref: Ref{File: want.File, Line: clamp(want.Line), Col: clamp(want.Col)}}) {
			t.Errorf("%q: spans %v, parse says %v", v, got, want)
		}
	}
}

// FuzzAddAsParse: for any value, add and parse agree.
func FuzzAddAsParse(f *testing.F) {
	for _, v := range []string{"content/a.md:3:1", "f:-1:2", "%41:1:2", "&amp;:1:2", "f:99999999999999999999:1"} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		want, wantOK := parse(v)
		var m Map
		if ok := m.add(0, []byte(v)); ok != wantOK {
			t.Fatalf("%q: added %v, parse says %v", v, ok, wantOK)
		}
		if wantOK {
			if got := m.Span(0).Ref; got != (Ref{File: want.File, Line: clamp(want.Line), Col: clamp(want.Col)}) {
				t.Fatalf("%q: %v, parse says %v", v, got, want)
			}
		}
	})
}

// BenchmarkStrip: a page of 200 marked elements, as a page of the bench
// corpus has.
func BenchmarkStrip(b *testing.B) {
	var page []byte
	for i := range 200 {
		page = fmt.Appendf(page, `<p%s>Some text of paragraph %d, <a href="#x"%s>a link</a>.</p>`,
			Encode(Ref{File: "content/s03/page-0053.md", Line: i + 1, Col: 1}), i, Encode(Ref{File: "content/s03/page-0053.md", Line: i + 1, Col: 30}))
	}
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	var dst []byte
	for b.Loop() {
		dst, _ = StripTo(dst, page)
	}
}

// FuzzIndexNeedle: indexNeedle finds the marker attribute where
// bytes.Index does.
func FuzzIndexNeedle(f *testing.F) {
	for _, s := range []string{
		"", "<p data-certiron-at=a:1:1>", "<p data-certiron-at=", "data-certiron-at=",
		"x  data-certiron-at=", "certiron-at= data-certiron-at=", " data- data-certiron-at=", " data-certiron-at",
		"<a href=x data-certiron-at=f:1:2>t</a> data-certiron-at=",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := indexNeedle(b), bytes.Index(b, needle); got != want {
			t.Fatalf("indexNeedle(%q) = %d, bytes.Index %d", b, got, want)
		}
	})
}

package content

import (
	"bytes"
	"reflect"
	"testing"
)

// frontMatters are front matter of every kind the parsers give, in both
// formats.
var frontMatters = []struct{ format, text string }{
	{"toml", `title = "Cookie Policy"
description = "How we use cookies"
date = 2026-03-01
lastmod = 2026-04-02T10:30:00+02:00
effective = 2026-05-01T00:00:00
draft = false
slug = "cookies"
url = "/legal/cookies/"
layout = "legal"
weight = -3
toc = true
typographer = false
aliases = ["/cookies/", "/legal/old/"]
changes = "Clarified retention."
editorial = true
hero = { image = "a.png", ratio = 1.5, n = 7, on = true }
list = [1, "two", 3.0, 2026-01-02, [true, false]]
[[people]]
name = "A"
[[people]]
name = "B"`},
	{"yaml", `title: "Privacy"
date: 2026-03-01
aliases: []
tags: [a, b]
nested:
  deep:
    deeper: [1, 2.5, "x", null, 18446744073709551615]
when: 2026-03-01T10:00:00Z
empty: ""`},
	{"toml", `title = "Nothing else"`},
}

// TestFrontMatterRoundTrip: what the parsers give comes back exactly
// from the binary form; cut forms are refused; a value of a kind it does
// not hold is refused when encoding.
func TestFrontMatterRoundTrip(t *testing.T) {
	for _, tt := range frontMatters {
		fm, errs := ParseFrontMatter("content/p.md", tt.format, []byte(tt.text), 2)
		if len(errs) > 0 || fm == nil {
			t.Fatalf("%s: %v", tt.text, errs)
		}
		b, err := fm.MarshalBinary()
		if err != nil {
			t.Fatalf("%s: %v", tt.text, err)
		}
		var back FrontMatter
		if err := back.UnmarshalBinary(b); err != nil {
			t.Fatalf("%s: %v", tt.text, err)
		}
		if !reflect.DeepEqual(&back, fm) {
			t.Errorf("round trip of\n%s\n= %#v\nwant %#v", tt.text, back, *fm)
		}
		for n := range len(b) {
			var short FrontMatter
			if short.UnmarshalBinary(b[:n]) == nil {
				t.Errorf("front matter cut to %d of %d bytes was accepted", n, len(b))
			}
		}
	}
	odd := &FrontMatter{Params: map[string]any{"x": struct{}{}}}
	if _, err := odd.MarshalBinary(); err != ErrNotEncodable {
		t.Errorf("a struct in Params: %v, want ErrNotEncodable", err)
	}
}

// mapFrontMatters is a FrontMatters in memory, as the build cache is,
// through the binary form.
type mapFrontMatters map[[32]byte][]byte

func (m mapFrontMatters) Get(k [32]byte) *FrontMatter {
	b, ok := m[k]
	if !ok {
		return nil
	}
	fm := &FrontMatter{}
	if fm.UnmarshalBinary(b) != nil {
		return nil
	}
	return fm
}

func (m mapFrontMatters) Put(k [32]byte, fm *FrontMatter) {
	if b, err := fm.MarshalBinary(); err == nil {
		m[k] = b
	}
}

// TestParseCached: a page parsed with its front matter from the cache is
// the page parsed afresh; front matter with an error is not kept.
func TestParseCached(t *testing.T) {
	fms := mapFrontMatters{}
	for _, tt := range frontMatters {
		delim := "+++"
		if tt.format == "yaml" {
			delim = "---"
		}
		src := []byte(delim + "\n" + tt.text + "\n" + delim + "\nBody.\n")
		want, errs := Parse("content/legal/p.md", "legal/p.md", src)
		first, _ := ParseCached("content/legal/p.md", "legal/p.md", src, fms)
		again, errs2 := ParseCached("content/legal/p.md", "legal/p.md", src, fms)
		if !reflect.DeepEqual(first, want) || !reflect.DeepEqual(again, want) || !reflect.DeepEqual(errs, errs2) {
			t.Errorf("ParseCached differs from Parse for\n%s", src)
		}
	}
	n := len(fms)
	if _, errs := ParseCached("content/x.md", "x.md", []byte("+++\ntitle = 3\n+++\n"), fms); len(errs) == 0 || len(fms) != n {
		t.Errorf("front matter with an error: %v, kept %d entries, want %d", errs, len(fms), n)
	}
}

// FuzzFrontMatterBinary: any bytes either fail to decode or decode to
// front matter that encodes to what it decodes from again.
func FuzzFrontMatterBinary(f *testing.F) {
	for _, tt := range frontMatters {
		fm, _ := ParseFrontMatter("content/p.md", tt.format, []byte(tt.text), 2)
		b, _ := fm.MarshalBinary()
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var fm FrontMatter
		if fm.UnmarshalBinary(b) != nil {
			return
		}
		again, err := fm.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		// Compared by their encodings: a NaN is not equal to itself.
		var back FrontMatter
		if err := back.UnmarshalBinary(again); err != nil {
			t.Fatal(err)
		}
		if third, _ := back.MarshalBinary(); !bytes.Equal(third, again) {
			t.Fatalf("re-encoded differently:\n%#v\nwant\n%#v", back, fm)
		}
	})
}

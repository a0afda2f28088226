// Package mark ties the bytes of a finished page to the source lines that
// made them. The theme's templates and the Markdown renderer put an
// attribute, Attr, on every element they emit, naming where it comes
// from; once the page is minified, Strip takes the attributes out and
// returns the final bytes with a Map from their offsets to the sources.
// The audit judges the final bytes, and each finding's offset finds its
// source in the Map: a fact carries its origin, nothing is searched for.
package mark

import (
	"bytes"
	"html"
	"sort"
	"strconv"
	"strings"

	"github.com/certiron/certiron-site/internal/diag"
)

// Attr is the marking attribute. Its value is a Ref.
const Attr = "data-certiron-at"

// Ref is where an element comes from: a site-relative file and a
// 1-based line and column in it.
type Ref = diag.Pos

// Encode is the attribute, with its leading space, marking an element:
// data-certiron-at="FILE:LINE:COL".
func Encode(r Ref) string {
	return " " + Attr + `="` + html.EscapeString(r.File) + ":" + strconv.Itoa(r.Line) + ":" + strconv.Itoa(r.Col) + `"`
}

// Span says that the final bytes from Off on (up to the next Span) come
// from Ref.
type Span struct {
	Off int
	Ref Ref
}

// Map is a page's spans in offset order.
type Map []Span

// At returns the source of the byte at off: the last marked element that
// starts at or before it (the first one for bytes before any element).
func (m Map) At(off int) (Ref, bool) {
	if len(m) == 0 {
		return Ref{}, false
	}
	i := sort.Search(len(m), func(i int) bool { return m[i].Off > off })
	if i == 0 {
		return m[0].Ref, true
	}
	return m[i-1].Ref, true
}

var needle = []byte(" " + Attr + "=")

// Strip removes every marking attribute from page (quoted or not, as the
// minifier left it) and returns the page without them, and the Map of
// where each marked element now starts (its '<').
func Strip(page []byte) ([]byte, Map) {
	if !bytes.Contains(page, needle) {
		return page, nil
	}
	out := make([]byte, 0, len(page))
	var m Map
	for {
		i := bytes.Index(page, needle)
		if i < 0 {
			out = append(out, page...)
			return out, m
		}
		lt := bytes.LastIndexByte(page[:i], '<')
		if lt < 0 || bytes.LastIndexByte(page[:i], '>') > lt {
			// Not inside a tag: text that only looks like a marker.
			out = append(out, page[:i+len(needle)]...)
			page = page[i+len(needle):]
			continue
		}
		start := len(out) + lt
		out = append(out, page[:i]...)
		rest := page[i+len(needle):]
		val, n := value(rest)
		if r, ok := parse(val); ok {
			m = append(m, Span{Off: start, Ref: r})
		}
		page = rest[n:]
	}
}

// value reads an attribute value at the start of b, quoted or not, and
// returns it and its length in b.
func value(b []byte) (string, int) {
	if len(b) > 0 && (b[0] == '"' || b[0] == '\'') {
		if end := bytes.IndexByte(b[1:], b[0]); end >= 0 {
			return string(b[1 : 1+end]), end + 2
		}
		return "", len(b)
	}
	n := 0
	for n < len(b) && !strings.ContainsRune(" \t\n\r\f>", rune(b[n])) {
		n++
	}
	if n > 0 && b[n-1] == '/' && n < len(b) && b[n] == '>' {
		n-- // the slash of a self-closing tag, not the value's
	}
	return string(b[:n]), n
}

// parse reads FILE:LINE:COL (the file may hold colons itself).
func parse(v string) (Ref, bool) {
	v = html.UnescapeString(v)
	i := strings.LastIndexByte(v, ':')
	if i < 0 {
		return Ref{}, false
	}
	j := strings.LastIndexByte(v[:i], ':')
	if j < 0 {
		return Ref{}, false
	}
	line, err1 := strconv.Atoi(v[j+1 : i])
	col, err2 := strconv.Atoi(v[i+1:])
	if err1 != nil || err2 != nil || v[:j] == "" {
		return Ref{}, false
	}
	return Ref{File: v[:j], Line: line, Col: col}, true
}

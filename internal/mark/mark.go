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
	"fmt"
	"html"
	"iter"
	"math"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/wire"
)

// Attr is the marking attribute. Its value is a Ref.
const Attr = "data-certiron-at"

// Ref is where an element comes from: a site-relative file and a
// 1-based line and column in it.
type Ref = diag.Pos

// Encode is the attribute, with its leading space, marking an element:
// data-certiron-at=FILE:LINE:COL, unquoted, with every byte of FILE but
// letters, digits and "._/-" percent-encoded, so that the marker holds no
// quote, space or '>' (a template whose own quotes are broken stays
// broken in the same way).
func Encode(r Ref) string {
	return " " + Attr + "=" + Value(r)
}

// Raw markers stand in the raw text of a <script> or <style>, where no
// attribute can go: RawOpen, a Value written in four white-space
// characters (two bits each), RawClose. They are made only of characters
// that JavaScript and CSS read as white space and that html/template
// skips when it works out the context of what follows (so a marker never
// changes how the template is escaped), and of no newline (so line
// numbers stay the file's). They name the position of the text after
// them.
const (
	RawOpen  = "\u2028\u2029\u2028"
	RawClose = "\u2029\u2028\u2029"
)

// rawDigits are the payload's symbols, for the bit pairs 00, 01, 10, 11.
const rawDigits = " \t\f\r"

// EncodeRaw is the raw-text marker for r.
func EncodeRaw(r Ref) string {
	v := Value(r)
	b := make([]byte, 0, len(RawOpen)+4*len(v)+len(RawClose))
	b = append(b, RawOpen...)
	for i := 0; i < len(v); i++ {
		for shift := 6; shift >= 0; shift -= 2 {
			b = append(b, rawDigits[v[i]>>shift&3])
		}
	}
	return string(append(b, RawClose...))
}

// decodeRaw reads a raw marker's payload.
func decodeRaw(p []byte) (string, bool) {
	if len(p)%4 != 0 {
		return "", false
	}
	v := make([]byte, len(p)/4)
	for i := range v {
		for _, c := range p[4*i : 4*i+4] {
			d := strings.IndexByte(rawDigits, c)
			if d < 0 {
				return "", false
			}
			v[i] = v[i]<<2 | byte(d)
		}
	}
	return string(v), true
}

// Value is the marker attribute's value for r.
func Value(r Ref) string { return string(AppendValue(nil, r)) }

// AppendValue appends Value(r) to b.
func AppendValue(b []byte, r Ref) []byte {
	b = append(b, escapeFile(r.File)...)
	b = append(strconv.AppendInt(append(b, ':'), int64(r.Line), 10), ':')
	return strconv.AppendInt(b, int64(r.Col), 10)
}

// escapeFile percent-encodes every byte of a file name but letters,
// digits and "._/-"; most names need nothing, and are returned as they
// are (a marker is made for every element of every page).
func escapeFile(file string) string {
	i := 0
	for i < len(file) && safeByte(file[i]) {
		i++
	}
	if i == len(file) {
		return file
	}
	var b strings.Builder
	b.WriteString(file[:i])
	for ; i < len(file); i++ {
		if c := file[i]; safeByte(c) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func safeByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '/' || c == '-'
}

// Span says that the final bytes from Off on (up to the next Span) come
// from Ref.
type Span struct {
	Off int
	Ref Ref
	// Raw says the span is raw text (a script's or a style's) that the
	// source holds as it is, so a position inside it is Ref advanced
	// through the text; otherwise every byte of it is the element's.
	Raw bool
}

// Map is a page's spans in offset order. It is kept compact (a page has
// a span per element, and a build holds every page's spans until the
// audit): about four bytes a span, as varints of the differences from
// the span before, with no pointer; each file the spans name is listed
// once, and its name is the one string this process keeps for it. The
// zero Map has no spans.
type Map struct {
	files []string
	data  []byte
	n     int
	last  span // the last span added, which the next is written against
}

// span is a Span as a Map keeps it: file indexes files. Offsets, lines
// and columns beyond 2³¹ (no page or source comes near) are held at
// 2³¹-1, negative ones at 0.
type span struct {
	off, line, col int
	file           int
	raw            bool
}

func clamp(v int) int { return min(max(v, 0), math.MaxInt32) }

// fileNames holds one string per file name spans were made for, so
// that every page's Map names a file with the same string.
var fileNames sync.Map

func fileName(s string) string {
	if v, ok := fileNames.Load(s); ok {
		return v.(string)
	}
	c := strings.Clone(s)
	v, _ := fileNames.LoadOrStore(c, c)
	return v.(string)
}

// MapOf returns the Map of spans, in offset order.
func MapOf(spans ...Span) Map {
	var m Map
	for _, s := range spans {
		m.Add(s)
	}
	return m
}

// Add appends s, which starts at or after every span m holds.
func (m *Map) Add(s Span) {
	i := len(m.files) - 1
	for ; i >= 0 && m.files[i] != s.Ref.File; i-- {
	}
	if i < 0 {
		i = len(m.files)
		m.files = append(m.files, fileName(s.Ref.File))
	}
	m.put(span{clamp(s.Off), clamp(s.Ref.Line), clamp(s.Ref.Col), i, s.Raw})
}

func (m *Map) put(sp span) {
	f := uint64(sp.file) << 1
	if sp.raw {
		f |= 1
	}
	m.data = wire.Int(m.data, sp.off-m.last.off)
	m.data = wire.Int(m.data, sp.line-m.last.line)
	m.data = wire.Uint(m.data, uint64(sp.col))
	m.data = wire.Uint(m.data, f)
	m.last = sp
	m.n++
}

// Encoded is what m holds, as a store keeps it: the files its spans
// name, how many spans there are, and their bytes.
func (m Map) Encoded() (files []string, n int, data []byte) { return m.files, m.n, m.data }

// Decode returns the Map whose Encoded gave files, n and data, or false
// for bytes that are not n spans over those files as Add writes them
// (a damaged record), never a Map that could make At fail.
func Decode(files []string, n int, data []byte) (Map, bool) {
	m := Map{files: files, data: data, n: n}
	for i, f := range files {
		files[i] = fileName(f)
	}
	b := data
	for range n {
		sp, rest, ok := nextSpan(b, m.last)
		if !ok || sp.off != clamp(sp.off) || sp.line != clamp(sp.line) || sp.col != clamp(sp.col) || sp.file < 0 || sp.file >= len(files) {
			return Map{}, false
		}
		b, m.last = rest, sp
	}
	if len(b) != 0 {
		return Map{}, false
	}
	return m, true
}

// Len is the number of spans.
func (m Map) Len() int { return m.n }

// All yields every span, in offset order.
func (m Map) All() iter.Seq[Span] {
	return func(yield func(Span) bool) {
		for sp := range m.spans() {
			if !yield(m.span(sp)) {
				return
			}
		}
	}
}

// spans yields the spans as kept.
func (m Map) spans() iter.Seq[span] {
	return func(yield func(span) bool) {
		var sp span
		b := m.data
		for range m.n {
			sp, b, _ = nextSpan(b, sp) // put wrote them, or Decode checked them
			if !yield(sp) {
				return
			}
		}
	}
}

// nextSpan reads the span put wrote after prev at the start of b, and
// returns the rest of b; false for bytes that are no span.
func nextSpan(b []byte, prev span) (span, []byte, bool) {
	r := wire.NewReader(b)
	off, line, col, f := r.Int(), r.Int(), r.Uint(), r.Uint()
	if r.Err() != nil {
		return span{}, nil, false
	}
	return span{prev.off + off, prev.line + line, int(col), int(f >> 1), f&1 == 1}, r.Rest(), true
}

func (m Map) span(sp span) Span {
	return Span{Off: sp.off, Ref: Ref{File: m.files[sp.file], Line: sp.line, Col: sp.col}, Raw: sp.raw}
}

// Span returns the i-th span.
func (m Map) Span(i int) Span {
	j := 0
	for sp := range m.spans() {
		if j == i {
			return m.span(sp)
		}
		j++
	}
	panic(fmt.Sprintf("mark: span %d of %d", i, m.n))
}

// Spans returns every span, in offset order.
func (m Map) Spans() []Span {
	out := make([]Span, 0, m.n)
	for s := range m.All() {
		out = append(out, s)
	}
	return out
}

// At returns the source of the byte at off of page (the bytes m was made
// for): the last marked element that starts at or before it (the first
// one for bytes before any element), or, in raw text, the very line and
// column.
func (m Map) At(page []byte, off int) (Ref, bool) {
	var s Span
	have := false
	for sp := range m.spans() {
		if sp.off > off {
			if !have {
				return m.span(sp).Ref, true // bytes before any element: the first's
			}
			break
		}
		s, have = m.span(sp), true
	}
	if !have {
		return Ref{}, false
	}
	r := s.Ref
	if s.Raw && off <= len(page) {
		for _, c := range string(page[s.Off:off]) {
			if c == '\n' {
				r.Line, r.Col = r.Line+1, 1
			} else {
				r.Col++
			}
		}
	}
	return r, true
}

// Move shifts the spans that start after off by d bytes, for bytes
// replaced at off after the marks came out.
func (m *Map) Move(off, d int) {
	var moved Map
	moved.files = m.files
	moved.data = make([]byte, 0, len(m.data)+8)
	for sp := range m.spans() {
		if sp.off > off {
			sp.off = clamp(sp.off + d)
		}
		moved.put(sp)
	}
	*m = moved
}

var needle = []byte(" " + Attr + "=")

// needleHead is where the needle is common: " data-" starts at a space,
// which a page has every few bytes; what follows it almost never is.
const needleHead = len(" data-")

// indexNeedle is bytes.Index(b, needle), looking for the needle's rare
// part first (bytes.Index stops at each byte that starts the needle).
func indexNeedle(b []byte) int {
	tail := needle[needleHead:]
	for off := 0; ; {
		j := bytes.Index(b[off:], tail)
		if j < 0 {
			return -1
		}
		if k := off + j - needleHead; k >= 0 && bytes.Equal(b[k:k+needleHead], needle[:needleHead]) {
			return k
		}
		off += j + 1
	}
}

// Strip removes every marker from page (attributes, quoted or not as the
// minifier left them, and raw-text markers) and returns the page without
// them, and the Map of where each marked element (its '<') or marked
// run of raw text now starts.
func Strip(page []byte) ([]byte, Map) {
	if indexNeedle(page) < 0 && !bytes.Contains(page, rawOpen) {
		return page, Map{}
	}
	return StripTo(make([]byte, 0, len(page)), page)
}

// StripTo is Strip appending the page without its markers to dst[:0]
// (a buffer the caller reuses), which it returns grown as needed; it
// never returns page itself.
func StripTo(dst, page []byte) ([]byte, Map) {
	out := dst[:0]
	var m Map
	// The next raw-text marker, found once and kept as page advances
	// (most pages have few or none: looking for it at every marker
	// would read the rest of the page each time); -1 for none left.
	nextRaw := bytes.Index(page, rawOpen)
	for {
		if nextRaw >= 0 && nextRaw < len(page) && !bytes.HasPrefix(page[nextRaw:], rawOpen) || nextRaw >= len(page) {
			nextRaw = bytes.Index(page, rawOpen)
		}
		i, raw := indexNeedle(page), false
		if j := nextRaw; j >= 0 && (i < 0 || j < i) {
			i, raw = j, true
		}
		if i < 0 {
			out = append(out, page...)
			return out, m
		}
		if raw {
			out = append(out, page[:i]...)
			rest := page[i+len(rawOpen):]
			end := bytes.Index(rest, rawClose)
			if end < 0 {
				out = append(out, page[i:]...)
				return out, m
			}
			if v, ok := decodeRaw(rest[:end]); ok {
				if r, ok := parse(v); ok {
					m.Add(Span{Off: len(out), Ref: r, Raw: true})
				}
			}
			next := rest[end+len(rawClose):]
			nextRaw = advanced(nextRaw, len(page)-len(next), next)
			page = next
			continue
		}
		lt := bytes.LastIndexByte(page[:i], '<')
		if lt < 0 || bytes.LastIndexByte(page[:i], '>') > lt {
			// Not inside a tag: text that only looks like a marker.
			out = append(out, page[:i+len(needle)]...)
			nextRaw = advanced(nextRaw, i+len(needle), page[i+len(needle):])
			page = page[i+len(needle):]
			continue
		}
		start := len(out) + lt
		out = append(out, page[:i]...)
		rest := page[i+len(needle):]
		val, n := value(rest)
		m.add(start, val)
		nextRaw = advanced(nextRaw, len(page)-len(rest[n:]), rest[n:])
		page = rest[n:]
	}
}

// advanced is the position of the next raw-text marker in rest, the
// page after its first k bytes, given its position pos in the page: pos
// moved back by k, or found again if the marker was passed over.
func advanced(pos, k int, rest []byte) int {
	if pos < 0 {
		return -1
	}
	if pos -= k; pos < 0 {
		return bytes.Index(rest, rawOpen)
	}
	return pos
}

var rawOpen, rawClose = []byte(RawOpen), []byte(RawClose)

// value reads an attribute value at the start of b, quoted or not, and
// returns it and its length in b.
func value(b []byte) ([]byte, int) {
	if len(b) > 0 && (b[0] == '"' || b[0] == '\'') {
		if end := bytes.IndexByte(b[1:], b[0]); end >= 0 {
			return b[1 : 1+end], end + 2
		}
		return nil, len(b)
	}
	n := 0
	for n < len(b) && !endsValue(b[n]) {
		n++
	}
	if n > 0 && b[n-1] == '/' && n < len(b) && b[n] == '>' {
		n-- // the slash of a self-closing tag, not the value's
	}
	return b[:n], n
}

// endsValue reports the bytes that end an unquoted attribute value.
func endsValue(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '>'
}

// add appends the span at off for the marker value v, and reports
// whether v is one. A value as Value writes it (nothing escaped, by
// the minifier or by Value) is read where it lies, its file compared
// with the files m holds without a copy; any other goes through parse.
func (m *Map) add(off int, v []byte) bool {
	if bytes.IndexByte(v, '&') >= 0 || bytes.IndexByte(v, '%') >= 0 {
		r, ok := parse(string(v))
		if ok {
			m.Add(Span{Off: off, Ref: r})
		}
		return ok
	}
	i := bytes.LastIndexByte(v, ':')
	if i < 0 {
		return false
	}
	j := bytes.LastIndexByte(v[:i], ':')
	if j <= 0 {
		return false
	}
	line, ok1 := atoi(v[j+1 : i])
	col, ok2 := atoi(v[i+1:])
	if !ok1 || !ok2 {
		return false
	}
	file := v[:j]
	k := len(m.files) - 1
	for ; k >= 0 && m.files[k] != string(file); k-- {
	}
	if k < 0 {
		k = len(m.files)
		m.files = append(m.files, fileName(string(file)))
	}
	m.put(span{clamp(off), clamp(line), clamp(col), k, false})
	return true
}

// atoi reads a decimal number as strconv.Atoi does (a sign allowed),
// from bytes, without a copy when it is short.
func atoi(b []byte) (int, bool) {
	if len(b) > 18 {
		n, err := strconv.Atoi(string(b))
		return n, err == nil
	}
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg, b = b[0] == '-', b[1:]
	}
	if len(b) == 0 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
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
	file, err := url.PathUnescape(v[:j])
	if err1 != nil || err2 != nil || err != nil || file == "" {
		return Ref{}, false
	}
	return Ref{File: file, Line: line, Col: col}, true
}

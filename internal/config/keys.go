package config

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"github.com/certiron/certiron-site/internal/diag"
)

// BurntSushi/toml v1.6 keeps the position of every key it reads but does
// not export it (only its errors carry a position). The locator here reads
// a TOML document's structure, not its values, to say where each key is
// written: tables [a.b], arrays of tables [[a]], dotted keys, quoted keys
// and inline tables, skipping over strings (multi-line too), arrays and
// comments so that text inside a value is never taken for a key. It is
// meant for documents BurntSushi/toml has parsed without error; on others
// it stops early and never fails.

// KeyPositions returns where each key of TOML source src is first written:
// the lower-cased dotted key, each part written as toml.Key.String writes
// it ("markup.html", `params."a.b"`), → the line and column (in
// characters, from 1) of that key's last part. A table's key is at its
// first [header] or dotted key; a key in an inline table is at its own
// place. File is left empty.
func KeyPositions(src []byte) map[string]diag.Pos {
	m := map[string]diag.Pos{}
	for _, k := range scanKeys(src) {
		for i := range k.parts {
			name := strings.ToLower(k.key(i + 1).String())
			if _, ok := m[name]; !ok {
				m[name] = k.parts[i].pos
			}
		}
	}
	return m
}

// KeyPos finds where the dotted key is written in TOML source src,
// matching its parts without regard to case: the line and column of its
// last part, or of the longest part of it that is written (a key inside
// an array of inline tables). It returns 0, 0 when no part is written.
func KeyPos(src []byte, key ...string) (line, col int) {
	p := lookup(KeyPositions(src), key...)
	return p.Line, p.Col
}

// lookup returns the position of key in m (from KeyPositions), or of its
// longest prefix that m has.
func lookup(m map[string]diag.Pos, key ...string) diag.Pos {
	for n := len(key); n > 0; n-- {
		if p, ok := m[strings.ToLower(toml.Key(key[:n]).String())]; ok {
			return p
		}
	}
	return diag.Pos{}
}

// A part is one part of a key path where it is written.
type part struct {
	name string
	pos  diag.Pos
	// elem is the element of an array (of tables, or of inline tables)
	// the path goes through after this part; -1 for none.
	elem int
}

// A written is one key as written: a [table] or [[array]] header, or a
// key = value with the path of the table it is in.
type written struct {
	parts  []part
	header bool
	// elems are the positions of the elements of an array value.
	elems []diag.Pos
}

// key returns the first n parts of the path as a toml.Key.
func (w written) key(n int) toml.Key {
	k := make(toml.Key, n)
	for i := range n {
		k[i] = w.parts[i].name
	}
	return k
}

// path returns the first n parts with the array elements they go
// through, ("menus.main[1].name"), for telling keys of different
// elements apart.
func (w written) path(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.Quote(w.parts[i].name))
		if w.parts[i].elem >= 0 {
			fmt.Fprintf(&b, "[%d]", w.parts[i].elem)
		}
	}
	return b.String()
}

// scanner reads a TOML document's keys.
type scanner struct {
	src   []byte
	off   int
	lines []int // byte offset of each line's start
	keys  []written
	// arrays counts the elements of each array of tables so far, by
	// path with elements.
	arrays map[string]int
}

func scanKeys(src []byte) []written {
	s := &scanner{src: src, lines: []int{0}, arrays: map[string]int{}}
	for i, b := range src {
		if b == '\n' {
			s.lines = append(s.lines, i+1)
		}
	}
	s.document()
	return s.keys
}

// pos returns the position of byte offset off.
func (s *scanner) pos(off int) diag.Pos {
	lo, hi := 0, len(s.lines)
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if s.lines[mid] <= off {
			lo = mid
		} else {
			hi = mid
		}
	}
	return diag.Pos{Line: lo + 1, Col: utf8.RuneCount(s.src[s.lines[lo]:off]) + 1}
}

func (s *scanner) eof() bool { return s.off >= len(s.src) }

func (s *scanner) peek(str string) bool {
	return bytes.HasPrefix(s.src[s.off:], []byte(str))
}

// space skips blanks, and newlines and comments when lines is true.
func (s *scanner) space(lines bool) {
	for !s.eof() {
		switch c := s.src[s.off]; {
		case c == ' ' || c == '\t':
			s.off++
		case lines && (c == '\n' || c == '\r'):
			s.off++
		case lines && c == '#':
			s.skipLine()
		default:
			return
		}
	}
}

// skipLine moves to the start of the next line.
func (s *scanner) skipLine() {
	for !s.eof() && s.src[s.off] != '\n' {
		s.off++
	}
	if !s.eof() {
		s.off++
	}
}

// document reads headers and key = value lines to the end.
func (s *scanner) document() {
	var table []part
	for {
		s.space(true)
		if s.eof() {
			return
		}
		start := s.off
		if s.src[s.off] == '[' {
			array := s.peek("[[")
			if array {
				s.off += 2
			} else {
				s.off++
			}
			parts := s.key()
			if parts == nil {
				return
			}
			s.space(false)
			// Parts before the last go through the last element of
			// arrays of tables already defined.
			table = table[:0:0]
			for _, p := range parts {
				table = append(table, part{p.name, p.pos, -1})
				w := written{parts: table}
				if n, ok := s.arrays[w.path(len(table))]; ok {
					table[len(table)-1].elem = n - 1
				}
			}
			if array {
				table[len(table)-1].elem = -1
				w := written{parts: table}
				p := w.path(len(table))
				table[len(table)-1].elem = s.arrays[p]
				s.arrays[p]++
			}
			s.keys = append(s.keys, written{parts: append([]part(nil), table...), header: true})
			s.skipLine()
			continue
		}
		if !s.keyValue(table) {
			return
		}
		if s.off == start {
			return
		}
		s.skipLine()
	}
}

// keyValue reads key = value under the parts of its table.
func (s *scanner) keyValue(table []part) bool {
	parts := s.key()
	if parts == nil {
		return false
	}
	s.space(false)
	if s.eof() || s.src[s.off] != '=' {
		return false
	}
	s.off++
	s.space(false)
	full := append(append([]part(nil), table...), parts...)
	i := len(s.keys)
	s.keys = append(s.keys, written{parts: full})
	elems, ok := s.value(full)
	s.keys[i].elems = elems
	return ok
}

// key reads a dotted key, bare or quoted parts; nil when there is none.
func (s *scanner) key() []part {
	var parts []part
	for {
		s.space(false)
		if s.eof() {
			return nil
		}
		start := s.off
		var name string
		switch s.src[s.off] {
		case '"':
			end, ok := s.basic(s.off + 1)
			if !ok {
				return nil
			}
			raw := string(s.src[start:end])
			if u, err := strconv.Unquote(raw); err == nil {
				name = u
			} else {
				name = raw[1 : len(raw)-1]
			}
			s.off = end
		case '\'':
			end := bytes.IndexByte(s.src[s.off+1:], '\'')
			if end < 0 {
				return nil
			}
			name = string(s.src[s.off+1 : s.off+1+end])
			s.off += end + 2
		default:
			for !s.eof() && !strings.ContainsRune(" \t\r\n=.[]\"'#,{}", rune(s.src[s.off])) {
				s.off++
			}
			if s.off == start {
				return nil
			}
			name = string(s.src[start:s.off])
		}
		parts = append(parts, part{name, s.pos(start), -1})
		s.space(false)
		if s.eof() || s.src[s.off] != '.' {
			return parts
		}
		s.off++
	}
}

// basic returns the offset after the closing quote of a one-line basic
// string whose text starts at from.
func (s *scanner) basic(from int) (int, bool) {
	for i := from; i < len(s.src); i++ {
		switch s.src[i] {
		case '\\':
			i++
		case '"':
			return i + 1, true
		case '\n':
			return 0, false
		}
	}
	return 0, false
}

// value skips one value of the key path; the keys of inline tables are
// recorded. For an array it returns the positions of its elements.
func (s *scanner) value(path []part) (elems []diag.Pos, ok bool) {
	if s.eof() {
		return nil, false
	}
	switch {
	case s.peek(`"""`), s.peek(`'''`):
		q := s.src[s.off]
		s.off += 3
		for !s.eof() {
			c := s.src[s.off]
			if c == '\\' && q == '"' {
				s.off += 2
				continue
			}
			if c == q && s.peek(string([]byte{q, q, q})) {
				s.off += 3
				// Up to two more quotes belong to the string.
				for n := 0; n < 2 && !s.eof() && s.src[s.off] == q; n++ {
					s.off++
				}
				return nil, true
			}
			s.off++
		}
		return nil, false
	case s.src[s.off] == '"':
		end, ok := s.basic(s.off + 1)
		s.off = end
		return nil, ok
	case s.src[s.off] == '\'':
		end := bytes.IndexByte(s.src[s.off+1:], '\'')
		if end < 0 {
			return nil, false
		}
		s.off += end + 2
		return nil, true
	case s.src[s.off] == '[':
		s.off++
		for n := 0; ; n++ {
			s.space(true)
			if s.eof() {
				return nil, false
			}
			if s.src[s.off] == ']' {
				s.off++
				return elems, true
			}
			elems = append(elems, s.pos(s.off))
			elem := append([]part(nil), path...)
			elem[len(elem)-1].elem = n
			if _, ok := s.value(elem); !ok {
				return nil, false
			}
			s.space(true)
			if !s.eof() && s.src[s.off] == ',' {
				s.off++
			}
		}
	case s.src[s.off] == '{':
		s.off++
		for {
			s.space(true)
			if s.eof() {
				return nil, false
			}
			if s.src[s.off] == '}' {
				s.off++
				return nil, true
			}
			if !s.keyValue(path) {
				return nil, false
			}
			s.space(true)
			if !s.eof() && s.src[s.off] == ',' {
				s.off++
			}
		}
	default:
		start := s.off
		for !s.eof() && !strings.ContainsRune(" \t\r\n,]}#", rune(s.src[s.off])) {
			s.off++
		}
		// A date and a time may be apart by a space: 1979-05-27 07:32:00.
		if v := s.src[start:s.off]; len(v) == 10 && v[4] == '-' && v[7] == '-' &&
			s.off+1 < len(s.src) && s.src[s.off] == ' ' && s.src[s.off+1] >= '0' && s.src[s.off+1] <= '9' {
			s.off++
			for !s.eof() && !strings.ContainsRune(" \t\r\n,]}#", rune(s.src[s.off])) {
				s.off++
			}
		}
		return nil, s.off > start
	}
}

// duplicates reports keys that differ from a key written before only in
// case ("baseurl" after "baseURL"), which BurntSushi/toml decodes into the
// same struct field, either value winning. caseSensitive says which paths
// are decoded into maps, whose keys are kept as written. Each spelling is
// reported once, at its first place.
func duplicates(name string, keys []written, caseSensitive func(toml.Key) bool) diag.List {
	type first struct {
		path string
		key  toml.Key
		pos  diag.Pos
	}
	seen := map[string]first{}
	reported := map[string]bool{}
	var errs diag.List
	for _, k := range keys {
		for i := range k.parts {
			key := k.key(i + 1)
			if caseSensitive(key) {
				break
			}
			path := k.path(i + 1)
			lower := strings.ToLower(path)
			f, ok := seen[lower]
			if !ok {
				seen[lower] = first{path, key, k.parts[i].pos}
				continue
			}
			if f.path == path {
				continue
			}
			if !reported[path] {
				reported[path] = true
				pos := k.parts[i].pos
				pos.File = name
				errs.Add(pos, "%s duplicates %s at line %d; keep one", key, f.key, f.pos.Line)
			}
			break
		}
	}
	return errs
}

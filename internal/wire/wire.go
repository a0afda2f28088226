// Package wire is the compact binary form of the values a warm build
// reads back by the thousand from the build cache: lengths and numbers
// as varints, written by appending to a byte slice and read by a Reader
// that never panics on short or malformed input.
package wire

import (
	"encoding/binary"
	"errors"
)

// ErrMalformed is what a Reader reports for bytes no writer made.
var ErrMalformed = errors.New("malformed cache record")

// Uint appends v.
func Uint(b []byte, v uint64) []byte { return binary.AppendUvarint(b, v) }

// Int appends v.
func Int(b []byte, v int) []byte { return binary.AppendVarint(b, int64(v)) }

// Bool appends v.
func Bool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// Bytes appends s with its length.
func Bytes(b, s []byte) []byte { return append(Uint(b, uint64(len(s))), s...) }

// String appends s with its length.
func String(b []byte, s string) []byte { return append(Uint(b, uint64(len(s))), s...) }

// Strings appends ss with their count.
func Strings(b []byte, ss []string) []byte {
	b = Uint(b, uint64(len(ss)))
	for _, s := range ss {
		b = String(b, s)
	}
	return b
}

// Table writes strings that repeat (links, ids, hashes) once each: Ref
// appends a string's number in the table, and the table itself, written
// with Strings(b, t.List()) ahead of what refers to it, is read back with
// Reader.Strings and looked up with Reader.Ref.
type Table struct {
	index map[string]uint64
	list  []string
}

// Ref appends the number of s in the table, adding it if it is new.
func (t *Table) Ref(b []byte, s string) []byte {
	i, ok := t.index[s]
	if !ok {
		if t.index == nil {
			t.index = map[string]uint64{}
		}
		i = uint64(len(t.list))
		t.index[s] = i
		t.list = append(t.list, s)
	}
	return Uint(b, i)
}

// List is the table's strings, in their numbers' order.
func (t *Table) List() []string { return t.list }

// Reader reads what the append functions wrote. After the first error
// every read returns the zero value; Err reports it.
type Reader struct {
	b   []byte
	err error
}

// NewReader reads b.
func NewReader(b []byte) *Reader { return &Reader{b: b} }

// Err is the first error, or ErrMalformed if bytes are left over when
// the caller says it is done (Done).
func (r *Reader) Err() error { return r.err }

// Done reports the first error, or ErrMalformed if bytes are left.
func (r *Reader) Done() error {
	if r.err == nil && len(r.b) > 0 {
		r.err = ErrMalformed
	}
	return r.err
}

// Rest is what is left to read.
func (r *Reader) Rest() []byte { return r.b }

// Fail records ErrMalformed, for a value the caller finds out of range.
func (r *Reader) Fail() { r.err = ErrMalformed }

// Uint reads an unsigned number.
func (r *Reader) Uint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = ErrMalformed
		return 0
	}
	r.b = r.b[n:]
	return v
}

// Int reads a signed number.
func (r *Reader) Int() int {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = ErrMalformed
		return 0
	}
	r.b = r.b[n:]
	return int(v)
}

// Bool reads a flag.
func (r *Reader) Bool() bool {
	switch v := r.Uint(); v {
	case 0, 1:
		return v == 1
	}
	r.err = ErrMalformed
	return false
}

// Count reads a number of items each at least min bytes long, refusing
// one the rest of the input cannot hold.
func (r *Reader) Count(min int) int {
	n := r.Uint()
	if n > uint64(len(r.b)/min) {
		r.err = ErrMalformed
		return 0
	}
	return int(n)
}

// Bytes reads a length and that many bytes (nil for none), sharing the
// input's memory.
func (r *Reader) Bytes() []byte {
	n := r.Count(1)
	if r.err != nil || n == 0 {
		return nil
	}
	s := r.b[:n:n]
	r.b = r.b[n:]
	return s
}

// Ref reads a number Table.Ref wrote and returns its string in table.
func (r *Reader) Ref(table []string) string {
	i := r.Uint()
	if i >= uint64(len(table)) {
		r.err = ErrMalformed
		return ""
	}
	return table[i]
}

// Fixed reads n bytes written without a length (a hash), sharing the
// input's memory.
func (r *Reader) Fixed(n int) []byte {
	if r.err != nil || len(r.b) < n {
		r.err = ErrMalformed
		return nil
	}
	s := r.b[:n:n]
	r.b = r.b[n:]
	return s
}

// String reads a string.
func (r *Reader) String() string { return string(r.Bytes()) }

// Strings reads a list of strings (nil for none). They share one copy
// of the list's bytes: a string table of thousands is one allocation,
// not thousands.
func (r *Reader) Strings() []string {
	n := r.Count(1)
	if n == 0 {
		return nil
	}
	// Find the list's end, then read it again from one string.
	start := r.b
	for range n {
		r.Bytes()
	}
	if r.err != nil {
		return nil
	}
	all := string(start[:len(start)-len(r.b)])
	ss := make([]string, n)
	at := 0
	for i := range ss {
		v, k := binary.Uvarint(start[at:]) // the bytes all copied: checked above
		at += k
		ss[i] = all[at : at+int(v)]
		at += int(v)
	}
	return ss
}

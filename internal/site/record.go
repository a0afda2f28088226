package site

import (
	"encoding/binary"
	"errors"

	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/mark"
)

// A warm build reads thousands of page records from the disk cache, so
// they have a binary form of their own: lengths and numbers as varints,
// each span's file as an index into the record's list of files. It reads
// back exactly what was written (nil for an empty list, as gob does); the
// store's checksum has already refused damaged bytes, and a record that
// still does not parse is an error, never a panic.

// MarshalBinary encodes the record.
func (r pageRecord) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, len(r.Data)+16*len(r.Marks)+64)
	b = putBytes(b, r.Data)
	b = putStrings(b, r.Scripts)
	b = putStrings(b, r.Styles)
	files := map[string]uint64{}
	var names []string
	for _, s := range r.Marks {
		if _, ok := files[s.Ref.File]; !ok {
			files[s.Ref.File] = uint64(len(names))
			names = append(names, s.Ref.File)
		}
	}
	b = putStrings(b, names)
	b = binary.AppendUvarint(b, uint64(len(r.Marks)))
	prev := 0
	for _, s := range r.Marks {
		raw := uint64(0)
		if s.Raw {
			raw = 1
		}
		b = binary.AppendVarint(b, int64(s.Off-prev))
		b = binary.AppendUvarint(b, files[s.Ref.File]<<1|raw)
		b = binary.AppendVarint(b, int64(s.Ref.Line))
		b = binary.AppendVarint(b, int64(s.Ref.Col))
		prev = s.Off
	}
	b = binary.AppendUvarint(b, uint64(len(r.Warnings)))
	for _, w := range r.Warnings {
		b = putBytes(b, []byte(w.Pos.File))
		b = binary.AppendVarint(b, int64(w.Pos.Line))
		b = binary.AppendVarint(b, int64(w.Pos.Col))
		b = putBytes(b, []byte(w.Rule))
		b = putBytes(b, []byte(w.Msg))
	}
	return b, nil
}

// UnmarshalBinary decodes what MarshalBinary encoded.
func (r *pageRecord) UnmarshalBinary(b []byte) error {
	d := decoder{b: b}
	r.Data = d.bytes()
	r.Scripts = d.strings()
	r.Styles = d.strings()
	names := d.strings()
	if n := d.count(4); n > 0 {
		r.Marks = make(mark.Map, n)
		off := 0
		for i := range r.Marks {
			off += int(d.varint())
			f := d.uvarint()
			if f>>1 >= uint64(len(names)) {
				d.err = errBadRecord
				break
			}
			r.Marks[i] = mark.Span{Off: off, Ref: mark.Ref{File: names[f>>1], Line: int(d.varint()), Col: int(d.varint())}, Raw: f&1 == 1}
		}
	}
	if n := d.count(5); n > 0 {
		r.Warnings = make(diag.List, n)
		for i := range r.Warnings {
			e := &diag.Error{}
			e.Pos.File = string(d.bytes())
			e.Pos.Line, e.Pos.Col = int(d.varint()), int(d.varint())
			e.Rule, e.Msg = string(d.bytes()), string(d.bytes())
			r.Warnings[i] = e
		}
	}
	if d.err == nil && len(d.b) > 0 {
		d.err = errBadRecord
	}
	return d.err
}

var errBadRecord = errors.New("malformed page record")

func putBytes(b, s []byte) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func putStrings(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = append(binary.AppendUvarint(b, uint64(len(s))), s...)
	}
	return b
}

// decoder reads a record; after the first error every read returns zero.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errBadRecord
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errBadRecord
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a number of items each at least min bytes long, refusing
// one the rest of the record cannot hold.
func (d *decoder) count(min int) int {
	n := d.uvarint()
	if n > uint64(len(d.b)/min) {
		d.err = errBadRecord
		return 0
	}
	return int(n)
}

// bytes reads a length and that many bytes (nil for none), sharing the
// record's memory.
func (d *decoder) bytes() []byte {
	n := d.count(1)
	if d.err != nil || n == 0 {
		return nil
	}
	s := d.b[:n:n]
	d.b = d.b[n:]
	return s
}

func (d *decoder) strings() []string {
	n := d.count(1)
	if n == 0 {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = string(d.bytes())
	}
	return ss
}

package site

import (
	"crypto/sha256"

	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/mark"
	"github.com/certiron/certiron-site/internal/wire"
)

// A warm build reads thousands of page records from the disk cache, so
// they have a binary form of their own (package wire), each span's file
// an index into the record's list of files. It reads back exactly what
// was written (nil for an empty list, as gob does); the store's checksum
// has already refused damaged bytes, and a record that still does not
// parse is an error, never a panic.

// MarshalBinary encodes the record (its Sum is computed, not taken), with the SHA-256 of its Data.
func (r pageRecord) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, len(r.Data)+16*len(r.Marks)+96)
	b = wire.Bytes(b, r.Data)
	sum := sha256.Sum256(r.Data)
	b = append(b, sum[:]...)
	b = wire.Strings(b, r.Scripts)
	b = wire.Strings(b, r.Styles)
	files := map[string]uint64{}
	var names []string
	for _, s := range r.Marks {
		if _, ok := files[s.Ref.File]; !ok {
			files[s.Ref.File] = uint64(len(names))
			names = append(names, s.Ref.File)
		}
	}
	b = wire.Strings(b, names)
	b = wire.Uint(b, uint64(len(r.Marks)))
	prev := 0
	for _, s := range r.Marks {
		raw := uint64(0)
		if s.Raw {
			raw = 1
		}
		b = wire.Int(b, s.Off-prev)
		b = wire.Uint(b, files[s.Ref.File]<<1|raw)
		b = wire.Int(b, s.Ref.Line)
		b = wire.Int(b, s.Ref.Col)
		prev = s.Off
	}
	return appendDiags(b, r.Warnings), nil
}

// UnmarshalBinary decodes what MarshalBinary encoded.
func (r *pageRecord) UnmarshalBinary(b []byte) error {
	d := wire.NewReader(b)
	r.Data = d.Bytes()
	copy(r.Sum[:], d.Fixed(len(r.Sum)))
	r.Scripts = d.Strings()
	r.Styles = d.Strings()
	names := d.Strings()
	if n := d.Count(4); n > 0 {
		r.Marks = make(mark.Map, n)
		off := 0
		for i := range r.Marks {
			off += d.Int()
			f := d.Uint()
			if f>>1 >= uint64(len(names)) {
				d.Fail()
				break
			}
			r.Marks[i] = mark.Span{Off: off, Ref: mark.Ref{File: names[f>>1], Line: d.Int(), Col: d.Int()}, Raw: f&1 == 1}
		}
	}
	r.Warnings = readDiags(d)
	return d.Done()
}

func appendDiags(b []byte, l diag.List) []byte {
	b = wire.Uint(b, uint64(len(l)))
	for _, e := range l {
		b = wire.String(b, e.Pos.File)
		b = wire.Int(b, e.Pos.Line)
		b = wire.Int(b, e.Pos.Col)
		b = wire.String(b, e.Rule)
		b = wire.String(b, e.Msg)
	}
	return b
}

func readDiags(d *wire.Reader) diag.List {
	n := d.Count(5)
	if n == 0 {
		return nil
	}
	l := make(diag.List, n)
	for i := range l {
		e := &diag.Error{}
		e.Pos.File = d.String()
		e.Pos.Line, e.Pos.Col = d.Int(), d.Int()
		e.Rule, e.Msg = d.String(), d.String()
		l[i] = e
	}
	return l
}

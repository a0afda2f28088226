package site

import (
	"bytes"
	"crypto/sha256"
	"slices"

	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/mark"
	"github.com/certiron/certiron-site/internal/wire"
)

// A warm build reads thousands of page records from the disk cache, so
// they have a binary form of their own (package wire), the position
// marks as their Map keeps them. It reads back exactly what
// was written (nil for an empty list, as gob does); the store's checksum
// has already refused damaged bytes, and a record that still does not
// parse is an error, never a panic.

// MarshalBinary encodes the record (its Sum is computed, not taken), with the SHA-256 of its Data.
func (r pageRecord) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, len(r.Data)+5*r.Marks.Len()+96)
	b = wire.Bytes(b, r.Data)
	sum := sha256.Sum256(r.Data)
	b = append(b, sum[:]...)
	b = wire.Strings(b, r.Scripts)
	b = wire.Strings(b, r.Styles)
	files, n, spans := r.Marks.Encoded()
	b = wire.Strings(b, files)
	b = wire.Uint(b, uint64(n))
	b = wire.Bytes(b, spans)
	return appendDiags(b, r.Warnings), nil
}

// UnmarshalBinary decodes what MarshalBinary encoded.
func (r *pageRecord) UnmarshalBinary(b []byte) error {
	d := wire.NewReader(b)
	r.Data = d.Bytes()
	copy(r.Sum[:], d.Fixed(len(r.Sum)))
	r.Scripts = d.Strings()
	r.Styles = d.Strings()
	files := d.Strings()
	n := d.Count(4) // a span takes four bytes at least
	var ok bool
	if r.Marks, ok = mark.Decode(files, n, d.Bytes()); !ok {
		d.Fail()
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

// pageIndex is the index of a site's pages in the disk cache: what each
// rendered page is, by its key. Its inline code's hashes are the same
// few strings on every page, so they are written once and named by
// their index.
type pageIndex map[[32]byte]pageMeta

// MarshalBinary encodes the index.
func (ix pageIndex) MarshalBinary() ([]byte, error) {
	keys := make([][32]byte, 0, len(ix))
	for k := range ix {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [32]byte) int { return bytes.Compare(a[:], b[:]) })
	var table wire.Table
	strs := func(b []byte, ss []string) []byte {
		b = wire.Uint(b, uint64(len(ss)))
		for _, s := range ss {
			b = table.Ref(b, s)
		}
		return b
	}
	var body []byte
	body = wire.Uint(body, uint64(len(keys)))
	for _, k := range keys {
		m := ix[k]
		body = append(body, k[:]...)
		body = append(body, m.Sum[:]...)
		body = wire.Int(body, m.Size)
		body = strs(body, m.Scripts)
		body = strs(body, m.Styles)
		body = appendDiags(body, m.Warnings)
	}
	return append(wire.Strings(nil, table.List()), body...), nil
}

// UnmarshalBinary decodes what MarshalBinary encoded.
func (ix *pageIndex) UnmarshalBinary(b []byte) error {
	d := wire.NewReader(b)
	table := d.Strings()
	strs := func() []string {
		n := d.Count(1)
		if n == 0 {
			return nil
		}
		ss := make([]string, n)
		for i := range ss {
			ss[i] = d.Ref(table)
		}
		return ss
	}
	n := d.Count(68)
	m := make(pageIndex, n)
	for range n {
		var k [32]byte
		copy(k[:], d.Fixed(32))
		var e pageMeta
		copy(e.Sum[:], d.Fixed(32))
		e.Size = d.Int()
		e.Scripts, e.Styles = strs(), strs()
		e.Warnings = readDiags(d)
		if d.Err() != nil {
			break
		}
		m[k] = e
	}
	if err := d.Done(); err != nil {
		return err
	}
	*ix = m
	return nil
}

// fmSnapshot is the parsed front matter of a site's pages in the disk
// cache, each in its binary form, by content.FrontMatterKey.
type fmSnapshot map[[32]byte][]byte

// MarshalBinary encodes the snapshot.
func (sn fmSnapshot) MarshalBinary() ([]byte, error) {
	keys := make([][32]byte, 0, len(sn))
	size := 0
	for k, v := range sn {
		keys = append(keys, k)
		size += 34 + len(v)
	}
	slices.SortFunc(keys, func(a, b [32]byte) int { return bytes.Compare(a[:], b[:]) })
	b := wire.Uint(make([]byte, 0, size+8), uint64(len(keys)))
	for _, k := range keys {
		b = wire.Bytes(append(b, k[:]...), sn[k])
	}
	return b, nil
}

// UnmarshalBinary decodes what MarshalBinary encoded; the entries share
// b's memory.
func (sn *fmSnapshot) UnmarshalBinary(b []byte) error {
	d := wire.NewReader(b)
	n := d.Count(33)
	m := make(fmSnapshot, n)
	for range n {
		var k [32]byte
		copy(k[:], d.Fixed(32))
		m[k] = d.Bytes()
	}
	if err := d.Done(); err != nil {
		return err
	}
	*sn = m
	return nil
}

// srcSnapshot is the index of content/ in the disk cache (sourceIndex).
type srcSnapshot struct {
	made  int64
	files map[string]indexedSource
}

// MarshalBinary encodes the snapshot.
func (sn *srcSnapshot) MarshalBinary() ([]byte, error) {
	rels := make([]string, 0, len(sn.files))
	for r := range sn.files {
		rels = append(rels, r)
	}
	slices.Sort(rels)
	b := wire.Int(nil, int(sn.made))
	b = wire.Uint(b, uint64(len(rels)))
	for _, r := range rels {
		is := sn.files[r]
		b = wire.String(b, r)
		b = wire.Int(b, int(is.stamp.Size))
		b = wire.Int(b, int(is.stamp.Mtime))
		b = wire.Int(b, int(is.stamp.Ctime))
		b = wire.Uint(b, is.stamp.Ino)
		b = wire.Bytes(b, is.fm)
		b = wire.Int(b, is.bodyLine)
		b = append(b, is.sum[:]...)
	}
	return b, nil
}

// UnmarshalBinary decodes what MarshalBinary encoded; the front matter
// shares b's memory.
func (sn *srcSnapshot) UnmarshalBinary(b []byte) error {
	d := wire.NewReader(b)
	sn.made = int64(d.Int())
	n := d.Count(38)
	sn.files = make(map[string]indexedSource, n)
	for range n {
		r := d.String()
		var is indexedSource
		is.stamp.Size, is.stamp.Mtime, is.stamp.Ctime = int64(d.Int()), int64(d.Int()), int64(d.Int())
		is.stamp.Ino = d.Uint()
		is.fm = d.Bytes()
		is.bodyLine = d.Int()
		copy(is.sum[:], d.Fixed(32))
		sn.files[r] = is
	}
	return d.Done()
}

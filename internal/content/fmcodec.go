package content

import (
	"errors"
	"math"
	"sort"
	"time"

	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/wire"
)

// Parsed front matter has a binary form of its own, so that a build can
// take a page's front matter from the build cache instead of parsing it
// (ParseCached). It holds every field exactly: dates are UTC (the parser
// makes them so), and Params holds only what the parsers give once
// normalized: strings, booleans, int64, uint64, float64, UTC dates, lists
// and maps of those. Front matter holding anything else is not encoded
// (ErrNotEncodable) and is parsed every time.

// ErrNotEncodable is MarshalBinary's answer for a value it cannot hold.
var ErrNotEncodable = errors.New("front matter holds a value of a kind the cache does not keep")

// Kinds of Params values.
const (
	vNil = iota
	vString
	vTrue
	vFalse
	vInt
	vUint
	vFloat
	vTime
	vList
	vMap
)

// MarshalBinary encodes the front matter.
func (f *FrontMatter) MarshalBinary() ([]byte, error) {
	var b []byte
	for _, s := range []string{f.Title, f.Description, f.Slug, f.URL, f.Layout, f.Changes} {
		b = wire.String(b, s)
	}
	for _, t := range []time.Time{f.Date, f.Lastmod, f.Effective} {
		b = putTime(b, t)
	}
	b = wire.Bool(b, f.Draft)
	b = wire.Bool(b, f.Editorial)
	b = wire.Int(b, f.Weight)
	b = putOptBool(b, f.TOC)
	b = putOptBool(b, f.Typographer)
	b = wire.Bool(b, f.Aliases != nil)
	b = wire.Strings(b, f.Aliases)
	var err error
	if b, err = putValue(b, f.Params); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(f.Keys))
	for k := range f.Keys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b = wire.Uint(b, uint64(len(keys)))
	for _, k := range keys {
		p := f.Keys[k]
		b = wire.String(b, k)
		b = wire.String(b, p.File)
		b = wire.Int(b, p.Line)
		b = wire.Int(b, p.Col)
	}
	return b, nil
}

// UnmarshalBinary decodes what MarshalBinary encoded.
func (f *FrontMatter) UnmarshalBinary(data []byte) error {
	r := wire.NewReader(data)
	for _, s := range []*string{&f.Title, &f.Description, &f.Slug, &f.URL, &f.Layout, &f.Changes} {
		*s = r.String()
	}
	for _, t := range []*time.Time{&f.Date, &f.Lastmod, &f.Effective} {
		*t = readTime(r)
	}
	f.Draft = r.Bool()
	f.Editorial = r.Bool()
	f.Weight = r.Int()
	f.TOC = readOptBool(r)
	f.Typographer = readOptBool(r)
	hasAliases := r.Bool()
	f.Aliases = r.Strings()
	if hasAliases && f.Aliases == nil {
		f.Aliases = []string{}
	}
	params, _ := readValue(r, 0).(map[string]any)
	if params == nil {
		r.Fail()
	}
	f.Params = params
	n := r.Count(4)
	f.Keys = make(map[string]diag.Pos, n)
	file := "" // every key's file is the page's: one string for them all
	for range n {
		k := r.Bytes()
		if fb := r.Bytes(); string(fb) != file {
			file = string(fb)
		}
		f.Keys[keyName(k)] = diag.Pos{File: file, Line: r.Int(), Col: r.Int()}
	}
	return r.Done()
}

// keyName is the front matter key k as a string, without a copy for
// the keys every page has.
func keyName(k []byte) string {
	switch string(k) {
	case "title":
		return "title"
	case "description":
		return "description"
	case "date":
		return "date"
	case "lastmod":
		return "lastmod"
	case "weight":
		return "weight"
	case "draft":
		return "draft"
	case "slug":
		return "slug"
	case "url":
		return "url"
	case "aliases":
		return "aliases"
	}
	return string(k)
}

func putTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return wire.Bool(b, false)
	}
	b = wire.Bool(b, true)
	b = wire.Int(b, int(t.Unix()))
	return wire.Int(b, t.Nanosecond())
}

func readTime(r *wire.Reader) time.Time {
	if !r.Bool() {
		return time.Time{}
	}
	sec := r.Int()
	return time.Unix(int64(sec), int64(r.Int())).UTC()
}

func putOptBool(b []byte, v *bool) []byte {
	switch {
	case v == nil:
		return wire.Uint(b, 0)
	case *v:
		return wire.Uint(b, 1)
	}
	return wire.Uint(b, 2)
}

func readOptBool(r *wire.Reader) *bool {
	switch r.Uint() {
	case 0:
		return nil
	case 1:
		v := true
		return &v
	case 2:
		v := false
		return &v
	}
	r.Fail()
	return nil
}

func putValue(b []byte, v any) ([]byte, error) {
	var err error
	switch x := v.(type) {
	case nil:
		b = wire.Uint(b, vNil)
	case string:
		b = wire.String(wire.Uint(b, vString), x)
	case bool:
		if x {
			b = wire.Uint(b, vTrue)
		} else {
			b = wire.Uint(b, vFalse)
		}
	case int64:
		b = wire.Int(wire.Uint(b, vInt), int(x))
	case uint64:
		b = wire.Uint(wire.Uint(b, vUint), x)
	case float64:
		b = wire.Uint(wire.Uint(b, vFloat), math.Float64bits(x))
	case time.Time:
		if x.Location() != time.UTC {
			return nil, ErrNotEncodable
		}
		b = putTime(wire.Uint(b, vTime), x)
	case []any:
		b = wire.Uint(wire.Uint(b, vList), uint64(len(x)))
		for _, e := range x {
			if b, err = putValue(b, e); err != nil {
				return nil, err
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b = wire.Uint(wire.Uint(b, vMap), uint64(len(keys)))
		for _, k := range keys {
			b = wire.String(b, k)
			if b, err = putValue(b, x[k]); err != nil {
				return nil, err
			}
		}
	default:
		return nil, ErrNotEncodable
	}
	return b, nil
}

// maxDepth bounds the nesting readValue follows.
const maxDepth = 64

func readValue(r *wire.Reader, depth int) any {
	if depth > maxDepth {
		r.Fail()
		return nil
	}
	switch r.Uint() {
	case vNil:
		return nil
	case vString:
		return r.String()
	case vTrue:
		return true
	case vFalse:
		return false
	case vInt:
		return int64(r.Int())
	case vUint:
		return r.Uint()
	case vFloat:
		return math.Float64frombits(r.Uint())
	case vTime:
		t := readTime(r)
		if t.IsZero() {
			return time.Time{}.UTC()
		}
		return t
	case vList:
		n := r.Count(1)
		l := make([]any, n)
		for i := range l {
			l[i] = readValue(r, depth+1)
		}
		return l
	case vMap:
		n := r.Count(2)
		m := make(map[string]any, n)
		for range n {
			k := r.String()
			m[k] = readValue(r, depth+1)
		}
		return m
	}
	r.Fail()
	return nil
}

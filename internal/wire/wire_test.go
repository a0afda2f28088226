package wire

import (
	"reflect"
	"testing"
)

// TestRoundTrip: what the append functions write, a Reader reads back;
// a cut or padded input is an error, never a panic, and every read after
// the first error returns zero.
func TestRoundTrip(t *testing.T) {
	var b []byte
	b = Uint(b, 1<<40)
	b = Int(b, -7)
	b = Bool(b, true)
	b = Bytes(b, []byte("page"))
	b = String(b, "")
	b = Strings(b, []string{"a", "bc"})
	b = append(b, "0123456789abcdef"...)
	read := func(r *Reader) []any {
		return []any{r.Uint(), r.Int(), r.Bool(), r.Bytes(), r.String(), r.Strings(), r.Fixed(16)}
	}
	want := []any{uint64(1 << 40), -7, true, []byte("page"), "", []string{"a", "bc"}, []byte("0123456789abcdef")}
	r := NewReader(b)
	if got := read(r); !reflect.DeepEqual(got, want) || r.Done() != nil {
		t.Fatalf("read %v (%v), want %v", got, r.Err(), want)
	}
	for n := range len(b) {
		r := NewReader(b[:n])
		read(r)
		if r.Done() == nil {
			t.Errorf("input cut to %d of %d bytes read without an error", n, len(b))
		}
	}
	r = NewReader(append(b, 0))
	read(r)
	if r.Done() == nil {
		t.Error("a byte too many went unnoticed")
	}
	// A count larger than the input could hold is refused before any
	// allocation.
	r = NewReader(Uint(nil, 1<<62))
	if r.Strings() != nil || r.Err() == nil {
		t.Error("a huge count was accepted")
	}
	if r := NewReader([]byte{2}); r.Bool() || r.Err() == nil {
		t.Error("a flag of 2 was accepted")
	}
}

// TestTable: each string is written once and every reference reads it
// back; a number past the table is refused.
func TestTable(t *testing.T) {
	var table Table
	var body []byte
	words := []string{"a", "b", "a", "", "b", "c"}
	for _, w := range words {
		body = table.Ref(body, w)
	}
	if got := table.List(); !reflect.DeepEqual(got, []string{"a", "b", "", "c"}) {
		t.Errorf("table = %q", got)
	}
	r := NewReader(append(Strings(nil, table.List()), body...))
	list := r.Strings()
	for _, w := range words {
		if got := r.Ref(list); got != w {
			t.Errorf("Ref = %q, want %q", got, w)
		}
	}
	if r.Done() != nil {
		t.Error(r.Err())
	}
	if r := NewReader(Uint(nil, 4)); r.Ref(list) != "" || r.Err() == nil {
		t.Error("a number past the table was accepted")
	}
}

// FuzzStrings: any input either fails or reads a list whose strings are
// the input's bytes, length after length (the strings share one copy),
// and which reads back as written.
func FuzzStrings(f *testing.F) {
	f.Add([]byte{})
	f.Add(Strings(nil, []string{"", "a", string(make([]byte, 300)), "é\x00"}))
	f.Add([]byte{3, 0, 1, 'x'})
	f.Fuzz(func(t *testing.T, b []byte) {
		r := NewReader(b)
		got := r.Strings()
		if r.Err() != nil {
			return
		}
		// Each string, read the slow way.
		one := NewReader(b)
		for i := range int(one.Uint()) {
			if s := string(one.Bytes()); s != got[i] {
				t.Fatalf("string %d is %q, the input holds %q", i, got[i], s)
			}
		}
		if r := NewReader(Strings(nil, got)); !reflect.DeepEqual(r.Strings(), got) {
			t.Fatalf("%q does not read back", got)
		}
	})
}

package site

import (
	"crypto/sha256"
	"reflect"
	"testing"

	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/mark"
)

var sampleRecord = pageRecord{
	Data:    []byte("<!doctype html><p>Cookies</p><script>x()</script>"),
	Scripts: []string{"sha256-a", "sha256-b"},
	Styles:  []string{"sha256-c"},
	Marks: mark.MapOf(
		mark.Span{Off: 0, Ref: mark.Ref{File: "themes/certiron/layouts/single.html", Line: 1, Col: 1}},
		mark.Span{Off: 15, Ref: mark.Ref{File: "content/legal/cookie-policy.md", Line: 12, Col: 3}},
		mark.Span{Off: 29, Ref: mark.Ref{File: "themes/certiron/layouts/single.html", Line: 40, Col: 9}, Raw: true},
	),
	Warnings: diag.List{{Pos: diag.Pos{File: "content/legal/cookie-policy.md", Line: 3, Col: 7}, Rule: "link", Msg: "a warning"}},
}

// TestPageRecordRoundTrip: every field comes back as it was, empty lists
// as nil; every truncation of a record is an error, not a panic.
func TestPageRecordRoundTrip(t *testing.T) {
	for _, r := range []pageRecord{sampleRecord, {}, {Data: []byte("x")}} {
		b, err := r.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var got pageRecord
		if err := got.UnmarshalBinary(b); err != nil {
			t.Fatalf("UnmarshalBinary: %v", err)
		}
		r.Sum = sha256.Sum256(r.Data) // computed by MarshalBinary
		if !reflect.DeepEqual(got, r) {
			t.Errorf("round trip:\n%+v\nwant\n%+v", got, r)
		}
		for n := range len(b) {
			var short pageRecord
			if short.UnmarshalBinary(b[:n]) == nil {
				t.Errorf("a record cut to %d of %d bytes was accepted", n, len(b))
			}
		}
		if (&pageRecord{}).UnmarshalBinary(append(b, 0)) == nil {
			t.Error("a record with a byte too many was accepted")
		}
	}
}

// FuzzPageRecord: any bytes either fail to decode or decode to a record
// that encodes and decodes to itself (with its Sum computed afresh: the
// store's checksum, not the record, vouches for a stored one).
func FuzzPageRecord(f *testing.F) {
	b, _ := sampleRecord.MarshalBinary()
	f.Add(b)
	f.Add([]byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		var r pageRecord
		if r.UnmarshalBinary(b) != nil {
			return
		}
		again, err := r.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var r2 pageRecord
		r.Sum = sha256.Sum256(r.Data) // MarshalBinary computes it afresh
		if err := r2.UnmarshalBinary(again); err != nil || !reflect.DeepEqual(r, r2) {
			t.Fatalf("re-encoded record: %v\n%+v\nwant\n%+v", err, r2, r)
		}
	})
}

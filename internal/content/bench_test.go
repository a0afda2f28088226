package content

import (
	"testing"

	"github.com/certiron/certiron-site/internal/corpus"
)

func BenchmarkParse(b *testing.B) {
	src := corpus.Sample()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := Parse("content/s03/page.md", "s03/page.md", src); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}

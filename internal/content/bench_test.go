package content

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/certiron/certiron-site/internal/corpus"
)

func BenchmarkParse(b *testing.B) {
	dir := b.TempDir()
	if err := corpus.Write(dir, corpus.Options{Pages: 100, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	rel := corpus.PagePath(3, 100)
	src, err := os.ReadFile(filepath.Join(dir, "content", rel))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := Parse("content/"+rel, rel, src); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}

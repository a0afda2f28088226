package markdown

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/certiron/certiron-site/internal/content"
	"github.com/certiron/certiron-site/internal/corpus"
)

func BenchmarkConvert(b *testing.B) {
	dir := b.TempDir()
	if err := corpus.Write(dir, corpus.Options{Pages: 100, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	rel := corpus.PagePath(3, 100)
	src, err := os.ReadFile(filepath.Join(dir, "content", rel))
	if err != nil {
		b.Fatal(err)
	}
	p, _ := content.Parse("content/"+rel, rel, src)
	c := New(Options{})
	opt := ConvertOptions{Typographer: true, TOC: true, Resolve: func(d string, _ bool) (string, error) { return d, nil }}
	b.SetBytes(int64(len(p.Body)))
	b.ReportAllocs()
	for b.Loop() {
		c.Convert(p.Body, opt)
	}
}

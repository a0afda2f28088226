package markdown

import (
	"testing"

	"github.com/certiron/certiron-site/internal/content"
	"github.com/certiron/certiron-site/internal/corpus"
)

func BenchmarkConvert(b *testing.B) {
	p, errs := content.Parse("content/s03/page.md", "s03/page.md", corpus.Sample())
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	c := New(Options{})
	opt := ConvertOptions{Typographer: true, TOC: true, Resolve: func(d string, _ bool) (string, error) { return d, nil }}
	b.SetBytes(int64(len(p.Body)))
	b.ReportAllocs()
	for b.Loop() {
		c.Convert(p.Body, opt)
	}
}

package markdown

import (
	"testing"

	"github.com/certiron/certiron-site/internal/content"
	"github.com/certiron/certiron-site/internal/corpus"
)

// BenchmarkConvert converts a bench page as a build does: with the
// typographer, a table of contents and the audit's marks.
func BenchmarkConvert(b *testing.B) {
	p, errs := content.Parse("content/s03/page.md", "s03/page.md", corpus.Sample())
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	c := New(Options{})
	opt := ConvertOptions{File: p.Source, LineOffset: p.BodyLine - 1, Typographer: true, TOC: true, Marks: true, Resolve: func(d string, _ bool) (string, error) { return d, nil }}
	b.SetBytes(int64(len(p.Body)))
	b.ReportAllocs()
	for b.Loop() {
		c.Convert(p.Body, opt)
	}
}

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

// BenchmarkFrontMatterDecode: a page's front matter as the disk cache's
// index of content/ holds it, decoded (a warm build decodes every
// page's).
func BenchmarkFrontMatterDecode(b *testing.B) {
	p, errs := Parse("content/s03/page.md", "s03/page.md", corpus.Sample())
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	data, err := p.FrontMatter.MarshalBinary()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var fm FrontMatter
		if err := fm.UnmarshalBinary(data); err != nil {
			b.Fatal(err)
		}
	}
}

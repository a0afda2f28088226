package site

import (
	"testing"

	"github.com/certiron/certiron-site/internal/corpus"
)

// benchSite writes an n-page corpus with the real theme.
func benchSite(b testing.TB, n int) string {
	b.Helper()
	dir := b.TempDir()
	if err := corpus.Write(dir, corpus.Options{Pages: n, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	copyTree(b, repoRoot+"/themes", dir+"/themes")
	return dir
}

func benchmarkBuild(b *testing.B, n int) {
	dir := benchSite(b, n)
	b.ReportAllocs()
	for b.Loop() {
		res := Build(Options{Root: dir})
		if len(res.Errors) > 0 {
			b.Fatal(res.Errors)
		}
	}
	b.ReportMetric(float64(n), "pages")
}

func BenchmarkBuild100(b *testing.B)  { benchmarkBuild(b, 100) }
func BenchmarkBuild1000(b *testing.B) { benchmarkBuild(b, 1000) }

// benchmarkRebuildOnePage measures the dev server's rebuild after one
// page changed, with the previous build's work kept: the build, the
// audit, everything but the watcher's debounce. The page and the section
// list that shows it are rendered again.
func benchmarkRebuildOnePage(b *testing.B, n int) {
	dir := benchSite(b, n)
	bd := New(Options{Root: dir, Preview: true}, true)
	if res := bd.Build(); len(res.Errors) > 0 {
		b.Fatal(res.Errors)
	}
	page := dir + "/content/" + corpus.PagePath(7, n)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		appendLine(b, page, i)
		res := bd.Rebuild([]string{page})
		if len(res.Errors) > 0 || res.Rendered != 2 {
			b.Fatalf("rebuild rendered %d pages, errors %v", res.Rendered, res.Errors)
		}
	}
}

func BenchmarkRebuildOnePage(b *testing.B)      { benchmarkRebuildOnePage(b, 1000) }
func BenchmarkRebuildOnePage10000(b *testing.B) { benchmarkRebuildOnePage(b, 10000) }

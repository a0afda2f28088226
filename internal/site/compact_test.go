package site

import (
	"bytes"
	"path"
	"testing"

	"github.com/certiron/certiron-site/internal/corpus"
	"github.com/certiron/certiron-site/internal/minify"
)

// TestCompactPagesMeanTheSame: pages made from the theme's files
// minified as it loads, their blocks compacted, mean what the pages
// minified whole mean: minified whole again, each is byte for byte the
// page the whole-page minifier made, on the real site, on the fixture
// with every construct, and on a bench corpus. And they are no more than
// a little larger: the joins where an action's output meets the text
// keep a space or newline the whole-page minifier could take out.
func TestCompactPagesMeanTheSame(t *testing.T) {
	corpusDir := t.TempDir()
	if err := corpus.Write(corpusDir, corpus.Options{Pages: 60, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	copyTree(t, repoRoot+"/themes", corpusDir+"/themes")
	for name, root := range map[string]string{
		"real site":      repoSite(t),
		"all constructs": extract(t, "testdata/sites/all-constructs.txtar"),
		"corpus":         corpusDir,
	} {
		whole := Build(Options{Root: root, MinifyWhole: true})
		fast := Build(Options{Root: root})
		if len(whole.Errors) > 0 || len(fast.Errors) > 0 {
			t.Fatalf("%s: %v %v", name, whole.Errors, fast.Errors)
		}
		var pages, oldSize, newSize int
		for _, p := range whole.Files.Paths() {
			if path.Ext(p) != ".html" {
				continue
			}
			want, _ := whole.Files.Get(p).Bytes()
			got, _ := fast.Files.Get(p).Bytes()
			again, err := minify.Page(bytes.Clone(got))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, want) {
				t.Errorf("%s: %s minified whole differs from the page minified whole:\n got %q\nwant %q", name, p, again, want)
			}
			pages++
			oldSize += len(want)
			newSize += len(got)
		}
		if pages == 0 {
			t.Fatalf("%s: no pages", name)
		}
		// At most 0.5% larger.
		if newSize*1000 > oldSize*1005 {
			t.Errorf("%s: %d pages are %d bytes, minified whole %d", name, pages, newSize, oldSize)
		}
		t.Logf("%s: %d pages, %d bytes (minified whole: %d)", name, pages, newSize, oldSize)
	}
}

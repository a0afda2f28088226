package site

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/certiron/certiron-site/internal/output"
)

// TestOneOffBuildLetsPagesGo: a one-off build whose pages are written as
// they are rendered keeps, for each, the writer's stand-in, which holds
// none of its bytes; a finding in such a page is still placed at the
// Markdown line that made it (its bytes read back from where they were
// written), and the output is that of a build that holds everything.
func TestOneOffBuildLetsPagesGo(t *testing.T) {
	root := legalSite(t)
	writeFile(t, root+"/content/a.md", []byte("+++\ntitle = \"A\"\n+++\nIntro.\n\nSee [the part](/b/#part).\n"))
	writeFile(t, root+"/content/b.md", []byte("+++\ntitle = \"B\"\n+++\n## Whole\n\nText.\n"))
	dest := filepath.Join(t.TempDir(), "public")
	build := func() (*Result, *output.Writer) {
		w, err := output.NewWriter(dest, nil)
		if err != nil {
			t.Fatal(err)
		}
		return Build(Options{Root: root, Emit: w.Emit}), w
	}
	res, w := build()
	w.Abort()
	found := false
	for _, e := range res.Errors {
		found = found || e.Pos.File == "content/a.md" && e.Pos.Line == 6 && e.Pos.Col > 0
	}
	if !found {
		t.Errorf("the broken anchor is not reported at content/a.md:6: %v", res.Errors)
	}

	writeFile(t, root+"/content/b.md", []byte("+++\ntitle = \"B\"\n+++\n## Part\n\nText.\n"))
	res, w = build()
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	for _, p := range []string{"a/index.html", "b/index.html", "legal/terms/index.html"} {
		if f := res.Files.Get(p); f == nil || !f.IsLazy() || f.Data != nil {
			t.Errorf("%s: the build kept its bytes", p)
		}
	}
	whole := Build(Options{Root: root})
	if !equalSets(whole.Files, res.Files) {
		t.Error("the stand-ins read other bytes than a build that keeps every page")
	}
	if _, err := w.Commit(res.Files); err != nil {
		t.Fatal(err)
	}
	for _, f := range whole.Files.Files() {
		if data, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(f.Path))); err != nil || string(data) != string(f.Data) {
			t.Errorf("%s in the output differs from the build's (%v)", f.Path, err)
		}
	}
}

package corpus_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/certiron/certiron-site/internal/corpus"
	"github.com/certiron/certiron-site/internal/site"
)

// TestDeterministic: the same options give the same bytes, another seed
// other bytes, and Sample is page 3 of a 100-page corpus with seed 1.
func TestDeterministic(t *testing.T) {
	opt := corpus.Options{Pages: 60, Seed: 1}
	a, b := corpus.Files(opt), corpus.Files(opt)
	if len(a) != len(b) {
		t.Fatalf("Files gave %d files, then %d", len(a), len(b))
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("Files(%+v)[%q] differs between two calls", opt, name)
		}
	}
	other := corpus.Files(corpus.Options{Pages: 60, Seed: 2})
	if p := "content/" + corpus.PagePath(5, 60); bytes.Equal(a[p], other[p]) {
		t.Errorf("%s is the same with seeds 1 and 2", p)
	}
	hundred := corpus.Files(corpus.Options{Pages: 100, Seed: 1})
	if got := corpus.Sample(); !bytes.Equal(got, hundred["content/"+corpus.PagePath(3, 100)]) {
		t.Errorf("Sample() is not page 3 of a 100-page corpus with seed 1")
	}

	dir := t.TempDir()
	if err := corpus.Write(dir, opt); err != nil {
		t.Fatal(err)
	}
	for name, data := range a {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("Write wrote %s differently from Files (%v)", name, err)
		}
	}
}

// TestConstructs: a small corpus's Markdown holds every construct the
// renderer supports, so that a benchmark on it exercises them all.
func TestConstructs(t *testing.T) {
	var all strings.Builder
	files := corpus.Files(corpus.Options{Pages: 40, Seed: 1})
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if strings.HasSuffix(name, ".md") {
			all.Write(files[name])
		}
	}
	md := all.String()
	for _, want := range []string{
		"| :--- | :---: | ---: | --- |", // every table alignment
		"[^1]", "[^1]: ", "[^n2]",       // footnotes
		"- [x] ", "- [ ] ", // task lists
		"~~", "<https://", "<support@", "www.example.org", // strikethrough, autolinks
		`"`, "'", "--", "---", "...", "n't", // the typographer's input
		"<br>", "<sub>", "<sup>", `<abbr title="`, "<kbd>", "<mark>", "<small>",
		"<details>", "<summary>", "<dl>", "<dt>", "<dd>", "<ins>", "<del>", // the safe raw HTML
		"{#scope}", "{#retention}", "{#obligations}", "{#note-1}", // explicit ids
		".md#scope)", ".md#retention)", "](#", // links with anchors
		"](diagram.svg)", "](chart.png ", // images in a bundle
		"\n: ",                                      // a definition list
		"```go\n",                                   // fenced code
		"\n> ",                                      // a block quote
		"\n1. ",                                     // an ordered list
		"  \n",                                      // a hard line break
		"toc = true", "aliases = [", "effective = ", // front matter
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the corpus has no %q", want)
		}
	}
	for _, name := range []string{"content/legal/_index.md", "content/legal/cookie-policy.md", "content/legal/privacy.md"} {
		if files[name] == nil {
			t.Errorf("the corpus has no %s", name)
		}
	}
	bundle := "content/" + filepath.ToSlash(filepath.Dir(corpus.PagePath(9, 40)))
	for _, f := range []string{"/index.md", "/diagram.svg", "/chart.png"} {
		if files[bundle+f] == nil {
			t.Errorf("the bundle %s has no %s", bundle, f)
		}
	}
}

// TestBuilds: every page of a small corpus builds with the real theme,
// with no error and no warning, and the site publishes the pages Plan
// lists, the aliases as redirects beside them.
func TestBuilds(t *testing.T) {
	dir := t.TempDir()
	opt := corpus.Options{Pages: 120, Seed: 3}
	if err := corpus.Write(dir, opt); err != nil {
		t.Fatal(err)
	}
	if err := corpus.CopyDir(filepath.Join("..", "..", "themes"), filepath.Join(dir, "themes")); err != nil {
		t.Fatal(err)
	}
	res := site.Build(site.Options{Root: dir})
	for _, e := range res.Errors {
		t.Errorf("error: %v", e)
	}
	for _, w := range res.Warnings {
		t.Errorf("warning: %v", w)
	}
	if t.Failed() {
		t.FailNow()
	}
	plan := corpus.Plan(opt)
	if res.Pages < len(plan.Pages) {
		t.Errorf("built %d pages, want at least %d", res.Pages, len(plan.Pages))
	}
	for _, u := range plan.Pages {
		p := strings.TrimPrefix(u, "/") + "index.html"
		if res.Files.Get(p) == nil {
			t.Errorf("no %s in the output", p)
		}
	}
	// On the default host (Cloudflare Pages) aliases are redirects.
	redirects := res.Files.Get("_redirects")
	for _, u := range plan.Aliases {
		if redirects == nil || !strings.Contains(string(redirects.Data), u+" ") {
			t.Errorf("no redirect from %s in _redirects", u)
		}
	}
	var html int
	for _, p := range res.Files.Paths() {
		if strings.HasSuffix(p, ".html") && p != "404.html" {
			html++
		}
	}
	if want := len(plan.Pages); html != want {
		t.Errorf("the output has %d HTML files besides 404.html, want %d pages", html, want)
	}
	if f := res.Files.Get(strings.TrimPrefix(corpus.PageURL(9, opt.Pages), "/") + "chart.png"); f == nil {
		t.Errorf("the bundle's image %schart.png is not published", corpus.PageURL(9, opt.Pages))
	}
}

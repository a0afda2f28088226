package site

import (
	"bytes"
	"os"
	"path"
	"strings"
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
		"odd theme":      extract(t, "testdata/sites/odd-theme.txtar"),
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

// TestThemeKeptAcrossRebuilds: a rebuild takes the theme the last build
// loaded when its layouts did not change, and its functions then work
// for the rebuild (a new baseURL reaches every canonical link); an edited
// layout is loaded again.
func TestThemeKeptAcrossRebuilds(t *testing.T) {
	root := repoSite(t)
	bd := New(Options{Root: root}, true)
	if r := bd.Build(); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	first := bd.cache.theme
	if first == nil {
		t.Fatal("a kept build kept no theme")
	}
	cfg := root + "/config.toml"
	data, _ := os.ReadFile(cfg)
	writeFile(t, cfg, bytes.Replace(data, []byte(`baseURL = "https://certiron.io/"`), []byte(`baseURL = "https://example.net/docs/"`), 1))
	r := bd.Rebuild([]string{cfg})
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	if bd.cache.theme != first {
		t.Error("an unchanged theme was loaded again")
	}
	home, _ := r.Files.Get("index.html").Bytes()
	if !bytes.Contains(home, []byte(`<link rel="canonical" href="https://example.net/docs/">`)) || !bytes.Contains(home, []byte(`href="/docs/favicon.svg"`)) {
		t.Errorf("the kept theme's functions still answer for the last build:\n%s", home)
	}

	head := root + "/themes/certiron/layouts/partials/head.html"
	src, _ := os.ReadFile(head)
	writeFile(t, head, bytes.Replace(src, []byte(`<meta name="color-scheme" content="light dark">`), []byte(`<meta name="color-scheme" content="light">`), 1))
	r = bd.Rebuild([]string{head})
	if len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	if bd.cache.theme == first {
		t.Error("an edited theme was not loaded again")
	}
	home, _ = r.Files.Get("index.html").Bytes()
	if !bytes.Contains(home, []byte(`<meta name="color-scheme" content="light">`)) {
		t.Errorf("the edited layout is not in the page:\n%s", home)
	}

	// A rebuild told of a content file alone does not read the theme
	// again (as it reads no content file it was not told of): a layout
	// edit waits for the rebuild that names it.
	second := bd.cache.theme
	writeFile(t, head, src)
	about := root + "/content/_index.md"
	appendTo(t, about, "\nMore.\n")
	if r = bd.Rebuild([]string{about}); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	if bd.cache.theme != second {
		t.Error("a rebuild of a content file read the theme again")
	}
	if r = bd.Rebuild([]string{head}); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	if bd.cache.theme == second {
		t.Error("a layout edit, named, did not load the theme again")
	}
}

// TestRebuildViewsFollowEdits: a rebuild takes the URLs and keys of an
// unchanged page from the last build's view of it, never those of a
// page that changed: a new title (from front matter, or from the first
// heading of a page without one) reaches the page and its section's list.
func TestRebuildViewsFollowEdits(t *testing.T) {
	root := repoSite(t)
	writeFile(t, root+"/content/docs/_index.md", []byte("+++\ntitle = \"Docs\"\n+++\nAll.\n"))
	writeFile(t, root+"/content/docs/a.md", []byte("+++\ntitle = \"Alpha\"\n+++\nA.\n"))
	writeFile(t, root+"/content/docs/b.md", []byte("# Beta\n\nB.\n"))
	bd := New(Options{Root: root}, true)
	if r := bd.Build(); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	for _, edit := range []struct{ file, text, want string }{
		{"a.md", "+++\ntitle = \"Alpha two\"\n+++\nA.\n", "Alpha two"},
		{"b.md", "# Beta two\n\nB.\n", "Beta two"},
	} {
		f := root + "/content/docs/" + edit.file
		writeFile(t, f, []byte(edit.text))
		r := bd.Rebuild([]string{f})
		if len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		list, _ := r.Files.Get("docs/index.html").Bytes()
		page, _ := r.Files.Get("docs/" + strings.TrimSuffix(edit.file, ".md") + "/index.html").Bytes()
		if !bytes.Contains(list, []byte(">"+edit.want+"</a>")) || !bytes.Contains(page, []byte("<title>"+edit.want+" · ")) {
			t.Errorf("after editing %s, %q is not in the list or the page:\n%s\n%s", edit.file, edit.want, list, page)
		}
	}
}

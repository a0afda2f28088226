package site

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/certiron/certiron-site/internal/output"
	"github.com/certiron/certiron-site/internal/store"
)

// TestDiskCache: a build with a warm persistent cache is byte-identical
// to a clean build without one, and takes its pages from the cache; a
// corrupt or truncated entry is detected and never trusted; a changed
// page is rendered afresh.
func TestDiskCache(t *testing.T) {
	root := legalSite(t) // versions, redlines and a feed too
	writeFile(t, root+"/content/about.md", []byte("+++\ntitle = \"About\"\n+++\nAbout us.\n"))
	dir := t.TempDir()
	open := func() *store.Store {
		s, err := store.Open(store.Options{Dir: dir, Version: "test"})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	clean := Build(Options{Root: root})
	if len(clean.Errors) > 0 {
		t.Fatal(clean.Errors)
	}
	cold := Build(Options{Root: root, Cache: open()})
	warmStore := open()
	warm := Build(Options{Root: root, Cache: warmStore})
	if !equalSets(clean.Files, cold.Files) || !equalSets(clean.Files, warm.Files) {
		t.Fatal("builds with a cache differ from a build without one")
	}
	// Every page, the pages' front matter, the index of content/, the
	// sitemap and the audit's facts come from the cache: nothing is
	// rendered, and no file is audited afresh.
	if st := warmStore.Stats(); st.Hits != warm.Pages+4 || warm.Cached != warm.Pages || warm.Rendered != 0 || warm.Audited != 0 {
		t.Errorf("warm build: %d hits, %d cached, %d rendered, %d audited, want %d hits, %d cached and none rendered or audited", st.Hits, warm.Cached, warm.Rendered, warm.Audited, warm.Pages+4, warm.Pages)
	}
	if cold.Audited != cold.Files.Len() {
		t.Errorf("cold build audited %d of %d files", cold.Audited, cold.Files.Len())
	}
	// Damage every entry: each is a miss, and the output is the same.
	n := 0
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() != "usage" { // not the size ledger
			data, _ := os.ReadFile(p)
			if n%2 == 0 {
				data = data[:len(data)/2] // truncated
			} else {
				data[len(data)-1] ^= 0xff // a flipped byte
			}
			os.WriteFile(p, data, 0o644)
			n++
		}
		return nil
	})
	damagedStore := open()
	damaged := Build(Options{Root: root, Cache: damagedStore})
	if !equalSets(clean.Files, damaged.Files) {
		t.Error("a build over damaged cache entries differs from a clean build")
	}
	if st := damagedStore.Stats(); st.Hits != 0 || st.Corrupt != n {
		t.Errorf("damaged cache: %d hits, %d corrupt, want 0 and %d", st.Hits, st.Corrupt, n)
	}
	// One page changes: it is rendered again, with the pages that list
	// it; the rest come from the cache.
	writeFile(t, root+"/content/about.md", []byte("+++\ntitle = \"About\"\n+++\nAbout us, changed.\n"))
	changedStore := open()
	changed := Build(Options{Root: root, Cache: changedStore})
	fresh := Build(Options{Root: root})
	if !equalSets(fresh.Files, changed.Files) {
		t.Error("a build after a change, with the cache, differs from one without")
	}
	// Only the changed page's bytes are new: the home page lists its
	// title, which did not change.
	if changed.Audited != 1 {
		t.Errorf("after one page changed, %d files were audited afresh, want 1", changed.Audited)
	}
	if changed.Rendered != 2 {
		t.Errorf("after one page changed, %d pages were rendered, want 2 (it and the home page listing it)", changed.Rendered)
	}
	// Its front matter changes: the sitemap says so, as one made
	// without the cache does.
	writeFile(t, root+"/content/about.md", []byte("+++\ntitle = \"About\"\nlastmod = 2026-03-04\n+++\nAbout us, changed.\n"))
	dated := Build(Options{Root: root, Cache: open()})
	if sm := dated.Files.Get("sitemap.xml"); sm == nil || !bytes.Contains(sm.Data, []byte("<lastmod>2026-03-04</lastmod>")) {
		t.Error("the sitemap after a page's lastmod changed does not give it")
	}
	if !equalSets(Build(Options{Root: root}).Files, dated.Files) {
		t.Error("a build after a change of lastmod, with the cache, differs from one without")
	}
}

// ageSources makes the disk cache's index of content/ for root look
// taken three seconds later, past the window in which a stamp is not
// trusted, as the next build would find it in use.
func ageSources(t *testing.T, s *store.Store, root string) {
	t.Helper()
	var snap srcSnapshot
	if !s.Get("sources", siteFileKey("sources", root), &snap) {
		t.Fatal("no index of content/ in the cache")
	}
	snap.made += int64(3 * time.Second)
	s.Put("sources", siteFileKey("sources", root), &snap)
}

// TestUnreadSources: a build with the disk cache's index of content/
// reads no page file that did not change (legal pages, whose history is
// read from their text, and pages without a title excepted), and its
// output is a clean build's; an edited file is read again.
func TestUnreadSources(t *testing.T) {
	root := legalSite(t)
	writeFile(t, root+"/content/about.md", []byte("+++\ntitle = \"About\"\n+++\nAbout us, [to the terms](/legal/).\n"))
	writeFile(t, root+"/content/untitled.md", []byte("# A heading for a title\n\nText.\n"))
	s, err := store.Open(store.Options{Dir: t.TempDir(), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if r := Build(Options{Root: root, Cache: s}); len(r.Errors) > 0 || r.Unread != 0 {
		t.Fatalf("first build: %d unread, %v", r.Unread, r.Errors)
	}
	ageSources(t, s, root)
	warm := Build(Options{Root: root, Cache: s})
	if !equalSets(Build(Options{Root: root}).Files, warm.Files) {
		t.Error("a build of unread sources differs from a clean build")
	}
	// about.md and legal/_index.md are indexed; the legal pages, the
	// home page and untitled.md (which take their titles from their
	// text) are read.
	indexed := warm.Unread
	if indexed != 2 {
		t.Errorf("%d of %d pages unread, want 2", indexed, warm.Pages)
	}
	writeFile(t, root+"/content/about.md", []byte("+++\ntitle = \"About\"\n+++\nAbout us, changed.\n"))
	ageSources(t, s, root)
	changed := Build(Options{Root: root, Cache: s})
	if !equalSets(Build(Options{Root: root}).Files, changed.Files) {
		t.Error("after an edit, a build with the index differs from a clean build")
	}
	if changed.Unread != indexed-1 {
		t.Errorf("after about.md changed, %d pages unread, want %d", changed.Unread, indexed-1)
	}
	if !bytes.Contains(changed.Files.Get("about/index.html").Data, []byte("About us, changed.")) {
		t.Error("the edited page was not read again")
	}
}

// TestAuditSnapshotAfterSharedTarget: an edit to a page every page links
// to (the legal index, in every footer) makes the audit check every
// page's links again, though it reads one file afresh. The disk cache's
// snapshot must then be saved again, or every later build checks them
// all again, for as long as no build reads many files afresh.
func TestAuditSnapshotAfterSharedTarget(t *testing.T) {
	root := benchSite(t, 300)
	dir := t.TempDir()
	build := func() *Result {
		t.Helper()
		s, err := store.Open(store.Options{Dir: dir, Version: "test"})
		if err != nil {
			t.Fatal(err)
		}
		res := Build(Options{Root: root, Cache: s})
		if len(res.Errors) > 0 {
			t.Fatal(res.Errors)
		}
		return res
	}
	filled := build()
	appendLine(t, root+"/content/legal/_index.md", 1)
	edited := build()
	if edited.Audited != 1 || edited.Rechecked < filled.Pages {
		t.Errorf("after the legal index changed: %d files read afresh and %d rechecked, want 1 and every page's (%d)", edited.Audited, edited.Rechecked, filled.Pages)
	}
	// Nothing changed since: every answer is the last build's.
	if again := build(); again.Audited != 0 || again.Rechecked != 0 {
		t.Errorf("a build after it, with nothing changed: %d files read afresh and %d rechecked, want none", again.Audited, again.Rechecked)
	}
}

// TestUnreadCopies: with the disk cache's index of the sources and the
// output the last build left, a build reads none of the unchanged files
// published as they are (static/ and a bundle's), and its output is a
// clean build's; a file changed in the sources, or in the output by
// hand, is read and written again.
func TestUnreadCopies(t *testing.T) {
	root := legalSite(t)
	writeFile(t, root+"/static/robots-note.txt", []byte("static file\n"))
	writeFile(t, root+"/content/guide/index.md", []byte("+++\ntitle = \"Guide\"\n+++\n![A chart](chart.svg)\n"))
	writeFile(t, root+"/content/guide/chart.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>`))
	s, err := store.Open(store.Options{Dir: t.TempDir(), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "public")
	prev := output.NewManifest() // none yet
	build := func() *Result {
		t.Helper()
		w, err := output.NewWriter(dest, prev)
		if err != nil {
			t.Fatal(err)
		}
		res := Build(Options{Root: root, Cache: s, Output: w, Emit: w.Emit})
		if len(res.Errors) > 0 {
			w.Abort()
			t.Fatal(res.Errors)
		}
		st, err := w.Commit(res.Files)
		if err != nil {
			t.Fatal(err)
		}
		// As the next build finds them in use: past the window in which
		// a stamp just taken is not trusted.
		st.Manifest.Made += int64(3 * time.Second)
		prev = st.Manifest
		ageSources(t, s, root)
		return res
	}
	same := func(what string) {
		t.Helper()
		for _, f := range Build(Options{Root: root}).Files.Files() {
			if data, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(f.Path))); err != nil || !bytes.Equal(data, f.Data) {
				t.Errorf("%s: %s in the output differs from a clean build's (%v)", what, f.Path, err)
			}
		}
	}
	if r := build(); r.UnreadCopies != 0 {
		t.Fatalf("first build: %d copies unread", r.UnreadCopies)
	}
	// The theme's favicon.svg, static/robots-note.txt, the bundle's
	// chart.svg.
	if r := build(); r.UnreadCopies != 3 {
		t.Errorf("with the index and the output: %d copies unread, want 3", r.UnreadCopies)
	}
	same("unread copies")
	writeFile(t, root+"/static/robots-note.txt", []byte("static file, changed\n"))
	writeFile(t, filepath.Join(dest, "guide/chart.svg"), []byte(`<svg xmlns="http://www.w3.org/2000/svg"></svg>`))
	if r := build(); r.UnreadCopies != 1 {
		t.Errorf("after a change in the sources and one in the output: %d copies unread, want 1 (the favicon)", r.UnreadCopies)
	}
	same("copies changed")
}

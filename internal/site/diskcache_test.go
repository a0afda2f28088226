package site

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

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
	// Every page, the pages' front matter and the audit's facts come
	// from the cache: nothing is rendered, and no file is audited afresh.
	if st := warmStore.Stats(); st.Hits != warm.Pages+2 || warm.Cached != warm.Pages || warm.Rendered != 0 || warm.Audited != 0 {
		t.Errorf("warm build: %d hits, %d cached, %d rendered, %d audited, want %d hits, %d cached and none rendered or audited", st.Hits, warm.Cached, warm.Rendered, warm.Audited, warm.Pages+2, warm.Pages)
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
}

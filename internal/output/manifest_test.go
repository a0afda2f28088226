package output

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"
)

// TestManifest: a build given a manifest returns one that vouches for
// every file it left, once the racy window has passed; a file changed
// by hand is never vouched for, even with its size and mtime put back,
// and the next build rewrites it; the manifest survives encoding.
func TestManifest(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	files := map[string]string{"index.html": "home", "a/index.html": "page a", "b/index.html": "page b"}
	w, err := NewWriter(dest, NewManifest())
	if err != nil {
		t.Fatal(err)
	}
	st, err := w.Commit(set(files))
	if err != nil {
		t.Fatal(err)
	}
	m := st.Manifest
	if m == nil || len(m.Files) != 3 {
		t.Fatalf("manifest = %+v", m)
	}
	vouched := func(m *Manifest, p string) bool {
		full := filepath.Join(dest, filepath.FromSlash(p))
		fi, err := os.Lstat(full)
		if err != nil {
			t.Fatal(err)
		}
		f := &File{Path: p, Data: []byte(files[p])}
		return m.holds(p, fi, f.Sum)
	}
	if vouched(m, "index.html") {
		t.Error("a file written within the racy window was vouched for")
	}
	m.Made += int64(3 * time.Second) // as if taken later
	for p := range files {
		if !vouched(m, p) {
			t.Errorf("%s is not vouched for", p)
		}
	}
	if (&Manifest{Made: m.Made, Files: m.Files}).holds("index.html", mustLstat(t, filepath.Join(dest, "a/index.html")), (&File{Data: []byte("home")}).Sum) {
		t.Error("one file's stamp vouched for another")
	}
	// Changed by hand, size and mtime put back.
	a := filepath.Join(dest, "a/index.html")
	fi := mustLstat(t, a)
	if err := os.WriteFile(a, []byte("PAGE A"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(a, fi.ModTime(), fi.ModTime())
	if vouched(m, "a/index.html") {
		t.Fatal("a file changed by hand was vouched for")
	}
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back Manifest
	if err := back.UnmarshalBinary(b); err != nil || !reflect.DeepEqual(&back, m) {
		t.Fatalf("round trip = %+v, %v, want %+v", back, err, m)
	}
	if (&Manifest{}).UnmarshalBinary(b[:len(b)-1]) == nil {
		t.Error("a cut manifest was accepted")
	}
	w, err = NewWriter(dest, &back)
	if err != nil {
		t.Fatal(err)
	}
	st, err = w.Commit(set(files))
	if err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(a); string(data) != "page a" || st.Written != 1 || st.Unchanged != 2 {
		t.Errorf("after a hand edit: a/index.html = %q, stats %+v; want it rewritten", data, st)
	}
}

func mustLstat(t *testing.T, name string) os.FileInfo {
	t.Helper()
	fi, err := os.Lstat(name)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

// TestListTrustsFolders: a listing that trusts the manifest's folder
// stamps finds what reading every folder finds, including a file put
// into a folder by hand afterwards, and a new folder.
func TestListTrustsFolders(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	w, err := NewWriter(dest, NewManifest())
	if err != nil {
		t.Fatal(err)
	}
	st, err := w.Commit(set(map[string]string{"index.html": "home", "a/index.html": "a", "a/b/index.html": "b", "c/d/e/index.html": "e"}))
	if err != nil {
		t.Fatal(err)
	}
	m := st.Manifest
	m.Made += int64(3 * time.Second)
	if len(m.Dirs) != 5 {
		t.Errorf("manifest folders = %v, want a, a/b, c, c/d, c/d/e", m.Dirs)
	}
	same := func(what string) {
		t.Helper()
		got, want := list(dest, nil, m), list(dest, nil, nil)
		sort.Strings(got.files)
		sort.Strings(want.files)
		sort.Strings(got.dirs)
		sort.Strings(want.dirs)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: trusting listing %+v, reading listing %+v", what, got, want)
		}
	}
	same("unchanged")
	if err := os.WriteFile(filepath.Join(dest, "a/b/by-hand.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dest, "c/d/new"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dest, "c/d/new/x.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	same("after files and a folder were added by hand")
	if l := list(dest, nil, m); !slices.Contains(l.files, "a/b/by-hand.txt") || !slices.Contains(l.files, "c/d/new/x.txt") {
		t.Errorf("the files added by hand are not listed: %v", l.files)
	}
}

// TestManifestFolders: after a change in place (a file changed, a folder
// made, one removed), every folder's stamp in the new manifest is the
// folder's own, whether taken again or kept from the listing.
func TestManifestFolders(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	w, _ := NewWriter(dest, NewManifest())
	st, err := w.Commit(set(map[string]string{"index.html": "home", "a/index.html": "a", "a/b/index.html": "b", "c/index.html": "c", "gone/index.html": "g"}))
	if err != nil {
		t.Fatal(err)
	}
	w, _ = NewWriter(dest, st.Manifest)
	st, err = w.Commit(set(map[string]string{"index.html": "home", "a/index.html": "a2", "a/b/index.html": "b", "c/index.html": "c", "c/d/index.html": "new"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Manifest.Dirs) != 4 {
		t.Errorf("folders = %v, want a, a/b, c, c/d", st.Manifest.Dirs)
	}
	for d, got := range st.Manifest.Dirs {
		want, _ := stampOf(mustLstat(t, filepath.Join(dest, filepath.FromSlash(d))))
		if got != want {
			t.Errorf("%s: manifest stamp %+v, the folder's %+v", d, got, want)
		}
	}
}

// TestWorthKeeping: a build's manifest replaces the last one when it
// names other files or folders, differs for many of them, or vouches
// for files the last one took too soon to vouch for.
func TestWorthKeeping(t *testing.T) {
	const sec = int64(time.Second)
	made := 1000 * sec
	manifest := func(made int64, n int, stamp func(i int) Stamp) *Manifest {
		m := &Manifest{Made: made, Files: map[string]Stamp{}, Dirs: map[string]Stamp{"d": {Ctime: 1, Ino: 1}}}
		for i := range n {
			m.Files[fmt.Sprintf("d/%04d.html", i)] = stamp(i)
		}
		return m
	}
	old := func(i int) Stamp { return Stamp{Size: 10, Mtime: sec, Ctime: sec, Ino: uint64(i + 2)} }
	prev := manifest(made, 1000, old)
	for _, tt := range []struct {
		name string
		m    *Manifest
		want bool
	}{
		{"the same stamps, taken later", manifest(made+60*sec, 1000, old), false},
		{"one file rewritten", manifest(made+60*sec, 1000, func(i int) Stamp {
			if i == 7 {
				return Stamp{Size: 11, Mtime: 900 * sec, Ctime: 900 * sec, Ino: 5000}
			}
			return old(i)
		}), false},
		{"64 files rewritten", manifest(made+60*sec, 1000, func(i int) Stamp {
			if i < 64 {
				return Stamp{Size: 11, Mtime: 900 * sec, Ctime: 900 * sec, Ino: uint64(5000 + i)}
			}
			return old(i)
		}), true},
		{"a file more", manifest(made+60*sec, 1001, old), true},
		{"a file less", manifest(made+60*sec, 999, old), true},
		{"another folder", func() *Manifest {
			m := manifest(made+60*sec, 1000, old)
			m.Dirs = map[string]Stamp{"e": {Ctime: 1, Ino: 1}}
			return m
		}(), true},
	} {
		if got := tt.m.WorthKeeping(prev); got != tt.want {
			t.Errorf("%s: WorthKeeping = %v, want %v", tt.name, got, tt.want)
		}
	}
	if !manifest(made, 3, old).WorthKeeping(nil) || !manifest(made, 3, old).WorthKeeping(NewManifest()) {
		t.Error("a manifest is not worth keeping where there was none")
	}
	// Stamps the last manifest took right after the files were written
	// (a clean build's): it cannot vouch for them, this one can.
	fresh := func(i int) Stamp { return Stamp{Size: 10, Mtime: made - sec, Ctime: made - sec, Ino: uint64(i + 2)} }
	if !manifest(made+60*sec, 1000, fresh).WorthKeeping(manifest(made, 1000, fresh)) {
		t.Error("a manifest that vouches for the files its predecessor took too soon is not kept")
	}
	if manifest(made+60*sec, 1000, fresh).WorthKeeping(manifest(made+30*sec, 1000, fresh)) {
		t.Error("a manifest with nothing new is kept")
	}
}

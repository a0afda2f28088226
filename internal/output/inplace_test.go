package output

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
)

// The previous output and the next, with every kind of change: a file
// changed, one unchanged, one removed with its folders, a file that
// becomes a folder and a folder that becomes a file, new files in new
// folders, and a hidden entry and a hand-made file at the top.
var (
	before = map[string]string{
		"index.html":             "home",
		"same/index.html":        "same",
		"gone/deep/index.html":   "gone",
		"x":                      "x as a file",
		"y/index.html":           "y as a folder",
		"legal/index.html":       "legal v1",
		"legal/terms/index.html": "terms",
	}
	after = map[string]string{
		"index.html":             "home v2",
		"same/index.html":        "same",
		"x/index.html":           "x as a folder",
		"y":                      "y as a file",
		"legal/index.html":       "legal v2",
		"legal/terms/index.html": "terms",
		"new/a/b/index.html":     "new",
	}
	byHand = map[string]string{".git/HEAD": "ref: refs/heads/gh-pages", "CNAME": "certiron.io"}
)

// previous writes before and the hand-made files into a new dest.
func previous(t *testing.T) string {
	t.Helper()
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := Write(set(before), dest); err != nil {
		t.Fatal(err)
	}
	for p, data := range byHand {
		full := filepath.Join(dest, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dest
}

func inode(t *testing.T, name string) uint64 {
	t.Helper()
	fi, err := os.Lstat(name)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t).Ino
}

// TestInPlace: a build into an existing output changes exactly what
// changed: unchanged files keep their inode, removed folders go, files
// and folders trade places, hidden entries stay, and nothing is left
// beside dest.
func TestInPlace(t *testing.T) {
	dest := previous(t)
	same := inode(t, filepath.Join(dest, "same/index.html"))
	git := state(t, filepath.Join(dest, ".git"))
	st, err := Write(set(after), dest)
	if err != nil {
		t.Fatal(err)
	}
	if st.Written != 5 || st.Unchanged != 2 || strings.Join(st.Removed, " ") != "CNAME gone/deep/index.html x y/index.html" || strings.Join(st.Kept, " ") != ".git" {
		t.Errorf("stats = %+v", st)
	}
	var got []string
	filepath.WalkDir(dest, func(p string, d os.DirEntry, err error) error {
		rel, _ := filepath.Rel(dest, p)
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			data, _ := os.ReadFile(p)
			if after[filepath.ToSlash(rel)] != string(data) {
				t.Errorf("%s = %q, want %q", rel, data, after[rel])
			}
		}
		got = append(got, filepath.ToSlash(rel))
		return nil
	})
	want := ". index.html legal legal/index.html legal/terms legal/terms/index.html new new/a new/a/b new/a/b/index.html same same/index.html x x/index.html y"
	if strings.Join(got, " ") != want {
		t.Errorf("dest holds\n%s\nwant\n%s", strings.Join(got, " "), want)
	}
	if inode(t, filepath.Join(dest, "same/index.html")) != same {
		t.Error("an unchanged file was replaced")
	}
	if state(t, filepath.Join(dest, ".git")) != git {
		t.Error(".git changed")
	}
	if entries, _ := os.ReadDir(filepath.Dir(dest)); len(entries) != 1 {
		t.Errorf("left beside the output: %v", entries)
	}
}

// addedWriter is a writer into dest with every file of after added and
// written.
func addedWriter(t *testing.T, dest string) *Writer {
	t.Helper()
	w, err := NewWriter(dest, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range set(after).Files() {
		w.Add(f)
	}
	w.finish()
	return w
}

// stagedWriter is a writer into dest with every file of after added and
// the journal of its changes written, as Commit has them just before its
// first step.
func stagedWriter(t *testing.T, dest string) (*Writer, *journal) {
	t.Helper()
	w := addedWriter(t, dest)
	s := set(after)
	removed, dirs, _, err := scanDest(dest, s, <-w.listing)
	if err != nil {
		t.Fatal(err)
	}
	return w, newJournal(dest, s, removed, dirs, w.staged)
}

// TestKilledCommitUndone: a build killed after any step of applying its
// changes leaves a journal, and the next build undoes those steps: the
// previous output is back, byte-, mode-, mtime- and inode-identical.
func TestKilledCommitUndone(t *testing.T) {
	n := 0
	for k := 0; k == 0 || k <= n; k++ {
		dest := previous(t)
		prev := state(t, dest)
		w, j := stagedWriter(t, dest)
		if err := j.write(w.tmp); err != nil {
			t.Fatal(err)
		}
		steps := j.steps(w.tmp)
		n = len(steps)
		for _, step := range steps[:k] {
			if err := step(); err != nil {
				t.Fatalf("step: %v", err)
			}
		}
		w.lock.file.Close() // killed: the lock file stays, no one holds it
		if removed := RemoveStale(dest); len(removed) != 1 {
			t.Errorf("after %d of %d steps: RemoveStale = %v", k, n, removed)
		}
		if got := state(t, dest); got != prev {
			t.Errorf("after %d of %d steps, the output is\n%s\nwant\n%s", k, n, got, prev)
		}
		if entries, _ := os.ReadDir(filepath.Dir(dest)); len(entries) != 1 {
			t.Errorf("after %d of %d steps: left beside the output: %v", k, n, entries)
		}
	}
	if n < 10 {
		t.Fatalf("only %d steps: the test covers too little", n)
	}
}

// TestFailedStepUndone: when a step fails, Commit undoes the steps taken
// before it and reports the error; the output is as it was.
func TestFailedStepUndone(t *testing.T) {
	dest := previous(t)
	prev := state(t, dest)
	w := addedWriter(t, dest)
	// The last file to move has gone from the temporary folder.
	paths := make([]string, 0, len(w.staged))
	for p := range w.staged {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	if err := os.Remove(filepath.Join(w.tmp, w.staged[paths[len(paths)-1]])); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Commit(set(after)); err == nil {
		t.Fatal("Commit succeeded without a staged file")
	}
	if got := state(t, dest); got != prev {
		t.Errorf("the output is\n%s\nwant\n%s", got, prev)
	}
	if entries, _ := os.ReadDir(filepath.Dir(dest)); len(entries) != 1 {
		t.Errorf("left beside the output: %v", entries)
	}
}

package watch

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const debounce = 40 * time.Millisecond

func start(t *testing.T, roots ...string) *Watcher {
	t.Helper()
	w, err := New(roots, Options{Debounce: debounce})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// next waits for one batch and returns its paths relative to dir.
func next(t *testing.T, w *Watcher, dir string) []string {
	t.Helper()
	select {
	case b := <-w.Batches():
		var rel []string
		for _, p := range b.Paths {
			r, _ := filepath.Rel(dir, p)
			rel = append(rel, filepath.ToSlash(r))
		}
		return rel
	case err := <-w.Errors():
		t.Fatalf("watch error: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("no batch within 5s")
	}
	return nil
}

// none asserts that no batch comes within a few debounce periods.
func none(t *testing.T, w *Watcher) {
	t.Helper()
	select {
	case b := <-w.Batches():
		t.Fatalf("unexpected batch %v", b.Paths)
	case <-time.After(4 * debounce):
	}
}

func write(t *testing.T, p, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func tree(t *testing.T) string {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "content", "legal", "x.md"), "x")
	write(t, filepath.Join(dir, "config.toml"), "title = 1")
	return dir
}

func want(t *testing.T, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("batch = %v, want %v", got, want)
	}
}

func TestSaves(t *testing.T) {
	dir := tree(t)
	md := filepath.Join(dir, "content", "legal", "x.md")
	tests := []struct {
		name string
		save func()
		want []string
	}{
		{"in place", func() { write(t, md, "in place") }, []string{"content/legal/x.md"}},
		{"atomic rename over", func() {
			tmp := filepath.Join(filepath.Dir(md), ".x.md.tmp-123")
			write(t, tmp, "atomic")
			os.Rename(tmp, md)
		}, []string{"content/legal/x.md"}},
		{"vim", func() {
			probe := filepath.Join(filepath.Dir(md), "4913")
			write(t, probe, "")
			os.Remove(probe)
			os.Rename(md, md+"~")
			write(t, md, "vim")
			os.Remove(md + "~")
		}, []string{"content/legal/x.md"}},
		{"jetbrains safe write", func() {
			write(t, md+"___jb_tmp___", "jb")
			os.Rename(md, md+"___jb_old___")
			os.Rename(md+"___jb_tmp___", md)
			os.Remove(md + "___jb_old___")
		}, []string{"content/legal/x.md"}},
		{"swap file only", func() { write(t, filepath.Join(filepath.Dir(md), ".x.md.swp"), "swap") }, nil},
		{"config replaced", func() {
			tmp := filepath.Join(dir, ".config.toml.tmp")
			write(t, tmp, "title = 2")
			os.Rename(tmp, filepath.Join(dir, "config.toml"))
		}, []string{"config.toml"}},
		{"file outside the roots", func() { write(t, filepath.Join(dir, "README.md"), "no") }, nil},
	}
	w := start(t, filepath.Join(dir, "content"), filepath.Join(dir, "config.toml"))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.save()
			if tt.want == nil {
				none(t, w)
				return
			}
			want(t, next(t, w, dir), tt.want...)
			none(t, w)
		})
	}
}

func TestNewAndDeletedFolders(t *testing.T) {
	dir := tree(t)
	w := start(t, filepath.Join(dir, "content"))
	// A new folder with a file written at once: the file is reported even
	// if it was created before the folder's watch existed.
	write(t, filepath.Join(dir, "content", "press", "kit", "index.md"), "new")
	got := next(t, w, dir)
	if !contains(got, "content/press/kit/index.md") {
		t.Errorf("batch %v lacks the new file", got)
	}
	// Later writes inside the new folder are seen too.
	write(t, filepath.Join(dir, "content", "press", "kit", "index.md"), "again")
	want(t, next(t, w, dir), "content/press/kit/index.md")
	// A deleted file.
	os.Remove(filepath.Join(dir, "content", "legal", "x.md"))
	want(t, next(t, w, dir), "content/legal/x.md")
	// A deleted folder: reported, its watches dropped, no error.
	os.RemoveAll(filepath.Join(dir, "content", "press"))
	got = next(t, w, dir)
	if !contains(got, "content/press") {
		t.Errorf("batch %v lacks the deleted folder", got)
	}
	w.mu.Lock()
	for d := range w.watched {
		if strings.Contains(d, "press") {
			t.Errorf("still watching %s", d)
		}
	}
	w.mu.Unlock()
}

func TestMissingRootAppears(t *testing.T) {
	dir := t.TempDir()
	w := start(t, filepath.Join(dir, "static"))
	write(t, filepath.Join(dir, "static", "favicon.svg"), "<svg/>")
	got := next(t, w, dir)
	if !contains(got, "static/favicon.svg") && !contains(got, "static") {
		t.Errorf("batch = %v, want the new static folder", got)
	}
}

func TestBurstIsOneBatch(t *testing.T) {
	dir := tree(t)
	w := start(t, filepath.Join(dir, "content"))
	for i := range 50 {
		write(t, filepath.Join(dir, "content", "legal", fmt.Sprintf("p%02d.md", i)), "burst")
	}
	got := next(t, w, dir)
	if len(got) != 50 {
		t.Errorf("burst of 50 writes gave a batch of %d paths", len(got))
	}
	none(t, w)
}

func TestCloseEndsLoop(t *testing.T) {
	dir := tree(t)
	w, err := New([]string{filepath.Join(dir, "content")}, Options{Debounce: debounce})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { w.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Close did not return")
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

func TestIsEditorTemp(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"x.md", false},
		{"cookie-policy.md", false},
		{"site.css", false},
		{"4913", true},
		{"x.md~", true},
		{".x.md.swp", true},
		{".x.md.swx", true},
		{".#x.md", true},
		{"#x.md#", true},
		{"x.md___jb_tmp___", true},
		{"x.md___jb_old___", true},
		{".x.md.tmp-123", true},
		{"x.tmp", true},
		{".DS_Store", true},
	}
	for _, tt := range tests {
		if got := IsEditorTemp(filepath.Join("/site/content", tt.name)); got != tt.want {
			t.Errorf("IsEditorTemp(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

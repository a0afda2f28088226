package watch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

const debounce = 40 * time.Millisecond

func start(t *testing.T, opt Options, roots ...string) *Watcher {
	t.Helper()
	if opt.Debounce == 0 {
		opt.Debounce = debounce
	}
	w, err := New(roots, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// next waits for one batch and returns its paths relative to dir, in
// slash form.
func next(t *testing.T, w *Watcher, dir string) []string {
	t.Helper()
	select {
	case b := <-w.Batches():
		var rel []string
		for _, p := range b.Paths {
			r, err := filepath.Rel(dir, p)
			if err != nil || !filepath.IsAbs(p) || filepath.Clean(p) != p {
				t.Errorf("batch path %q is not clean and absolute", p)
			}
			rel = append(rel, filepath.ToSlash(r))
		}
		if !slices.IsSorted(rel) || len(slices.Compact(slices.Clone(rel))) != len(rel) {
			t.Errorf("batch %v is not sorted and deduplicated", rel)
		}
		return rel
	case err := <-w.Errors():
		t.Fatalf("watch error: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("no batch within 5s")
	}
	return nil
}

// none asserts that neither a batch nor an error comes within a few
// debounce periods.
func none(t *testing.T, w *Watcher) {
	t.Helper()
	select {
	case b := <-w.Batches():
		t.Fatalf("unexpected batch %v", b.Paths)
	case err := <-w.Errors():
		t.Fatalf("unexpected error %v", err)
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

func rename(t *testing.T, from, to string) {
	t.Helper()
	if err := os.Rename(from, to); err != nil {
		t.Fatal(err)
	}
}

func remove(t *testing.T, p string) {
	t.Helper()
	if err := os.RemoveAll(p); err != nil {
		t.Fatal(err)
	}
}

// tree makes a site folder with content/legal/x.md and config.toml.
func tree(t *testing.T) string {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "content", "legal", "x.md"), "x")
	write(t, filepath.Join(dir, "config.toml"), "title = 1")
	return dir
}

func TestSaves(t *testing.T) {
	dir := tree(t)
	legal := filepath.Join(dir, "content", "legal")
	md := filepath.Join(legal, "x.md")
	config := filepath.Join(dir, "config.toml")
	tests := []struct {
		name string
		save func()
		want []string // nil: no batch at all
	}{
		{"in place", func() { write(t, md, "in place") }, []string{"content/legal/x.md"}},
		{"atomic rename over", func() {
			tmp := filepath.Join(legal, ".x.md.tmp-123")
			write(t, tmp, "atomic")
			rename(t, tmp, md)
		}, []string{"content/legal/x.md"}},
		{"vim with backup", func() {
			probe := filepath.Join(legal, "4913")
			write(t, probe, "")
			remove(t, probe)
			write(t, filepath.Join(legal, ".x.md.swp"), "swap")
			rename(t, md, md+"~")
			write(t, md, "vim")
			remove(t, md+"~")
			remove(t, filepath.Join(legal, ".x.md.swp"))
		}, []string{"content/legal/x.md"}},
		{"emacs", func() {
			lock := filepath.Join(legal, ".#x.md")
			if err := os.Symlink("user@host.123:456", lock); err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(legal, "#x.md#"), "autosave")
			write(t, md, "emacs")
			remove(t, filepath.Join(legal, "#x.md#"))
			remove(t, lock)
		}, []string{"content/legal/x.md"}},
		{"jetbrains safe write", func() {
			write(t, md+"___jb_tmp___", "jb")
			rename(t, md, md+"___jb_old___")
			rename(t, md+"___jb_tmp___", md)
			remove(t, md+"___jb_old___")
		}, []string{"content/legal/x.md"}},
		{"gedit", func() {
			tmp := filepath.Join(legal, ".goutputstream-Q1ZX2Y")
			write(t, tmp, "gedit")
			rename(t, tmp, md)
		}, []string{"content/legal/x.md"}},
		{"temporary files only", func() {
			write(t, filepath.Join(legal, ".x.md.swp"), "swap")
			write(t, filepath.Join(legal, "notes.tmp"), "tmp")
			write(t, filepath.Join(legal, ".DS_Store"), "finder")
			remove(t, filepath.Join(legal, ".x.md.swp"))
		}, nil},
		{"chmod only", func() {
			if err := os.Chmod(md, 0o600); err != nil {
				t.Fatal(err)
			}
		}, nil},
		{"single-file root replaced by rename", func() {
			tmp := filepath.Join(dir, ".config.toml.tmp-9")
			write(t, tmp, "title = 2")
			rename(t, tmp, config)
		}, []string{"config.toml"}},
		{"single-file root written in place", func() { write(t, config, "title = 3") }, []string{"config.toml"}},
		{"sibling of a single-file root", func() { write(t, filepath.Join(dir, "README.md"), "no") }, nil},
		{"deleted file", func() { remove(t, md) }, []string{"content/legal/x.md"}},
		{"file created", func() { write(t, md, "back") }, []string{"content/legal/x.md"}},
	}
	w := start(t, Options{}, filepath.Join(dir, "content"), config)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.save()
			if tt.want == nil {
				none(t, w)
				return
			}
			if got := next(t, w, dir); !slices.Equal(got, tt.want) {
				t.Errorf("batch = %v, want %v", got, tt.want)
			}
			none(t, w)
		})
	}
}

func TestNewAndDeletedFolders(t *testing.T) {
	dir := tree(t)
	w := start(t, Options{}, filepath.Join(dir, "content"))
	kit := filepath.Join(dir, "content", "press", "kit")

	// A new folder with a file written at once: the file is reported even
	// though it was created before the folder's watch existed.
	write(t, filepath.Join(kit, "index.md"), "new")
	if got := next(t, w, dir); !slices.Contains(got, "content/press/kit/index.md") {
		t.Errorf("batch %v lacks the new file", got)
	}
	none(t, w)

	// Later writes inside the new folder are seen too.
	write(t, filepath.Join(kit, "index.md"), "again")
	write(t, filepath.Join(kit, "logo.svg"), "<svg/>")
	if got, want := next(t, w, dir), []string{"content/press/kit/index.md", "content/press/kit/logo.svg"}; !slices.Equal(got, want) {
		t.Errorf("batch = %v, want %v", got, want)
	}

	// A deleted folder: reported, its watches dropped, no error.
	remove(t, filepath.Join(dir, "content", "press"))
	if got := next(t, w, dir); !slices.Contains(got, "content/press") {
		t.Errorf("batch %v lacks the deleted folder", got)
	}
	none(t, w)
	w.mu.Lock()
	for d := range w.watched {
		if strings.Contains(d, "press") {
			t.Errorf("still watching %s", d)
		}
	}
	w.mu.Unlock()

	// A folder moved in from outside the roots, with files in it.
	outside := filepath.Join(dir, "drafts")
	write(t, filepath.Join(outside, "a.md"), "a")
	write(t, filepath.Join(outside, "b", "c.md"), "c")
	rename(t, outside, filepath.Join(dir, "content", "drafts"))
	if got, want := next(t, w, dir), []string{"content/drafts", "content/drafts/a.md", "content/drafts/b", "content/drafts/b/c.md"}; !slices.Equal(got, want) {
		t.Errorf("batch = %v, want %v", got, want)
	}
	write(t, filepath.Join(dir, "content", "drafts", "b", "c.md"), "edited")
	if got, want := next(t, w, dir), []string{"content/drafts/b/c.md"}; !slices.Equal(got, want) {
		t.Errorf("batch = %v, want %v", got, want)
	}
	// And moved out again: one path, and its watches go.
	rename(t, filepath.Join(dir, "content", "drafts"), outside)
	if got, want := next(t, w, dir), []string{"content/drafts"}; !slices.Equal(got, want) {
		t.Errorf("batch = %v, want %v", got, want)
	}
	write(t, filepath.Join(outside, "b", "c.md"), "not ours")
	none(t, w)
}

func TestRootsComingAndGoing(t *testing.T) {
	dir := t.TempDir()
	static := filepath.Join(dir, "static")
	config := filepath.Join(dir, "config.toml")
	w := start(t, Options{}, static, config)

	// Missing roots are picked up when they appear.
	write(t, filepath.Join(static, "favicon.svg"), "<svg/>")
	if got, want := next(t, w, dir), []string{"static", "static/favicon.svg"}; !slices.Equal(got, want) {
		t.Errorf("batch = %v, want %v", got, want)
	}
	write(t, config, "title = 1")
	if got, want := next(t, w, dir), []string{"config.toml"}; !slices.Equal(got, want) {
		t.Errorf("batch = %v, want %v", got, want)
	}
	// A root folder removed and made again is still watched.
	remove(t, static)
	if got, want := next(t, w, dir), []string{"static", "static/favicon.svg"}; !slices.Equal(got, want) {
		t.Errorf("batch = %v, want %v", got, want)
	}
	write(t, filepath.Join(static, "img", "a.png"), "png")
	if got := next(t, w, dir); !slices.Contains(got, "static/img/a.png") {
		t.Errorf("batch %v lacks the file in the recreated root", got)
	}
	write(t, filepath.Join(static, "img", "a.png"), "png2")
	if got, want := next(t, w, dir), []string{"static/img/a.png"}; !slices.Equal(got, want) {
		t.Errorf("batch = %v, want %v", got, want)
	}
}

func TestBurstIsOneBatch(t *testing.T) {
	dir := tree(t)
	w := start(t, Options{}, filepath.Join(dir, "content"))
	var want []string
	for i := range 50 {
		name := fmt.Sprintf("content/legal/p%02d.md", i)
		want = append(want, name)
		write(t, filepath.Join(dir, name), "burst")
	}
	if got := next(t, w, dir); !slices.Equal(got, want) {
		t.Errorf("burst of 50 writes gave the batch %v", got)
	}
	none(t, w)
}

func TestEndlessStreamStillYieldsBatches(t *testing.T) {
	dir := tree(t)
	const d = 20 * time.Millisecond
	w := start(t, Options{Debounce: d}, filepath.Join(dir, "content"))
	stop := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(d / 4)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-tick.C:
				_ = os.WriteFile(filepath.Join(dir, "content", "legal", "x.md"), []byte(fmt.Sprint(i)), 0o644)
			}
		}
	}()
	defer func() { close(stop); <-stopped }()
	// The writes never pause for d, yet a batch comes within about 10×d.
	select {
	case b := <-w.Batches():
		if len(b.Paths) != 1 {
			t.Errorf("batch = %v", b.Paths)
		}
	case <-time.After(40 * d):
		t.Fatal("no batch while events kept coming")
	}
}

func TestBatchesMergeWhileReceiverIsBusy(t *testing.T) {
	dir := tree(t)
	formed := make(chan int, 8)
	w := start(t, Options{formed: func(paths []string) { formed <- len(paths) }}, filepath.Join(dir, "content"))
	write(t, filepath.Join(dir, "content", "a.md"), "a")
	if n := <-formed; n != 1 { // the first burst ended; nobody receives it
		t.Fatalf("first batch has %d paths", n)
	}
	write(t, filepath.Join(dir, "content", "b.md"), "b")
	if n := <-formed; n != 2 { // the second burst joins the batch waiting
		t.Fatalf("merged batch has %d paths", n)
	}
	if got, want := next(t, w, dir), []string{"content/a.md", "content/b.md"}; !slices.Equal(got, want) {
		t.Errorf("batch = %v, want %v", got, want)
	}
	none(t, w)
}

func TestIgnoreOption(t *testing.T) {
	dir := tree(t)
	w := start(t, Options{Ignore: func(p string) bool { return filepath.Base(p) == "node_modules" || filepath.Ext(p) == ".log" }}, filepath.Join(dir, "content"))
	write(t, filepath.Join(dir, "content", "node_modules", "x.js"), "x")
	write(t, filepath.Join(dir, "content", "debug.log"), "x")
	none(t, w)
	write(t, filepath.Join(dir, "content", "node_modules", "y.js"), "y")
	write(t, filepath.Join(dir, "content", "page.md"), "x")
	if got, want := next(t, w, dir), []string{"content/page.md"}; !slices.Equal(got, want) {
		t.Errorf("batch = %v, want %v", got, want)
	}
}

func TestNewErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := New([]string{filepath.Join(dir, "no", "such", "folder")}, Options{}); err == nil {
		t.Error("New with a root whose parent is missing succeeded")
	}
}

func TestCloseEndsEverything(t *testing.T) {
	before := runtime.NumGoroutine()
	dir := tree(t)
	w, err := New([]string{filepath.Join(dir, "content")}, Options{Debounce: debounce})
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "content", "legal", "x.md"), "pending at close")
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
	if _, ok := <-w.Batches(); ok {
		t.Error("Batches not closed by Close")
	}
	if _, ok := <-w.Errors(); ok {
		t.Error("Errors not closed by Close")
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after Close, %d before", n, before)
	}
}

// TestFoldersThatCannotBeWatched: a folder whose watch the system refuses
// (the watch limit, a permission) is named on Errors, at start and when
// it appears later, and the rest of the tree is still watched (issue 9,
// finding 10: such errors were swallowed, leaving folders unwatched
// without a word).
func TestFoldersThatCannotBeWatched(t *testing.T) {
	dir := tree(t)
	write(t, filepath.Join(dir, "content", "locked", "a.md"), "a")
	refused := errors.New("no more watches")
	w := start(t, Options{failAdd: func(d string) error {
		if filepath.Base(d) == "locked" {
			return refused
		}
		return nil
	}}, filepath.Join(dir, "content"))

	wantError := func(folder string) {
		t.Helper()
		select {
		case err := <-w.Errors():
			if !errors.Is(err, refused) || !strings.Contains(err.Error(), "cannot watch "+folder) {
				t.Errorf("error = %v, want one naming %s", err, folder)
			}
		case b := <-w.Batches():
			t.Fatalf("batch %v before the error about %s", b.Paths, folder)
		case <-time.After(5 * time.Second):
			t.Fatalf("no error about %s within 5s", folder)
		}
	}
	wantError(filepath.Join(dir, "content", "locked"))

	write(t, filepath.Join(dir, "content", "legal", "x.md"), "edited")
	if got, want := next(t, w, dir), []string{"content/legal/x.md"}; !slices.Equal(got, want) {
		t.Errorf("batch = %v, want %v", got, want)
	}

	// A new folder with one that cannot be watched inside: the batch has
	// what was found, and the refusal is named too.
	write(t, filepath.Join(dir, "content", "press", "locked", "b.md"), "b")
	var batch []string
	var named bool
	for batch == nil || !named {
		select {
		case b := <-w.Batches():
			batch = b.Paths
		case err := <-w.Errors():
			named = errors.Is(err, refused) && strings.Contains(err.Error(), "cannot watch "+filepath.Join(dir, "content", "press", "locked"))
			if !named {
				t.Fatalf("error = %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("after a new folder: batch %v, error named %v", batch, named)
		}
	}
	if !slices.Contains(batch, filepath.Join(dir, "content", "press")) {
		t.Errorf("batch %v lacks the new folder", batch)
	}
}

// Package watch reports changes under a set of folders and files as
// debounced batches. It is the one package that imports fsnotify; it knows
// nothing of sites.
package watch

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Options configure a Watcher.
type Options struct {
	// Debounce is the quiet time that ends a burst of events; zero means
	// 50ms. A burst that never goes quiet still yields a batch every
	// 10×Debounce.
	Debounce time.Duration
	// Ignore, when set, drops paths besides the editors' temporary files,
	// which are always dropped.
	Ignore func(path string) bool
}

// Batch is one debounced burst of changes.
type Batch struct {
	// Paths are the cleaned absolute paths that were created, written,
	// removed or renamed, sorted and without duplicates.
	Paths []string
}

// Watcher watches folders recursively, and single files.
type Watcher struct {
	fs      *fsnotify.Watcher
	opt     Options
	files   map[string]bool // single files watched through their folder
	trees   []string        // roots watched recursively
	mu      sync.Mutex
	watched map[string]bool // folders with a watch
	batches chan Batch
	errs    chan error
	done    chan struct{}
	wg      sync.WaitGroup
}

// New starts watching roots: folders are watched with everything below
// them (a missing folder is picked up when it appears, as long as its
// parent exists); files are watched through their folder, so an editor's
// save that renames a new file over the old one is seen.
func New(roots []string, opt Options) (*Watcher, error) {
	if opt.Debounce <= 0 {
		opt.Debounce = 50 * time.Millisecond
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &Watcher{
		fs:      fw,
		opt:     opt,
		files:   map[string]bool{},
		watched: map[string]bool{},
		batches: make(chan Batch, 1),
		errs:    make(chan error, 8),
		done:    make(chan struct{}),
	}
	for _, r := range roots {
		abs, err := filepath.Abs(r)
		if err != nil {
			fw.Close()
			return nil, err
		}
		fi, err := os.Stat(abs)
		switch {
		case err == nil && fi.IsDir():
			w.trees = append(w.trees, abs)
			w.addTree(abs)
		case err == nil || errors.Is(err, fs.ErrNotExist) && filepath.Ext(abs) != "":
			// A file (or a file to come): watch its folder.
			w.files[abs] = true
			w.add(filepath.Dir(abs))
		case errors.Is(err, fs.ErrNotExist):
			// A folder to come: watch its parent to see it appear.
			w.trees = append(w.trees, abs)
			w.add(filepath.Dir(abs))
		default:
			fw.Close()
			return nil, err
		}
	}
	w.wg.Add(1)
	go w.loop()
	return w, nil
}

// Batches delivers each burst of changes.
func (w *Watcher) Batches() <-chan Batch { return w.batches }

// Errors delivers problems watching (a folder that cannot be read).
func (w *Watcher) Errors() <-chan error { return w.errs }

// Close stops watching and ends the Watcher's goroutine.
func (w *Watcher) Close() error {
	select {
	case <-w.done:
		return nil
	default:
	}
	close(w.done)
	err := w.fs.Close()
	w.wg.Wait()
	return err
}

func (w *Watcher) add(dir string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.watched[dir] {
		return
	}
	if err := w.fs.Add(dir); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			w.report(err)
		}
		return
	}
	w.watched[dir] = true
}

// addTree watches dir and every folder below it, and returns the files
// found, so files created before the watch existed are not missed.
func (w *Watcher) addTree(dir string) (files []string) {
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if p != dir && IsEditorTemp(p) {
				return fs.SkipDir
			}
			w.add(p)
			return nil
		}
		files = append(files, p)
		return nil
	})
	return files
}

func (w *Watcher) remove(dir string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for d := range w.watched {
		if d == dir || strings.HasPrefix(d, dir+string(filepath.Separator)) {
			_ = w.fs.Remove(d)
			delete(w.watched, d)
		}
	}
}

func (w *Watcher) report(err error) {
	select {
	case w.errs <- err:
	default:
	}
}

// inTree reports whether p is one of the recursive roots or below one.
func (w *Watcher) inTree(p string) bool {
	for _, t := range w.trees {
		if p == t || strings.HasPrefix(p, t+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// wanted reports whether a change to p belongs in a batch.
func (w *Watcher) wanted(p string) bool {
	if IsEditorTemp(p) || w.opt.Ignore != nil && w.opt.Ignore(p) {
		return false
	}
	return w.files[p] || w.inTree(p)
}

func (w *Watcher) loop() {
	defer w.wg.Done()
	pending := map[string]bool{}
	var quiet, cap <-chan time.Time
	flush := func() {
		quiet, cap = nil, nil
		if len(pending) == 0 {
			return
		}
		b := Batch{Paths: make([]string, 0, len(pending))}
		for p := range pending {
			b.Paths = append(b.Paths, p)
		}
		sort.Strings(b.Paths)
		clear(pending)
		select {
		case w.batches <- b:
		case <-w.done:
		}
	}
	for {
		select {
		case <-w.done:
			return
		case err, ok := <-w.fs.Errors:
			if !ok {
				return
			}
			w.report(err)
		case ev, ok := <-w.fs.Events:
			if !ok {
				return
			}
			if ev.Op == fsnotify.Chmod {
				continue
			}
			p := filepath.Clean(ev.Name)
			if ev.Has(fsnotify.Create) && w.inTree(p) && !IsEditorTemp(p) {
				if fi, err := os.Lstat(p); err == nil && fi.IsDir() {
					// A new folder: watch it, and report what is already in it.
					for _, f := range w.addTree(p) {
						if w.wanted(f) {
							pending[f] = true
						}
					}
				}
			}
			if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
				w.remove(p)
				// A removed root folder: watch for its return.
				for _, t := range w.trees {
					if p == t {
						w.add(filepath.Dir(t))
					}
				}
			}
			if !w.wanted(p) {
				continue
			}
			pending[p] = true
			if len(pending) == 1 {
				cap = time.After(10 * w.opt.Debounce)
			}
			quiet = time.After(w.opt.Debounce)
		case <-quiet:
			flush()
		case <-cap:
			flush()
		}
	}
}

// IsEditorTemp reports whether path is an editor's temporary, swap or
// backup file, or a hidden file: vim's 4913 probe, "x~" backups and
// .x.swp swap files, emacs's .#x locks and #x# autosaves, JetBrains'
// x___jb_tmp___ and x___jb_old___, "x.tmp", atomic-save temporaries such as
// ".x.tmp-123", and .DS_Store.
func IsEditorTemp(path string) bool {
	name := filepath.Base(path)
	switch {
	case name == "4913" || name == ".DS_Store":
		return true
	case strings.HasPrefix(name, ".") || strings.HasPrefix(name, "#"):
		return true
	case strings.HasSuffix(name, "~"):
		return true
	case strings.HasSuffix(name, "___jb_tmp___") || strings.HasSuffix(name, "___jb_old___"):
		return true
	}
	for _, ext := range []string{".swp", ".swx", ".swo", ".tmp", ".crdownload", ".part"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

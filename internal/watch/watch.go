// Package watch reports changes under a set of folders and files as
// debounced batches. It is the one package that imports fsnotify; it knows
// nothing of sites.
package watch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/certiron/certiron-site/internal/source"
)

// Options configure a Watcher. The zero value is ready to use.
type Options struct {
	// Debounce is the quiet time that ends a burst of events; zero means
	// 50ms. A burst that never goes quiet still yields a batch every
	// 10×Debounce.
	Debounce time.Duration
	// Ignore, when set, drops paths besides the editors' and systems'
	// leftovers, which are always dropped (see source.Leftover). An
	// ignored folder is not watched.
	Ignore func(path string) bool

	// formed, when set (by this package's tests), is called each time a
	// batch is formed and waits for the receiver, with its paths.
	formed func(paths []string)
	// failAdd, when set (by this package's tests), is called before a
	// folder's watch is added; its error stands for the system's.
	failAdd func(dir string) error
}

// Batch is one debounced burst of changes.
type Batch struct {
	// Paths are the cleaned absolute paths that were created, written,
	// removed or renamed, sorted and without duplicates. A folder removed
	// or renamed away appears once, as the folder's own path: treat every
	// path below it as gone. A new folder appears with every file already
	// in it.
	Paths []string
}

// Watcher watches folders recursively, and single files.
type Watcher struct {
	fs    *fsnotify.Watcher
	opt   Options
	roots []string // cleaned absolute roots, folders and files alike

	mu      sync.Mutex
	watched map[string]bool // folders with a watch

	// initErrs are the folders New could not watch, delivered first.
	initErrs []error

	batches  chan Batch
	errs     chan error
	done     chan struct{}
	wg       sync.WaitGroup
	once     sync.Once
	closeErr error
}

// New starts watching roots. A folder is watched with everything below
// it; a missing one is picked up when it appears, as long as its parent
// exists. A file is watched through its folder, so an editor's save that
// renames a new file over the old one is seen.
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
		watched: map[string]bool{},
		batches: make(chan Batch),
		errs:    make(chan error),
		done:    make(chan struct{}),
	}
	for _, r := range roots {
		abs, err := filepath.Abs(r)
		if err != nil {
			fw.Close()
			return nil, err
		}
		w.roots = append(w.roots, abs)
	}
	for _, r := range w.roots {
		if err := w.watchRoot(r); err != nil {
			fw.Close()
			return nil, err
		}
	}
	w.wg.Add(1)
	go w.loop()
	return w, nil
}

// watchRoot watches root's parent (to see root appear, vanish, or be
// replaced by a rename) and, when root is a folder, every folder below it.
func (w *Watcher) watchRoot(root string) error {
	parent := filepath.Dir(root)
	fi, err := os.Stat(root)
	switch {
	case err == nil && fi.IsDir():
		if err := w.add(parent); err != nil && parent != root {
			// The parent is only a convenience for a root that exists.
			if !errors.Is(err, fs.ErrPermission) && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
		_, errs := w.addTree(root, false)
		w.initErrs = append(w.initErrs, errs...)
		return nil
	case err == nil || errors.Is(err, fs.ErrNotExist):
		if err := w.add(parent); err != nil {
			return fmt.Errorf("watching %s: %w", root, err)
		}
		return nil
	default:
		return err
	}
}

// Batches delivers each burst of changes. While the receiver is busy,
// later changes are merged into the batch waiting for it. The channel is
// closed by Close.
func (w *Watcher) Batches() <-chan Batch { return w.batches }

// Errors delivers problems watching, such as a new folder that cannot be
// read or an event queue that overflowed (events were lost; the roots
// themselves then appear in the next batch, meaning "anything below may
// have changed"). The channel is closed by Close.
func (w *Watcher) Errors() <-chan error { return w.errs }

// Close stops watching and waits for the Watcher's goroutine to end. It
// may be called more than once.
func (w *Watcher) Close() error {
	w.once.Do(func() {
		close(w.done)
		w.closeErr = w.fs.Close()
		w.wg.Wait()
	})
	return w.closeErr
}

// add watches one folder.
func (w *Watcher) add(dir string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.watched[dir] {
		return nil
	}
	if w.opt.failAdd != nil {
		if err := w.opt.failAdd(dir); err != nil {
			return err
		}
	}
	if err := w.fs.Add(dir); err != nil {
		return err
	}
	w.watched[dir] = true
	return nil
}

// addTree watches dir and every folder below it. With report set it
// returns every path found, so files created in a new folder before its
// watch existed are not missed. Each folder's watch is added before the
// folder is read.
//
// A folder that cannot be read or watched is skipped and named in errs;
// the rest of the tree is still watched.
func (w *Watcher) addTree(dir string, report bool) (paths []string, errs []error) {
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) { // else gone again already: its removal is an event of its own
				errs = append(errs, fmt.Errorf("cannot watch %s: %w", p, err))
			}
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if p != dir && w.ignored(p) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if err := w.add(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, fmt.Errorf("cannot watch %s: %w", p, err))
				return fs.SkipDir
			}
		}
		if report {
			paths = append(paths, p)
		}
		return nil
	})
	return paths, errs
}

// drop forgets the watches of dir and every folder below it. The kernel
// has removed them already when the folders were deleted; a folder moved
// away is unwatched here.
func (w *Watcher) drop(dir string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for d := range w.watched {
		if within(d, dir) && !w.isRootParent(d) {
			_ = w.fs.Remove(d)
			delete(w.watched, d)
		}
	}
}

// isRootParent reports whether d is the parent of a root, whose watch
// must outlive the root.
func (w *Watcher) isRootParent(d string) bool {
	for _, r := range w.roots {
		if filepath.Dir(r) == d {
			return true
		}
	}
	return false
}

// within reports whether p is dir or below it.
func within(p, dir string) bool {
	if p == dir {
		return true
	}
	if !strings.HasSuffix(dir, string(filepath.Separator)) {
		dir += string(filepath.Separator)
	}
	return strings.HasPrefix(p, dir)
}

// inRoots reports whether p is a root or below a root folder.
func (w *Watcher) inRoots(p string) bool {
	for _, r := range w.roots {
		if within(p, r) {
			return true
		}
	}
	return false
}

// ignored says whether p is left out: an editor's or a system's
// leftover (the list the build uses too), or what Options.Ignore drops.
func (w *Watcher) ignored(p string) bool {
	return source.Leftover(filepath.Base(p)) || w.opt.Ignore != nil && w.opt.Ignore(p)
}

// loop turns fsnotify's events into batches until Close.
func (w *Watcher) loop() {
	defer w.wg.Done()
	defer close(w.batches)
	defer close(w.errs)

	var (
		pending = map[string]bool{} // the burst being collected
		ready   []string            // a batch waiting for the receiver
		errs    = w.initErrs        // errors waiting for the receiver
		quiet   = time.NewTimer(time.Hour)
		maxWait = time.NewTimer(time.Hour)
	)
	quiet.Stop()
	maxWait.Stop()
	defer quiet.Stop()
	defer maxWait.Stop()

	flush := func() {
		quiet.Stop()
		maxWait.Stop()
		if len(pending) == 0 {
			return
		}
		for _, p := range ready {
			pending[p] = true
		}
		ready = make([]string, 0, len(pending))
		for p := range pending {
			ready = append(ready, p)
		}
		sort.Strings(ready)
		clear(pending)
		if w.opt.formed != nil {
			w.opt.formed(ready)
		}
	}
	note := func(p string) {
		if len(pending) == 0 {
			maxWait.Reset(10 * w.opt.Debounce)
		}
		pending[p] = true
		quiet.Reset(w.opt.Debounce)
	}

	for {
		var (
			batches chan<- Batch
			batch   Batch
			errc    chan<- error
			err     error
		)
		if ready != nil {
			batches, batch = w.batches, Batch{Paths: ready}
		}
		if len(errs) > 0 {
			errc, err = w.errs, errs[0]
		}
		select {
		case <-w.done:
			return
		case batches <- batch:
			ready = nil
		case errc <- err:
			errs = errs[1:]
		case err, ok := <-w.fs.Errors:
			if !ok {
				return
			}
			if len(errs) < 64 {
				errs = append(errs, err)
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				// Events were lost: anything under the roots may have
				// changed, so say so.
				for _, r := range w.roots {
					note(r)
				}
			}
		case ev, ok := <-w.fs.Events:
			if !ok {
				return
			}
			for _, p := range w.handle(ev, &errs) {
				note(p)
			}
		case <-quiet.C:
			flush()
		case <-maxWait.C:
			flush()
		}
	}
}

// handle updates the watches for one event and returns the paths it
// changed that belong in a batch.
func (w *Watcher) handle(ev fsnotify.Event, errs *[]error) []string {
	if !ev.Has(fsnotify.Create) && !ev.Has(fsnotify.Write) && !ev.Has(fsnotify.Remove) && !ev.Has(fsnotify.Rename) {
		return nil // chmod only
	}
	p := filepath.Clean(ev.Name)
	if !w.inRoots(p) || w.ignored(p) {
		return nil
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		w.drop(p)
	}
	if ev.Has(fsnotify.Create) {
		if fi, err := os.Lstat(p); err == nil && fi.IsDir() {
			// A new folder (or one renamed into place): watch it, and
			// report what is already in it.
			paths, failed := w.addTree(p, true)
			for _, err := range failed {
				if len(*errs) < 64 {
					*errs = append(*errs, err)
				}
			}
			return paths
		}
	}
	return []string{p}
}

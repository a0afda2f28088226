// Package output holds a built site as a set of files in memory and writes
// it to a folder atomically.
package output

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/certiron/certiron-site/internal/mark"
)

// File is one file of the built site.
type File struct {
	// Path is slash-separated and relative to the site root, e.g.
	// "legal/cookie-policy/index.html".
	Path string
	Data []byte
	// Sources are the site-relative source files the output was made from
	// (the Markdown file first, then templates), used to point diagnostics
	// at the user's own file and to decide what a change must rebuild.
	Sources []string
	// Marks say which source line made each element of a page (see
	// package mark); nil for files copied as they are, whose own lines
	// are their source's.
	Marks mark.Map
}

// Set is a built site: files by path. A Set made by a Plan accepts only
// the paths the plan accepted, each once; one made by NewSet accepts any
// clean path once. A Set is not safe for concurrent mutation; once built
// it may be read from many goroutines.
type Set struct {
	files   map[string]*File
	planned map[string]bool // nil: any path
}

// NewSet returns an empty set accepting any clean path once.
func NewSet() *Set { return &Set{files: make(map[string]*File)} }

// Add puts f in the set; it is Put for callers that built the set
// themselves and know its paths are distinct (tests, placeholders).
func (s *Set) Add(f *File) error { return s.Put(f) }

// Get returns the file at p (a slash path without a leading slash), or nil.
func (s *Set) Get(p string) *File { return s.files[p] }

// Len is the number of files.
func (s *Set) Len() int { return len(s.files) }

// Paths returns every path in sorted order.
func (s *Set) Paths() []string {
	ps := make([]string, 0, len(s.files))
	for p := range s.files {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	return ps
}

// Files returns every file in path order.
func (s *Set) Files() []*File {
	fs := make([]*File, 0, len(s.files))
	for _, p := range s.Paths() {
		fs = append(fs, s.files[p])
	}
	return fs
}

// ValidPath reports whether p can name a file of a site: a clean, relative,
// slash-separated path that stays inside the site root.
func ValidPath(p string) bool {
	if p == "" || p == "." || strings.HasPrefix(p, "/") || strings.Contains(p, "\\") || strings.ContainsRune(p, 0) {
		return false
	}
	if path.Clean(p) != p {
		return false
	}
	return p != ".." && !strings.HasPrefix(p, "../")
}

// WriteStats says what a Commit did.
type WriteStats struct {
	Written   int // files whose bytes changed or are new
	Unchanged int // files kept from the previous output (same bytes, same mtime)
	// Removed are the files of the previous output that the site no
	// longer produces (pages deleted, or files someone put there by
	// hand), slash paths in order.
	Removed []string
	// Kept are the hidden entries of the destination's top folder
	// (".git" of a gh-pages worktree, ".well-known" is not one: the site
	// may publish it) carried over untouched.
	Kept []string
}

// Write writes the set to dest atomically (see Writer).
func Write(s *Set, dest string) (WriteStats, error) {
	w, err := NewWriter(dest)
	if err != nil {
		return WriteStats{}, err
	}
	return w.Commit(s)
}

// Writer writes a new output into a fresh folder beside dest while a
// build is still running, and puts it in dest's place at Commit, in one
// rename, once every file is written: until then dest is exactly as it
// was, and after Abort (a failed or interrupted build) it still is.
//
// Nothing in the new folder is ever opened for writing if it exists: a
// file is created once (O_EXCL), so no write can go through a link into
// the previous output. A file whose bytes equal those already in dest is
// hard-linked to it instead (never written again, so sharing the inode
// is safe), keeping its modification time, so upload tools see only real
// changes. Files are not fsynced: public/ can always be built again, and
// a flush of every file would cost more than the build.
//
// Add may be called from many goroutines.
type Writer struct {
	// Stale names the temporary folders of killed builds that NewWriter
	// removed.
	Stale []string

	dest, tmp string
	lock      *tempLock
	next      chan *File
	sending   sync.RWMutex // held to send on next; finish takes it to close next
	wg        sync.WaitGroup
	mu        sync.Mutex
	added     map[string][]byte // path → the bytes written
	dirs      map[string]bool   // folders made
	st        WriteStats
	err       error
	closed    bool
}

// NewWriter starts writing a new output for dest, first removing the
// temporary folders that killed builds left beside it.
func NewWriter(dest string) (*Writer, error) {
	dest = filepath.Clean(dest)
	parent := filepath.Dir(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	stale := RemoveStale(dest)
	lock, err := newTempLock(dest)
	if err != nil {
		return nil, err
	}
	w := &Writer{dest: dest, tmp: lock.dir, lock: lock, Stale: stale, next: make(chan *File, 256), added: map[string][]byte{}, dirs: map[string]bool{}}
	for range runtime.GOMAXPROCS(0) * 2 {
		w.wg.Go(func() {
			for f := range w.next {
				err := w.mkdirs(path.Dir(f.Path))
				kept := false
				if err == nil {
					kept, err = writeOne(f, w.dest, w.tmp)
				}
				w.mu.Lock()
				switch {
				case err != nil && w.err == nil:
					w.err = err
				case kept:
					w.st.Unchanged++
				case err == nil:
					w.st.Written++
				}
				w.mu.Unlock()
			}
		})
	}
	return w, nil
}

// Temp is the folder the new output is written to.
func (w *Writer) Temp() string { return w.tmp }

// mkdirs makes the folder d (slash path) and its parents under tmp once.
func (w *Writer) mkdirs(d string) error {
	if d == "." {
		return nil
	}
	w.mu.Lock()
	done := w.dirs[d]
	w.mu.Unlock()
	if done {
		return nil
	}
	if err := os.MkdirAll(filepath.Join(w.tmp, filepath.FromSlash(d)), 0o755); err != nil {
		return err
	}
	w.mu.Lock()
	w.dirs[d] = true
	w.mu.Unlock()
	return nil
}

// Add writes f now, ahead of Commit. Each path is written once: a second
// Add of a path is an error reported by Commit.
func (w *Writer) Add(f *File) {
	if !ValidPath(f.Path) {
		w.fail(fmt.Errorf("output path %q escapes the output folder", f.Path))
		return
	}
	w.sending.RLock()
	defer w.sending.RUnlock()
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	if _, dup := w.added[f.Path]; dup {
		w.mu.Unlock()
		w.fail(fmt.Errorf("output %s written twice", f.Path))
		return
	}
	w.added[f.Path] = f.Data
	w.mu.Unlock()
	w.next <- f
}

func (w *Writer) fail(err error) {
	w.mu.Lock()
	if w.err == nil {
		w.err = err
	}
	w.mu.Unlock()
}

// Commit writes every file of s not yet added, checks that the files
// added are exactly s's, carries the hidden entries of dest's top folder
// over, and puts the new folder in dest's place.
func (w *Writer) Commit(s *Set) (WriteStats, error) {
	for _, f := range s.Files() {
		w.mu.Lock()
		data, ok := w.added[f.Path]
		w.mu.Unlock()
		switch {
		case !ok:
			w.Add(f)
		case !bytes.Equal(data, f.Data):
			w.fail(fmt.Errorf("output %s was written with other bytes than the site's", f.Path))
		}
	}
	w.finish()
	defer w.lock.release()
	if w.err == nil {
		for p := range w.added {
			if s.Get(p) == nil {
				w.err = fmt.Errorf("output %s was written but is not part of the site", p)
				break
			}
		}
	}
	if w.err != nil {
		os.RemoveAll(w.tmp)
		return w.st, w.err
	}
	removed, kept, err := w.carryOver(s)
	if err != nil {
		os.RemoveAll(w.tmp)
		return w.st, err
	}
	if err := swap(w.tmp, w.dest); err != nil {
		w.putBack(kept)
		os.RemoveAll(w.tmp)
		return w.st, err
	}
	os.RemoveAll(w.tmp) // the previous output, after the exchange
	w.st.Removed, w.st.Kept = removed, kept
	return w.st, nil
}

// carryOver moves the hidden entries of dest's top folder that the site
// does not produce into the new folder, and lists the files of dest the
// site no longer produces.
func (w *Writer) carryOver(s *Set) (removed, kept []string, err error) {
	entries, err := os.ReadDir(w.dest)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") && name != ".well-known" && !s.hasUnder(name) {
			if err := os.Rename(filepath.Join(w.dest, name), filepath.Join(w.tmp, name)); err != nil {
				w.putBack(kept)
				return nil, nil, err
			}
			kept = append(kept, name)
			continue
		}
		err := filepath.WalkDir(filepath.Join(w.dest, name), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			rel, _ := filepath.Rel(w.dest, p)
			if rel = filepath.ToSlash(rel); s.Get(rel) == nil {
				removed = append(removed, rel)
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	sort.Strings(removed)
	return removed, kept, nil
}

// putBack returns carried-over entries to dest after a failed swap.
func (w *Writer) putBack(kept []string) {
	for _, name := range kept {
		_ = os.Rename(filepath.Join(w.tmp, name), filepath.Join(w.dest, name))
	}
}

// hasUnder reports whether the set has the file name or files below it.
func (s *Set) hasUnder(name string) bool {
	if s.files[name] != nil {
		return true
	}
	for p := range s.files {
		if strings.HasPrefix(p, name+"/") {
			return true
		}
	}
	return false
}

// Abort stops writing and removes the new folder; dest is untouched.
func (w *Writer) Abort() {
	w.finish()
	os.RemoveAll(w.tmp)
	w.lock.release()
}

func (w *Writer) finish() {
	w.sending.Lock()
	w.mu.Lock()
	already := w.closed
	w.closed = true
	w.mu.Unlock()
	if !already {
		close(w.next)
	}
	w.sending.Unlock()
	w.wg.Wait()
}

// writeOne writes f under tmp, linking the file at the same path in dest
// when its bytes are identical. kept reports the reuse.
func writeOne(f *File, dest, tmp string) (kept bool, err error) {
	rel := filepath.FromSlash(f.Path)
	to := filepath.Join(tmp, rel)
	from := filepath.Join(dest, rel)
	if fi, err := os.Lstat(from); err == nil && fi.Mode().IsRegular() && fi.Size() == int64(len(f.Data)) {
		if old, err := os.ReadFile(from); err == nil && bytes.Equal(old, f.Data) {
			if os.Link(from, to) == nil {
				return true, nil
			}
			if err := create(to, f.Data); err != nil {
				return false, err
			}
			return true, os.Chtimes(to, fi.ModTime(), fi.ModTime())
		}
	}
	return false, create(to, f.Data)
}

// create makes a new file holding data; it never opens one that exists.
func create(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err1 := f.Close(); err == nil {
		err = err1
	}
	return err
}

// swap puts the folder tmp in dest's place. Where the system can exchange
// two names in one step it does, so dest never goes missing, and tmp then
// holds the previous output; elsewhere dest is moved aside and tmp
// renamed into place.
func swap(tmp, dest string) error {
	if _, err := os.Lstat(dest); errors.Is(err, fs.ErrNotExist) {
		return os.Rename(tmp, dest)
	}
	if exchange(tmp, dest) == nil {
		return nil
	}
	old := tmp + ".old"
	if err := os.Rename(dest, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, dest); err != nil {
		_ = os.Rename(old, dest)
		return err
	}
	return os.Rename(old, tmp)
}

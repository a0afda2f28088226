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
}

// Set is a built site: files by path. A Set is not safe for concurrent
// mutation; once built it may be read from many goroutines.
type Set struct {
	files map[string]*File
}

// NewSet returns an empty set.
func NewSet() *Set { return &Set{files: make(map[string]*File)} }

// Add puts f in the set and returns the file it replaced, if any.
func (s *Set) Add(f *File) (prev *File) {
	prev = s.files[f.Path]
	s.files[f.Path] = f
	return prev
}

// Get returns the file at p (a slash path without a leading slash), or nil.
func (s *Set) Get(p string) *File { return s.files[p] }

// Delete removes the file at p.
func (s *Set) Delete(p string) { delete(s.files, p) }

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

// Clone returns a new set holding the same files.
func (s *Set) Clone() *Set {
	c := &Set{files: make(map[string]*File, len(s.files))}
	for p, f := range s.files {
		c.files[p] = f
	}
	return c
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

// WriteStats says what Write did.
type WriteStats struct {
	Written   int // files whose bytes changed or are new
	Unchanged int // files kept from the previous output (same bytes, same mtime)
}

// Write writes the set to dest atomically: the files go to a new folder
// beside dest, which replaces dest only once every file is written. Files
// whose bytes equal those already in dest are hard-linked (or copied with
// their modification time), so the previous mtimes survive and upload tools
// see only real changes. Stale files from the previous output are gone. On
// error dest is left exactly as it was. Files are not fsynced: like other
// generators' output, public/ can always be built again, and a flush of
// every file would cost more than the build.
func Write(s *Set, dest string) (WriteStats, error) {
	w, err := NewWriter(dest)
	if err != nil {
		return WriteStats{}, err
	}
	return w.Commit(s)
}

// Writer writes files into a new folder beside dest while a build is
// still running, and swaps the folder in at Commit. Add may be called from
// many goroutines.
type Writer struct {
	dest, tmp string
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

// NewWriter starts writing a new output for dest.
func NewWriter(dest string) (*Writer, error) {
	dest = filepath.Clean(dest)
	parent := filepath.Dir(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dest)+".tmp-")
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	w := &Writer{dest: dest, tmp: tmp, next: make(chan *File, 256), added: map[string][]byte{}, dirs: map[string]bool{}}
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

// Add writes f now, ahead of Commit. A path outside the output is an
// error reported by Commit.
func (w *Writer) Add(f *File) {
	if !ValidPath(f.Path) {
		w.mu.Lock()
		if w.err == nil {
			w.err = fmt.Errorf("output path %q escapes the output folder", f.Path)
		}
		w.mu.Unlock()
		return
	}
	w.sending.RLock()
	defer w.sending.RUnlock()
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.added[f.Path] = f.Data
	w.mu.Unlock()
	w.next <- f
}

// Commit writes every file of s not yet added with the same bytes,
// removes any added file s does not have, and swaps the folder in.
func (w *Writer) Commit(s *Set) (WriteStats, error) {
	for _, f := range s.Files() {
		w.mu.Lock()
		data, ok := w.added[f.Path]
		w.mu.Unlock()
		if !ok || !bytes.Equal(data, f.Data) {
			w.Add(f)
		}
	}
	w.finish()
	defer os.RemoveAll(w.tmp)
	if w.err != nil {
		return w.st, w.err
	}
	for p := range w.added {
		if s.Get(p) == nil {
			if err := os.Remove(filepath.Join(w.tmp, filepath.FromSlash(p))); err != nil {
				return w.st, err
			}
		}
	}
	return w.st, swap(w.tmp, w.dest)
}

// Abort stops writing and removes the new folder; dest is untouched.
func (w *Writer) Abort() {
	w.finish()
	os.RemoveAll(w.tmp)
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

// writeOne writes f under tmp, reusing the file at the same path in dest
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
			if err := os.WriteFile(to, f.Data, 0o644); err != nil {
				return false, err
			}
			return true, os.Chtimes(to, fi.ModTime(), fi.ModTime())
		}
	}
	return false, os.WriteFile(to, f.Data, 0o644)
}

// swap puts the folder tmp in dest's place. Where the system can exchange
// two names in one step it does, so dest never goes missing; elsewhere dest
// is moved aside and tmp renamed into place.
func swap(tmp, dest string) error {
	if _, err := os.Lstat(dest); errors.Is(err, fs.ErrNotExist) {
		return os.Rename(tmp, dest)
	}
	if exchange(tmp, dest) == nil {
		return nil // tmp now holds the old output; the caller removes it
	}
	old := tmp + ".old"
	if err := os.Rename(dest, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, dest); err != nil {
		_ = os.Rename(old, dest)
		return err
	}
	return os.RemoveAll(old)
}

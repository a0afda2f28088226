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
	var st WriteStats
	dest = filepath.Clean(dest)
	parent := filepath.Dir(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return st, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dest)+".tmp-")
	if err != nil {
		return st, err
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		return st, err
	}

	files := s.Files()
	for _, f := range files {
		if !ValidPath(f.Path) {
			return st, fmt.Errorf("output path %q escapes the output folder", f.Path)
		}
	}
	// Folders first, in one pass, so workers never race on MkdirAll.
	dirs := map[string]bool{}
	for _, f := range files {
		for d := path.Dir(f.Path); d != "." && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	dirList := make([]string, 0, len(dirs))
	for d := range dirs {
		dirList = append(dirList, d)
	}
	sort.Strings(dirList)
	for _, d := range dirList {
		if err := os.Mkdir(filepath.Join(tmp, filepath.FromSlash(d)), 0o755); err != nil {
			return st, err
		}
	}

	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
		next     = make(chan *File)
	)
	workers := runtime.GOMAXPROCS(0) * 2
	for range workers {
		wg.Go(func() {
			for f := range next {
				kept, err := writeOne(f, dest, tmp)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				if kept {
					st.Unchanged++
				} else if err == nil {
					st.Written++
				}
				mu.Unlock()
			}
		})
	}
	for _, f := range files {
		next <- f
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return st, firstErr
	}
	return st, swap(tmp, dest)
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

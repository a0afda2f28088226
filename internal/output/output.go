// Package output holds a built site as a set of files in memory and writes
// it to a folder atomically.
package output

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/certiron/certiron-site/internal/mark"
)

// File is one file of the built site.
type File struct {
	// Path is slash-separated and relative to the site root, e.g.
	// "legal/cookie-policy/index.html".
	Path string
	// Data is the file's bytes; nil for a file made by Lazy, whose bytes
	// Bytes reads when they are needed.
	Data []byte
	// Sources are the site-relative source files the output was made from
	// (the Markdown file first, then templates), used to point diagnostics
	// at the user's own file and to decide what a change must rebuild.
	Sources []string
	// Marks say which source line made each element of a page (see
	// package mark); nil for files copied as they are, whose own lines
	// are their source's.
	Marks mark.Map

	sumOnce sync.Once
	sum     [32]byte
	// A lazy file's size and reader.
	lazy bool
	size int
	load func() ([]byte, error)
}

// Lazy returns a file whose bytes are not in memory but known by their
// size and SHA-256: a page the destination already holds, vouched for
// by its Manifest. load reads them; Bytes checks what it read against
// sum, so a file changed meanwhile is an error, never taken for the
// page.
func Lazy(path string, size int, sum [32]byte, load func() ([]byte, error)) *File {
	f := &File{Path: path, lazy: true, size: size, load: load}
	f.KnownSum(sum)
	return f
}

// IsLazy reports whether f was made by Lazy.
func (f *File) IsLazy() bool { return f.lazy }

// Len is the number of bytes of the file.
func (f *File) Len() int {
	if f.lazy {
		return f.size
	}
	return len(f.Data)
}

// Bytes returns the file's bytes. A lazy file's are read at each call,
// and not kept: whoever needs them holds them only as long as it needs
// them (the audit reads each page once), so that a build need not hold
// its whole output in memory.
func (f *File) Bytes() ([]byte, error) {
	if !f.lazy {
		return f.Data, nil
	}
	data, err := f.load()
	switch {
	case err != nil:
		return nil, err
	case len(data) != f.size || sha256.Sum256(data) != f.Sum():
		return nil, fmt.Errorf("%s changed during the build; build again", f.Path)
	}
	return data, nil
}

// Set is a built site: files by path. A Set made by a Plan accepts only
// the paths the plan accepted, each once; one made by NewSet accepts any
// clean path once. A Set is not safe for concurrent mutation; once built
// it may be read from many goroutines.
type Set struct {
	files   map[string]*File
	planned map[string]bool // nil: any path
	// sorted is every path in order, once asked for, until the next Put;
	// plannedOrder the plan's accepted paths in order, which it is when
	// every one of them was put.
	mu           sync.Mutex
	sorted       []string
	plannedOrder []string
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

// Paths returns every path in sorted order. The caller must not change
// the slice.
func (s *Set) Paths() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.sorted != nil:
	case s.planned != nil && len(s.plannedOrder) == len(s.files):
		s.sorted = s.plannedOrder // Put takes only planned paths, each once
	case s.planned != nil:
		// Some planned paths are not put (yet): those that are, in order.
		s.sorted = make([]string, 0, len(s.files))
		for _, p := range s.plannedOrder {
			if s.files[p] != nil {
				s.sorted = append(s.sorted, p)
			}
		}
	default:
		s.sorted = make([]string, 0, len(s.files))
		for p := range s.files {
			s.sorted = append(s.sorted, p)
		}
		sort.Strings(s.sorted)
	}
	return s.sorted
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
	// Manifest is what dest now holds, for the next build (nil unless
	// the writer was given one).
	Manifest *Manifest
}

// Write writes the set to dest atomically (see Writer).
func Write(s *Set, dest string) (WriteStats, error) {
	w, err := NewWriter(dest, nil)
	if err != nil {
		return WriteStats{}, err
	}
	return w.Commit(s)
}

// Writer writes a build's output while the build is still running, and
// makes it dest's content at Commit, once every file is written and
// checked: until then dest is exactly as it was, and after Abort (a
// failed or interrupted build) it still is.
//
// When dest does not exist yet, the files are written into a fresh
// folder beside it, renamed into place at Commit. When it does, each
// file is compared with the one at its path in dest: an equal file is
// left as it is (its bytes, inode and modification time untouched, so
// upload tools see only real changes), a new or changed one is staged
// in the temporary folder beside dest. Commit then applies the changes
// in place (see apply): it writes a journal of every step first, keeps
// each replaced or removed file in the temporary folder until the end,
// and undoes every step if one fails, or, when a killed build left the
// journal, at the start of the next build (RemoveStale). A build that
// changes one page of thousands moves one file.
//
// Nothing is ever opened for writing if it exists: a file is created
// once (O_EXCL) in the temporary folder, so no write can go through a
// link into the previous output. Files are not fsynced: public/ can
// always be built again, and a flush of every file would cost more than
// the build.
//
// Add may be called from many goroutines.
type Writer struct {
	// Stale names the temporary folders of killed builds that NewWriter
	// removed (after undoing their unfinished changes to dest).
	Stale []string

	dest, tmp string
	inPlace   bool // dest exists: changes are staged and applied at Commit
	lock      *tempLock
	next      chan *File
	sending   sync.RWMutex // held to send on next; finish takes it to close next
	wg        sync.WaitGroup
	mu        sync.Mutex
	added     map[string]*File // path → the file written (or Emit's stand-in)
	// where holds the file each written path's bytes are in until
	// Commit ("" if writing it failed); written is signalled as it grows
	// and when the writers are done.
	where     map[string]string
	written   *sync.Cond
	drained   bool
	committed bool
	staged    map[string]string // in place: path → its staged file's name in tmp
	dirs      map[string]bool   // folders made
	// prev is the manifest of dest's files (nil: none is kept); stamps
	// the new one's entries for files left as they were.
	prev   *Manifest
	stamps map[string]Stamp
	// vouched are the files Holds found dest holds, with their stamps.
	vouched map[string]Stamp
	// listing is dest's listing, in place.
	listing chan listing
	st      WriteStats
	err     error
	closed  bool
}

// NewWriter starts writing a new output for dest, first removing the
// temporary folders that killed builds left beside it. prev, when not
// nil, is the Manifest the last build left for dest (NewManifest for
// none): files it vouches for are not read again, and Commit returns the
// new one.
func NewWriter(dest string, prev *Manifest) (*Writer, error) {
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
	n := 0 // the files the last build left: about as many as this one writes
	if prev != nil {
		n = len(prev.Files)
	}
	w := &Writer{dest: dest, tmp: lock.dir, lock: lock, Stale: stale, next: make(chan *File, 256), added: make(map[string]*File, n), where: make(map[string]string, n), staged: map[string]string{}, dirs: map[string]bool{}, prev: prev, stamps: make(map[string]Stamp, n), vouched: make(map[string]Stamp, n)}
	w.written = sync.NewCond(&w.mu)
	if fi, err := os.Stat(dest); err == nil && fi.IsDir() {
		w.inPlace = true
		if err := os.Mkdir(filepath.Join(w.tmp, stagedDir), 0o755); err != nil {
			w.Abort()
			return nil, err
		}
		// What dest holds is listed while the build runs, for Commit.
		w.listing = make(chan listing, 1)
		go func() { w.listing <- list(dest, nil, prev) }()
	}
	for range runtime.GOMAXPROCS(0) * 2 {
		w.wg.Go(func() {
			for f := range w.next {
				var kept bool
				var err error
				if w.inPlace {
					kept, err = w.stage(f)
				} else if err = w.mkdirs(path.Dir(f.Path)); err == nil {
					var data []byte
					if data, err = f.Bytes(); err == nil {
						err = create(filepath.Join(w.tmp, filepath.FromSlash(f.Path)), data)
					}
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
				w.where[f.Path] = w.location(f.Path, kept, err)
				w.written.Broadcast()
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

// stage compares f with the file at its path in dest and, unless they
// are equal, writes f into the temporary folder for Commit to move into
// place. kept reports the equal file, left as it is.
func (w *Writer) stage(f *File) (kept bool, err error) {
	if f.lazy {
		w.mu.Lock()
		st, ok := w.vouched[f.Path]
		if ok && st.Sum == f.Sum() {
			w.stamps[f.Path] = st
		}
		w.mu.Unlock()
		if ok && st.Sum == f.Sum() {
			return true, nil
		}
	}
	full := filepath.Join(w.dest, filepath.FromSlash(f.Path))
	if fi, err := os.Lstat(full); err == nil && fi.Mode().IsRegular() && fi.Size() == int64(f.Len()) {
		if w.prev.holds(f.Path, fi, f.Sum) || !f.lazy && sameBytes(full, f.Data) {
			if w.prev != nil {
				w.record(w.stamps, f.Path, fi, f.Sum())
			}
			return true, nil
		}
	}
	data, err := f.Bytes()
	if err != nil {
		return false, err
	}
	w.mu.Lock()
	name := filepath.Join(stagedDir, strconv.Itoa(len(w.staged)))
	w.staged[f.Path] = name
	w.mu.Unlock()
	return false, create(filepath.Join(w.tmp, name), data)
}

// location is the file that holds the bytes of the file at p once it is
// written (kept: left as dest held it), "" if writing it failed; w.mu is
// held.
func (w *Writer) location(p string, kept bool, err error) string {
	switch {
	case err != nil:
		return ""
	case kept:
		return filepath.Join(w.dest, filepath.FromSlash(p))
	case w.inPlace:
		return filepath.Join(w.tmp, w.staged[p])
	}
	return filepath.Join(w.tmp, filepath.FromSlash(p))
}

// Emit adds f, as Add does, and returns a stand-in for it that holds
// none of its bytes: a Lazy file, with f's sources and marks, that
// reads them back from where the writer put them (waiting for it to
// have written them; from dest after Commit), checked against f's
// SHA-256. A build that keeps the stand-in need not hold its whole
// output in memory to its end. A file the writer will not write (a path
// written twice, a writer aborted) is handed back as it is.
func (w *Writer) Emit(f *File) *File {
	if f.lazy {
		w.Add(f)
		return f
	}
	p := f.Path
	lz := Lazy(p, len(f.Data), f.Sum(), func() ([]byte, error) { return w.readBack(p) })
	lz.Sources, lz.Marks = f.Sources, f.Marks
	if !w.add(f, lz) {
		return f // not to be written (an error Commit reports): f keeps its bytes
	}
	return lz
}

// readBack reads the file at p as the writer wrote it.
func (w *Writer) readBack(p string) ([]byte, error) {
	w.mu.Lock()
	for {
		if w.committed {
			w.mu.Unlock()
			return w.Read(p)
		}
		if loc, ok := w.where[p]; ok {
			w.mu.Unlock()
			if loc == "" {
				return nil, fmt.Errorf("%s could not be written", p)
			}
			return os.ReadFile(loc)
		}
		if w.drained {
			w.mu.Unlock()
			return nil, fmt.Errorf("%s was not written", p)
		}
		w.written.Wait()
	}
}

// Holds reports whether dest already holds the file at p with the bytes
// whose SHA-256 is sum, as the last build's Manifest vouches, so a build
// need not even read them (see Lazy).
func (w *Writer) Holds(p string, sum [32]byte) bool {
	if w.prev == nil || !w.inPlace || !ValidPath(p) {
		return false
	}
	fi, err := os.Lstat(filepath.Join(w.dest, filepath.FromSlash(p)))
	if err != nil || !w.prev.holds(p, fi, func() [32]byte { return sum }) {
		return false
	}
	// The stamp stands for this build's manifest: the file is left as
	// it is (a Lazy file is never written), so stage need not look again.
	w.record(w.vouched, p, fi, sum)
	return true
}

// record puts the stamp of the file at p, described by fi and holding
// the bytes whose hash is sum, in stamps (w.stamps or w.vouched).
func (w *Writer) record(stamps map[string]Stamp, p string, fi fs.FileInfo, sum [32]byte) {
	st := stampOrNone(fi, nil)
	st.Sum = sum
	w.mu.Lock()
	stamps[p] = st
	w.mu.Unlock()
}

// Read reads the file at p as dest holds it now, for a Lazy file.
func (w *Writer) Read(p string) ([]byte, error) {
	if !ValidPath(p) {
		return nil, fmt.Errorf("output path %q escapes the output folder", p)
	}
	return os.ReadFile(filepath.Join(w.dest, filepath.FromSlash(p)))
}

// stampOrNone is the stamp of the file Lstat described as fi, or one
// that matches no file (the path still listed, as the build's): the
// next build then compares the file's bytes.
func stampOrNone(fi fs.FileInfo, err error) Stamp {
	if err == nil {
		if st, ok := stampOf(fi); ok {
			return st
		}
	}
	return Stamp{Size: -1}
}

// sameContent reports whether a and b hold the same bytes.
func sameContent(a, b *File) bool {
	if a.lazy || b.lazy {
		return a.Sum() == b.Sum()
	}
	return bytes.Equal(a.Data, b.Data)
}

// sameBytes reports whether the file name holds exactly data. It reads
// the file into a pooled buffer: a build into an existing output
// compares every page it did not change, and need not allocate a copy
// of each.
func sameBytes(name string, data []byte) bool {
	f, err := os.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	bp := readBufs.Get().(*[]byte)
	defer readBufs.Put(bp)
	// One byte more than data: a longer file does not fill it exactly.
	buf := slices.Grow((*bp)[:0], len(data)+1)[:len(data)+1]
	*bp = buf
	// The file ended (EOF for an empty one) after exactly len(data) bytes.
	n, err := io.ReadFull(f, buf)
	return (err == io.ErrUnexpectedEOF || err == io.EOF) && n == len(data) && bytes.Equal(buf[:n], data)
}

var readBufs = sync.Pool{New: func() any { return new([]byte) }}

// Add writes f now, ahead of Commit. Each path is written once: a second
// Add of a path is an error reported by Commit.
func (w *Writer) Add(f *File) { w.add(f, f) }

// add writes f, and has Commit take as for it: f or Emit's stand-in.
// It reports whether f is on its way to be written.
func (w *Writer) add(f, as *File) bool {
	if !ValidPath(f.Path) {
		w.fail(fmt.Errorf("output path %q escapes the output folder", f.Path))
		return false
	}
	w.sending.RLock()
	defer w.sending.RUnlock()
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return false
	}
	if _, dup := w.added[f.Path]; dup {
		w.mu.Unlock()
		w.fail(fmt.Errorf("output %s written twice", f.Path))
		return false
	}
	w.added[f.Path] = as
	w.mu.Unlock()
	w.next <- f
	return true
}

func (w *Writer) fail(err error) {
	w.mu.Lock()
	if w.err == nil {
		w.err = err
	}
	w.mu.Unlock()
}

// Commit writes every file of s not yet added, checks that the files
// added are exactly s's, and makes them dest's content: the new folder
// renamed into place, or the staged changes applied to dest, with the
// files dest holds that s does not removed, except the hidden entries
// of dest's top folder.
func (w *Writer) Commit(s *Set) (WriteStats, error) {
	for _, f := range s.Files() {
		w.mu.Lock()
		added, ok := w.added[f.Path]
		w.mu.Unlock()
		switch {
		case !ok:
			w.Add(f)
		case added != f && !sameContent(added, f):
			w.fail(fmt.Errorf("output %s was written with other bytes than the site's", f.Path))
		}
	}
	w.finish()
	defer w.lock.release()
	defer os.RemoveAll(w.tmp)
	if w.err == nil {
		for p := range w.added {
			if s.Get(p) == nil {
				w.err = fmt.Errorf("output %s was written but is not part of the site", p)
				break
			}
		}
	}
	if w.err != nil {
		return w.st, w.err
	}
	if !w.inPlace {
		if err := os.Rename(w.tmp, w.dest); err != nil {
			return w.st, err
		}
		w.markCommitted()
		w.st.Manifest = w.manifest(&listing{}, nil)
		return w.st, nil
	}
	l := <-w.listing
	removed, dirs, kept, err := scanDest(w.dest, s, l)
	if err != nil {
		return w.st, err
	}
	j := newJournal(w.dest, s, removed, dirs, w.staged)
	if err := j.apply(w.tmp); err != nil {
		return w.st, err
	}
	w.markCommitted()
	w.st.Removed, w.st.Kept = removed, kept
	w.st.Manifest = w.manifest(&l, j)
	return w.st, nil
}

// manifest is the Manifest of dest after Commit: the stamps of the files
// left as they were, taken when they were compared, and fresh ones of
// the files written.
func (w *Writer) manifest(l *listing, j *journal) *Manifest {
	if w.prev == nil {
		return nil
	}
	// A folder the listing stamped is as it was unless the change put a
	// file into it or took one out (or made it): those are stamped again.
	again := map[string]bool{}
	if j != nil {
		for _, m := range append(j.Remove, j.Put...) {
			again[path.Dir(m.Path)] = true
		}
		for _, d := range j.Mkdir {
			again[d], again[path.Dir(d)] = true, true
		}
		for _, d := range j.Rmdir {
			again[path.Dir(d.Path)] = true
		}
	}
	m := &Manifest{Files: w.stamps, Dirs: make(map[string]Stamp, len(l.stamps))}
	for p := range w.added {
		for d := path.Dir(p); d != "." && m.Dirs[d] == (Stamp{}); d = path.Dir(d) {
			if st, ok := l.stamps[d]; ok && !again[d] {
				m.Dirs[d] = st
				continue
			}
			fi, err := os.Lstat(filepath.Join(w.dest, filepath.FromSlash(d)))
			m.Dirs[d] = stampOrNone(fi, err)
		}
	}
	for p, f := range w.added {
		if _, ok := m.Files[p]; ok {
			continue
		}
		fi, err := os.Lstat(filepath.Join(w.dest, filepath.FromSlash(p)))
		st := stampOrNone(fi, err)
		st.Sum = f.Sum()
		m.Files[p] = st
	}
	m.Made = time.Now().UnixNano()
	return m
}

// listing is what dest holds: its files and folders, slash paths, but
// not what lies in its top folder's hidden entries (a gh-pages
// worktree's .git), which are only named.
type listing struct {
	files, dirs, hidden []string
	// stamps are the folders' stamps as the listing found them.
	stamps map[string]Stamp
	err    error
}

// list lists dest. A hidden top entry is looked into only if the site
// produces files under it (under, nil for none). A folder the manifest
// prev vouches for (see Manifest.Dirs) is not read: it holds what prev
// says.
func list(dest string, under func(name string) bool, prev *Manifest) listing {
	l := listing{stamps: map[string]Stamp{}}
	if prev != nil {
		l.stamps = make(map[string]Stamp, len(prev.Dirs))
	}
	top, err := os.ReadDir(dest)
	if err != nil {
		return listing{err: err}
	}
	var kids map[string]*entries
	if prev != nil && len(prev.Dirs) > 0 {
		kids = prev.children()
	}
	var walk func(rel string) error
	walk = func(rel string) error {
		l.dirs = append(l.dirs, rel)
		full := filepath.Join(dest, filepath.FromSlash(rel))
		fi, err := os.Lstat(full)
		if err == nil {
			if st, ok := stampOf(fi); ok {
				l.stamps[rel] = st
			}
		}
		if err == nil && kids != nil && prev.holdsDir(rel, fi) {
			if k := kids[rel]; k != nil {
				l.files = append(l.files, k.files...)
				for _, d := range k.dirs {
					if err := walk(d); err != nil {
						return err
					}
				}
			}
			return nil
		}
		des, err := os.ReadDir(full)
		if err != nil {
			return err
		}
		for _, de := range des {
			p := rel + "/" + de.Name()
			if de.IsDir() {
				if err := walk(p); err != nil {
					return err
				}
			} else {
				l.files = append(l.files, p)
			}
		}
		return nil
	}
	for _, e := range top {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, ".") && name != ".well-known" && (under == nil || !under(name)):
			l.hidden = append(l.hidden, name)
		case e.IsDir():
			if l.err = walk(name); l.err != nil {
				return l
			}
		default:
			l.files = append(l.files, name)
		}
	}
	return l
}

// scanDest lists the files of dest that s does not produce, the folders
// of dest, and the hidden entries of dest's top folder, which are left
// alone (and not looked into). l is dest's listing, taken while the
// build ran (nothing else writes to dest meanwhile).
func scanDest(dest string, s *Set, l listing) (removed, dirs, kept []string, err error) {
	if l.err != nil {
		return nil, nil, nil, l.err
	}
	dirs = l.dirs
	for _, p := range l.files {
		if s.Get(p) == nil {
			removed = append(removed, p)
		}
	}
	for _, name := range l.hidden {
		if !s.hasUnder(name) {
			kept = append(kept, name)
			continue
		}
		// The site publishes files under it after all.
		sub := list(dest, func(n string) bool { return n == name }, nil)
		if sub.err != nil {
			return nil, nil, nil, sub.err
		}
		for _, d := range sub.dirs {
			if d == name || strings.HasPrefix(d, name+"/") {
				dirs = append(dirs, d)
			}
		}
		for _, p := range sub.files {
			if (p == name || strings.HasPrefix(p, name+"/")) && s.Get(p) == nil {
				removed = append(removed, p)
			}
		}
	}
	sort.Strings(removed)
	return removed, dirs, kept, nil
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

// markCommitted has readBack read from dest, which holds every file now.
func (w *Writer) markCommitted() {
	w.mu.Lock()
	w.committed = true
	w.mu.Unlock()
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
	w.mu.Lock()
	w.drained = true
	w.written.Broadcast()
	w.mu.Unlock()
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

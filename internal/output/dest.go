package output

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Resolve returns the absolute path p names, with every symbolic link and
// ".." resolved, as far as p exists (the rest is joined on as written).
func Resolve(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	var rest []string
	for cur := abs; ; cur = filepath.Dir(cur) {
		if real, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(append([]string{real}, rest...)...), nil
		}
		if filepath.Dir(cur) == cur {
			return abs, nil
		}
		rest = append([]string{filepath.Base(cur)}, rest...)
	}
}

// CheckDest refuses a destination that would destroy or swallow what it
// must not: the site folder root or any folder above it, the user's home,
// "/", an existing file that is not a folder, or anything that is, holds
// or lies inside one of inputs (the config file, content/, themes/,
// static/, the site's .git). It runs before anything is created, and
// returns the destination resolved (symbolic links and ".." gone), which
// is where the build must write.
func CheckDest(dest, root string, inputs []string) (string, error) {
	d, err := Resolve(dest)
	if err != nil {
		return "", err
	}
	r, err := Resolve(root)
	if err != nil {
		return "", err
	}
	refuse := func(why string) error {
		return fmt.Errorf("refusing to build into %s: %s; choose a new or build-only folder, such as the default %s", dest, why, filepath.Join(root, "public"))
	}
	if filepath.Dir(d) == d {
		return "", refuse("it is the top folder of the file system")
	}
	if home, err := os.UserHomeDir(); err == nil {
		if h, err := Resolve(home); err == nil && h == d {
			return "", refuse("it is your home folder")
		}
	}
	if within(r, d) {
		if r == d {
			return "", refuse("it is the site folder " + root + " itself, and the build replaces the whole destination")
		}
		return "", refuse("it holds the site folder " + root + ", and the build replaces the whole destination")
	}
	for _, in := range inputs {
		i, err := Resolve(in)
		if err != nil {
			continue
		}
		switch {
		case i == d:
			return "", refuse(in + " is a source of the site")
		case within(i, d):
			return "", refuse("it holds " + in + ", a source of the site")
		case within(d, i):
			return "", refuse("it lies inside " + in + ", a source of the site")
		}
	}
	if fi, err := os.Stat(d); err == nil && !fi.IsDir() {
		return "", refuse("it exists and is not a folder")
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	return d, nil
}

// within reports whether the clean absolute path p is dir or below it.
func within(p, dir string) bool {
	if p == dir {
		return true
	}
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// The temporary folders of a build for dest are ".<base>.tmp-<id>" beside
// it, each with a lock file ".<base>.tmp-<id>.lock" held for as long as
// the build runs. A killed build's folder is left behind with its lock
// free; the next build for dest removes it.

func tempPrefix(dest string) string { return "." + filepath.Base(dest) + ".tmp-" }

const lockSuffix = ".lock"

// tempLock is a build's temporary folder and its held lock.
type tempLock struct {
	dir  string
	file *os.File
}

// newTempLock makes a temporary folder for dest, locked first.
func newTempLock(dest string) (*tempLock, error) {
	parent := filepath.Dir(dest)
	for range 10 {
		var b [6]byte
		_, _ = rand.Read(b[:])
		dir := filepath.Join(parent, tempPrefix(dest)+hex.EncodeToString(b[:]))
		f, err := os.OpenFile(dir+lockSuffix, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !lockHeld(f, dir+lockSuffix) {
			f.Close()
			continue // another build's cleanup removed it meanwhile
		}
		if err := os.Mkdir(dir, 0o755); err != nil {
			f.Close()
			os.Remove(dir + lockSuffix)
			return nil, err
		}
		return &tempLock{dir: dir, file: f}, nil
	}
	return nil, fmt.Errorf("cannot make a temporary folder beside %s", dest)
}

func (l *tempLock) release() {
	if l.file != nil {
		os.Remove(l.dir + lockSuffix)
		l.file.Close()
		l.file = nil
	}
}

// lockHeld takes f's lock without waiting and checks that f is still the
// file at name.
func lockHeld(f *os.File, name string) bool {
	if !tryLock(f) {
		return false
	}
	a, err1 := f.Stat()
	b, err2 := os.Stat(name)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

// RemoveStale removes the temporary folders that builds for dest killed
// before they finished left beside it: only names of this tool's own
// pattern, and never one whose build is still running (its lock is held).
// A build killed while it applied its changes to dest left a journal of
// them: those are undone first, so dest is again the output it was. It
// returns the names removed.
func RemoveStale(dest string) []string {
	parent := filepath.Dir(dest)
	prefix := tempPrefix(dest)
	entries, err := os.ReadDir(parent)
	if err != nil {
		return nil
	}
	ids := map[string]bool{}
	for _, e := range entries {
		if name, ok := strings.CutPrefix(e.Name(), prefix); ok && name != "" {
			name = strings.TrimSuffix(strings.TrimSuffix(name, lockSuffix), ".old")
			ids[name] = true
		}
	}
	var removed []string
	for id := range ids {
		dir := filepath.Join(parent, prefix+id)
		f, err := os.OpenFile(dir+lockSuffix, os.O_RDWR, 0)
		switch {
		case err == nil:
			if !lockHeld(f, dir+lockSuffix) {
				f.Close()
				continue // a build is running
			}
		case !errors.Is(err, fs.ErrNotExist):
			continue
		}
		if undoStale(dest, dir) != nil {
			// Its changes to dest could not all be undone: keep the
			// files it moved aside rather than lose them.
			if f != nil {
				f.Close()
			}
			continue
		}
		os.RemoveAll(dir)
		os.RemoveAll(dir + ".old")
		if f != nil {
			os.Remove(dir + lockSuffix)
			f.Close()
		}
		removed = append(removed, filepath.Base(dir))
	}
	return removed
}

package output

import (
	"crypto/sha256"
	"io/fs"
	"path"
	"sort"
	"time"

	"github.com/certiron/certiron-site/internal/wire"
)

// Sum is the SHA-256 of the file's bytes, computed once.
func (f *File) Sum() [32]byte {
	f.sumOnce.Do(func() { f.sum = sha256.Sum256(f.Data) })
	return f.sum
}

// KnownSum records sum as the SHA-256 of f's bytes, for a caller that
// has it from where the bytes came from (a cache entry that keeps both,
// under one checksum), so that Sum need not hash them again.
func (f *File) KnownSum(sum [32]byte) { f.sumOnce.Do(func() { f.sum = sum }) }

// A Manifest is what a build left in its destination: each file's
// SHA-256 and the stamp the file system gave it (size, modification and
// change times, inode). The next build trusts a file whose stamp is
// unchanged to still hold those bytes, as git trusts its index, so it
// can tell an unchanged file by its stamp and the new bytes' hash
// instead of reading it. Nothing can rewrite a file without changing its
// change time; a stamp taken so soon after the file's last change that a
// change in the same clock tick could hide behind it is not trusted.
type Manifest struct {
	// Made is when the stamps were taken (Unix nanoseconds).
	Made  int64
	Files map[string]Stamp
	// Dirs are the stamps of the folders below the top one (Size
	// unused): a folder's times change whenever an entry is added to
	// it, removed or renamed, so an unchanged stamp means it holds what
	// the build left, and listing the destination need not read it.
	Dirs map[string]Stamp
}

// Stamp is one file's entry in a Manifest.
type Stamp struct {
	Size, Mtime, Ctime int64 // Mtime and Ctime in Unix nanoseconds
	Ino                uint64
	Sum                [32]byte
}

// racyWindow is how long after a file's last change its stamp is not
// yet trusted: far more than the file system's clock tick.
const racyWindow = 2 * time.Second

// NewManifest returns an empty manifest, for a first build.
func NewManifest() *Manifest { return &Manifest{Files: map[string]Stamp{}, Dirs: map[string]Stamp{}} }

// holds reports whether m says the file whose current information is fi
// holds exactly the bytes whose hash is sum.
func (m *Manifest) holds(p string, fi fs.FileInfo, sum func() [32]byte) bool {
	if m == nil {
		return false
	}
	old, ok := m.Files[p]
	return ok && m.trusted(old, fi) && sum() == old.Sum
}

// StampOf is the stamp of the file Lstat or Stat described as fi (its
// Sum unset); ok is false where the system gives no change time or the
// file is neither a regular file nor a folder.
func StampOf(fi fs.FileInfo) (Stamp, bool) { return stampOf(fi) }

// Trusted reports whether a file or folder whose current information is
// fi still has the stamp old, recorded at made (Unix nanoseconds) and
// long enough after the file's last change: then it holds what it held
// when old was taken.
func Trusted(old Stamp, fi fs.FileInfo, made int64) bool {
	return (&Manifest{Made: made}).trusted(old, fi)
}

// racy reports whether the stamp st was taken too soon after its
// file's last change for m to vouch for it.
func (m *Manifest) racy(st Stamp) bool { return st.Ctime > m.Made-int64(racyWindow) }

// trusted reports whether fi, a file's or folder's current information,
// has the stamp old, taken long enough after its last change.
func (m *Manifest) trusted(old Stamp, fi fs.FileInfo) bool {
	if m.racy(old) {
		return false
	}
	now, ok := stampOf(fi)
	return ok && now.Size == old.Size && now.Mtime == old.Mtime && now.Ctime == old.Ctime && now.Ino == old.Ino
}

// holdsDir reports whether the folder p, whose current information is
// fi, holds what it held when m was made.
func (m *Manifest) holdsDir(p string, fi fs.FileInfo) bool {
	if m == nil {
		return false
	}
	old, ok := m.Dirs[p]
	return ok && fi.IsDir() && m.trusted(old, fi)
}

// children lists, for each folder of m (slash path, "." for the top),
// the files and folders directly in it.
func (m *Manifest) children() map[string]*entries {
	kids := map[string]*entries{}
	at := func(p string) *entries {
		d := path.Dir(p)
		e := kids[d]
		if e == nil {
			e = &entries{}
			kids[d] = e
		}
		return e
	}
	for p := range m.Files {
		at(p).files = append(at(p).files, p)
	}
	for p := range m.Dirs {
		at(p).dirs = append(at(p).dirs, p)
	}
	return kids
}

type entries struct{ files, dirs []string }

// MarshalBinary encodes the manifest.
func (m *Manifest) MarshalBinary() ([]byte, error) {
	b := wire.Int(nil, int(m.Made))
	b = putStamps(b, m.Files, true)
	return putStamps(b, m.Dirs, false), nil
}

func putStamps(b []byte, stamps map[string]Stamp, sums bool) []byte {
	paths := make([]string, 0, len(stamps))
	for p := range stamps {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	b = wire.Uint(b, uint64(len(paths)))
	for _, p := range paths {
		st := stamps[p]
		b = wire.String(b, p)
		b = wire.Int(b, int(st.Size))
		b = wire.Int(b, int(st.Mtime))
		b = wire.Int(b, int(st.Ctime))
		b = wire.Uint(b, st.Ino)
		if sums {
			b = append(b, st.Sum[:]...)
		}
	}
	return b
}

func readStamps(r *wire.Reader, sums bool) map[string]Stamp {
	n := r.Count(5)
	m := make(map[string]Stamp, n)
	for range n {
		p := r.String()
		st := Stamp{Size: int64(r.Int()), Mtime: int64(r.Int()), Ctime: int64(r.Int()), Ino: r.Uint()}
		if sums {
			copy(st.Sum[:], r.Fixed(len(st.Sum)))
		}
		m[p] = st
	}
	return m
}

// UnmarshalBinary decodes what MarshalBinary encoded.
func (m *Manifest) UnmarshalBinary(b []byte) error {
	r := wire.NewReader(b)
	m.Made = int64(r.Int())
	m.Files = readStamps(r, true)
	m.Dirs = readStamps(r, false)
	return r.Done()
}

// WorthKeeping reports whether m, the manifest a build made, is worth
// keeping in place of prev, the one the build started from: unless both
// name the same files and folders and m differs for fewer than 64 of
// them and under 1%, where it differs for a file or folder whose stamp
// it gives otherwise, or one whose stamp prev took too soon after its
// last change to vouch for it and m does not. prev then still vouches
// for all the rest; a file whose stamp it has wrong (one the build
// rewrote) is only compared with its bytes again, and a folder listed
// again. So a warm build that changed one page need not encode and
// store the manifest of every file.
func (m *Manifest) WorthKeeping(prev *Manifest) bool {
	if prev == nil || len(prev.Files) == 0 || len(m.Files) != len(prev.Files) || len(m.Dirs) != len(prev.Dirs) {
		return true
	}
	changed := 0
	for _, set := range [][2]map[string]Stamp{{m.Files, prev.Files}, {m.Dirs, prev.Dirs}} {
		for p, st := range set[0] {
			old, ok := set[1][p]
			if !ok {
				return true // another file or folder
			}
			if old != st || prev.racy(old) && !m.racy(st) {
				changed++
			}
		}
	}
	total := len(m.Files) + len(m.Dirs)
	return changed >= 64 || changed*100 >= total
}

package output

import (
	"crypto/sha256"
	"io/fs"
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
func NewManifest() *Manifest { return &Manifest{Files: map[string]Stamp{}} }

// holds reports whether m says the file whose current information is fi
// holds exactly the bytes whose hash is sum.
func (m *Manifest) holds(p string, fi fs.FileInfo, sum func() [32]byte) bool {
	if m == nil {
		return false
	}
	old, ok := m.Files[p]
	if !ok || old.Ctime > m.Made-int64(racyWindow) {
		return false
	}
	now, ok := stampOf(fi)
	return ok && now.Size == old.Size && now.Mtime == old.Mtime && now.Ctime == old.Ctime && now.Ino == old.Ino && sum() == old.Sum
}

// MarshalBinary encodes the manifest.
func (m *Manifest) MarshalBinary() ([]byte, error) {
	paths := make([]string, 0, len(m.Files))
	for p := range m.Files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	b := wire.Int(nil, int(m.Made))
	b = wire.Uint(b, uint64(len(paths)))
	for _, p := range paths {
		st := m.Files[p]
		b = wire.String(b, p)
		b = wire.Int(b, int(st.Size))
		b = wire.Int(b, int(st.Mtime))
		b = wire.Int(b, int(st.Ctime))
		b = wire.Uint(b, st.Ino)
		b = append(b, st.Sum[:]...)
	}
	return b, nil
}

// UnmarshalBinary decodes what MarshalBinary encoded.
func (m *Manifest) UnmarshalBinary(b []byte) error {
	r := wire.NewReader(b)
	m.Made = int64(r.Int())
	n := r.Count(37)
	m.Files = make(map[string]Stamp, n)
	for range n {
		p := r.String()
		st := Stamp{Size: int64(r.Int()), Mtime: int64(r.Int()), Ctime: int64(r.Int()), Ino: r.Uint()}
		copy(st.Sum[:], r.Fixed(len(st.Sum)))
		m.Files[p] = st
	}
	return r.Done()
}

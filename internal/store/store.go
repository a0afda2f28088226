// Package store is a content-addressed, on-disk cache of build results,
// safe to share between concurrent builds and across CI runs.
//
// An entry is selected by a kind (a short name such as "doc" or "page"),
// the caller's 32-byte key (a hash of every input the result depends on),
// the tool's Version and this package's entry format number. It lives at
//
//	Dir/v1/<kind>/<xx>/<rest>
//
// where <xx><rest> is the hex SHA-256 of (format, Version, kind, key): an
// entry written by another Version is never even opened. A file holds
//
//	certiron-store 2\n            magic and format number
//	<64 hex digits>\n             the SHA-256 that names the entry
//	<payload length, decimal>\n
//	<8 hex digits>\n              CRC-32C of the payload
//	<payload>                     the value, encoding/gob or its own binary form
//
// Get rebuilds the expected header from the payload it read and compares
// it byte for byte, so a truncated, padded, flipped, foreign or misplaced
// file is a miss, never trusted, and is removed. The payload's checksum
// is a CRC (Castagnoli's, which the CPU computes at many GB/s), not a
// cryptographic hash: it finds damage, and no one who can write the
// cache folder is kept out by a hash anyone can compute. (The names are
// SHA-256: two entries must never share one.)
//
// Writes go to a temporary file in the entry's folder, renamed into place,
// so readers see a whole entry or none, and two builds writing one entry
// at once are safe (the last rename wins; both wrote the same value).
// Files are not synced: a crash can leave a damaged entry, which the
// checksum turns into a miss. The modification time is the entry's use
// time: a write sets it, a hit refreshes it when it is over an hour old,
// and Trim evicts by it, least recently used first.
//
// A value that is an encoding.BinaryMarshaler (and whose pointer is an
// encoding.BinaryUnmarshaler) is stored in its own binary form. Other
// values follow encoding/gob's rules: only exported fields are stored,
// pointers are flattened, an interface field needs gob.Register, and an
// empty slice or map comes back nil. Get decodes into a fresh value, so a
// miss never leaves v half written. A cached result must be byte-equal to
// a fresh one, so callers whose output depends on nil versus empty should
// normalise before Put.
package store

import (
	"bytes"
	"crypto/sha256"
	"encoding"
	"encoding/binary"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// format is the entry format number, in every header and entry name:
// entries of another format are never even opened, and Trim evicts
// them as it evicts any other. Format 1 summed payloads with SHA-256.
const format = 2

// layout is the number of the folder's layout (Dir/v1/<kind>/<xx>/<rest>
// and the usage ledger), in its name.
const layout = 1

// magic starts every entry.
const magic = "certiron-store"

const (
	// defaultMaxBytes is the size cap when Options.MaxBytes is zero.
	defaultMaxBytes = 1 << 30
	// trimTo is the share of MaxBytes Trim evicts down to, in percent,
	// so that a full store is not trimmed again by every build.
	trimTo = 90
	// refresh is how old a hit's use time must be before Get updates it:
	// one build's hits cost no writes to the file system.
	refresh = time.Hour
	// staleTemp is the age at which Trim removes a temporary file left
	// by a build that died mid-write.
	staleTemp = time.Hour
	// tempPrefix starts the names of files being written.
	tempPrefix = ".tmp-"
)

// Options configure a Store. The zero value is usable: the default
// folder, an empty version and a 1 GiB cap.
type Options struct {
	// Dir is the store's folder; empty means DefaultDir.
	Dir string
	// Version identifies the tool build, such as a hash of its
	// executable. It is part of every key, so entries written by
	// another version are never read (and age out through Trim).
	Version string
	// MaxBytes caps the size of the store's entries, enforced by Trim;
	// zero means 1 GiB.
	MaxBytes int64
}

// Stats count what a Store did since Open.
type Stats struct {
	// Hits and Misses count Get calls; Corrupt counts the misses on an
	// entry that was present but damaged or foreign (and was removed).
	Hits, Misses, Corrupt int
	// Puts counts entries written.
	Puts int
	// Errors counts failures to read, write or encode; none is fatal.
	Errors int
	// Evicted counts entries Trim removed.
	Evicted int
	// Bytes is the size of the entries written.
	Bytes int64
}

// Store is an open store. Its methods are safe for concurrent use, and
// any number of Stores, in any number of processes, may share a folder.
type Store struct {
	root    string // Dir/v1
	version string
	max     int64

	hits, misses, corrupt, puts, errs, evicted, bytes atomic.Int64
	// walks counts Trim's walks of the folder, for tests.
	walks atomic.Int64
	// sinceTrim is the bytes put since the last Trim.
	sinceTrim atomic.Int64
}

// DefaultDir returns the default folder: certiron-site in the user's
// cache folder (os.UserCacheDir).
func DefaultDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "certiron-site"), nil
}

// Open opens the store in opt.Dir, creating the folder if needed. A folder
// that cannot be created or written is an error: the caller then builds
// without a cache.
func Open(opt Options) (*Store, error) {
	dir := opt.Dir
	if dir == "" {
		d, err := DefaultDir()
		if err != nil {
			return nil, fmt.Errorf("cache folder: %w", err)
		}
		dir = d
	}
	if opt.MaxBytes < 0 {
		return nil, fmt.Errorf("cache size cap %d is negative", opt.MaxBytes)
	}
	max := opt.MaxBytes
	if max == 0 {
		max = defaultMaxBytes
	}
	root := filepath.Join(dir, "v"+strconv.Itoa(layout))
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("cache folder: %w", err)
	}
	f, err := createTemp(root)
	if err != nil {
		return nil, fmt.Errorf("cache folder is not writable: %w", err)
	}
	f.Close()
	os.Remove(f.Name())
	return &Store{root: root, version: opt.Version, max: max}, nil
}

// Stats returns the counts so far.
func (s *Store) Stats() Stats {
	return Stats{
		Hits:    int(s.hits.Load()),
		Misses:  int(s.misses.Load()),
		Corrupt: int(s.corrupt.Load()),
		Puts:    int(s.puts.Load()),
		Errors:  int(s.errs.Load()),
		Evicted: int(s.evicted.Load()),
		Bytes:   s.bytes.Load(),
	}
}

// validKind reports whether kind can name a folder: 1 to 64 ASCII
// letters, digits, '-' or '_'.
func validKind(kind string) bool {
	if kind == "" || len(kind) > 64 {
		return false
	}
	for _, c := range []byte(kind) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// id returns the hash that names an entry.
func (s *Store) id(kind string, key [32]byte) [32]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%s %d\x00%d:%s\x00%d:%s\x00", magic, format, len(s.version), s.version, len(kind), kind)
	h.Write(key[:])
	var id [32]byte
	h.Sum(id[:0])
	return id
}

// path returns the entry's folder and file name.
func (s *Store) path(kind string, id [32]byte) (dir, file string) {
	x := hex.EncodeToString(id[:])
	dir = filepath.Join(s.root, kind, x[:2])
	return dir, filepath.Join(dir, x[2:])
}

// header returns an entry's header for its id and payload.
func header(id [32]byte, payload []byte) []byte {
	sum := binary.BigEndian.AppendUint32(nil, crc32.Checksum(payload, castagnoli))
	h := make([]byte, 0, len(magic)+3+65+21+9)
	h = fmt.Appendf(h, "%s %d\n", magic, format)
	h = hex.AppendEncode(h, id[:])
	h = append(h, '\n')
	h = strconv.AppendInt(h, int64(len(payload)), 10)
	h = append(h, '\n')
	h = hex.AppendEncode(h, sum)
	return append(h, '\n')
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// parse returns the payload of entry data named id, or false when data is
// not exactly the entry header(id, payload) + payload.
func parse(id [32]byte, data []byte) ([]byte, bool) {
	end := 0
	for range 4 {
		i := bytes.IndexByte(data[end:], '\n')
		if i < 0 {
			return nil, false
		}
		end += i + 1
	}
	payload := data[end:]
	return payload, bytes.Equal(data[:end], header(id, payload))
}

// Get decodes the entry of kind and key into v, a non-nil pointer, and
// reports whether there was one. A missing, damaged or undecodable entry
// is a miss and leaves v as it was; a damaged one is removed.
func (s *Store) Get(kind string, key [32]byte, v any) bool {
	if s.get(kind, key, v) {
		s.hits.Add(1)
		return true
	}
	s.misses.Add(1)
	return false
}

func (s *Store) get(kind string, key [32]byte, v any) bool {
	rv := reflect.ValueOf(v)
	if !validKind(kind) || rv.Kind() != reflect.Pointer || rv.IsNil() {
		s.errs.Add(1)
		return false
	}
	id := s.id(kind, key)
	_, file := s.path(kind, id)
	f, err := os.Open(file)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.errs.Add(1)
		}
		return false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		s.errs.Add(1)
		return false
	}
	if fi.Size() > s.max {
		return false // not read whole, so not judged: Trim will evict it
	}
	if !fi.Mode().IsRegular() {
		s.discard(file, fi)
		return false
	}
	data := make([]byte, fi.Size())
	if _, err := io.ReadFull(f, data); err != nil {
		// Renamed files do not change, so a short read is damage.
		s.discard(file, fi)
		return false
	}
	payload, ok := parse(id, data)
	if !ok {
		s.discard(file, fi)
		return false
	}
	fresh := reflect.New(rv.Type().Elem())
	if err := decode(payload, fresh); err != nil {
		s.discard(file, fi)
		return false
	}
	rv.Elem().Set(fresh.Elem())
	if now := time.Now(); now.Sub(fi.ModTime()) > refresh {
		os.Chtimes(file, now, now) // best effort: a lost refresh only ages the entry
	}
	return true
}

// encode is v's payload: its own binary form when it has one
// (encoding.BinaryMarshaler: a value read back by the thousand is worth
// a codec of its own, without gob's type description in every entry),
// else encoding/gob's.
func encode(v any) ([]byte, error) {
	if m, ok := v.(encoding.BinaryMarshaler); ok {
		return m.MarshalBinary()
	}
	var buf bytes.Buffer
	err := gob.NewEncoder(&buf).Encode(v)
	return buf.Bytes(), err
}

// decode decodes payload into the value ptr points to, the way encode
// encoded it.
func decode(payload []byte, ptr reflect.Value) error {
	if u, ok := ptr.Interface().(encoding.BinaryUnmarshaler); ok {
		return u.UnmarshalBinary(payload)
	}
	return gob.NewDecoder(bytes.NewReader(payload)).DecodeValue(ptr)
}

// discard counts a damaged entry and removes it, unless another build
// replaced it since it was opened.
func (s *Store) discard(file string, opened fs.FileInfo) {
	s.corrupt.Add(1)
	if fi, err := os.Lstat(file); err == nil && os.SameFile(fi, opened) {
		os.Remove(file)
	}
}

// Put encodes v (see encode) and stores it as the entry of kind and
// key, replacing any entry there. Failures are counted in Stats.Errors,
// not returned: a store that cannot write just stops helping. An entry
// larger than MaxBytes is not stored.
func (s *Store) Put(kind string, key [32]byte, v any) {
	if !validKind(kind) {
		s.errs.Add(1)
		return
	}
	payload, err := encode(v)
	if err != nil {
		s.errs.Add(1)
		return
	}
	id := s.id(kind, key)
	h := header(id, payload)
	size := int64(len(h) + len(payload))
	if size > s.max {
		s.errs.Add(1)
		return
	}
	data := make([]byte, 0, size)
	data = append(append(data, h...), payload...)
	dir, file := s.path(kind, id)
	if err := write(dir, file, data); err != nil {
		s.errs.Add(1)
		return
	}
	s.puts.Add(1)
	s.bytes.Add(size)
	s.sinceTrim.Add(size)
}

// write writes data to file atomically: to a temporary file in dir, then
// renamed. dir is created if missing.
func write(dir, file string, data []byte) error {
	f, err := createTemp(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.MkdirAll(dir, 0o755); err == nil {
			f, err = createTemp(dir)
		}
	}
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), file)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// createTemp creates a new file in dir with a random name that starts
// with tempPrefix. Unlike os.CreateTemp it makes the file 0o644 (less the
// umask), as readable as the entries it becomes.
func createTemp(dir string) (*os.File, error) {
	for {
		name := filepath.Join(dir, tempPrefix+strconv.FormatUint(rand.Uint64(), 36))
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
}

// entry is a file Trim found.
type entry struct {
	path string
	size int64
	used time.Time
}

// Trim keeps the store under MaxBytes: when its entries, of every kind and
// version, exceed it, Trim removes the least recently used until they fit
// in 90% of it. It also removes temporary files over an hour old. When
// nothing was put since Open, Trim returns at once; otherwise it lists
// every entry, so call it once, at the end of a build. Other builds may
// use the store meanwhile: a file that vanishes is skipped, and an entry
// removed while being read is still read whole.
//
// A walk costs a read of every folder of the store, so Trim keeps a
// ledger, Dir/v1/usage: the size the last walk found, plus what was put
// since. While that is within MaxBytes (a walk that evicts leaves 10%
// of room) and the walk less than a day old, Trim only adds this
// store's puts to it. The ledger can only
// err low when builds put at the very same moment, and the daily walk
// bounds that.
func (s *Store) Trim() error {
	added := s.sinceTrim.Swap(0)
	if s.puts.Load() == 0 {
		return nil
	}
	ledger := filepath.Join(s.root, usageName)
	if total, walked, ok := readUsage(ledger); ok && time.Since(walked) < walkEvery && total+added <= s.max {
		return writeUsage(s.root, ledger, total+added, walked)
	}
	s.walks.Add(1)
	entries, err := s.list()
	var total int64
	for _, e := range entries {
		total += e.size
	}
	if total > s.max {
		var eerr error
		total, eerr = s.evict(entries, total)
		err = errors.Join(err, eerr)
	}
	err = errors.Join(err, writeUsage(s.root, ledger, total, time.Now()))
	if err != nil {
		return fmt.Errorf("trimming the cache: %w", err)
	}
	return nil
}

const (
	// usageName is the ledger of the store's size, in its root.
	usageName = "usage"
	// walkEvery is how old the ledger's walk may be before Trim walks
	// the store again, whatever the ledger says.
	walkEvery = 24 * time.Hour
)

// readUsage reads the ledger: "<bytes> <Unix seconds of the walk>\n".
func readUsage(name string) (total int64, walked time.Time, ok bool) {
	b, err := os.ReadFile(name)
	if err != nil {
		return 0, time.Time{}, false
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return 0, time.Time{}, false
	}
	total, err1 := strconv.ParseInt(f[0], 10, 64)
	sec, err2 := strconv.ParseInt(f[1], 10, 64)
	if err1 != nil || err2 != nil || total < 0 {
		return 0, time.Time{}, false
	}
	return total, time.Unix(sec, 0), true
}

func writeUsage(root, name string, total int64, walked time.Time) error {
	return write(root, name, []byte(strconv.FormatInt(total, 10)+" "+strconv.FormatInt(walked.Unix(), 10)+"\n"))
}

// evict removes the least recently used entries until those left hold
// 90% of MaxBytes at most, and returns their size.
func (s *Store) evict(entries []entry, total int64) (int64, error) {
	slices.SortFunc(entries, func(a, b entry) int {
		if c := a.used.Compare(b.used); c != 0 {
			return c
		}
		return strings.Compare(a.path, b.path)
	})
	goal := s.max - s.max*(100-trimTo)/100
	var err error
	for _, e := range entries {
		if total <= goal {
			break
		}
		rerr := os.Remove(e.path)
		if rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			err = errors.Join(err, rerr)
			continue
		}
		total -= e.size
		if rerr == nil {
			s.evicted.Add(1)
		}
	}
	return total, err
}

// list returns the store's entries: Dir/v1/<kind>/<xx>/<62 hex digits>.
// Stale temporary files are removed on the way. Folders and files that
// vanish are skipped; other failures are returned with what was listed.
func (s *Store) list() ([]entry, error) {
	var entries []entry
	var errs []error
	readDir := func(dir string) []fs.DirEntry {
		des, err := os.ReadDir(dir)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
		return des
	}
	now := time.Now()
	stale := func(p string, de fs.DirEntry) {
		if fi, err := de.Info(); err == nil && now.Sub(fi.ModTime()) > staleTemp {
			os.Remove(p)
		}
	}
	for _, kind := range readDir(s.root) {
		if kind.Type().IsRegular() && strings.HasPrefix(kind.Name(), tempPrefix) {
			stale(filepath.Join(s.root, kind.Name()), kind) // Open's probe
		}
		if !kind.IsDir() || !validKind(kind.Name()) {
			continue
		}
		kindDir := filepath.Join(s.root, kind.Name())
		for _, sub := range readDir(kindDir) {
			if !sub.IsDir() || !isHex(sub.Name(), 2) {
				continue
			}
			subDir := filepath.Join(kindDir, sub.Name())
			for _, de := range readDir(subDir) {
				name := de.Name()
				entryName := isHex(name, 62)
				if !de.Type().IsRegular() || !entryName && !strings.HasPrefix(name, tempPrefix) {
					continue
				}
				p := filepath.Join(subDir, name)
				if !entryName {
					stale(p, de)
					continue
				}
				fi, err := de.Info()
				if err != nil {
					if !errors.Is(err, fs.ErrNotExist) {
						errs = append(errs, err)
					}
					continue
				}
				entries = append(entries, entry{path: p, size: fi.Size(), used: fi.ModTime()})
			}
		}
	}
	return entries, errors.Join(errs...)
}

// isHex reports whether s is n lower-case hex digits.
func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, c := range []byte(s) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

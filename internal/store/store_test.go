package store

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// writer, when set, makes the test binary a second process that writes
// the shared entries into that folder (see TestCrossProcess).
var writer = flag.String("store.writer", "", "run as a writer process on this folder")

var update = flag.Bool("update", false, "rewrite testdata/page.entry")

func TestMain(m *testing.M) {
	flag.Parse()
	if *writer != "" {
		os.Exit(writeShared(*writer))
	}
	os.Exit(m.Run())
}

// page is a value shaped like a rendered page.
type page struct {
	Data    []byte
	Title   string
	Scripts []string
	Marks   map[string]pos
	Meta    meta
	Parts   []part
}

type pos struct{ File, Line, Col int }

type meta struct {
	Draft bool
	Date  time.Time
	Tags  []string
}

type part struct {
	ID   string
	Body []byte
	Sub  *part
}

func key(s string) [32]byte { return sha256.Sum256([]byte(s)) }

// open opens a store in a new temporary folder unless opt.Dir is set.
func open(t testing.TB, opt Options) *Store {
	t.Helper()
	if opt.Dir == "" {
		opt.Dir = t.TempDir()
	}
	s, err := Open(opt)
	if err != nil {
		t.Fatalf("Open(%+v): %v", opt, err)
	}
	return s
}

// file returns the path of the entry of kind and key.
func (s *Store) file(kind string, key [32]byte) string {
	_, f := s.path(kind, s.id(kind, key))
	return f
}

func fullPage() page {
	return page{
		Data:    []byte("<!doctype html><p>héllo\x00\xff"),
		Title:   "Terms of service",
		Scripts: []string{"sha256-abc", "sha256-def"},
		Marks:   map[string]pos{"p#1": {File: 1, Line: 2, Col: 3}},
		Meta:    meta{Draft: true, Date: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), Tags: []string{"legal"}},
		Parts:   []part{{ID: "a", Body: []byte("x"), Sub: &part{ID: "b", Body: []byte("y")}}, {ID: "c"}},
	}
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name    string
		in, out any // out is a pointer to a fresh value of in's type
		want    any
	}{
		{"page", fullPage(), new(page), fullPage()},
		// gob drops empty values: an empty slice or map comes back nil.
		{"empty page", page{Data: []byte{}, Scripts: []string{}}, new(page), page{}},
		{"bytes", []byte{0, 1, 2, 255}, new([]byte), []byte{0, 1, 2, 255}},
		{"string", "plain", new(string), "plain"},
		{"big", bytes.Repeat([]byte("0123456789"), 100_000), new([]byte), bytes.Repeat([]byte("0123456789"), 100_000)},
	}
	s := open(t, Options{Version: "v"})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := key(tt.name)
			s.Put("page", k, tt.in)
			if !s.Get("page", k, tt.out) {
				t.Fatalf("Get after Put: miss (stats %+v)", s.Stats())
			}
			if got := reflect.ValueOf(tt.out).Elem().Interface(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Get = %#v, want %#v", got, tt.want)
			}
		})
	}
	if st := s.Stats(); st.Puts != len(tests) || st.Hits != len(tests) || st.Misses != 0 || st.Errors != 0 || st.Bytes == 0 {
		t.Errorf("Stats() = %+v, want %d puts and hits, some bytes, nothing else", st, len(tests))
	}
}

func TestMiss(t *testing.T) {
	dir := t.TempDir()
	s := open(t, Options{Dir: dir, Version: "v1"})
	s.Put("doc", key("a"), fullPage())
	tests := []struct {
		name    string
		version string
		kind    string
		key     [32]byte
	}{
		{"unknown key", "v1", "doc", key("b")},
		{"other kind", "v1", "page", key("a")},
		{"other version", "v2", "doc", key("a")},
		{"empty version", "", "doc", key("a")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := open(t, Options{Dir: dir, Version: tt.version})
			want := page{Title: "untouched"}
			got := want
			if r.Get(tt.kind, tt.key, &got) {
				t.Fatalf("Get(%q, %q) = hit, want miss", tt.kind, tt.version)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("a miss changed the value to %#v", got)
			}
			if st := r.Stats(); st != (Stats{Misses: 1}) {
				t.Errorf("Stats() = %+v, want one plain miss", st)
			}
		})
	}
	var p page
	if !s.Get("doc", key("a"), &p) {
		t.Errorf("the entry itself: miss after the other versions looked")
	}
}

// TestGolden reads an entry written by this format's first release:
// entries already in users' caches must keep reading, or format must
// change. With -update the file is written again.
func TestGolden(t *testing.T) {
	const golden = "testdata/page.entry"
	s := open(t, Options{Version: "golden"})
	k := key("golden")
	if *update {
		s.Put("page", k, fullPage())
		data, err := os.ReadFile(s.file("page", k))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(s.file("page", k)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.file("page", k), data, 0o644); err != nil {
		t.Fatal(err)
	}
	var p page
	if !s.Get("page", k, &p) {
		t.Fatalf("Get of %s: miss (%+v)", golden, s.Stats())
	}
	if want := fullPage(); !reflect.DeepEqual(p, want) {
		t.Errorf("Get of %s = %#v, want %#v", golden, p, want)
	}
}

// corruptCase checks that Get misses on the entry file holding data,
// leaves the value alone, counts it corrupt and removes the file.
func corruptCase(t *testing.T, s *Store, k [32]byte, data []byte) {
	t.Helper()
	f := s.file("page", k)
	if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f, data, 0o644); err != nil {
		t.Fatal(err)
	}
	before := s.Stats()
	want := page{Title: "untouched"}
	got := want
	if s.Get("page", k, &got) {
		t.Fatalf("Get of %q = hit, want miss", abbrev(data))
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Get of %q changed the value to %#v", abbrev(data), got)
	}
	if st := s.Stats(); st.Corrupt != before.Corrupt+1 || st.Misses != before.Misses+1 {
		t.Fatalf("Get of %q: Stats() = %+v, want one more corrupt miss than %+v", abbrev(data), st, before)
	}
	if _, err := os.Lstat(f); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Get of %q left the file (%v)", abbrev(data), err)
	}
}

func abbrev(b []byte) string {
	if len(b) > 40 {
		return string(b[:20]) + "…" + string(b[len(b)-20:])
	}
	return string(b)
}

// entryBytes puts fullPage and returns its file's bytes.
func entryBytes(t *testing.T, s *Store, k [32]byte) []byte {
	t.Helper()
	s.Put("page", k, fullPage())
	data, err := os.ReadFile(s.file("page", k))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestTruncated(t *testing.T) {
	s := open(t, Options{})
	k := key("t")
	data := entryBytes(t, s, k)
	for n := range len(data) {
		corruptCase(t, s, k, data[:n])
	}
	if err := os.WriteFile(s.file("page", k), data, 0o644); err != nil {
		t.Fatal(err)
	}
	var p page
	if !s.Get("page", k, &p) || !reflect.DeepEqual(p, fullPage()) {
		t.Errorf("the whole entry: Get = %#v, want fullPage()", p)
	}
}

func TestFlipped(t *testing.T) {
	s := open(t, Options{})
	k := key("f")
	data := entryBytes(t, s, k)
	for i := range data {
		for _, mask := range []byte{1, 2, 4, 8, 16, 32, 64, 128, 0xff} {
			d := slices.Clone(data)
			d[i] ^= mask
			corruptCase(t, s, k, d)
		}
	}
}

func TestGarbage(t *testing.T) {
	s := open(t, Options{Version: "v"})
	k := key("g")
	good := entryBytes(t, s, k)
	other := entryBytes(t, s, key("other"))
	payload := func(b []byte) []byte { return append(header(s.id("page", k), b), b...) }
	var mismatched bytes.Buffer
	if err := gob.NewEncoder(&mismatched).Encode(struct{ Unrelated int }{7}); err != nil {
		t.Fatal(err)
	}
	foreign := open(t, Options{Version: "w"})
	foreignBytes := entryBytes(t, foreign, k)
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"text", []byte("hello, world\n")},
		{"binary", bytes.Repeat([]byte{0, 0xff, 0x13, '\n'}, 500)},
		{"other magic", bytes.Replace(good, []byte(magic), []byte("certiron-cache"), 1)},
		{"other format", bytes.Replace(good, []byte(magic+" 2"), []byte(magic+" 1"), 1)},
		{"another key's entry", other},
		{"another version's entry", foreignBytes},
		{"padded", append(slices.Clone(good), 'x')},
		{"doubled", append(slices.Clone(good), good...)},
		{"upper-case hex", upperHeader(good)},
		{"checksummed garbage", payload([]byte("not gob at all"))},
		{"checksummed empty payload", payload(nil)},
		{"another type", payload(mismatched.Bytes())},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			corruptCase(t, s, k, tt.data)
		})
	}
	t.Run("folder", func(t *testing.T) {
		f := s.file("page", k)
		if err := os.Mkdir(f, 0o755); err != nil {
			t.Fatal(err)
		}
		var p page
		if s.Get("page", k, &p) {
			t.Fatal("Get of a folder = hit")
		}
		if _, err := os.Lstat(f); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Get left the folder (%v)", err)
		}
	})
}

// upperHeader returns the entry with its header's hex digits in upper
// case: the same numbers, not the same bytes.
func upperHeader(entry []byte) []byte {
	i := bytes.IndexByte(entry, '\n') + 1
	j := i
	for range 3 {
		j += bytes.IndexByte(entry[j:], '\n') + 1
	}
	d := slices.Clone(entry[:i])
	d = append(d, bytes.ToUpper(entry[i:j])...)
	return append(d, entry[j:]...)
}

func TestTwoStores(t *testing.T) {
	dir := t.TempDir()
	a := open(t, Options{Dir: dir, Version: "v"})
	b := open(t, Options{Dir: dir, Version: "v"})
	a.Put("doc", key("x"), fullPage())
	var p page
	if !b.Get("doc", key("x"), &p) || !reflect.DeepEqual(p, fullPage()) {
		t.Errorf("b.Get after a.Put = %#v, want fullPage()", p)
	}
	b.Put("doc", key("x"), page{Title: "replaced"})
	if !a.Get("doc", key("x"), &p) || p.Title != "replaced" {
		t.Errorf("a.Get after b's replacing Put = %#v, want Title replaced", p)
	}
}

// value is the value concurrent writers store under key(name): all
// writers of one key write the same value, as builds of one input do.
func value(name string) page {
	p := fullPage()
	p.Title = name
	p.Data = bytes.Repeat([]byte(name), 200)
	return p
}

func TestConcurrent(t *testing.T) {
	dir := t.TempDir()
	stores := []*Store{open(t, Options{Dir: dir, Version: "v"}), open(t, Options{Dir: dir, Version: "v"})}
	const workers, rounds = 8, 50
	var wg sync.WaitGroup
	for w := range workers {
		s := stores[w%len(stores)]
		wg.Go(func() {
			for r := range rounds {
				for _, name := range []string{"shared" + strconv.Itoa(r%4), fmt.Sprintf("own%d-%d", w, r)} {
					s.Put("page", key(name), value(name))
					var p page
					if !s.Get("page", key(name), &p) {
						t.Errorf("Get(%s) after Put: miss", name)
					} else if !reflect.DeepEqual(p, value(name)) {
						t.Errorf("Get(%s) = %q, want its value", name, p.Title)
					}
				}
			}
		})
	}
	wg.Wait()
	for i, s := range stores {
		if st := s.Stats(); st.Misses != 0 || st.Corrupt != 0 || st.Errors != 0 {
			t.Errorf("store %d: Stats() = %+v, want no misses or errors", i, st)
		}
	}
}

// sharedNames are the entries TestCrossProcess writes from two processes.
var sharedNames = func() []string {
	var names []string
	for i := range 16 {
		names = append(names, "cross"+strconv.Itoa(i))
	}
	return names
}()

// writeShared is the second process of TestCrossProcess: it writes every
// shared entry, says "ready", writes them all again many times, and exits
// with status 1 if any write failed.
func writeShared(dir string) int {
	s, err := Open(Options{Dir: dir, Version: "v"})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for r := range 100 {
		for _, name := range sharedNames {
			s.Put("page", key(name), value(name))
		}
		if r == 0 {
			fmt.Println("ready")
		}
	}
	if st := s.Stats(); st.Errors != 0 {
		fmt.Fprintf(os.Stderr, "writer: %+v\n", st)
		return 1
	}
	return 0
}

func TestCrossProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a second process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-store.writer="+dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if line != "ready\n" {
		cmd.Wait()
		t.Fatalf("writer said %q, %v; want ready", line, err)
	}
	var waitErr error
	done := make(chan struct{})
	go func() { waitErr = cmd.Wait(); close(done) }()
	t.Cleanup(func() { // before t.TempDir's removal, even after a failure
		cmd.Process.Kill()
		<-done
	})
	s := open(t, Options{Dir: dir, Version: "v"})
	passes := 0
	for running := true; running || passes == 0; passes++ {
		select {
		case <-done:
			if waitErr != nil {
				t.Fatalf("writer: %v", waitErr)
			}
			running = false
		default:
		}
		for _, name := range sharedNames {
			// Both processes write the same entries while this one reads.
			s.Put("page", key(name), value(name))
			var p page
			if !s.Get("page", key(name), &p) {
				t.Fatalf("pass %d: Get(%s) = miss while the writer runs (%+v)", passes, name, s.Stats())
			}
			if !reflect.DeepEqual(p, value(name)) {
				t.Fatalf("pass %d: Get(%s) = %q, want its value", passes, name, p.Title)
			}
		}
	}
	if st := s.Stats(); st.Corrupt != 0 || st.Errors != 0 {
		t.Errorf("Stats() = %+v, want nothing corrupt", st)
	}
	t.Logf("%d passes while the writer ran", passes)
}

// age sets a file's use time.
func age(t *testing.T, file string, used time.Time) {
	t.Helper()
	if err := os.Chtimes(file, used, used); err != nil {
		t.Fatal(err)
	}
}

func TestTrim(t *testing.T) {
	const n = 10
	tests := []struct {
		name string
		max  float64 // the cap, in entries
		get  []int   // entries read before trimming
		want []int   // entries kept
	}{
		{"under the cap", 11, nil, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{"oldest first", 6.5, nil, []int{5, 6, 7, 8, 9}},
		{"down to 90%", 9.5, nil, []int{2, 3, 4, 5, 6, 7, 8, 9}},
		{"a hit is recent", 6.5, []int{0, 3}, []int{0, 3, 7, 8, 9}},
		{"all but one", 1.5, []int{4}, []int{4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			w := open(t, Options{Dir: dir})
			// Entries of one size, used an hour apart, oldest first.
			old := time.Now().Add(-48 * time.Hour)
			var size int64
			for i := range n {
				k := key(strconv.Itoa(i))
				w.Put("page", k, bytes.Repeat([]byte{byte(i)}, 1000))
				age(t, w.file("page", k), old.Add(time.Duration(i)*time.Hour))
				fi, err := os.Stat(w.file("page", k))
				if err != nil {
					t.Fatal(err)
				}
				if i > 0 && fi.Size() != size {
					t.Fatalf("entry %d has %d bytes, entry 0 %d", i, fi.Size(), size)
				}
				size = fi.Size()
			}
			s := open(t, Options{Dir: dir, MaxBytes: int64(tt.max * float64(size))})
			for _, i := range tt.get {
				var b []byte
				if !s.Get("page", key(strconv.Itoa(i)), &b) {
					t.Fatalf("Get(%d) = miss", i)
				}
			}
			s.Put("other", key("x"), "trim needs a put")
			age(t, s.file("other", key("x")), time.Now().Add(time.Hour)) // the newest
			if err := s.Trim(); err != nil {
				t.Fatalf("Trim: %v", err)
			}
			var kept []int
			var total int64
			for i := range n {
				if fi, err := os.Stat(s.file("page", key(strconv.Itoa(i)))); err == nil {
					kept = append(kept, i)
					total += fi.Size()
				}
			}
			if !slices.Equal(kept, tt.want) {
				t.Errorf("Trim kept %v, want %v", kept, tt.want)
			}
			if fi, err := os.Stat(s.file("other", key("x"))); err != nil {
				t.Errorf("Trim evicted the newest entry: %v", err)
			} else if total += fi.Size(); total > s.max {
				t.Errorf("after Trim the entries hold %d bytes, over the cap %d", total, s.max)
			}
			if got, want := s.Stats().Evicted, n-len(tt.want); got != want {
				t.Errorf("Stats().Evicted = %d, want %d", got, want)
			}
		})
	}
}

// TestEvictVanished: an entry another build removed between Trim's
// listing and its eviction is no error, and counts as gone.
func TestEvictVanished(t *testing.T) {
	s := open(t, Options{MaxBytes: 1000})
	s.Put("page", key("a"), "a")
	old := time.Now().Add(-time.Hour)
	entries := []entry{
		{path: filepath.Join(s.root, "page", "00", "gone"), size: 600, used: old},
		{path: s.file("page", key("a")), size: 600, used: time.Now()},
	}
	if left, err := s.evict(entries, 1200); err != nil || left != 600 {
		t.Errorf("evict with a vanished entry: %d bytes left, %v; want 600", left, err)
	}
	if _, err := os.Stat(s.file("page", key("a"))); err != nil {
		t.Errorf("evict removed the entry that fit: %v", err)
	}
	if got := s.Stats().Evicted; got != 0 {
		t.Errorf("Stats().Evicted = %d, want 0", got)
	}
}

func TestTrimTemp(t *testing.T) {
	s := open(t, Options{})
	s.Put("page", key("a"), "a")
	dir := filepath.Dir(s.file("page", key("a")))
	stale, fresh := filepath.Join(dir, tempPrefix+"stale"), filepath.Join(dir, tempPrefix+"fresh")
	probe := filepath.Join(s.root, tempPrefix+"probe")
	for _, f := range []string{stale, fresh, probe} {
		if err := os.WriteFile(f, []byte("half an entry"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	age(t, stale, time.Now().Add(-2*staleTemp))
	age(t, probe, time.Now().Add(-2*staleTemp))
	if err := s.Trim(); err != nil {
		t.Fatal(err)
	}
	for f, want := range map[string]bool{stale: false, probe: false, fresh: true} {
		if _, err := os.Stat(f); (err == nil) != want {
			t.Errorf("after Trim, %s exists = %v, want %v", filepath.Base(f), err == nil, want)
		}
	}
}

func TestTrimWalks(t *testing.T) {
	dir := t.TempDir()
	s := open(t, Options{Dir: dir})
	steps := []struct {
		name  string
		do    func()
		walks int64
	}{
		{"nothing done", func() {}, 0},
		{"a miss", func() { var p page; s.Get("page", key("a"), &p) }, 0},
		{"a put", func() { s.Put("page", key("a"), fullPage()) }, 1},
		{"a hit", func() { var p page; s.Get("page", key("a"), &p) }, 1},
		{"a second put", func() { s.Put("page", key("b"), fullPage()) }, 1}, // the ledger knows the size
		{"a damaged ledger", func() {
			os.WriteFile(filepath.Join(dir, "v1", usageName), []byte("12"), 0o644)
			s.Put("page", key("c"), fullPage())
		}, 2},
		{"a day-old walk", func() {
			writeUsage(s.root, filepath.Join(s.root, usageName), 1, time.Now().Add(-walkEvery-time.Minute))
			s.Put("page", key("d"), fullPage())
		}, 3},
		{"a ledger at the cap", func() {
			writeUsage(s.root, filepath.Join(s.root, usageName), s.max, time.Now())
			s.Put("page", key("e"), fullPage())
		}, 4},
		{"a put after the walk", func() { s.Put("page", key("f"), fullPage()) }, 4},
	}
	for _, st := range steps {
		st.do()
		if err := s.Trim(); err != nil {
			t.Fatal(err)
		}
		if got := s.walks.Load(); got != st.walks {
			t.Errorf("after %s, Trim walked %d times, want %d", st.name, got, st.walks)
		}
	}
	r := open(t, Options{Dir: dir})
	var p page
	r.Get("page", key("a"), &p)
	if err := r.Trim(); err != nil || r.walks.Load() != 0 {
		t.Errorf("a store that only read: Trim walked %d times (%v), want none", r.walks.Load(), err)
	}
}

func TestOpenUnusable(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		dir  string
	}{
		{"a file", file},
		{"under a file", filepath.Join(file, "cache")},
	}
	if os.Geteuid() != 0 { // root writes anywhere
		ro := filepath.Join(dir, "read-only")
		if err := os.Mkdir(ro, 0o555); err != nil {
			t.Fatal(err)
		}
		tests = append(tests, struct{ name, dir string }{"read-only", ro})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if s, err := Open(Options{Dir: tt.dir}); err == nil {
				t.Errorf("Open(%s) = %v, nil; want an error", tt.dir, s)
			}
		})
	}
	if _, err := Open(Options{Dir: dir, MaxBytes: -1}); err == nil {
		t.Errorf("Open with MaxBytes -1: no error")
	}
}

func TestPutFails(t *testing.T) {
	s := open(t, Options{MaxBytes: 4096})
	// A file where the kind's folder should be: every write fails.
	if err := os.WriteFile(filepath.Join(s.root, "blocked"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		kind string
		v    any
	}{
		{"unwritable kind folder", "blocked", fullPage()},
		{"empty kind", "", fullPage()},
		{"kind with a slash", "a/b", fullPage()},
		{"kind going up", "..", fullPage()},
		{"not encodable", "page", func() {}},
		{"over the cap", "page", make([]byte, 5000)},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.Put(tt.kind, key(tt.name), tt.v)
			if st := s.Stats(); st.Errors != i+1 || st.Puts != 0 {
				t.Errorf("Stats() = %+v, want %d errors and no puts", st, i+1)
			}
		})
	}
	var p page
	if s.Get("blocked", key("unwritable kind folder"), &p) {
		t.Errorf("Get after a failed Put: hit")
	}
	if s.Get("page", key("x"), p) {
		t.Errorf("Get into a non-pointer: hit")
	}
}

func benchValue() []byte { return bytes.Repeat([]byte("0123456789"), 1024) }

func BenchmarkPut(b *testing.B) {
	s := open(b, Options{})
	v := benchValue()
	b.SetBytes(int64(len(v)))
	for i := 0; b.Loop(); i++ {
		s.Put("page", key(strconv.Itoa(i%100)), v)
	}
}

func BenchmarkGet(b *testing.B) {
	s := open(b, Options{})
	s.Put("page", key("k"), benchValue())
	b.SetBytes(int64(len(benchValue())))
	for b.Loop() {
		var v []byte
		if !s.Get("page", key("k"), &v) {
			b.Fatal("miss")
		}
	}
}

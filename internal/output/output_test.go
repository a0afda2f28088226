package output

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"
)

func TestValidPath(t *testing.T) {
	tests := []struct {
		p    string
		want bool
	}{
		{"index.html", true},
		{"legal/cookie-policy/index.html", true},
		{"..0/index.html", true},
		{"", false},
		{".", false},
		{"..", false},
		{"../x", false},
		{"a/../../x", false},
		{"/etc/passwd", false},
		{`a\b`, false},
		{"a//b", false},
		{"a/./b", false},
		{"a\x00b", false},
	}
	for _, tt := range tests {
		if got := ValidPath(tt.p); got != tt.want {
			t.Errorf("ValidPath(%q) = %v, want %v", tt.p, got, tt.want)
		}
	}
}

func set(files map[string]string) *Set {
	s := NewSet()
	for p, d := range files {
		s.Add(&File{Path: p, Data: []byte(d)})
	}
	return s
}

func TestWrite(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	st, err := Write(set(map[string]string{"index.html": "home", "a/b/c.txt": "c", "gone.txt": "old"}), dest)
	if err != nil || st.Written != 3 {
		t.Fatalf("first Write = %+v, %v", st, err)
	}
	// An mtime no write can give, so a rewrite shows at any clock
	// resolution.
	old := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	if err := os.Chtimes(filepath.Join(dest, "a/b/c.txt"), old, old); err != nil {
		t.Fatal(err)
	}
	keep, _ := os.Stat(filepath.Join(dest, "a/b/c.txt"))
	st, err = Write(set(map[string]string{"index.html": "home v2", "a/b/c.txt": "c"}), dest)
	if err != nil || st.Written != 1 || st.Unchanged != 1 {
		t.Fatalf("second Write = %+v, %v", st, err)
	}
	if b, _ := os.ReadFile(filepath.Join(dest, "index.html")); string(b) != "home v2" {
		t.Errorf("index.html = %q", b)
	}
	if _, err := os.Stat(filepath.Join(dest, "gone.txt")); !os.IsNotExist(err) {
		t.Error("stale gone.txt survived")
	}
	if fi, _ := os.Stat(filepath.Join(dest, "a/b/c.txt")); !fi.ModTime().Equal(keep.ModTime()) {
		t.Errorf("unchanged file's mtime moved: %v → %v", keep.ModTime(), fi.ModTime())
	}
	entries, _ := os.ReadDir(filepath.Dir(dest))
	if len(entries) != 1 {
		t.Errorf("temporary folders left beside the output: %v", entries)
	}
}

func TestWriteRejectsEscape(t *testing.T) {
	dir := t.TempDir()
	dest := filepath.Join(dir, "public")
	if _, err := Write(set(map[string]string{"index.html": "ok"}), dest); err != nil {
		t.Fatal(err)
	}
	if err := NewSet().Add(&File{Path: "../evil.txt"}); err == nil {
		t.Error("a set accepted a path outside the output")
	}
	w, err := NewWriter(dest, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Add(&File{Path: "../evil.txt", Data: []byte("x")})
	if _, err := w.Commit(set(map[string]string{"index.html": "new"})); err == nil {
		t.Fatal("Commit accepted a path outside the output")
	}
	if _, err := os.Stat(filepath.Join(dir, "evil.txt")); !os.IsNotExist(err) {
		t.Error("file written outside the output")
	}
	if b, _ := os.ReadFile(filepath.Join(dest, "index.html")); string(b) != "ok" {
		t.Errorf("failed Write changed the output: %q", b)
	}
}

// TestWriterStreams writes files while "building" and commits the same
// set; an aborted writer leaves dest as it was.
func TestWriterStreams(t *testing.T) {
	dir := t.TempDir()
	dest := filepath.Join(dir, "public")
	if _, err := Write(set(map[string]string{"index.html": "v1"}), dest); err != nil {
		t.Fatal(err)
	}
	w, err := NewWriter(dest, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Add(&File{Path: "a/index.html", Data: []byte("a")})
	w.Add(&File{Path: "index.html", Data: []byte("v2")})
	st, err := w.Commit(set(map[string]string{"a/index.html": "a", "index.html": "v2", "late.txt": "l"}))
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]string{"index.html": "v2", "a/index.html": "a", "late.txt": "l"} {
		if b, _ := os.ReadFile(filepath.Join(dest, p)); string(b) != want {
			t.Errorf("%s = %q, want %q", p, b, want)
		}
	}
	if st.Written != 3 {
		t.Errorf("stats = %+v", st)
	}
	w, _ = NewWriter(dest, nil)
	w.Add(&File{Path: "index.html", Data: []byte("broken build")})
	w.Abort()
	if b, _ := os.ReadFile(filepath.Join(dest, "index.html")); string(b) != "v2" {
		t.Errorf("aborted writer changed the output: %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary folders left: %v", entries)
	}
}

// TestEmitStandIn: the file Emit returns holds no bytes, and reads back
// exactly what was written, wherever the writer put it (a new output,
// a file staged into an existing one, a file left as it was), before
// Commit and after; Commit takes the stand-ins for the files; a stand-in
// whose file was changed meanwhile, or whose writer was aborted, is an
// error, never other bytes.
func TestEmitStandIn(t *testing.T) {
	files := map[string]string{"index.html": "home v2", "same/index.html": "same", "new/a/b/index.html": "new"}
	for _, tt := range []struct {
		name string
		dest func(t *testing.T) string
	}{
		{"new output", func(t *testing.T) string { return filepath.Join(t.TempDir(), "public") }},
		{"in place", previous},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dest := tt.dest(t)
			w, err := NewWriter(dest, nil)
			if err != nil {
				t.Fatal(err)
			}
			s := NewSet()
			for _, p := range sortedKeys(files) {
				lz := w.Emit(&File{Path: p, Data: []byte(files[p]), Sources: []string{"content/" + p}})
				if !lz.IsLazy() || lz.Data != nil || lz.Len() != len(files[p]) || lz.Sources[0] != "content/"+p {
					t.Fatalf("Emit(%s) = %+v, want a stand-in without bytes", p, lz)
				}
				s.Put(lz)
			}
			read := func(when string) {
				for p, want := range files {
					if b, err := s.Get(p).Bytes(); err != nil || string(b) != want {
						t.Errorf("%s: %s reads %q, %v; want %q", when, p, b, err, want)
					}
				}
			}
			read("before Commit")
			if _, err := w.Commit(s); err != nil {
				t.Fatal(err)
			}
			read("after Commit")
			os.WriteFile(filepath.Join(dest, "index.html"), []byte("home v3"), 0o644)
			if b, err := s.Get("index.html").Bytes(); err == nil {
				t.Errorf("a file changed after the build reads %q, no error", b)
			}
		})
	}
	dest := filepath.Join(t.TempDir(), "public")
	w, _ := NewWriter(dest, nil)
	lz := w.Emit(&File{Path: "index.html", Data: []byte("x")})
	// A file the writer will not write (a path twice, a writer aborted)
	// is handed back as it is, never a stand-in waiting for a write.
	if twice := w.Emit(&File{Path: "index.html", Data: []byte("y")}); twice.IsLazy() || string(twice.Data) != "y" {
		t.Errorf("Emit of a path written twice = %+v, want the file itself", twice)
	}
	w.Abort()
	if b, err := lz.Bytes(); err == nil {
		t.Errorf("a stand-in of an aborted writer reads %q, no error", b)
	}
	if late := w.Emit(&File{Path: "late.html", Data: []byte("z")}); late.IsLazy() {
		t.Error("Emit after Abort returned a stand-in")
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestSameBytes: a file holds data exactly, not a prefix of it, not
// more, not other bytes of the same length; a missing file holds nothing.
func TestSameBytes(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, file, data string
		want             bool
	}{
		{"equal", "abc", "abc", true},
		{"both empty", "", "", true},
		{"longer file", "abcd", "abc", false},
		{"shorter file", "ab", "abc", false},
		{"other bytes", "abd", "abc", false},
		{"empty file", "", "a", false},
		{"empty data", "a", "", false},
	}
	for i, tt := range tests {
		p := filepath.Join(dir, strconv.Itoa(i))
		if err := os.WriteFile(p, []byte(tt.file), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := sameBytes(p, []byte(tt.data)); got != tt.want {
			t.Errorf("%s: sameBytes(%q, %q) = %v", tt.name, tt.file, tt.data, got)
		}
	}
	if sameBytes(filepath.Join(dir, "missing"), nil) {
		t.Error("a missing file holds the empty data")
	}
}

package output

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/certiron/certiron-site/internal/diag"
)

type claim struct{ path, origin string }

func plan(claims ...claim) *Plan {
	p := NewPlan()
	for _, c := range claims {
		p.Claim(c.path, diag.Pos{File: c.origin}, "file")
	}
	return p
}

// TestPlanCheck: every clash is an error at every source involved, and
// the set accepts exactly the paths free of clashes.
func TestPlanCheck(t *testing.T) {
	tests := []struct {
		name   string
		claims []claim
		errs   []string
		ok     string // the paths the set accepts
	}{
		{"distinct", []claim{{"index.html", "a"}, {"legal/index.html", "b"}}, nil, "index.html legal/index.html"},
		{"one source twice", []claim{{"x.txt", "a"}, {"x.txt", "a"}}, nil, "x.txt"},
		{"two sources", []claim{{"legal/index.html", "content/legal/_index.md"}, {"legal/index.html", "content/zz.md:3:1"}, {"ok.txt", "c"}}, []string{
			"content/legal/_index.md: file (legal/index.html) is also written by content/zz.md:3:1; two sources cannot write one file",
			"content/zz.md:3:1: file (legal/index.html) is also written by content/legal/_index.md; two sources cannot write one file",
		}, "ok.txt"},
		{"three sources", []claim{{"a.txt", "x"}, {"a.txt", "y"}, {"a.txt", "z"}}, []string{
			"x: file (a.txt) is also written by y and z; two sources cannot write one file",
			"y: file (a.txt) is also written by x and z; two sources cannot write one file",
			"z: file (a.txt) is also written by x and y; two sources cannot write one file",
		}, ""},
		{"case", []claim{{"legal/Privacy/index.html", "content/legal/Privacy.md"}, {"legal/privacy/index.html", "content/legal/privacy.md"}}, []string{
			"content/legal/Privacy.md: file (legal/Privacy/index.html) differs only in letter case from legal/privacy/index.html (content/legal/privacy.md), which most computers store as one file",
			"content/legal/privacy.md: file (legal/privacy/index.html) differs only in letter case from legal/Privacy/index.html (content/legal/Privacy.md), which most computers store as one file",
		}, ""},
		{"file where a folder must be", []claim{{"index.html", "content/_index.md"}, {"index.html/index.html", "content/index.html.md"}}, []string{
			"content/_index.md: file (index.html) is a file where content/index.html.md needs a folder for index.html/index.html",
			"content/index.html.md: file (index.html/index.html) needs a folder where content/_index.md writes the file index.html",
		}, ""},
		{"folders differing in case", []claim{{"Img/a.png", "static/Img/a.png"}, {"img/b.png", "static/img/b.png"}}, []string{
			"static/Img/a.png: file (Img/a.png) is in a folder whose name differs only in letter case from that of img/b.png (static/img/b.png), which most computers store as one folder",
			"static/img/b.png: file (img/b.png) is in a folder whose name differs only in letter case from that of Img/a.png (static/Img/a.png), which most computers store as one folder",
		}, ""},
		{"unclean", []claim{{"../etc/passwd", "content/x.md:2:1"}, {"a//b", "y"}, {"/abs", "z"}}, []string{
			`content/x.md:2:1: file cannot be published at "../etc/passwd": not a clean path inside the site`,
			`y: file cannot be published at "a//b": not a clean path inside the site`,
			`z: file cannot be published at "/abs": not a clean path inside the site`,
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, errs := plan(tt.claims...).Check()
			errs.Sort()
			var got []string
			for _, e := range errs {
				got = append(got, e.Error())
			}
			if strings.Join(got, "\n") != strings.Join(tt.errs, "\n") {
				t.Errorf("Check() errors =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.errs, "\n"))
			}
			var ok []string
			for _, c := range tt.claims {
				if set.Planned(c.path) {
					ok = append(ok, c.path)
				}
			}
			ok = dedupe(ok)
			if strings.Join(ok, " ") != tt.ok {
				t.Errorf("accepted %q, want %q", strings.Join(ok, " "), tt.ok)
			}
		})
	}
}

func dedupe(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// TestSetPut: a planned set takes each accepted path once and nothing
// else, so no output can be written twice.
func TestSetPut(t *testing.T) {
	set, _ := plan(claim{"a.html", "x"}, claim{"b.html", "x"}, claim{"b.html", "y"}).Check()
	if err := set.Put(&File{Path: "a.html"}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ path, want string }{
		{"a.html", "output a.html written twice"},
		{"b.html", "output b.html was not planned, or clashes with another"},
		{"c.html", "output c.html was not planned, or clashes with another"},
		{"../c.html", `output path "../c.html" escapes the output folder`},
	} {
		if err := set.Put(&File{Path: tt.path}); err == nil || err.Error() != tt.want {
			t.Errorf("Put(%q) = %v, want %q", tt.path, err, tt.want)
		}
	}
}

// state records every file under dir with its bytes, mode, mtime and
// inode, and every folder with its mode (an undone change restores a
// folder by name and mode; its own mtime records the undoing).
func state(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		data := ""
		if fi.Mode().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			data = string(b)
		}
		ino := uint64(0)
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			ino = st.Ino
		}
		rel, _ := filepath.Rel(dir, p)
		if fi.IsDir() {
			lines = append(lines, fmt.Sprintf("%s %v", rel, fi.Mode()))
			return nil
		}
		lines = append(lines, fmt.Sprintf("%s %v %d %d %q", rel, fi.Mode(), fi.ModTime().UnixNano(), ino, data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

// TestWrittenTwice: a second write of one path fails the commit and
// leaves the previous output identical in bytes, modes, mtimes and
// inodes, even for a file that was linked from it.
func TestWrittenTwice(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := Write(set(map[string]string{"index.html": "home", "legal/index.html": "legal"}), dest); err != nil {
		t.Fatal(err)
	}
	before := state(t, dest)
	w, err := NewWriter(dest, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Add(&File{Path: "legal/index.html", Data: []byte("legal")}) // linked: same bytes
	w.Add(&File{Path: "legal/index.html", Data: []byte("impostor")})
	if _, err := w.Commit(set(map[string]string{"index.html": "home", "legal/index.html": "legal"})); err == nil || !strings.Contains(err.Error(), "written twice") {
		t.Fatalf("Commit = %v, want an error", err)
	}
	if after := state(t, dest); after != before {
		t.Errorf("the previous output changed:\n%s\nwant\n%s", after, before)
	}
}

func TestCheckDest(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "site")
	for _, d := range []string{"content/legal", "themes", "static", ".git"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"config.toml", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(root, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(root, "content"), filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	var inputs []string
	for _, in := range []string{"config.toml", "content", "themes", "static", ".git"} {
		inputs = append(inputs, filepath.Join(root, in))
	}
	tests := []struct {
		dest, want string // want: "" for accepted, else part of the error
	}{
		{filepath.Join(root, "public"), ""},
		{filepath.Join(dir, "elsewhere", "out"), ""},
		{filepath.Join(root, "content"), "is a source of the site"},
		{filepath.Join(root, "content", "legal"), "lies inside"},
		{filepath.Join(root, "themes"), "is a source of the site"},
		{filepath.Join(root, "static"), "is a source of the site"},
		{filepath.Join(root, ".git"), "is a source of the site"},
		{filepath.Join(root, "config.toml"), "is a source of the site"},
		{root, "is the site folder"},
		{root + "/public/..", "is the site folder"},
		{dir, "holds the site folder"},
		{filepath.Join(dir, "link"), "is a source of the site"},
		{filepath.Join(dir, "link", "sub"), "lies inside"},
		{filepath.Join(root, "notes.txt"), "exists and is not a folder"},
		{"/", "top folder of the file system"},
	}
	for _, tt := range tests {
		_, err := CheckDest(tt.dest, root, inputs)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckDest(%s) = %v, want it accepted", tt.dest, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("CheckDest(%s) = %v, want %q", tt.dest, err, tt.want)
		}
	}
}

// TestRemoveStale: folders of killed builds go; one whose build still
// holds its lock stays, and so does anything not of the tool's pattern.
func TestRemoveStale(t *testing.T) {
	dir := t.TempDir()
	dest := filepath.Join(dir, "public")
	running, err := NewWriter(dest, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer running.Abort()
	for _, d := range []string{".public.tmp-123", ".public.tmp-9.old", ".other.tmp-1", "public.tmp-2"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// A killed build: its lock file is there but no process holds it.
	if err := os.Mkdir(filepath.Join(dir, ".public.tmp-abc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".public.tmp-abc.lock"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	removed := RemoveStale(dest)
	sort.Strings(removed)
	if got := strings.Join(removed, " "); got != ".public.tmp-123 .public.tmp-9 .public.tmp-abc" {
		t.Errorf("RemoveStale = %q", got)
	}
	var left []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	want := []string{".other.tmp-1", filepath.Base(running.Temp()), filepath.Base(running.Temp()) + ".lock", "public.tmp-2"}
	sort.Strings(want)
	if strings.Join(left, " ") != strings.Join(want, " ") {
		t.Errorf("left %v, want %v", left, want)
	}
}

// TestCarryOver: hidden entries at the destination's top (a gh-pages
// worktree's .git) survive a build untouched; other files the site does
// not produce are removed and listed.
func TestCarryOver(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := Write(set(map[string]string{"index.html": "v1"}), dest); err != nil {
		t.Fatal(err)
	}
	for p, data := range map[string]string{".git/HEAD": "ref: refs/heads/gh-pages", ".git/objects/x": "obj", "CNAME": "certiron.io", "old/index.html": "old"} {
		full := filepath.Join(dest, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git := state(t, filepath.Join(dest, ".git"))
	st, err := Write(set(map[string]string{"index.html": "v2"}), dest)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(st.Removed, " ") != "CNAME old/index.html" || strings.Join(st.Kept, " ") != ".git" {
		t.Errorf("stats = %+v", st)
	}
	if got := state(t, filepath.Join(dest, ".git")); got != git {
		t.Errorf(".git changed:\n%s\nwant\n%s", got, git)
	}
	if _, err := os.Stat(filepath.Join(dest, "CNAME")); !os.IsNotExist(err) {
		t.Error("CNAME survived")
	}
}

// FuzzPlan: any set of claims either fails Check with a clash naming
// each rejected path's sources, or is written exactly.
func FuzzPlan(f *testing.F) {
	f.Add("index.html\nlegal/index.html\ncss/site.css")
	f.Add("index.html\nindex.html/index.html")
	f.Add("a/B.txt\na/b.txt")
	f.Add("A/x\na/y")
	f.Add("../x\n./y\na//b")
	f.Add("x\nx")
	f.Fuzz(func(t *testing.T, list string) {
		paths := strings.Split(list, "\n")
		if len(paths) > 20 {
			return
		}
		p := NewPlan()
		for i, q := range paths {
			p.Claim(q, diag.Pos{File: fmt.Sprintf("src%d", i)}, "file")
		}
		set, errs := p.Check()
		named := map[string]bool{}
		for _, e := range errs {
			named[e.Pos.File] = true
		}
		for i, q := range paths {
			if !set.Planned(q) && !named[fmt.Sprintf("src%d", i)] {
				t.Fatalf("%q rejected with no error at its source: %v", q, errs)
			}
			if set.Planned(q) {
				_ = set.Put(&File{Path: q, Data: []byte(q)})
			}
		}
		if len(errs) > 0 {
			return
		}
		dest := filepath.Join(t.TempDir(), "public")
		if _, err := Write(set, dest); err != nil {
			t.Fatalf("Write of a clash-free plan failed: %v", err)
		}
		n := 0
		filepath.Walk(dest, func(path string, fi os.FileInfo, err error) error {
			if err == nil && !fi.IsDir() {
				n++
			}
			return nil
		})
		for _, q := range set.Paths() {
			if b, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(q))); err != nil || string(b) != q {
				t.Fatalf("%s = %q, %v", q, b, err)
			}
		}
		if n != set.Len() {
			t.Fatalf("wrote %d files, want %d", n, set.Len())
		}
	})
}

// TestCheckAgainst: a plan claim for claim the same as the last one
// takes its verdict; one that differs in any claim, or clashes, is
// checked afresh, and a clash is never carried over.
func TestCheckAgainst(t *testing.T) {
	plan := func(extra ...string) *Plan {
		p := NewPlan()
		p.Claim("index.html", diag.Pos{File: "content/_index.md"}, "page /")
		p.Claim("legal/index.html", diag.Pos{File: "content/legal/_index.md"}, "page /legal/")
		for _, q := range extra {
			p.Claim(q, diag.Pos{File: "content/" + q + ".md", Line: 2, Col: 1}, "page")
		}
		return p
	}
	set, errs, first := plan().CheckAgainst(nil)
	if len(errs) > 0 || first == nil || !set.Planned("legal/index.html") {
		t.Fatalf("first check: %v, %v", errs, first)
	}
	set, errs, again := plan().CheckAgainst(first)
	if again != first || len(errs) > 0 || !set.Planned("index.html") || set.Planned("x.html") || strings.Join(set.Paths(), " ") != "" {
		t.Errorf("the same plan was checked again, or its set differs: %v %v", again == first, errs)
	}
	_, errs, other := plan("a.html").CheckAgainst(first)
	if other == nil || other == first || len(errs) > 0 {
		t.Errorf("a plan with one more claim took the old verdict")
	}
	set, errs, clash := plan("index.html").CheckAgainst(other)
	if clash != nil || len(errs) == 0 || set.Planned("index.html") {
		t.Errorf("a clash after a clean plan: verdict %v, errors %v", clash, errs)
	}
	if _, errs, _ := plan("index.html").CheckAgainst(clash); len(errs) == 0 {
		t.Error("a clash was not found again")
	}
}

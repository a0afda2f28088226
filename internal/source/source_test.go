package source

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestLeftover is the one list of names no site is made of, used by the
// build and the watcher alike.
func TestLeftover(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"x.md", false},
		{"cookie-policy.md", false},
		{"site.css", false},
		{"config.toml", false},
		{"_index.md", false},
		{".well-known", false},
		{"security.txt", false},
		{"2024.md", false},
		{"1234", false},
		{"#", false},
		{"04913", false},
		{"draft.docx", false},
		{"notes.txt", false},
		{".logo.svg", true},
		{".git", true},
		{".DS_Store", true},
		{"4913", true},
		{"5036", true},
		{"x.md~", true},
		{"cookie-policy.md.bak", true},
		{"x.md.orig", true},
		{"x.md.rej", true},
		{".x.md.swp", true},
		{".x.md.swo", true},
		{".x.md.swx", true},
		{"x.swp", true},
		{".#x.md", true},
		{"#x.md#", true},
		{"~$draft.docx", true},
		{"x.md___jb_tmp___", true},
		{"x.md___jb_old___", true},
		{".x.md.tmp-123", true},
		{"x.tmp", true},
		{"X.TMP", true},
		{"x.temp", true},
		{".goutputstream-ABC123", true},
		{"x.md.kate-swp", true},
		{"Thumbs.db", true},
		{"thumbs.db", true},
		{"desktop.ini", true},
		{"brochure.pdf.crdownload", true},
		{"brochure.pdf.part", true},
	}
	for _, tt := range tests {
		if got := Leftover(tt.name); got != tt.want {
			t.Errorf("Leftover(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, rel string
		want         bool
	}{
		{"*.psd", "press/logo.psd", true},
		{"*.psd", "logo.psd", true},
		{"*.psd", "logo.png", false},
		{"drafts/**", "drafts/a.md", true},
		{"drafts/**", "drafts/x/y.md", true},
		{"drafts/**", "legal/drafts/a.md", false},
		{"drafts/", "drafts/a.md", false},
		{"**/notes.txt", "legal/notes.txt", true},
		{"**/notes.txt", "notes.txt", true},
		{"legal/*.txt", "legal/a.txt", true},
		{"legal/*.txt", "legal/x/a.txt", false},
		{"/legal/*.txt", "legal/a.txt", true},
	}
	for _, tt := range tests {
		if got := Match(tt.pattern, tt.rel); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.rel, got, tt.want)
		}
	}
}

func write(t *testing.T, p, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestWalk: links are followed only to files inside the site; special
// files, broken links and links to folders are left out with a warning,
// never opened.
func TestWalk(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "site")
	outside := filepath.Join(dir, "secret.txt")
	write(t, outside, "secret")
	write(t, filepath.Join(dir, "elsewhere", "x.txt"), "x")
	write(t, filepath.Join(root, "static", "a.txt"), "a")
	write(t, filepath.Join(root, "static", "sub", "b.txt"), "b")
	write(t, filepath.Join(root, "static", "x.bak"), "backup")
	write(t, filepath.Join(root, "static", "skip", "c.psd"), "psd")
	write(t, filepath.Join(root, "shared", "logo.svg"), "<svg/>")
	links := map[string]string{
		"static/in.txt":     filepath.Join(root, "static", "a.txt"),
		"static/logo.svg":   "../shared/logo.svg",
		"static/out.txt":    outside,
		"static/passwd":     "/etc/passwd",
		"static/outdir":     filepath.Join(dir, "elsewhere"),
		"static/indir":      filepath.Join(root, "shared"),
		"static/broken.txt": filepath.Join(root, "nope"),
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(root, "static", "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	tree, err := Open(root, []string{"*.psd"})
	if err != nil {
		t.Fatal(err)
	}
	l := tree.Walk("static")
	var files []string
	for _, f := range l.Files {
		data, err := tree.Read(f)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f.Path+"="+string(data))
	}
	if got, want := strings.Join(files, " "), "static/a.txt=a static/in.txt=a static/logo.svg=<svg/> static/sub/b.txt=b"; got != want {
		t.Errorf("files = %s\nwant    %s", got, want)
	}
	if got, want := l.Errors.Error(), strings.Join([]string{
		"static/out.txt: a symbolic link to " + outside + ", outside the site folder; links are never followed out of the site (copy the file in instead)",
		"static/outdir: a symbolic link to " + filepath.Join(dir, "elsewhere") + ", outside the site folder; links are never followed out of the site (copy the file in instead)",
		"static/passwd: a symbolic link to /etc/passwd, outside the site folder; links are never followed out of the site (copy the file in instead)",
	}, "\n"); sorted(got) != want {
		t.Errorf("errors =\n%s\nwant\n%s", sorted(got), want)
	}
	if got, want := l.Warnings.Error(), strings.Join([]string{
		"static/broken.txt: skipped: a broken symbolic link",
		"static/fifo: skipped: a named pipe, not a regular file",
		"static/indir: skipped: a symbolic link to a folder; links to folders are not followed",
	}, "\n"); sorted(got) != want {
		t.Errorf("warnings =\n%s\nwant\n%s", sorted(got), want)
	}
	var skipped []string
	for _, s := range l.Skipped {
		skipped = append(skipped, s.Path)
	}
	if got := sorted(strings.Join(skipped, "\n")); !strings.Contains(got, "static/x.bak") || !strings.Contains(got, "static/skip/c.psd") {
		t.Errorf("skipped = %s", got)
	}
	// ReadFile never follows a link out, nor blocks on a pipe.
	for _, p := range []string{"static/out.txt", "static/passwd", "static/fifo"} {
		if data, err := tree.ReadFile(p); err == nil {
			t.Errorf("ReadFile(%s) = %q, want an error", p, data)
		}
	}
}

func sorted(s string) string {
	lines := strings.Split(s, "\n")
	for i := range lines {
		for j := i + 1; j < len(lines); j++ {
			if lines[j] < lines[i] {
				lines[i], lines[j] = lines[j], lines[i]
			}
		}
	}
	return strings.Join(lines, "\n")
}

// BenchmarkWalk: listing a folder of 50 folders of 200 files each, as
// the content/ of a 10,000-page site.
func BenchmarkWalk(b *testing.B) {
	root := b.TempDir()
	for d := range 50 {
		dir := filepath.Join(root, "content", fmt.Sprintf("s%02d", d))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		for f := range 200 {
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("page-%04d.md", f)), nil, 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	tree, err := Open(root, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if l := tree.Walk("content"); len(l.Files) != 10000 {
			b.Fatalf("%d files", len(l.Files))
		}
	}
}

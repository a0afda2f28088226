package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseGC(t *testing.T) {
	line := "  render    1.2s\n  runtime   GC 4.2% of CPU (0.089 s of the 2.100 s the OS counted; 3.9% of 2.3 s by the runtime's count), 10 cycles\n"
	share, secs, err := parseGC(line)
	if err != nil || share != 0.042 || secs != 0.089 {
		t.Errorf("parseGC = %v, %v, %v; want 0.042, 0.089, nil", share, secs, err)
	}
	if _, _, err := parseGC("built 3 pages"); err == nil {
		t.Errorf("parseGC of output without the line: no error")
	}
}

func TestHugoVersion(t *testing.T) {
	for _, tt := range []struct {
		v    [3]int
		want bool
	}{{[3]int{0, 165, 0}, true}, {[3]int{0, 165, 2}, true}, {[3]int{1, 0, 0}, true}, {[3]int{0, 111, 3}, false}, {[3]int{0, 164, 9}, false}} {
		if got := (hugoBin{semver: tt.v}).atLeast(wantHugo); got != tt.want {
			t.Errorf("v%v atLeast(%s) = %v, want %v", tt.v, wantHugo, got, tt.want)
		}
	}
}

func TestCountPages(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"index.html", "404.html", "a/index.html", "old/a/index.html", "a/pic.png", "sitemap.xml"} {
		p := filepath.Join(dir, filepath.FromSlash(f))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("x"), 0o644)
	}
	got, err := countPages(dir, []string{"/old/a/"})
	if want := []string{"a/index.html", "index.html"}; err != nil || !slices.Equal(got, want) {
		t.Errorf("countPages = %q, %v; want %q", got, err, want)
	}
	if d := difference("ours", []string{"a", "b"}, "Hugo", []string{"b", "c"}); !strings.Contains(d, "only ours has: a") || !strings.Contains(d, "only Hugo has: c") {
		t.Errorf("difference = %q", d)
	}
}

// fakeHugo writes a script that answers `hugo version` as Hugo 0.165
// and, when asked to build, runs body.
func fakeHugo(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "hugo")
	script := "#!/bin/sh\nif [ \"$1\" = version ]; then echo 'hugo v0.165.0 linux/amd64 BuildDate=unknown'; exit 0; fi\n" + body + "\n"
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestFailsLoudly: the bench fails when Hugo's build fails, when the two
// outputs hold different numbers of pages, and when only an old Hugo is
// there.
func TestFailsLoudly(t *testing.T) {
	if testing.Short() {
		t.Skip("builds certiron-site and a small site")
	}
	failing := fakeHugo(t, "echo 'ERROR boom' >&2; exit 1")
	// A Hugo that publishes one page: find -d's argument and write it.
	onePage := fakeHugo(t, `while [ $# -gt 0 ]; do if [ "$1" = -d ]; then mkdir -p "$2" && echo x > "$2/index.html"; fi; shift; done`)
	old := filepath.Join(t.TempDir(), "hugo")
	os.WriteFile(old, []byte("#!/bin/sh\necho 'hugo v0.111.3+extended linux/amd64'\n"), 0o755)
	for _, tt := range []struct {
		hugo, want string
	}{
		{failing, "hugo build failed"},
		{onePage, "the outputs differ: certiron-site published"},
		{old, "older than the Hugo 0.165.0"},
	} {
		err := run([]string{"-repo", "../..", "-pages", "20", "-runs", "1", "-edits", "1", "-json", "", "-hugo", tt.hugo})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("with %s: err = %v, want %q", filepath.Base(filepath.Dir(tt.hugo)), err, tt.want)
		}
	}
}

func TestCommandLine(t *testing.T) {
	if got, want := commandLine([]string{"-pages", "200", "-json", ""}), `go run ./cmd/certiron-bench -pages 200 -json ""`; got != want {
		t.Errorf("commandLine = %q, want %q", got, want)
	}
}

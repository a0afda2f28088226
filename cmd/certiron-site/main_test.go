package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/certiron/certiron-site/internal/corpus"
)

// newSite copies the repository's real site into a temp folder.
func newSite(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for _, p := range []string{"config.toml", "content", "themes", "static"} {
		copyPath(t, filepath.Join("..", "..", p), filepath.Join(root, p))
	}
	return root
}

func copyPath(t *testing.T, from, to string) {
	t.Helper()
	if err := corpus.CopyDir(from, to); err != nil {
		t.Fatal(err)
	}
}

func runCmd(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = exitCode(run(args, &o, &e))
	return code, o.String(), e.String()
}

// snapshot records every file under dir with its bytes' hash and mtime,
// as one comparable text.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	for rel, f := range outputFiles(t, dir) {
		lines = append(lines, fmt.Sprintf("%s %x %d", rel, f.sum, f.mtime.UnixNano()))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "Usage:"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"build", "-nope"}, 2, "flag provided but not defined: -nope"},
		{[]string{"build", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"check", "-format", "xml"}, 2, "-format must be text or json"},
		{[]string{"build", "-source", "/does/not/exist"}, 1, "config.toml: missing config file"},
	}
	for _, tt := range tests {
		code, _, stderr := runCmd(tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.want) {
			t.Errorf("run(%q) = %d, stderr %q; want %d and %q", tt.args, code, stderr, tt.code, tt.want)
		}
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCmd("version")
	if code != 0 || !strings.HasPrefix(out, "certiron-site ") || !strings.HasSuffix(out, " "+runtime.Version()+"\n") || strings.Count(out, "\n") != 1 {
		t.Errorf("version = %d %q", code, out)
	}
}

// TestBuildAtomic builds the real site, then breaks it: the failed build
// lists every error, exits 1 and leaves the previous output byte for byte
// and mtime for mtime as it was.
func TestBuildAtomic(t *testing.T) {
	root := newSite(t)
	dest := filepath.Join(root, "public")
	if code, _, stderr := runCmd("build", "-source", root); code != 0 {
		t.Fatalf("build failed: %s", stderr)
	}
	for _, p := range []string{"index.html", "legal/index.html", "legal/cookie-policy/index.html", "404.html", "sitemap.xml", "robots.txt", "_headers"} {
		if _, err := os.Stat(filepath.Join(dest, p)); err != nil {
			t.Errorf("build wrote no %s", p)
		}
	}
	before := snapshot(t, dest)

	policy := filepath.Join(root, "content/legal/cookie-policy.md")
	src, _ := os.ReadFile(policy)
	broken := strings.Replace(string(src), "lastmod = 2026-11-28", "lastmod = \"last Tuesday\"", 1)
	os.WriteFile(policy, []byte(broken), 0o644)
	os.WriteFile(filepath.Join(root, "content/legal/terms.md"), []byte("+++\ntitle = \"Terms\"\n+++\nSee [nothing](missing.md).\n"), 0o644)

	code, _, stderr := runCmd("build", "-source", root)
	if code != 1 {
		t.Fatalf("broken build exit = %d, want 1", code)
	}
	for _, want := range []string{
		`content/legal/cookie-policy.md:4:1: front matter "lastmod": unknown date format "last Tuesday"`,
		`content/legal/terms.md:4:15: link to missing page "missing.md"`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if after := snapshot(t, dest); after != before {
		t.Errorf("failed build changed the output:\nbefore\n%s\nafter\n%s", before, after)
	}
	if m, _ := filepath.Glob(filepath.Join(root, ".public.tmp-*")); len(m) > 0 {
		t.Errorf("failed build left %v", m)
	}
}

// TestBuildIncrementalWrites rebuilds after deleting a page: its output
// is gone, the files whose bytes changed are rewritten, every other file
// is left alone to its mtime, and the summary counts exactly those.
func TestBuildIncrementalWrites(t *testing.T) {
	root := newSite(t)
	dest := filepath.Join(root, "out")
	os.WriteFile(filepath.Join(root, "content/legal/terms.md"), []byte("+++\ntitle = \"Terms\"\n+++\nTerms.\n"), 0o644)
	if code, _, stderr := runCmd("build", "-source", root, "-dest", dest); code != 0 {
		t.Fatal(stderr)
	}
	// Every file of the first build gets an mtime no write can give, so
	// a rewrite shows whatever the file system's clock resolution.
	old := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	before := outputFiles(t, dest)
	for p := range before {
		if err := os.Chtimes(filepath.Join(dest, p), old, old); err != nil {
			t.Fatal(err)
		}
	}
	os.Remove(filepath.Join(root, "content/legal/terms.md"))
	code, stdout, stderr := runCmd("build", "-source", root, "-dest", dest)
	if code != 0 {
		t.Fatal(stderr)
	}
	after := outputFiles(t, dest)
	if _, ok := after["legal/terms/index.html"]; ok {
		t.Error("deleted page's output is still there")
	}
	changed := 0
	for p, f := range after {
		was, ok := before[p]
		switch {
		case !ok || was.sum != f.sum:
			changed++
			if f.mtime.Equal(old) {
				t.Errorf("%s changed but kept its old mtime", p)
			}
		case !f.mtime.Equal(old):
			t.Errorf("unchanged %s rewritten: mtime %v", p, f.mtime)
		}
	}
	if changed == 0 || changed == len(after) {
		t.Errorf("%d of %d files changed; deleting a page changes its list and the sitemap, and not the rest", changed, len(after))
	}
	m := summary.FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("summary = %q", stdout)
	}
	if got, want := m[2]+" "+m[3]+" "+m[4], fmt.Sprintf("%d %d %d", len(after), changed, len(after)-changed); got != want {
		t.Errorf("summary %q counts files, changed, unchanged as %s; the folder has %s", stdout, got, want)
	}
}

// summary is build's last line.
var summary = regexp.MustCompile(`^built (\d+) pages, (\d+) files \((\d+) changed, (\d+) unchanged\) into `)

type outputFile struct {
	sum   [32]byte
	mtime time.Time
}

// outputFiles reads every file under dir, by slash-separated path.
func outputFiles(t *testing.T, dir string) map[string]outputFile {
	t.Helper()
	files := map[string]outputFile{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = outputFile{sha256.Sum256(data), fi.ModTime()}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestCheckWritesNothing runs check: it reports the pages and files a
// build makes, writes no output folder, and its JSON lists each finding
// with its file, line, column and rule.
func TestCheckWritesNothing(t *testing.T) {
	root := newSite(t)
	code, stdout, stderr := runCmd("check", "-source", root)
	if code != 0 {
		t.Fatalf("check = %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(root, "public")); !os.IsNotExist(err) {
		t.Error("check wrote public/")
	}
	checked := regexp.MustCompile(`^ok: (\d+) pages, (\d+) files, no problems found\n$`).FindStringSubmatch(stdout)
	_, built, _ := runCmd("build", "-source", root, "-dest", filepath.Join(t.TempDir(), "out"))
	m := summary.FindStringSubmatch(built)
	if checked == nil || m == nil || checked[1] != m[1] || checked[2] != m[2] {
		t.Errorf("check says %q, build says %q: want the same pages and files", stdout, built)
	}

	type finding struct {
		File      string
		Line, Col int
		Rule      string
		Message   string
	}
	var report struct{ Errors, Warnings []finding }
	code, stdout, _ = runCmd("check", "-source", root, "-format", "json")
	if err := json.Unmarshal([]byte(stdout), &report); code != 0 || err != nil || report.Errors == nil || len(report.Errors) > 0 {
		t.Errorf("check -format json = %d %v: %s", code, err, stdout)
	}
	os.WriteFile(filepath.Join(root, "content/legal/terms.md"), []byte("+++\ntitle = \"Terms\"\n+++\nSee [gone](/gone/).\n"), 0o644)
	code, stdout, _ = runCmd("check", "-source", root, "-format", "json")
	want := finding{"content/legal/terms.md", 4, 12, "link", "/gone/ does not exist in the built site (no gone/index.html)"}
	if err := json.Unmarshal([]byte(stdout), &report); code != 1 || err != nil || len(report.Errors) != 1 || report.Errors[0] != want {
		t.Errorf("check -format json on a broken link = %d %v: %s\nwant the one error %+v", code, err, stdout, want)
	}
	if _, err := os.Stat(filepath.Join(root, "public")); !os.IsNotExist(err) {
		t.Error("check wrote public/")
	}
}

// TestBuildFlags builds with -baseURL and -drafts.
func TestBuildFlags(t *testing.T) {
	root := newSite(t)
	os.WriteFile(filepath.Join(root, "content/legal/terms.md"), []byte("+++\ntitle = \"Terms\"\ndraft = true\n+++\nDraft terms.\n"), 0o644)
	dest := filepath.Join(root, "preview")
	if code, _, stderr := runCmd("build", "-source", root, "-dest", dest, "-baseURL", "https://preview.certiron.io/", "-drafts"); code != 0 {
		t.Fatalf("build = %d: %s", code, stderr)
	}
	sitemap, _ := os.ReadFile(filepath.Join(dest, "sitemap.xml"))
	if !strings.Contains(string(sitemap), "<loc>https://preview.certiron.io/legal/terms/</loc>") || strings.Contains(string(sitemap), "https://certiron.io/") {
		t.Errorf("sitemap with -baseURL and -drafts:\n%s", sitemap)
	}
	if code, _, _ := runCmd("build", "-source", root, "-dest", dest); code != 0 {
		t.Fatal("build without -drafts failed")
	}
	if _, err := os.Stat(filepath.Join(dest, "legal/terms/index.html")); !os.IsNotExist(err) {
		t.Error("draft published without -drafts")
	}
	if code, _, stderr := runCmd("build", "-source", root, "-baseURL", "not a url"); code != 1 || !strings.Contains(stderr, "-baseURL") {
		t.Errorf("bad -baseURL = %d %q", code, stderr)
	}
}

// TestErrorsInSourceOrder: a build's errors come in the order of their
// positions, whatever rule found them, so a writer reads a file's
// problems top to bottom; the summary still counts them by rule.
func TestErrorsInSourceOrder(t *testing.T) {
	root := newSite(t)
	page := "---\ntitle: Oops\n---\n\n# Oops\n\nSee [terms](/legal/nope/) and [x](#missing).\n\nAlso [a](#gone-too) and [b](/nowhere/).\n"
	if err := os.WriteFile(filepath.Join(root, "content", "oops.md"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCmd("build", "-source", root, "-cache", "off")
	want := "content/oops.md:7:13: link: /legal/nope/ does not exist in the built site (no legal/nope/index.html)\n" +
		"content/oops.md:7:35: anchor: #missing: there is no id=\"missing\" on /oops/\n" +
		"content/oops.md:9:10: anchor: #gone-too: there is no id=\"gone-too\" on /oops/\n" +
		"content/oops.md:9:29: link: /nowhere/ does not exist in the built site (no nowhere/index.html)\n" +
		"4 errors (audit: 2 anchor, 2 link); nothing was written\n"
	if code != 1 || stderr != want {
		t.Errorf("build = %d:\n%s\nwant 1:\n%s", code, stderr, want)
	}
}

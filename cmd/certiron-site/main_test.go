package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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

// snapshot records every file under dir with its bytes' hash and mtime.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fi, _ := d.Info()
		rel, _ := filepath.Rel(dir, p)
		lines = append(lines, fmt.Sprintf("%s %x %d", rel, sha256.Sum256(data), fi.ModTime().UnixNano()))
		return nil
	})
	if err != nil {
		t.Fatal(err)
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
	if code != 0 || !strings.HasPrefix(out, "certiron-site ") || !strings.Contains(out, "go1.") {
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

// TestBuildIncrementalWrites rebuilds after deleting a page and editing
// another: stale files are gone, unchanged files keep their mtime.
func TestBuildIncrementalWrites(t *testing.T) {
	root := newSite(t)
	dest := filepath.Join(root, "out")
	os.WriteFile(filepath.Join(root, "content/legal/terms.md"), []byte("+++\ntitle = \"Terms\"\n+++\nTerms.\n"), 0o644)
	if code, _, stderr := runCmd("build", "-source", root, "-dest", dest); code != 0 {
		t.Fatal(stderr)
	}
	// The stylesheet, named by its content.
	cssFiles, _ := filepath.Glob(filepath.Join(dest, "css/site.*.css"))
	if len(cssFiles) != 1 {
		t.Fatalf("stylesheets = %v", cssFiles)
	}
	css := cssFiles[0]
	fi1, _ := os.Stat(css)
	time.Sleep(20 * time.Millisecond)
	os.Remove(filepath.Join(root, "content/legal/terms.md"))
	code, stdout, stderr := runCmd("build", "-source", root, "-dest", dest)
	if code != 0 {
		t.Fatal(stderr)
	}
	if _, err := os.Stat(filepath.Join(dest, "legal/terms/index.html")); !os.IsNotExist(err) {
		t.Error("deleted page's output is still there")
	}
	fi2, _ := os.Stat(css)
	if !fi1.ModTime().Equal(fi2.ModTime()) {
		t.Errorf("unchanged %s rewritten: mtime %v → %v", css, fi1.ModTime(), fi2.ModTime())
	}
	if !strings.Contains(stdout, "unchanged") {
		t.Errorf("summary = %q", stdout)
	}
}

// TestCheckWritesNothing runs check and expects no output folder.
func TestCheckWritesNothing(t *testing.T) {
	root := newSite(t)
	code, stdout, stderr := runCmd("check", "-source", root)
	if code != 0 {
		t.Fatalf("check = %d: %s", code, stderr)
	}
	if !strings.HasPrefix(stdout, "ok:") {
		t.Errorf("check stdout = %q", stdout)
	}
	if _, err := os.Stat(filepath.Join(root, "public")); !os.IsNotExist(err) {
		t.Error("check wrote public/")
	}
	code, stdout, _ = runCmd("check", "-source", root, "-format", "json")
	if code != 0 || !strings.Contains(stdout, `"errors": []`) {
		t.Errorf("check -format json = %d %s", code, stdout)
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

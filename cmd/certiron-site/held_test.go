package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/certiron/certiron-site/internal/output"
	"github.com/certiron/certiron-site/internal/store"
)

// ageManifest makes the manifest the last build into dest left in the
// cache at dir look taken three seconds later, past the racy window in
// which a stamp is not trusted, as the next build would find it in use.
func ageManifest(t *testing.T, dir, dest string) {
	t.Helper()
	c, err := store.Open(store.Options{Dir: dir, Version: toolVersion()})
	if err != nil {
		t.Fatal(err)
	}
	real, _ := output.Resolve(dest)
	m := output.NewManifest()
	if !c.Get("output", outputKey(real), m) {
		t.Fatal("no manifest in the cache")
	}
	m.Made += int64(3 * time.Second)
	c.Put("output", outputKey(real), m)
}

var heldLine = regexp.MustCompile(`; (\d+) pages already in`)

// TestHeldPages: with a warm cache and the output the last build left,
// a build reads none of the unchanged pages, and its output is the one
// a clean build makes; a finding in such a page (a link to an anchor
// that another page lost) is still reported at the Markdown line; a
// page edited by hand in the output is noticed and written again.
func TestHeldPages(t *testing.T) {
	root := newSite(t)
	writeFile(t, filepath.Join(root, "content/a.md"), "+++\ntitle = \"A\"\n+++\nIntro.\n\nSee [the part](/b/#part).\n")
	writeFile(t, filepath.Join(root, "content/b.md"), "+++\ntitle = \"B\"\n+++\n## Part\n\nText.\n")
	dest := filepath.Join(root, "public")
	cache := t.TempDir()
	build := func(extra ...string) (int, string, string) {
		return runCmd(append([]string{"build", "-v", "-cache", cache, "-source", root, "-dest", dest}, extra...)...)
	}
	if code, _, stderr := build(); code != 0 {
		t.Fatal(stderr)
	}
	ageManifest(t, cache, dest)
	before := snapshot(t, dest)
	heldManifest := filepath.Join(t.TempDir(), "held.json")
	code, stdout, stderr := build("-manifest", heldManifest)
	if code != 0 {
		t.Fatal(stderr)
	}
	// The deploy manifest of held pages (their hashes and sizes known,
	// their bytes not read) is a clean build's.
	cleanManifest := filepath.Join(t.TempDir(), "clean.json")
	if code, _, stderr := runCmd("build", "-cache", "off", "-source", root, "-dest", filepath.Join(t.TempDir(), "out"), "-manifest", cleanManifest); code != 0 {
		t.Fatal(stderr)
	}
	if a, b := readFile(t, heldManifest), readFile(t, cleanManifest); a != b {
		t.Errorf("deploy manifest of held pages:\n%s\nclean build's:\n%s", a, b)
	}
	m, pages := heldLine.FindStringSubmatch(stderr), summary.FindStringSubmatch(stdout)
	if m == nil || pages == nil || m[1] != pages[1] {
		t.Fatalf("second build: want every page held, got\n%s%s", stderr, stdout)
	}
	if after := snapshot(t, dest); after != before {
		t.Errorf("a build of held pages changed the output")
	}
	// B loses its anchor: A, held, now links nowhere.
	ageManifest(t, cache, dest)
	writeFile(t, filepath.Join(root, "content/b.md"), "+++\ntitle = \"B\"\n+++\n## Whole\n\nText.\n")
	code, _, stderr = build()
	if code != 1 || !strings.Contains(stderr, "content/a.md:6:") || !strings.Contains(stderr, `id="part"`) {
		t.Errorf("broken anchor in a held page: exit %d,\n%s", code, stderr)
	}
	if after := snapshot(t, dest); after != before {
		t.Errorf("a failed build changed the output")
	}
	// Fixed; and a page of the output edited by hand is written again.
	writeFile(t, filepath.Join(root, "content/b.md"), "+++\ntitle = \"B\"\n+++\n## Part\n\nText, changed.\n")
	page := filepath.Join(dest, "a/index.html")
	data, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, page, strings.Replace(string(data), "Intro.", "Intr0.", 1))
	ageManifest(t, cache, dest)
	if code, _, stderr := build(); code != 0 {
		t.Fatal(stderr)
	}
	clean := filepath.Join(t.TempDir(), "clean")
	if code, _, stderr := runCmd("build", "-cache", "off", "-source", root, "-dest", clean); code != 0 {
		t.Fatal(stderr)
	}
	got, want := outputFiles(t, dest), outputFiles(t, clean)
	if len(got) != len(want) {
		t.Errorf("%d files, a clean build makes %d", len(got), len(want))
	}
	for p, f := range want {
		if got[p].sum != f.sum {
			t.Errorf("%s differs from a clean build's", p)
		}
	}
}

// TestToolVersion: the cache's tool version is the Go build ID of the
// running executable, as go tool buildid reads it, found without reading
// the whole file.
func TestToolVersion(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "tool", "buildid", exe).Output()
	if err != nil {
		t.Skipf("go tool buildid: %v", err)
	}
	want := strings.TrimSpace(string(out))
	if got := goBuildID(exe); got != want {
		t.Errorf("goBuildID = %q, go tool buildid says %q", got, want)
	}
	if v := toolVersion(); v != "go-build-id "+want {
		t.Errorf("toolVersion = %q", v)
	}
}

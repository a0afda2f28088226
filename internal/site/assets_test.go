package site

import (
	"bytes"
	"crypto/sha512"
	"encoding/base64"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestFingerprint: a theme asset is published under a name made of its
// content, referenced with its SRI value; changing one byte of the
// stylesheet changes exactly its name and the pages that reference it.
func TestFingerprint(t *testing.T) {
	root := t.TempDir()
	copyTree(t, repoRoot+"/content", root+"/content")
	copyTree(t, repoRoot+"/themes", root+"/themes")
	data, _ := os.ReadFile(repoRoot + "/config.toml")
	writeFile(t, root+"/config.toml", data)
	before := Build(Options{Root: root})
	if len(before.Errors) > 0 {
		t.Fatal(before.Errors)
	}
	link := regexp.MustCompile(`<link rel="stylesheet" href="/(css/site\.[0-9a-f]{8}\.css)" integrity="(sha384-[^"]+)">`)
	for _, f := range before.Files.Files() {
		if !strings.HasSuffix(f.Path, ".html") {
			continue
		}
		m := link.FindSubmatch(f.Data)
		if m == nil {
			t.Fatalf("%s has no fingerprinted stylesheet link", f.Path)
		}
		css := before.Files.Get(string(m[1]))
		if css == nil {
			t.Fatalf("%s links %s, which is not published", f.Path, m[1])
		}
		sum := sha512.Sum384(css.Data)
		if want := "sha384-" + base64.StdEncoding.EncodeToString(sum[:]); string(m[2]) != want {
			t.Errorf("%s: integrity %s, want %s", f.Path, m[2], want)
		}
	}
	css := root + "/themes/certiron/assets/css/site.css"
	src, _ := os.ReadFile(css)
	writeFile(t, css, bytes.Replace(src, []byte("1rem"), []byte("2rem"), 1))
	after := Build(Options{Root: root})
	if len(after.Errors) > 0 {
		t.Fatal(after.Errors)
	}
	var changed []string
	for _, f := range after.Files.Files() {
		if o := before.Files.Get(f.Path); o == nil || !bytes.Equal(o.Data, f.Data) {
			changed = append(changed, f.Path)
		}
	}
	for _, p := range before.Files.Paths() {
		if after.Files.Get(p) == nil {
			changed = append(changed, p+" (gone)")
		}
	}
	sort.Strings(changed)
	var pages, other []string
	for _, p := range changed {
		if strings.HasSuffix(p, ".html") {
			pages = append(pages, p)
		} else {
			other = append(other, p)
		}
	}
	// _headers names the fingerprinted files, to cache them for good.
	if len(other) != 3 || other[0] != "_headers" || !strings.HasSuffix(other[1], ".css (gone)") || !regexp.MustCompile(`^css/site\.[0-9a-f]{8}\.css$`).MatchString(other[2]) {
		t.Errorf("files changed besides pages: %v, want _headers, the new stylesheet and the old one gone", other)
	}
	var all []string
	for _, p := range after.Files.Paths() {
		if strings.HasSuffix(p, ".html") {
			all = append(all, p)
		}
	}
	if strings.Join(pages, " ") != strings.Join(all, " ") {
		t.Errorf("pages changed: %v, want every page (each links the stylesheet): %v", pages, all)
	}
	// Nothing else of a page changed than the link.
	for _, p := range pages {
		o := link.ReplaceAll(before.Files.Get(p).Data, nil)
		n := link.ReplaceAll(after.Files.Get(p).Data, nil)
		if !bytes.Equal(o, n) {
			t.Errorf("%s changed beyond its stylesheet link", p)
		}
	}
}

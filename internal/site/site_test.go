package site

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/tools/txtar"

	"github.com/certiron/certiron-site/internal/corpus"
	"github.com/certiron/certiron-site/internal/output"
)

var update = flag.Bool("update", false, "rewrite golden files")

// repoRoot is the repository, two folders up from this package.
const repoRoot = "../.."

// TestSites builds every fixture in testdata/sites/*.txtar and compares
// the result with NAME.golden: the files and pages of a good site, or the
// error list of a bad one. A fixture without themes/ gets the real theme.
func TestSites(t *testing.T) {
	archives, _ := filepath.Glob("testdata/sites/*.txtar")
	if len(archives) == 0 {
		t.Fatal("no fixtures")
	}
	for _, file := range archives {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			root := extract(t, file)
			res := Build(Options{Root: root})
			got := describe(res)
			golden := strings.TrimSuffix(file, ".txtar") + ".golden"
			if *update && !byHand(t, file) {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Build(%s) =\n%s\nwant\n%s", file, got, want)
			}
		})
	}
}

// byHand reports whether a fixture's golden is written by hand (its
// comment says "The golden is written by hand"): it says what a build
// must give and does not give yet, so -update must not overwrite it.
func byHand(t *testing.T, file string) bool {
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Contains(ar.Comment, []byte("The golden is written by hand"))
}

// extract writes a txtar site into a temp folder over a copy of the real
// theme, so a fixture can replace one partial or bring a theme of its own.
func extract(t testing.TB, file string) string {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	copyTree(t, filepath.Join(repoRoot, "themes"), filepath.Join(root, "themes"))
	for _, f := range ar.Files {
		writeFile(t, filepath.Join(root, filepath.FromSlash(f.Name)), f.Data)
	}
	return root
}

func writeFile(t testing.TB, p string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyTree(t testing.TB, from, to string) {
	t.Helper()
	if err := corpus.CopyDir(from, to); err != nil {
		t.Fatal(err)
	}
}

var ws = regexp.MustCompile(`\s+`)

// mainOf returns the markup inside <main>, or the whole page.
func mainOf(page []byte) string {
	s := string(page)
	if i := strings.Index(s, `<main`); i >= 0 {
		if j := strings.Index(s, "</main>"); j > i {
			return s[i : j+len("</main>")]
		}
	}
	return s
}

func hasPath(res *Result, re *regexp.Regexp) bool {
	for _, p := range res.Files.Paths() {
		if re.MatchString(p) {
			return true
		}
	}
	return false
}

// TestRealSite builds the repository's own site and checks the pages a
// visitor needs, and that the cookie policy carries every line of the
// company's text.
func TestRealSite(t *testing.T) {
	res := Build(Options{Root: repoRoot})
	if len(res.Errors) > 0 {
		t.Fatalf("building the real site:\n%s", res.Errors.Error())
	}
	for _, p := range []string{"index.html", "legal/index.html", "legal/cookie-policy/index.html", "legal/cookie-policy/2026-11-28/index.html", "legal/feed.xml", "404.html", "sitemap.xml", "robots.txt", "_headers", "favicon.svg"} {
		if res.Files.Get(p) == nil {
			t.Errorf("real site has no %s", p)
		}
	}
	if !hasPath(res, regexp.MustCompile(`^css/site\.[0-9a-f]{8}\.css$`)) {
		t.Error("real site has no fingerprinted css/site.*.css")
	}
	policy := res.Files.Get("legal/cookie-policy/index.html")
	if policy == nil {
		t.Fatal("no cookie policy page")
	}
	text := pageText(t, policy.Data)
	seed, err := os.ReadFile("testdata/cookie-policy.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(seed), "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "- "))
		if line == "" {
			continue
		}
		if !strings.Contains(text, ws.ReplaceAllString(line, " ")) {
			t.Errorf("cookie policy page lacks the policy's text %q", line)
		}
	}
	for _, want := range []string{`href="mailto:privacy@certiron.io"`, `href="https://stripe.com/cookies-policy/legal"`, `id="1-what-we-store"`, `id="6-contact"`} {
		if !bytes.Contains(policy.Data, []byte(want)) {
			t.Errorf("cookie policy page lacks %s", want)
		}
	}
	robots := string(res.Files.Get("robots.txt").Data)
	if !strings.Contains(robots, "Sitemap: https://certiron.io/sitemap.xml") {
		t.Errorf("robots.txt does not point at the sitemap:\n%s", robots)
	}
	for _, f := range res.Files.Files() {
		if !strings.HasSuffix(f.Path, ".html") {
			continue
		}
		if !bytes.Contains(f.Data, []byte(`aria-label="Cookie notice"`)) || !bytes.Contains(f.Data, []byte(`href="/legal/cookie-policy/"`)) {
			t.Errorf("%s has no cookie notice linking the policy", f.Path)
		}
		if bytes.Contains(f.Data, []byte("unsafe-inline")) || bytes.Contains(f.Data, []byte(" style=")) {
			t.Errorf("%s needs 'unsafe-inline'", f.Path)
		}
	}
}

// pageText is the visible text of a page, whitespace folded.
func pageText(t *testing.T, page []byte) string {
	t.Helper()
	z := html.NewTokenizer(bytes.NewReader(page))
	var b strings.Builder
	skip := 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return strings.TrimSpace(ws.ReplaceAllString(b.String(), " "))
		case html.StartTagToken, html.EndTagToken:
			n, _ := z.TagName()
			switch string(n) {
			case "script", "style":
				if tt == html.StartTagToken {
					skip++
				} else {
					skip--
				}
			case "a", "strong", "em", "code", "span", "b", "i", "time", "abbr":
				continue // inline: no word break
			}
			b.WriteByte(' ')
		case html.TextToken:
			if skip == 0 {
				b.WriteString(html.UnescapeString(string(z.Text())))
			}
		}
	}
}

// TestDeterministic builds the real site twice and expects identical bytes.
func TestDeterministic(t *testing.T) {
	a := Build(Options{Root: repoRoot})
	b := Build(Options{Root: repoRoot})
	if len(a.Errors)+len(b.Errors) > 0 {
		t.Fatal(a.Errors, b.Errors)
	}
	if !equalSets(a.Files, b.Files) {
		t.Error("two builds of the same sources differ")
	}
}

func equalSets(a, b *output.Set) bool {
	if strings.Join(a.Paths(), ",") != strings.Join(b.Paths(), ",") {
		return false
	}
	for _, f := range a.Files() {
		x, err1 := f.Bytes()
		y, err2 := b.Get(f.Path).Bytes()
		if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
			return false
		}
	}
	return true
}

// TestIncremental edits one page of a kept build and expects only that
// page and the pages listing it to be rendered again, with the same bytes
// as a fresh build.
func TestIncremental(t *testing.T) {
	root := t.TempDir()
	copyTree(t, repoRoot+"/content", root+"/content")
	copyTree(t, repoRoot+"/themes", root+"/themes")
	data, _ := os.ReadFile(repoRoot + "/config.toml")
	writeFile(t, root+"/config.toml", data)
	writeFile(t, root+"/content/legal/terms.md", []byte("+++\ntitle = \"Terms\"\n+++\nSome terms.\n"))
	writeFile(t, root+"/content/about.md", []byte("+++\ntitle = \"About\"\n+++\nAbout us.\n"))

	b := New(Options{Root: root}, true)
	first := b.Build()
	if len(first.Errors) > 0 {
		t.Fatal(first.Errors)
	}
	if first.Rendered != first.Pages {
		t.Fatalf("first build rendered %d of %d pages", first.Rendered, first.Pages)
	}
	if again := b.Build(); again.Rendered != 0 {
		t.Errorf("rebuild without changes rendered %d pages, want 0", again.Rendered)
	}
	// A body edit re-renders that page and the list that shows it (a
	// list layout may show its pages' .Content), whether the builder is
	// told which file changed or finds out.
	writeFile(t, root+"/content/about.md", []byte("+++\ntitle = \"About\"\n+++\nAbout us, edited.\n"))
	if r := b.Build(); r.Rendered != 2 || !bytes.Contains(r.Files.Get("about/index.html").Data, []byte("About us, edited.")) {
		t.Errorf("body edit rendered %d pages, want 2 (the page and the home page listing it)", r.Rendered)
	}
	writeFile(t, root+"/content/about.md", []byte("+++\ntitle = \"About\"\n+++\nAbout us, told.\n"))
	if r := b.Rebuild([]string{root + "/content/about.md"}); r.Rendered != 2 || !bytes.Contains(r.Files.Get("about/index.html").Data, []byte("About us, told.")) {
		t.Errorf("told body edit rendered %d pages, want 2", r.Rendered)
	}
	// A new file the builder is told about is found.
	writeFile(t, root+"/content/new.md", []byte("+++\ntitle = \"New\"\n+++\nNew.\n"))
	if r := b.Rebuild([]string{root + "/content/new.md"}); r.Files == nil || r.Files.Get("new/index.html") == nil {
		t.Error("new page not built")
	}
	os.Remove(root + "/content/new.md")
	if r := b.Rebuild([]string{root + "/content/new.md"}); r.Files.Get("new/index.html") != nil {
		t.Error("removed page still built")
	}
	// A title edit re-renders the page and its section list.
	writeFile(t, root+"/content/legal/terms.md", []byte("+++\ntitle = \"Terms of Service\"\n+++\nSome terms.\n"))
	r := b.Build()
	if r.Rendered != 2 {
		t.Errorf("title edit rendered %d pages, want 2 (the page and legal/)", r.Rendered)
	}
	if !bytes.Contains(r.Files.Get("legal/index.html").Data, []byte("Terms of Service")) {
		t.Error("section list does not show the new title")
	}
	fresh := Build(Options{Root: root})
	if !equalSets(r.Files, fresh.Files) {
		t.Error("incremental build differs from a fresh build")
	}
	// A deleted page disappears.
	if err := os.Remove(root + "/content/about.md"); err != nil {
		t.Fatal(err)
	}
	if r := b.Build(); r.Files.Get("about/index.html") != nil {
		t.Error("deleted page still in the site")
	}
}

// repoSite copies the repository's content, theme and config into a
// new folder.
func repoSite(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	copyTree(t, repoRoot+"/content", root+"/content")
	copyTree(t, repoRoot+"/themes", root+"/themes")
	data, _ := os.ReadFile(repoRoot + "/config.toml")
	writeFile(t, root+"/config.toml", data)
	return root
}

// TestRebuildAfterOverflow: when the watcher lost events it names the
// watched roots; the rebuild then reads every content file again instead
// of trusting what it parsed before.
func TestRebuildAfterOverflow(t *testing.T) {
	root := repoSite(t)
	writeFile(t, root+"/content/about.md", []byte("+++\ntitle = \"About\"\n+++\nAbout us.\n"))
	b := New(Options{Root: root}, true)
	if r := b.Build(); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	// Two files change; the events were lost.
	writeFile(t, root+"/content/about.md", []byte("+++\ntitle = \"About\"\n+++\nAbout us, unseen.\n"))
	writeFile(t, root+"/content/legal/unseen.md", []byte("+++\ntitle = \"Unseen\"\n+++\nNew.\n"))
	for _, roots := range [][]string{{root + "/content"}, {root}} {
		r := b.Rebuild(roots)
		if len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		if !bytes.Contains(r.Files.Get("about/index.html").Data, []byte("About us, unseen.")) || r.Files.Get("legal/unseen/index.html") == nil {
			t.Errorf("Rebuild(%v) kept the stale site", roots)
		}
	}
}

func appendLine(t testing.TB, file string, i int) {
	t.Helper()
	f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "\nEdit %d.\n", i)
	f.Close()
}

// TestRebuildStaticFiles: a rebuild reads again the files published as
// they are that the watcher named, or whose folder it named, and keeps
// the bytes of the others from the last build.
func TestRebuildStaticFiles(t *testing.T) {
	root := repoSite(t)
	writeFile(t, root+"/static/a.txt", []byte("a1"))
	writeFile(t, root+"/static/dir/b.txt", []byte("b1"))
	b := New(Options{Root: root}, true)
	if r := b.Build(); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	writeFile(t, root+"/static/a.txt", []byte("a2"))
	writeFile(t, root+"/static/dir/b.txt", []byte("b2"))
	got := func(r *Result, p string) string {
		t.Helper()
		if len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		return string(r.Files.Get(p).Data)
	}
	r := b.Rebuild([]string{root + "/static/a.txt"})
	if a, bb := got(r, "a.txt"), got(r, "dir/b.txt"); a != "a2" || bb != "b1" {
		t.Errorf("after static/a.txt changed: a.txt = %q, dir/b.txt = %q; want a2, and b1 not read again", a, bb)
	}
	r = b.Rebuild([]string{root + "/static/dir"})
	if bb := got(r, "dir/b.txt"); bb != "b2" {
		t.Errorf("after static/dir changed: dir/b.txt = %q, want b2", bb)
	}
	if r := b.Build(); got(r, "a.txt") != "a2" || got(r, "dir/b.txt") != "b2" {
		t.Error("a full build kept stale bytes")
	}
}

// TestRebuildEditorSaves: an editor's atomic save (a temporary file
// written, then renamed over the page) and a folder removed whole, each
// reported as the watcher reports them, rebuild to what a fresh build
// makes.
func TestRebuildEditorSaves(t *testing.T) {
	root := repoSite(t)
	writeFile(t, root+"/content/about.md", []byte("+++\ntitle = \"About\"\n+++\nAbout us.\n"))
	writeFile(t, root+"/content/guide/one.md", []byte("+++\ntitle = \"One\"\n+++\nOne.\n"))
	b := New(Options{Root: root}, true)
	if r := b.Build(); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	tmp := root + "/content/.about.md.swp"
	writeFile(t, tmp, []byte("+++\ntitle = \"About\"\n+++\nAbout us, saved.\n"))
	if err := os.Rename(tmp, root+"/content/about.md"); err != nil {
		t.Fatal(err)
	}
	r := b.Rebuild([]string{tmp, root + "/content/about.md"})
	if len(r.Errors) > 0 || !bytes.Contains(r.Files.Get("about/index.html").Data, []byte("About us, saved.")) {
		t.Errorf("after an atomic save: %v", r.Errors)
	}
	if !equalSets(r.Files, Build(Options{Root: root}).Files) {
		t.Error("after an atomic save, the rebuild differs from a fresh build")
	}
	if err := os.RemoveAll(root + "/content/guide"); err != nil {
		t.Fatal(err)
	}
	r = b.Rebuild([]string{root + "/content/guide"})
	if len(r.Errors) > 0 || r.Files.Get("guide/one/index.html") != nil {
		t.Errorf("after removing a folder: %v, guide/one still built: %v", r.Errors, r.Files.Get("guide/one/index.html") != nil)
	}
	if !equalSets(r.Files, Build(Options{Root: root}).Files) {
		t.Error("after removing a folder, the rebuild differs from a fresh build")
	}
}

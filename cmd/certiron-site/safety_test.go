package main

import (
	"crypto/sha256"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/certiron/certiron-site/internal/corpus"
)

// TestMain lets a test run the command as a process of its own (to kill
// it or send it signals): with CERTIRON_SITE_MAIN set, the test binary is
// the command.
func TestMain(m *testing.M) {
	if os.Getenv("CERTIRON_SITE_MAIN") == "1" {
		main()
		return
	}
	// The build cache defaults to the user's cache folder: the tests
	// (and the builds they start as processes) get one of their own.
	dir, err := os.MkdirTemp("", "certiron-site-cache-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CACHE_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// command returns the command as a process of its own.
func command(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), "CERTIRON_SITE_MAIN=1")
	return cmd
}

// tree records every file and folder under dir with its bytes' hash,
// mode, mtime and inode, for "exactly as it was" comparisons.
func tree(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		line := fmt.Sprintf("%s %v %d", rel, fi.Mode(), fi.ModTime().UnixNano())
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			line += fmt.Sprintf(" ino=%d", st.Ino)
		}
		if fi.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			line += fmt.Sprintf(" %q", data)
		}
		lines = append(lines, line)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

// sources is the state of every source of a site (and its .git).
func sources(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	for _, p := range []string{"config.toml", "content", "themes", "static", ".git"} {
		if _, err := os.Lstat(filepath.Join(root, p)); err == nil {
			b.WriteString(tree(t, filepath.Join(root, p)))
		}
	}
	return b.String()
}

// Finding 1: a -dest that is, holds or lies in the sources is refused
// before anything is written, and the sources stay byte-identical.
func TestDestOverlappingSourcesRefused(t *testing.T) {
	parent := t.TempDir()
	root := filepath.Join(parent, "site")
	copyPath(t, newSite(t), root)
	put(t, filepath.Join(root, "static/favicon.ico"), "icon")
	put(t, filepath.Join(root, ".git/HEAD"), "ref: refs/heads/main\n")
	put(t, filepath.Join(root, "notes.txt"), "mine")
	before := sources(t, root)
	tests := []struct{ dest, want string }{
		{"content", "is a source of the site"},
		{"content/legal", "lies inside"},
		{"themes", "is a source of the site"},
		{"static", "is a source of the site"},
		{".git", "is a source of the site"},
		{"config.toml", "is a source of the site"},
		{".", "is the site folder"},
		{root, "is the site folder"},
		{parent, "holds the site folder"},
		{filepath.Join(root, "public", ".."), "is the site folder"},
		{"notes.txt", "exists and is not a folder"},
		{"/", "top folder of the file system"},
	}
	for _, tt := range tests {
		dest := tt.dest
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(root, dest)
		}
		code, stdout, stderr := runCmd("build", "-source", root, "-dest", dest)
		if code != 1 || !strings.Contains(stderr, "refusing to build into "+dest+": ") || !strings.Contains(stderr, tt.want) || stdout != "" {
			t.Errorf("build -dest %s = %d %q %q, want 1 and %q", tt.dest, code, stdout, stderr, tt.want)
		}
	}
	if after := sources(t, root); after != before {
		t.Error("a refused build changed the sources")
	}
	if b, _ := os.ReadFile(filepath.Join(root, "notes.txt")); string(b) != "mine" {
		t.Error("a refused build replaced a file")
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		t.Errorf("a refused build left files beside the site: %v", entries)
	}
}

// goodBuild builds root into its public/ and fails the test otherwise.
func goodBuild(t *testing.T, root string, extra ...string) string {
	t.Helper()
	code, stdout, stderr := runCmd(append([]string{"build", "-source", root}, extra...)...)
	if code != 0 {
		t.Fatalf("build = %d\n%s%s", code, stdout, stderr)
	}
	return stdout + stderr
}

// Finding 2: a failed build, whatever fails, leaves the previous output
// identical in bytes, modes, mtimes and inodes.
func TestFailedBuildLeavesOutput(t *testing.T) {
	tests := []struct {
		name, file, data, want string
	}{
		{"page claiming a section's URL", "content/zz.md", "+++\ntitle = \"Z\"\nurl = \"/legal/\"\n+++\nimpostor\n",
			"content/zz.md:3:1: page /legal/ (legal/index.html) is also written by content/legal/_index.md"},
		{"static file where a page is", "static/legal/cookie-policy/index.html", "impostor",
			"static/legal/cookie-policy/index.html: static file (legal/cookie-policy/index.html) is also written by content/legal/cookie-policy.md"},
		{"a page file where a page is", "content/legal/cookie-policy/index.html", "impostor",
			"not beside a page"},
		{"broken link", "content/zz.md", "+++\ntitle = \"Z\"\n+++\n[x](nope.md)\n", "content/zz.md:4:5: link to missing page"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := newSite(t)
			goodBuild(t, root)
			before := tree(t, filepath.Join(root, "public"))
			put(t, filepath.Join(root, tt.file), tt.data)
			code, stdout, stderr := runCmd("build", "-source", root, "-v")
			if tt.want == "not beside a page" {
				// Not published at all: the build succeeds without it.
				if code != 0 || !strings.Contains(stderr, "skipped content/legal/cookie-policy/index.html: not beside a page") {
					t.Fatalf("build = %d %s%s", code, stdout, stderr)
				}
				if b, _ := os.ReadFile(filepath.Join(root, "public/legal/cookie-policy/index.html")); strings.Contains(string(b), "impostor") {
					t.Error("a stray file in content/ replaced a page")
				}
				return
			}
			if code != 1 || !strings.Contains(stderr, tt.want) || !strings.Contains(stderr, "nothing was written") {
				t.Fatalf("build = %d %s%s, want 1 and %q", code, stdout, stderr, tt.want)
			}
			if after := tree(t, filepath.Join(root, "public")); after != before {
				t.Errorf("the failed build changed public/:\n%s\nwant\n%s", after, before)
			}
			if m := temps(t, root); len(m) != 0 {
				t.Errorf("temporary files left: %v", m)
			}
		})
	}
}

// Finding 3: no file from outside the site folder is ever published,
// through a link in content/ (a page, a bundle file), static/ or the
// theme, to a file or a folder.
func TestSymlinksOutOfSiteRefused(t *testing.T) {
	outside := t.TempDir()
	put(t, filepath.Join(outside, "secret.md"), "+++\ntitle = \"Secret\"\n+++\nTOP SECRET\n")
	put(t, filepath.Join(outside, "secret.txt"), "TOP SECRET")
	put(t, filepath.Join(outside, "dir", "x.txt"), "TOP SECRET")
	links := map[string]string{
		"static/p.txt":                            "/etc/passwd",
		"static/s.txt":                            filepath.Join(outside, "secret.txt"),
		"static/dir":                              filepath.Join(outside, "dir"),
		"content/legal/secret.md":                 filepath.Join(outside, "secret.md"),
		"content/legal/p.txt":                     "/etc/passwd",
		"themes/certiron/assets/css/x.css":        filepath.Join(outside, "secret.txt"),
		"themes/certiron/static/leak.txt":         filepath.Join(outside, "secret.txt"),
		"themes/certiron/static/passwd-again":     "/etc/passwd",
		"themes/certiron/layouts/partials/x.html": filepath.Join(outside, "secret.txt"),
	}
	root := newSite(t)
	goodBuild(t, root)
	before := tree(t, filepath.Join(root, "public"))
	var want []string
	for name, target := range links {
		os.MkdirAll(filepath.Dir(filepath.Join(root, name)), 0o755)
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
		want = append(want, name+": a symbolic link to ")
	}
	code, _, stderr := runCmd("build", "-source", root)
	if code != 1 {
		t.Fatalf("build = %d\n%s", code, stderr)
	}
	for _, w := range want {
		if !strings.Contains(stderr, w) {
			t.Errorf("no error for %s\n%s", w, stderr)
		}
	}
	if after := tree(t, filepath.Join(root, "public")); after != before || strings.Contains(after, "TOP SECRET") || strings.Contains(after, "root:x:") {
		t.Error("the build published or changed files through links out of the site")
	}
	// A link to a file inside the site is fine.
	for name := range links {
		os.Remove(filepath.Join(root, name))
	}
	if err := os.Symlink("../themes/certiron/static/favicon.svg", filepath.Join(root, "static/icon.svg")); err != nil {
		t.Fatal(err)
	}
	goodBuild(t, root)
	if b, err := os.ReadFile(filepath.Join(root, "public/icon.svg")); err != nil || !strings.Contains(string(b), "<svg") {
		t.Errorf("a link inside the site was not published: %v", err)
	}
}

// Finding 3, serve: a link out of the site made while serve runs is an
// error in the browser, and its target is never served.
func TestServeSymlinkOutOfSite(t *testing.T) {
	root, url, events, _, _ := liveSite(t)
	outside := filepath.Join(t.TempDir(), "secret.txt")
	put(t, outside, "TOP SECRET")
	if err := os.Symlink(outside, filepath.Join(root, "static", "p.txt")); err != nil {
		if err := os.MkdirAll(filepath.Join(root, "static"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(outside, filepath.Join(root, "static", "p.txt")); err != nil {
			t.Fatal(err)
		}
	}
	for {
		ev := nextEvent(t, events)
		if ev[0] == "build-error" {
			if !strings.Contains(ev[1], "static/p.txt: a symbolic link to") {
				t.Errorf("build error = %s", ev[1])
			}
			break
		}
	}
	if status, body := fetch(t, url+"p.txt"); status != 404 || strings.Contains(body, "TOP SECRET") {
		t.Errorf("GET /p.txt = %d %q", status, body)
	}
}

// bigSite is a generated site large enough that its build is still
// running when a test signals it.
func bigSite(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	if err := corpus.Write(root, corpus.Options{Pages: 3000, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	copyPath(t, filepath.Join("..", "..", "themes"), filepath.Join(root, "themes"))
	return root
}

// temps lists the build's temporary folders and locks beside public/.
func temps(t *testing.T, root string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(root, ".public.tmp-*"))
	return m
}

// startBuild starts a build of root as a process and waits until its
// temporary folder exists (it is writing pages).
func startBuild(t *testing.T, root string) *exec.Cmd {
	t.Helper()
	cmd := command(t, "build", "-source", root)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for len(temps(t, root)) == 0 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the build never started writing:\n%s", out.String())
		}
		time.Sleep(time.Millisecond) // polling for the folder, not waiting a fixed time
	}
	return cmd
}

// Finding 4: a build killed, interrupted or terminated leaves public/ as
// it was; Ctrl-C and SIGTERM remove their temporary folder, print one
// line and exit 130 and 143; the next build removes what a killed one
// left.
func TestInterruptedBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 3,000-page site")
	}
	root := bigSite(t)
	goodBuild(t, root)
	before := tree(t, filepath.Join(root, "public"))
	put(t, filepath.Join(root, "content/s00/_index.md"), "+++\ntitle = \"Changed\"\n+++\nChanged.\n")

	for _, tt := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		cmd := startBuild(t, root)
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = nil, nil
		_ = cmd.Process.Signal(tt.sig)
		err := cmd.Wait()
		code := cmd.ProcessState.ExitCode()
		if code != tt.code {
			t.Errorf("after %v: exit %d (%v), want %d %s", tt.sig, code, err, tt.code, out.String())
		}
		if m := temps(t, root); len(m) != 0 {
			t.Errorf("after %v: temporary files left: %v", tt.sig, m)
		}
		if after := tree(t, filepath.Join(root, "public")); after != before {
			t.Errorf("after %v: public/ changed", tt.sig)
		}
	}

	cmd := startBuild(t, root)
	cmd.Process.Kill()
	cmd.Wait()
	if m := temps(t, root); len(m) == 0 {
		t.Fatal("the killed build left nothing to clean up: it was not running")
	}
	if after := tree(t, filepath.Join(root, "public")); after != before {
		t.Error("after SIGKILL: public/ changed")
	}
	goodBuild(t, root)
	if m := temps(t, root); len(m) != 0 {
		t.Errorf("the next build left the killed one's files: %v", m)
	}
}

// The interrupted build's one line.
func TestInterruptMessage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 3,000-page site")
	}
	root := bigSite(t)
	cmd := command(t, "build", "-source", root)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for len(temps(t, root)) == 0 {
		time.Sleep(time.Millisecond) // polling for the folder
	}
	cmd.Process.Signal(os.Interrupt)
	cmd.Wait()
	if got := stderr.String(); got != "interrupted: build stopped, "+filepath.Join(root, "public")+" is untouched\n" {
		t.Errorf("stderr = %q", got)
	}
}

// Finding 5: a named pipe in static/ is skipped with a warning; the
// build does not wait for a writer.
func TestFIFOInStatic(t *testing.T) {
	root := newSite(t)
	os.MkdirAll(filepath.Join(root, "static"), 0o755)
	if err := syscall.Mkfifo(filepath.Join(root, "static", "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan string, 1)
	go func() {
		code, stdout, stderr := runCmd("build", "-source", root)
		done <- fmt.Sprint(code, stdout, stderr)
	}()
	select {
	case got := <-done:
		if !strings.HasPrefix(got, "0") || !strings.Contains(got, "warning: static/pipe: skipped: a named pipe, not a regular file") {
			t.Errorf("build = %s", got)
		}
	case <-time.After(time.Minute): // a guard against a hang, not a speed goal
		t.Fatal("the build hangs on a named pipe")
	}
	if _, err := os.Lstat(filepath.Join(root, "public", "pipe")); err == nil {
		t.Error("the pipe was published")
	}
}

// Finding 6: an output file where another output needs a folder is an
// error naming both sources.
func TestFileWhereFolderNeeded(t *testing.T) {
	root := newSite(t)
	put(t, filepath.Join(root, "content/index.html.md"), "+++\ntitle = \"X\"\n+++\nx\n")
	code, _, stderr := runCmd("build", "-source", root)
	if code != 1 ||
		!strings.Contains(stderr, "content/index.html.md: page /index.html/ (index.html/index.html) needs a folder where content/_index.md writes the file index.html") ||
		!strings.Contains(stderr, "content/_index.md: page / (index.html) is a file where content/index.html.md needs a folder") ||
		strings.Contains(stderr, "mkdir") {
		t.Errorf("build = %d\n%s", code, stderr)
	}
}

// published lists every file under public/.
func published(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	filepath.WalkDir(filepath.Join(root, "public"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(filepath.Join(root, "public"), p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(files)
	return files
}

// Finding 7: content/ publishes Markdown (any case, .markdown too) as
// pages, other files only beside a page, and never leftovers.
func TestWhatContentPublishes(t *testing.T) {
	root := newSite(t)
	for name, data := range map[string]string{
		"content/legal/cookie-policy.md.bak":  "+++\ntitle = \"old draft\"\n+++\nDRAFT\n",
		"content/legal/Thumbs.db":             "x",
		"content/legal/desktop.ini":           "x",
		"content/legal/.DS_Store":             "x",
		"content/legal/~$draft.docx":          "x",
		"content/legal/.cookie-policy.md.swp": "x",
		"content/legal/cookie-policy.md~":     "x",
		"content/legal/#cookie-policy.md#":    "x",
		"content/legal/x.orig":                "x",
		"content/legal/upload.part":           "x",
		"content/legal/4913":                  "x",
		"content/legal/Terms.MD":              "+++\ntitle = \"Terms\"\n+++\nTerms.\n",
		"content/legal/dpa.markdown":          "+++\ntitle = \"DPA\"\n+++\nDPA.\n",
		"content/legal/dpa.pdf":               "%PDF",
		"content/drafts/notes.txt":            "not beside a page",
	} {
		put(t, filepath.Join(root, name), data)
	}
	out := goodBuild(t, root, "-v")
	got := strings.Join(published(t, root), "\n")
	for _, want := range []string{"legal/terms/index.html", "legal/dpa/index.html", "legal/dpa.pdf"} {
		if !strings.Contains(got, want) {
			t.Errorf("%s not published:\n%s", want, got)
		}
	}
	for _, bad := range []string{".bak", "Thumbs", "desktop.ini", "DS_Store", "draft.docx", ".swp", "~", "#", ".orig", ".part", "4913", "notes.txt", ".MD", ".markdown"} {
		if strings.Contains(got, bad) {
			t.Errorf("published a file matching %q:\n%s", bad, got)
		}
	}
	if !strings.Contains(out, "skipped content/legal/cookie-policy.md.bak: editor's or system's leftover") || !strings.Contains(out, "skipped content/drafts/notes.txt: not beside a page") {
		t.Errorf("-v does not list what was skipped:\n%s", out)
	}
}

// Finding 8: files in public/ that the site does not produce are named
// in the summary; a gh-pages worktree's .git survives untouched.
func TestUserFilesInDest(t *testing.T) {
	root := newSite(t)
	goodBuild(t, root)
	put(t, filepath.Join(root, "public/CNAME"), "certiron.io")
	put(t, filepath.Join(root, "public/.git"), "gitdir: /elsewhere/.git/worktrees/public")
	put(t, filepath.Join(root, "public/.well-known/old.txt"), "old")
	git := tree(t, filepath.Join(root, "public/.git"))
	out := goodBuild(t, root)
	if !strings.Contains(out, "removed 2 files not produced by the site: .well-known/old.txt, CNAME; put files to publish under static/") {
		t.Errorf("summary = %q", out)
	}
	if got := tree(t, filepath.Join(root, "public/.git")); got != git {
		t.Errorf(".git changed:\n%s\nwant\n%s", got, git)
	}
	if strings.Contains(strings.Join(published(t, root), " "), "CNAME") {
		t.Error("CNAME survived; it belongs under static/")
	}
}

// Finding 9: URLs from file names: lower case, spaces and underscores as
// "-", UTF-8 percent-encoded; the sitemap is valid XML with valid URLs;
// two files for one URL and names standing for ".." are errors.
func TestFileNameURLs(t *testing.T) {
	root := newSite(t)
	for name, data := range map[string]string{
		"content/legal/Terms of Service.md":         "+++\ntitle = \"Terms\"\n+++\nSee the [DPA](<Data_Processing Addendum.md>).\n",
		"content/legal/Data_Processing Addendum.md": "+++\ntitle = \"DPA\"\n+++\nDPA.\n",
		"content/Über uns.md":                       "+++\ntitle = \"Über uns\"\n+++\nHallo.\n",
	} {
		put(t, filepath.Join(root, name), data)
	}
	goodBuild(t, root)
	got := strings.Join(published(t, root), " ")
	for _, want := range []string{"legal/terms-of-service/index.html", "legal/data-processing-addendum/index.html", "über-uns/index.html"} {
		if !strings.Contains(got, want) {
			t.Errorf("%s not published: %s", want, got)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(root, "public/legal/terms-of-service/index.html")); !strings.Contains(string(b), `href="/legal/data-processing-addendum/"`) {
		t.Error("the link to a renamed page was not rewritten")
	}
	data, err := os.ReadFile(filepath.Join(root, "public/sitemap.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var sm struct {
		URLs []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(data, &sm); err != nil {
		t.Fatalf("sitemap.xml is not XML: %v", err)
	}
	var locs []string
	for _, u := range sm.URLs {
		p, err := url.Parse(u.Loc)
		if err != nil || p.Scheme != "https" || strings.ContainsFunc(u.Loc, func(r rune) bool { return r <= ' ' || r > '~' }) {
			t.Errorf("sitemap <loc> %q is not a valid URL", u.Loc)
		}
		locs = append(locs, u.Loc)
	}
	if !strings.Contains(strings.Join(locs, " "), "https://certiron.io/%C3%BCber-uns/") {
		t.Errorf("sitemap = %v", locs)
	}

	for _, tt := range []struct {
		files []string
		want  []string
	}{
		{[]string{"content/legal/Privacy.md", "content/legal/privacy.md"}, []string{
			"content/legal/Privacy.md: page /legal/privacy/ (legal/privacy/index.html) is also written by content/legal/privacy.md",
			"content/legal/privacy.md: page /legal/privacy/ (legal/privacy/index.html) is also written by content/legal/Privacy.md",
		}},
		{[]string{"content/%2e%2e.md"}, []string{`content/%2e%2e.md: the name "%2e%2e" stands for ".." in a URL`}},
		{[]string{"content/legal/a b.md", "content/legal/a_b.md"}, []string{"content/legal/a b.md: page /legal/a-b/", "content/legal/a_b.md: page /legal/a-b/"}},
	} {
		root := newSite(t)
		for _, f := range tt.files {
			put(t, filepath.Join(root, f), "+++\ntitle = \"X\"\n+++\nx\n")
		}
		code, _, stderr := runCmd("build", "-source", root)
		for _, w := range tt.want {
			if code != 1 || !strings.Contains(stderr, w) {
				t.Errorf("build with %v = %d, want %q in\n%s", tt.files, code, w, stderr)
			}
		}
	}
}

// TestManifest: -manifest lists every file written, with its size and
// SHA-256 as on disk, its content type and cache policy, and the hashes
// of the theme's inline scripts; it refuses a path in the output.
func TestManifest(t *testing.T) {
	root := newSite(t)
	manifest := filepath.Join(t.TempDir(), "manifest.json")
	goodBuild(t, root, "-manifest", manifest)
	data, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Files []struct {
			Path         string `json:"path"`
			SHA256       string `json:"sha256"`
			ContentType  string `json:"content_type"`
			CacheControl string `json:"cache_control"`
			Size         int64  `json:"size"`
		} `json:"files"`
		Inline []struct {
			Kind, SHA256, CSP string
		} `json:"inline"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	files := published(t, root)
	if len(m.Files) != len(files) {
		t.Errorf("manifest lists %d files, the output has %d", len(m.Files), len(files))
	}
	for i, f := range m.Files {
		if i < len(files) && f.Path != files[i] {
			t.Errorf("manifest entry %d is %s, the output's is %s", i, f.Path, files[i])
		}
		b, err := os.ReadFile(filepath.Join(root, "public", filepath.FromSlash(f.Path)))
		if err != nil {
			t.Error(err)
			continue
		}
		if sum := fmt.Sprintf("%x", sha256.Sum256(b)); sum != f.SHA256 || int64(len(b)) != f.Size {
			t.Errorf("%s: manifest says %d bytes %s, the file has %d bytes %s", f.Path, f.Size, f.SHA256, len(b), sum)
		}
		if f.ContentType == "" || f.CacheControl == "" {
			t.Errorf("%s: no content type or cache policy", f.Path)
		}
	}
	if len(m.Inline) == 0 {
		t.Error("the manifest records no inline script hashes")
	}
	code, _, stderr := runCmd("build", "-source", root, "-manifest", filepath.Join(root, "public", "m.json"))
	if code != 1 || !strings.Contains(stderr, "refusing to write the manifest") {
		t.Errorf("a manifest in the output = %d %s", code, stderr)
	}
}

// TestRemovedFilesSummary: a page deleted since the last build is named
// as a file the site no longer produces; a file put in public/ by hand
// as one it never produced, with where such files belong.
func TestRemovedFilesSummary(t *testing.T) {
	root := newSite(t)
	cache := t.TempDir()
	put(t, filepath.Join(root, "content/legal/terms.md"), "+++\ntitle = \"Terms\"\n+++\nTerms.\n")
	goodBuild(t, root, "-cache", cache)
	os.Remove(filepath.Join(root, "content/legal/terms.md"))
	put(t, filepath.Join(root, "public/notes.txt"), "mine")
	out := goodBuild(t, root, "-cache", cache)
	if !strings.Contains(out, "removed 1 file the site no longer produces: legal/terms/index.html\n") ||
		!strings.Contains(out, "removed 1 file not produced by the site: notes.txt; put files to publish under static/\n") {
		t.Errorf("summary = %q", out)
	}

	// With no record of the last build, the two cannot be told apart,
	// and the summary does not guess.
	put(t, filepath.Join(root, "public/legal/old/index.html"), "old page")
	put(t, filepath.Join(root, "public/notes.txt"), "mine")
	out = goodBuild(t, root, "-cache", "off")
	if !strings.Contains(out, "removed 2 files the site does not produce: legal/old/index.html, notes.txt; put files to publish under static/\n") ||
		strings.Contains(out, "no longer produces") || strings.Contains(out, "not produced by the site") {
		t.Errorf("summary with -cache off = %q", out)
	}
}

package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/output"
)

// TestConfigKeyTwice: baseURL and baseurl in one config.toml are one
// error, at whichever of the two comes second, and every build says the
// same: the fixture config-baseurl-twice (its golden, 20 times) and the
// keys the other way round.
func TestConfigKeyTwice(t *testing.T) {
	golden, err := os.ReadFile("testdata/sites/config-baseurl-twice.golden")
	if err != nil {
		t.Fatal(err)
	}
	reversed := t.TempDir()
	copyTree(t, filepath.Join(repoRoot, "themes"), filepath.Join(reversed, "themes"))
	writeFile(t, filepath.Join(reversed, "config.toml"), []byte("title = \"T\"\nbaseurl = \"https://example.org/\"\n\nbaseURL = \"https://example.com/\"\n"))
	writeFile(t, filepath.Join(reversed, "content/_index.md"), []byte("# Home\n"))
	tests := []struct {
		name, root, want string
	}{
		{"baseURL first", extract(t, "testdata/sites/config-baseurl-twice.txtar"), string(golden)},
		{"baseurl first", reversed, "errors:\nconfig.toml:4:1: baseURL duplicates baseurl at line 2; keep one\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i := range 20 {
				if got := string(describe(Build(Options{Root: tt.root}))); got != tt.want {
					t.Fatalf("build %d =\n%s\nwant\n%s", i+1, got, tt.want)
				}
			}
		})
	}
}

// TestContentScriptsNeverTrusted: with raw HTML allowed, every way of
// putting code in a page through Markdown is an error at the line (and
// column) where it is written, the build fails, and no page's CSP
// approves the code's hash.
func TestContentScriptsNeverTrusted(t *testing.T) {
	tests := []struct {
		name, line string
		col        int    // where the error is; 0: text, not code, and no error is due
		code       string // the inline code, as a CSP would hash it
		html       string // the raw HTML setting, "all" if empty
	}{
		{"script block", `<script>document.title = "owned"</script>`, 1, `document.title = "owned"`, ""},
		{"inline script", `Text <script>document.title = "owned"</script> more.`, 6, `document.title = "owned"`, ""},
		{"upper-case script", `<SCRIPT>document.title = "owned"</SCRIPT>`, 1, `document.title = "owned"`, ""},
		{"script in a div", `<div><script>document.title = "owned"</script></div>`, 6, `document.title = "owned"`, ""},
		{"script in svg", `<svg><script>document.title = "owned"</script></svg>`, 6, `document.title = "owned"`, ""},
		{"style element", `<style>body{color:red}</style>`, 1, `body{color:red}`, ""},
		{"style attribute", `<p style="color:red">Red.</p>`, 1, `color:red`, ""},
		{"onclick", `<p>Click <button onclick="alert(1)">here</button>.</p>`, 10, `alert(1)`, ""},
		{"onerror", `<img src="/favicon.svg" alt="" onerror="alert(1)">`, 1, `alert(1)`, ""},
		{"javascript: link", `<a href="javascript:alert(1)">x</a>`, 1, `alert(1)`, ""},
		{"srcdoc script", `<iframe title="x" srcdoc="<script>alert(1)</script>"></iframe>`, 1, `alert(1)`, ""},
		{"meta refresh to javascript:", `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`, 1, `alert(1)`, ""},
		{"script-like text in an attribute", `The <abbr title="<script>alert(1)</script>">GDPR</abbr>.`, 0, `alert(1)`, "all"},
		{"script-like text in an attribute, html = safe", `The <abbr title="<script>alert(1)</script>">GDPR</abbr>.`, 0, `alert(1)`, "safe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			copyTree(t, filepath.Join(repoRoot, "themes"), filepath.Join(root, "themes"))
			if tt.html == "" {
				tt.html = "all"
			}
			writeFile(t, filepath.Join(root, "config.toml"), []byte(fmt.Sprintf("title = \"T\"\nbaseURL = \"https://example.org/\"\n\n[markup]\nhtml = %q\n", tt.html)))
			writeFile(t, filepath.Join(root, "content/legal/cookie-policy.md"), []byte("+++\ntitle = \"Cookie Policy\"\nlastmod = 2025-01-01\n+++\nWe store one flag in localStorage (key: certiron.cookies_ack).\n"))
			// The code is on line 8 of the file.
			writeFile(t, filepath.Join(root, "content/_index.md"), []byte("+++\ntitle = \"Home\"\n+++\n# Home\n\nSome text.\n\n"+tt.line+"\n\nMore text.\n"))
			var mu sync.Mutex // pages are emitted from the render workers
			emitted := map[string][]byte{}
			res := Build(Options{Root: root, Emit: func(f *output.File) *output.File {
				mu.Lock()
				defer mu.Unlock()
				emitted[f.Path] = f.Data
				return f
			}})
			if tt.col > 0 {
				want := diag.Pos{File: "content/_index.md", Line: 8, Col: tt.col}
				found := false
				for _, e := range res.Errors {
					if e.Pos == want {
						found = true
					}
				}
				if !found {
					t.Errorf("no error at %s; errors:\n%s", want, res.Errors.Error())
				}
				if res.Files != nil {
					t.Error("the build succeeded")
				}
			}
			if res.Files != nil {
				// The site-wide policy, too.
				emitted["_headers"] = res.Files.Get("_headers").Data
			}
			// Pages are emitted as they are rendered, before the audit
			// (the build writes them to a folder it drops if the build
			// fails): whatever reached one, its policy must not approve
			// the content's code.
			sum := sha256.Sum256([]byte(tt.code))
			hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
			for p, data := range emitted {
				if bytes.Contains(data, []byte(hash)) {
					t.Errorf("%s: the CSP approves the content's code %q", p, tt.code)
				}
			}
		})
	}
}

// TestFindingsHaveSources: every audit finding names a source file a
// person can open (never the output) and a line in it. On the fixtures,
// and on the real site seeded with a broken link and a pixel on every
// Markdown page and in a theme partial: there each finding's line must
// hold what it is about, and no seeded problem may go unreported.
func TestFindingsHaveSources(t *testing.T) {
	archives, _ := filepath.Glob("testdata/sites/*.txtar")
	for _, file := range archives {
		t.Run(filepath.Base(file), func(t *testing.T) {
			t.Parallel()
			res := Build(Options{Root: extract(t, file)})
			for _, e := range append(res.Errors, res.Warnings...) {
				if e.Rule != "" && (strings.HasPrefix(e.Pos.File, "public/") || e.Pos.Line <= 0) {
					t.Errorf("finding without a source line: %s", e)
				}
			}
		})
	}
	t.Run("real site", func(t *testing.T) {
		res := Build(Options{Root: repoRoot})
		if len(res.Errors) > 0 {
			t.Fatalf("the real site has errors:\n%s", res.Errors.Error())
		}
	})
	t.Run("real site seeded", func(t *testing.T) {
		root := t.TempDir()
		for _, p := range []string{"config.toml", "content", "themes", "static"} {
			copyTree(t, filepath.Join(repoRoot, p), filepath.Join(root, p))
		}
		const seed = "\nSeeded: a [broken link](/no-such-page/) and a ![pixel](https://px.example/p.gif).\n"
		seeded := map[string]bool{}
		err := filepath.WalkDir(filepath.Join(root, "content"), func(p string, d os.DirEntry, err error) error {
			switch {
			case err != nil:
				return err
			case d.IsDir() && d.Name() == "_versions":
				return filepath.SkipDir // the archive is immutable
			case strings.HasSuffix(p, ".md"):
				appendTo(t, p, seed)
				rel, _ := filepath.Rel(root, p)
				seeded[filepath.ToSlash(rel)] = true
			}
			return nil
		})
		if err != nil || len(seeded) == 0 {
			t.Fatalf("seeding content/: %v, %d pages", err, len(seeded))
		}
		footer := filepath.Join(root, "themes/certiron/layouts/partials/footer.html")
		appendTo(t, footer, "\n<img src=\"https://px.example/theme.gif\" alt=\"\">\n")

		res := Build(Options{Root: root})
		count := map[string]int{}
		for _, e := range res.Errors {
			if e.Rule == "" {
				continue // not an audit finding (an unreleased legal edit)
			}
			line := sourceLine(t, root, e.Pos)
			var what string
			switch {
			case strings.Contains(e.Msg, "no-such-page"):
				what = "/no-such-page/"
			case strings.Contains(e.Msg, "px.example/p.gif"):
				what = "https://px.example/p.gif"
			case strings.Contains(e.Msg, "px.example/theme.gif"):
				what = "https://px.example/theme.gif"
			default:
				t.Errorf("unexpected finding: %s", e)
				continue
			}
			if !strings.Contains(line, what) {
				t.Errorf("%s: the line there is %q, which has no %s", e, line, what)
			}
			count[e.Pos.File+" "+e.Rule]++
		}
		for file := range seeded {
			for _, rule := range []string{"link", "third-party"} {
				if n := count[file+" "+rule]; n != 1 {
					t.Errorf("%s: %d %s findings for the seeded line, want 1", file, n, rule)
				}
			}
		}
		if n := count["themes/certiron/layouts/partials/footer.html third-party"]; n != 1 {
			t.Errorf("footer.html: %d third-party findings, want 1 (one line, however many pages show it)", n)
		}
		if t.Failed() {
			t.Logf("errors:\n%s", res.Errors.Error())
		}
	})
}

func appendTo(t *testing.T, file, s string) {
	t.Helper()
	f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// sourceLine is the line of a site's source file at pos.
func sourceLine(t *testing.T, root string, pos diag.Pos) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(pos.File)))
	if err != nil {
		t.Errorf("%s: %v", pos, err)
		return ""
	}
	lines := strings.Split(string(data), "\n")
	if pos.Line < 1 || pos.Line > len(lines) {
		t.Errorf("%s: the file has %d lines", pos, len(lines))
		return ""
	}
	return lines[pos.Line-1]
}

// TestListContent builds a site whose list layout shows each child's
// body, again and again (the race detector watches when the tests run
// with -race): every body is there every time, and every build gives the
// same bytes.
func TestListContent(t *testing.T) {
	root := extract(t, "testdata/sites/list-content.txtar")
	want := map[string][]string{
		"news/index.html":         {"<p>Body of <strong>A</strong>.</p>", "<p>Body of <strong>B</strong>.</p>", "<p>Body of <strong>C</strong>.</p>", "<p>Body of the <strong>archive</strong>.</p>"},
		"news/archive/index.html": {"<p>Body of <strong>old</strong>.</p>"},
		"legal/index.html":        {"<p>We store one flag in localStorage (key: certiron.cookies_ack).</p>"},
	}
	var first *output.Set
	for i := range 20 {
		res := Build(Options{Root: root})
		if len(res.Errors) > 0 {
			t.Fatalf("build %d:\n%s", i+1, res.Errors.Error())
		}
		var missing []string
		for _, p := range slices.Sorted(maps.Keys(want)) {
			f := res.Files.Get(p)
			if f == nil {
				t.Fatalf("build %d: no %s", i+1, p)
			}
			for _, body := range want[p] {
				if !bytes.Contains(f.Data, []byte(body)) {
					missing = append(missing, p+": "+body)
				}
			}
		}
		if len(missing) > 0 {
			t.Errorf("build %d: lists lack their children's bodies:\n%s", i+1, strings.Join(missing, "\n"))
		}
		if first == nil {
			first = res.Files
		} else if !equalSets(first, res.Files) {
			t.Errorf("build %d differs from build 1", i+1)
		}
	}
}

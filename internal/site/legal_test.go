package site

import (
	"bytes"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/certiron/certiron-site/internal/legal"
)

// legalSite is a site whose terms were released three times: a past
// version, one in force from March, and one that takes effect in
// September (material), then an editorial fix of the second.
func legalSite(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	copyTree(t, repoRoot+"/themes", root+"/themes")
	writeFile(t, root+"/config.toml", []byte("title = \"T\"\nbaseURL = \"https://example.org/\"\n"))
	writeFile(t, root+"/content/_index.md", []byte("# Home\n"))
	writeFile(t, root+"/content/legal/_index.md", []byte("+++\ntitle = \"Legal\"\n+++\n"))
	writeFile(t, root+"/content/legal/cookie-policy.md", []byte("+++\ntitle = \"Cookie Policy\"\nlastmod = 2025-01-01\n+++\nWe store one flag in localStorage (key: certiron.cookies_ack).\n"))
	page := "content/legal/terms.md"
	src := "+++\ntitle = \"Terms\"\nlastmod = 2026-01-01\n+++\n## Logs\n\nWe keep logs for 30 days. See the [Cookie Policy](cookie-policy.md).\n\n- You may ask for a copy.\n"
	release := func(src, effective, summary string, editorial bool) string {
		t.Helper()
		writeFile(t, filepath.Join(root, page), []byte(src))
		day, _ := time.Parse(legal.DateFormat, effective)
		files, err := legal.Release(os.DirFS(root), "legal/terms.md", []byte(src), legal.ReleaseOptions{Effective: day, Summary: summary, Editorial: editorial, Released: day.AddDate(0, 0, -14)})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			writeFile(t, filepath.Join(root, filepath.FromSlash(f.Path)), f.Data)
		}
		data, _ := os.ReadFile(filepath.Join(root, page))
		return string(data)
	}
	src = release(src, "2026-01-01", "First terms.", false)
	src = release(strings.Replace(src, "30 days", "14 days", 1)+"- You may ask us to delete it.\n", "2026-03-01", "Logs are kept for 14 days; you may ask us to delete them.", false)
	src = release(strings.Replace(src, "## Logs", "## Server logs", 1), "2026-09-01", "Logs are now called server logs.", false)
	_ = src
	return root
}

// TestLegalVersions builds the three-version page at three dates: before
// the second version, while it is in force with the third announced,
// and after the third took effect.
func TestLegalVersions(t *testing.T) {
	root := legalSite(t)
	var out bytes.Buffer
	for _, date := range []string{"2026-02-01", "2026-06-01", "2026-10-01"} {
		d, _ := time.Parse(legal.DateFormat, date)
		res := Build(Options{Root: root, Date: d})
		fmt.Fprintf(&out, "### built on %s\n", date)
		if len(res.Errors) > 0 {
			fmt.Fprintf(&out, "errors:\n%s\n", res.Errors.Error())
			continue
		}
		for _, f := range res.Files.Files() {
			if !strings.HasPrefix(f.Path, "legal/terms/") && f.Path != "sitemap.xml" {
				continue
			}
			fmt.Fprintf(&out, "== %s\n", f.Path)
			if f.Path == "sitemap.xml" {
				out.WriteString(regexp.MustCompile(`<url><loc>[^<]*/legal/terms/[^<]*</loc>(<lastmod>[^<]*</lastmod>)?</url>`).ReplaceAllStringFunc(string(f.Data), func(s string) string { return "\n" + s }))
				out.WriteByte('\n')
				continue
			}
			out.WriteString(textOfMain(f.Data))
			out.WriteByte('\n')
		}
		// A link that did not change is not marked as changed.
		for _, f := range res.Files.Files() {
			if strings.HasSuffix(f.Path, "/changes/index.html") && regexp.MustCompile(`<(ins|del)[^>]*>[^<]*<a href="/legal/cookie-policy/"`).Match(f.Data) {
				t.Errorf("%s marks the unchanged link as changed", f.Path)
			}
		}
		// The same date gives the same bytes.
		again := Build(Options{Root: root, Date: d})
		if !equalSets(res.Files, again.Files) {
			t.Errorf("two builds on %s differ", date)
		}
	}
	golden := "testdata/legal-versions.golden"
	if *update {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if out.String() != string(want) {
		t.Errorf("legal versions =\n%s\nwant\n%s", out.String(), want)
	}
}

var tags = regexp.MustCompile(`<[^>]+>`)

// textOfMain is a page's <main> as readable text: block ends as new
// lines, <ins>/<del> kept as [+…+] and [-…-], links as text<URL>.
func textOfMain(page []byte) string {
	s := mainOf(page)
	s = regexp.MustCompile(`<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>`).ReplaceAllString(s, "$2<$1>")
	s = regexp.MustCompile(`<(ins|del)[^>]*>`).ReplaceAllStringFunc(s, func(t string) string {
		if strings.HasPrefix(t, "<ins") {
			return "[+"
		}
		return "[-"
	})
	s = strings.NewReplacer("</ins>", "+]", "</del>", "-]").Replace(s)
	s = regexp.MustCompile(`</(p|h[1-6]|li|tr|header|nav|section)>`).ReplaceAllString(s, "\n")
	s = regexp.MustCompile(`<span class="redline-sr">[^<]*</span>`).ReplaceAllString(s, "")
	s = tags.ReplaceAllString(s, "")
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(ws.ReplaceAllString(l, " ")); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// TestLegalImmutable: editing a released version's archive, or the
// page's text without releasing it, fails the build at the file and
// line of the edit; the dev server's preview only warns of the second.
func TestLegalImmutable(t *testing.T) {
	root := legalSite(t)
	d, _ := time.Parse(legal.DateFormat, "2026-06-01")
	archived := filepath.Join(root, "content/legal/_versions/terms/2026-03-01.md")
	orig, _ := os.ReadFile(archived)
	writeFile(t, archived, bytes.Replace(orig, []byte("14 days"), []byte("7 days"), 1))
	res := Build(Options{Root: root, Date: d})
	if !strings.Contains(res.Errors.Error(), "content/legal/_versions/terms/2026-03-01.md:5:") || !strings.Contains(res.Errors.Error(), "release a new version instead") {
		t.Errorf("edited archive: %v", res.Errors)
	}
	writeFile(t, archived, orig)

	page := filepath.Join(root, "content/legal/terms.md")
	src, _ := os.ReadFile(page)
	writeFile(t, page, bytes.Replace(src, []byte("14 days"), []byte("10 days"), 1))
	res = Build(Options{Root: root, Date: d})
	if !strings.Contains(res.Errors.Error(), "content/legal/terms.md:") || !strings.Contains(res.Errors.Error(), "unreleased changes to a released policy") {
		t.Errorf("unreleased edit: %v", res.Errors)
	}
	res = Build(Options{Root: root, Date: d, Preview: true})
	if len(res.Errors) > 0 || !strings.Contains(res.Warnings.Error(), "unreleased changes to a released policy") {
		t.Errorf("preview of an unreleased edit: errors %v, warnings %v", res.Errors, res.Warnings)
	}
}

// TestLegalNotice: the banner stores the date of the latest material
// version in force, and names its redline; an editorial release leaves
// both as they were, so visitors are not asked again for a typo fix.
func TestLegalNotice(t *testing.T) {
	root := t.TempDir()
	copyTree(t, repoRoot+"/themes", root+"/themes")
	writeFile(t, root+"/config.toml", []byte("title = \"T\"\nbaseURL = \"https://example.org/\"\n"))
	writeFile(t, root+"/content/_index.md", []byte("# Home\n"))
	page := "content/legal/cookie-policy.md"
	src := "+++\ntitle = \"Cookie Policy\"\n+++\nWe store one flag in localStorage (key: certiron.cookies_ack).\n"
	release := func(src, effective string, editorial bool) {
		t.Helper()
		writeFile(t, filepath.Join(root, page), []byte(src))
		day, _ := time.Parse(legal.DateFormat, effective)
		files, err := legal.Release(os.DirFS(root), "legal/cookie-policy.md", []byte(src), legal.ReleaseOptions{Effective: day, Summary: "v " + effective, Editorial: editorial, Released: day})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			writeFile(t, filepath.Join(root, filepath.FromSlash(f.Path)), f.Data)
		}
	}
	notice := func() (value, changes string) {
		t.Helper()
		res := Build(Options{Root: root, Date: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)})
		if len(res.Errors) > 0 {
			t.Fatal(res.Errors)
		}
		home := string(res.Files.Get("index.html").Data)
		if m := regexp.MustCompile(`localStorage.getItem\("certiron.cookies_ack"\);v==="([^"]*)"`).FindStringSubmatch(home); m != nil {
			value = m[1]
		}
		if m := regexp.MustCompile(`<p class="notice-changed">[^<]*<a href="([^"]*)"`).FindStringSubmatch(home); m != nil {
			changes = m[1]
		}
		return value, changes
	}
	release(src, "2026-01-01", false)
	if v, c := notice(); v != "2026-01-01" || c != "" {
		t.Errorf("first version: notice %q %q", v, c)
	}
	release(src+"\nWe also store nothing else.\n", "2026-06-01", false)
	if v, c := notice(); v != "2026-06-01" || c != "/legal/cookie-policy/2026-06-01/changes/" {
		t.Errorf("material release: notice %q %q", v, c)
	}
	release(src+"\nWe also store nothing more.\n", "2026-07-01", true)
	if v, c := notice(); v != "2026-06-01" || c != "/legal/cookie-policy/2026-06-01/changes/" {
		t.Errorf("editorial release: notice %q %q", v, c)
	}
}

// TestLegalTextVerbatim: under legal/ quotes, dashes and dots stay as
// written unless the page turns the typographer on; elsewhere they are
// made typographic.
func TestLegalTextVerbatim(t *testing.T) {
	root := t.TempDir()
	copyTree(t, repoRoot+"/themes", root+"/themes")
	writeFile(t, root+"/config.toml", []byte("title = \"T\"\nbaseURL = \"https://example.org/\"\n"))
	writeFile(t, root+"/content/_index.md", []byte("# Home\n\nWe say \"yes\" -- and more...\n"))
	writeFile(t, root+"/content/legal/cookie-policy.md", []byte("+++\ntitle = \"Cookie Policy\"\n+++\nWe store one flag in localStorage (key: certiron.cookies_ack). We say \"yes\" -- and more...\n"))
	writeFile(t, root+"/content/legal/terms.md", []byte("+++\ntitle = \"Terms\"\ntypographer = true\n+++\nWe say \"yes\" -- and more...\n"))
	res := Build(Options{Root: root})
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	for _, tt := range []struct{ path, want string }{
		{"legal/cookie-policy/index.html", `We say &#34;yes&#34; -- and more...`},
		{"legal/terms/index.html", `We say &ldquo;yes&rdquo; &ndash; and more&hellip;`},
		{"index.html", `We say &ldquo;yes&rdquo; &ndash; and more&hellip;`},
	} {
		got := string(res.Files.Get(tt.path).Data)
		if !strings.Contains(got, tt.want) && !strings.Contains(html.UnescapeString(got), html.UnescapeString(tt.want)) {
			t.Errorf("%s lacks %s", tt.path, tt.want)
		}
	}
}

package content

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/certiron/certiron-site/internal/output"
	"github.com/certiron/certiron-site/internal/source"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, rel, src string
		url, out       string
		kind           Kind
		bodyLine       int
		check          func(t *testing.T, p *Page)
	}{
		{name: "toml", rel: "legal/cookie-policy.md", src: "+++\ntitle = \"Cookie Policy\"\nlastmod = 2026-11-28\nweight = 2\ntoc = false\n+++\n\nBody\n",
			url: "/legal/cookie-policy/", out: "legal/cookie-policy/index.html", kind: Single, bodyLine: 7,
			check: func(t *testing.T, p *Page) {
				if p.Title != "Cookie Policy" || p.Weight != 2 || p.TOC == nil || *p.TOC || !p.Lastmod.Equal(time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)) {
					t.Errorf("front matter = %+v", p.FrontMatter)
				}
			}},
		{name: "yaml", rel: "about.md", src: "---\ntitle: About\ndate: 2024-05-01T10:00:00+02:00\nowner:\n  name: Ops\n  tags: [a, b]\n---\nBody\n",
			url: "/about/", out: "about/index.html", kind: Single, bodyLine: 8,
			check: func(t *testing.T, p *Page) {
				if !p.Date.Equal(time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)) {
					t.Errorf("date = %v", p.Date)
				}
				owner, _ := p.Params["owner"].(map[string]any)
				if owner["name"] != "Ops" || len(owner["tags"].([]any)) != 2 {
					t.Errorf("params = %#v", p.Params)
				}
			}},
		{name: "home", rel: "_index.md", src: "+++\ntitle = \"Home\"\n+++\n", url: "/", out: "index.html", kind: Home, bodyLine: 4},
		{name: "section", rel: "legal/_index.md", src: "+++\ntitle = \"Legal\"\n+++\n", url: "/legal/", out: "legal/index.html", kind: Section, bodyLine: 4},
		{name: "bundle", rel: "privacy/index.md", src: "# Privacy\n", url: "/privacy/", out: "privacy/index.html", kind: Single, bodyLine: 1,
			check: func(t *testing.T, p *Page) {
				if !p.Bundle {
					t.Error("not a bundle")
				}
			}},
		{name: "slug", rel: "legal/terms-of-service.md", src: "+++\nslug = \"terms\"\n+++\n", url: "/legal/terms/", out: "legal/terms/index.html", kind: Single, bodyLine: 4},
		{name: "url", rel: "x.md", src: "+++\nurl = \"/company/about/\"\n+++\n", url: "/company/about/", out: "company/about/index.html", kind: Single, bodyLine: 4},
		{name: "url file", rel: "x.md", src: "+++\nurl = \"/legal/old.html\"\n+++\n", url: "/legal/old.html", out: "legal/old.html", kind: Single, bodyLine: 4},
		{name: "unknown nested", rel: "p.md", src: "+++\n[hero]\nimage = \"a.png\"\nlist = [1, 2]\n+++\n", url: "/p/", out: "p/index.html", kind: Single, bodyLine: 6,
			check: func(t *testing.T, p *Page) {
				hero, _ := p.Params["hero"].(map[string]any)
				if hero["image"] != "a.png" {
					t.Errorf("params = %#v", p.Params)
				}
			}},
		{name: "crlf and bom", rel: "w.md", src: "\xef\xbb\xbf+++\r\ntitle = \"Win\"\r\n+++\r\nBody\r\n", url: "/w/", out: "w/index.html", kind: Single, bodyLine: 4,
			check: func(t *testing.T, p *Page) {
				if p.Title != "Win" || string(p.Body) != "Body\n" {
					t.Errorf("title %q body %q", p.Title, p.Body)
				}
			}},
		{name: "no front matter", rel: "n.md", src: "Just text\n", url: "/n/", out: "n/index.html", kind: Single, bodyLine: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, errs := Parse("content/"+tt.rel, tt.rel, []byte(tt.src))
			if len(errs) > 0 {
				t.Fatalf("Parse(%q) errors: %v", tt.src, errs)
			}
			if p.URL != tt.url || p.OutPath != tt.out || p.Kind != tt.kind || p.BodyLine != tt.bodyLine {
				t.Errorf("Parse(%q) = url %q out %q kind %q bodyLine %d, want %q %q %q %d", tt.src, p.URL, p.OutPath, p.Kind, p.BodyLine, tt.url, tt.out, tt.kind, tt.bodyLine)
			}
			if tt.check != nil {
				tt.check(t, p)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"bad toml", "+++\ntitle = \"x\"\ndate = = 3\n+++\n", "content/p.md:3:"},
		{"unclosed", "+++\ntitle = \"x\"\n", "content/p.md:1:1: front matter opened with +++ is never closed"},
		{"bad date", "+++\ntitle = \"x\"\ndate = \"28/11/2026\"\n+++\n", `content/p.md:3:1: front matter "date": unknown date format "28/11/2026"`},
		{"bad yaml date", "---\ntitle: x\nlastmod: yesterday\n---\n", `content/p.md:3:1: front matter "lastmod": unknown date format "yesterday"`},
		{"wrong type", "+++\ndraft = \"yes\"\n+++\n", `content/p.md:2:1: front matter "draft": want true or false, got "yes"`},
		{"bad yaml", "---\ntitle: [unclosed\n---\n", "content/p.md:"},
		{"invalid utf8", "+++\ntitle = \"x\"\n+++\nok \xff here\n", "content/p.md:4:4: invalid UTF-8"},
		{"slug escapes", "+++\nslug = \"../../etc\"\n+++\n", `content/p.md:2:1: slug "../../etc" must be one path segment`},
		{"url escapes", "+++\nurl = \"/../../outside/\"\n+++\n", `content/p.md:2:1: url "/../../outside/" uses ".."`},
		{"url absolute", "+++\nurl = \"https://evil.example/\"\n+++\n", `content/p.md:2:1: url "https://evil.example/" must be a path on this site`},
		{"url after a multi-line string", "+++\ndescription = \"\"\"\nurl = \"/fine/\"\n\"\"\"\n  url = \"//evil.example/\"\n+++\n", `content/p.md:5:3: url "//evil.example/" must be a path on this site`},
		{"slug in a table-less dotted key", "+++\ntitle = \"x\"\n \t slug = \"a/b\"\n+++\n", `content/p.md:3:4: slug "a/b" must be one path segment`},
		{"yaml url indented", "---\ntitle: x\nhero:\n  url: /ok/\n'url': \"a?b\"\n---\n", `content/p.md:5:1: url "a?b" may hold only a path`},
		{"yaml slug", "---\ntitle: x\nslug: ..\n---\n", `content/p.md:3:1: slug ".." must be one path segment`},
		{"yaml wrong type", "---\ntitle: x\ntags: [a]\ndraft:   maybe\n---\n", `content/p.md:4:1: front matter "draft": want true or false, got "maybe"`},
		{"yaml duplicate", "---\ntitle: x\nhero:\n  a: 1\n  a: 2\n---\n", `content/p.md:5:3: front matter key "hero.a" is already defined at line 4`},
		{"yaml syntax", "---\ntitle: x\nlist:\n  - a\n - b\n---\n", "content/p.md:4: front matter: did not find expected key"},
		{"yaml syntax on the first line", "---\ntitle: a: b\n---\n", "content/p.md:2: front matter: mapping values are not allowed in this context"},
		{"yaml quote never closed on the first line", "---\ntitle: \"Oops\ndate: 2026-11-01\n---\nbody\n", `content/p.md:2:8: front matter: this " is never closed; end the value with "`},
		{"yaml quote never closed later", "---\ntitle: \"Fine \\\" here\" # a \"comment\nsummary: 'It''s # fine'\ntags: ['a', 'b\n---\n", `content/p.md:4:13: front matter: this ' is never closed; end the value with '`},
		{"yaml quote never closed after a multi-line one", "---\ntitle: \"two\n  lines\"\nx: é \"ok\"\ny: [\"a\", \"b]\n---\n", `content/p.md:5:10: front matter: this " is never closed`},
		{"yaml tab indentation", "---\ntitle: T\ntags:\n  \t- a\n---\n", "content/p.md:4:3: front matter: a tab in the indentation; YAML indents with spaces only"},
		{"yaml tab on the first line", "---\n\ttitle: T\n---\n", "content/p.md:2:1: front matter: a tab in the indentation"},
		{"yaml key not a name", "---\n[a, b]: 1\n---\n", "content/p.md:2:1: front matter keys must be names, not a list"},
		{"toml control character", "+++\n\x02\n+++\n", "content/p.md:2:1: TOML files cannot contain control characters"},
		{"toml syntax column", "+++\ntitle = \"x\"\n\"é\" = = 3\n+++\n", "content/p.md:3:7: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := Parse("content/p.md", "p.md", []byte(tt.src))
			if len(errs) == 0 {
				t.Fatalf("Parse(%q) gave no error, want %q", tt.src, tt.want)
			}
			if got := errs.Error(); !strings.HasPrefix(got, tt.want) {
				t.Errorf("Parse(%q) error = %q, want prefix %q", tt.src, got, tt.want)
			}
		})
	}
}

func TestFrontMatterKeys(t *testing.T) {
	tests := []struct {
		name, src string
		want      string // "key line:col", sorted
	}{
		{"toml", "+++\ntitle = \"T\"\n  Slug = \"s\"\ndescription = \"\"\"\nurl = \"no\"\n\"\"\"\n[hero]\nimage = \"a.png\"\n+++\nbody\n",
			"description 4:1\nhero 7:2\nhero.image 8:1\nslug 3:3\ntitle 2:1"},
		{"yaml", "---\ntitle: T\nhero:\n  image: a.png\n  Alt:  x\n\"slug\": s\n---\nbody\n",
			"hero 3:1\nhero.alt 5:3\nhero.image 4:3\nslug 6:1\ntitle 2:1"},
		{"none", "body\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, errs := Parse("content/p.md", "p.md", []byte(tt.src))
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			var got []string
			for k, pos := range p.Keys {
				if pos.File != "content/p.md" {
					t.Errorf("Keys[%q].File = %q", k, pos.File)
				}
				got = append(got, fmt.Sprintf("%s %d:%d", k, pos.Line, pos.Col))
			}
			sort.Strings(got)
			if g := strings.Join(got, "\n"); g != tt.want {
				t.Errorf("Parse(%q).Keys =\n%s\nwant\n%s", tt.src, g, tt.want)
			}
		})
	}
}

func TestWalkAndPlace(t *testing.T) {
	root := t.TempDir()
	for name, data := range map[string]string{
		"_index.md":                         "# Home",
		"legal/_index.md":                   "# Legal",
		"legal/cookie-policy.md":            "# CP",
		"legal/.cookie-policy.md.swp":       "swap",
		"legal/cookie-policy.md~":           "backup",
		"legal/cookie-policy.md.bak":        "+++\ntitle = \"draft\"\n+++\n",
		"legal/Thumbs.db":                   "x",
		"legal/desktop.ini":                 "x",
		"legal/.DS_Store":                   "x",
		"legal/~$draft.docx":                "x",
		"legal/4913":                        "",
		"legal/Terms.MD":                    "# Terms",
		"legal/x.markdown":                  "# X",
		"legal/DPA_v2.pdf":                  "%PDF",
		"press/index.md":                    "+++\nslug = \"news\"\n+++\n",
		"press/kit.pdf":                     "%PDF",
		"press/Press Kit/Logo Dark.svg":     "<svg/>",
		"press/notes.md":                    "bundle-only markdown",
		"files/brochure.pdf":                "%PDF",
		"Terms of Service/Über uns_2026.md": "# Ü",
	} {
		p := filepath.Join(root, Dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tree, err := source.Open(root, nil)
	if err != nil {
		t.Fatal(err)
	}
	entries, l := Walk(tree)
	if len(l.Errors) > 0 {
		t.Fatal(l.Errors)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Rel+map[bool]string{true: " page", false: ""}[e.Page])
	}
	want := "Terms of Service/Über uns_2026.md page,_index.md page,legal/DPA_v2.pdf,legal/Terms.MD page,legal/_index.md page,legal/cookie-policy.md page,legal/x.markdown page,press/Press Kit/Logo Dark.svg,press/index.md page,press/kit.pdf"
	if strings.Join(got, ",") != want {
		t.Errorf("Walk =\n%s\nwant\n%s", strings.Join(got, ","), want)
	}
	var skipped []string
	for _, s := range l.Skipped {
		skipped = append(skipped, s.Path)
	}
	wantSkipped := "content/files/brochure.pdf,content/legal/.DS_Store,content/legal/.cookie-policy.md.swp,content/legal/4913,content/legal/Thumbs.db,content/legal/cookie-policy.md.bak,content/legal/cookie-policy.md~,content/legal/desktop.ini,content/legal/~$draft.docx,content/press/notes.md"
	sort.Strings(skipped)
	if strings.Join(skipped, ",") != wantSkipped {
		t.Errorf("skipped =\n%s\nwant\n%s", strings.Join(skipped, ","), wantSkipped)
	}
	var pages []*Page
	var urls []string
	for _, e := range entries {
		if e.Page {
			src, _ := tree.Read(e.File)
			p, errs := Parse("content/"+e.Rel, e.Rel, src)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			pages = append(pages, p)
			urls = append(urls, p.URL+" "+p.OutPath)
		}
	}
	wantURLs := "/terms-of-service/%C3%BCber-uns-2026/ terms-of-service/über-uns-2026/index.html,/ index.html,/legal/terms/ legal/terms/index.html,/legal/ legal/index.html,/legal/cookie-policy/ legal/cookie-policy/index.html,/legal/x/ legal/x/index.html,/news/ news/index.html"
	if strings.Join(urls, ",") != wantURLs {
		t.Errorf("URLs =\n%s\nwant\n%s", strings.Join(urls, ","), wantURLs)
	}
	assets, errs := Place(entries, pages)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var placed []string
	for _, a := range assets {
		placed = append(placed, a.Source+"→"+a.OutPath)
	}
	wantPlaced := "content/legal/DPA_v2.pdf→legal/dpa-v2.pdf,content/press/Press Kit/Logo Dark.svg→news/press-kit/logo-dark.svg,content/press/kit.pdf→news/kit.pdf"
	if strings.Join(placed, ",") != wantPlaced {
		t.Errorf("Place = %s\nwant    %s", strings.Join(placed, ","), wantPlaced)
	}
}

// TestURLNames: file names become URLs as writers expect, and a name
// that a browser would read as "." or ".." is refused.
func TestURLNames(t *testing.T) {
	tests := []struct {
		rel, url, out, err string
	}{
		{"legal/cookie-policy.md", "/legal/cookie-policy/", "legal/cookie-policy/index.html", ""},
		{"legal/Terms of Service.md", "/legal/terms-of-service/", "legal/terms-of-service/index.html", ""},
		{"legal/Privacy_Policy.md", "/legal/privacy-policy/", "legal/privacy-policy/index.html", ""},
		{"Über uns.md", "/%C3%BCber-uns/", "über-uns/index.html", ""},
		{"100% sure?.md", "/100%25-sure%3F/", "100%-sure?/index.html", ""},
		{"%2e%2e.md", "", "", `the name "%2e%2e" stands for ".." in a URL`},
		{"a/%2E/index.md", "", "", `the name "%2E" stands for "." in a URL`},
	}
	for _, tt := range tests {
		p, errs := Parse("content/"+tt.rel, tt.rel, []byte("# x\n"))
		if tt.err != "" {
			if len(errs) == 0 || !strings.Contains(errs.Error(), tt.err) {
				t.Errorf("Parse(%q) errors = %v, want %q", tt.rel, errs, tt.err)
			}
			continue
		}
		if len(errs) > 0 || p.URL != tt.url || p.OutPath != tt.out {
			t.Errorf("Parse(%q) = %q %q %v, want %q %q", tt.rel, p.URL, p.OutPath, errs, tt.url, tt.out)
		}
	}
}

// FuzzParse checks that no input crashes the front-matter parser and that
// every error it reports points at a line of the file.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"+++\ntitle = \"x\"\ndate = 2024-01-02\n+++\nbody",
		"---\ntitle: x\ntags: [a, b]\n---\nbody",
		"+++\n[params]\na = {b = 1}\n+++\n",
		"+++\nslug = \"../x\"\n+++\n",
		"---\n- a\n- b\n---\n",
		"+++\n+++\n",
		"---\n",
		"\xef\xbb\xbf+++\r\ntitle=1\r\n+++\r\n",
		"+++\ndate = 1979-05-27T07:32:00-08:00\nlastmod = \"2024-13-40\"\n+++\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		p, errs := Parse("content/f.md", "f.md", src)
		lines := strings.Count(string(src), "\n") + 1
		for _, e := range errs {
			if e.Pos.File != "content/f.md" || e.Pos.Line < 0 || e.Pos.Line > lines+1 {
				t.Fatalf("error %q has a position outside the file (%d lines)", e, lines)
			}
		}
		if p != nil && len(errs) == 0 && !output.ValidPath(p.OutPath) {
			t.Fatalf("page placed at %q", p.OutPath)
		}
	})
}

// TestForget: a page whose text was let go reads it again through the
// reader it was given, once, checked against the page's SHA-256: a file
// changed meanwhile is an error, never taken for the page; a Known
// page, forgotten after its text was read, reads it again with its own
// reader.
func TestForget(t *testing.T) {
	text := "+++\ntitle = \"A\"\n+++\nBody.\r\n"
	p, errs := Parse("content/a.md", "a.md", []byte(text))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	wantSrc, wantBody := string(p.Src), string(p.Body)
	reads, disk := 0, text
	read := func() ([]byte, error) { reads++; return []byte(disk), nil }
	p.Forget(read)
	if p.Src != nil || p.Body != nil {
		t.Fatal("Forget kept the text")
	}
	for range 2 {
		if src, body, err := p.Text(); err != nil || string(src) != wantSrc || string(body) != wantBody {
			t.Errorf("Text after Forget = %q, %q, %v", src, body, err)
		}
	}
	if reads != 1 {
		t.Errorf("the text was read %d times, want once", reads)
	}
	disk = "+++\ntitle = \"A\"\n+++\nChanged.\n"
	p.Forget(func() ([]byte, error) { t.Error("a second reader was used"); return nil, nil })
	if _, _, err := p.Text(); err == nil || !strings.Contains(err.Error(), "changed during the build") {
		t.Errorf("Text of a changed file: %v", err)
	}
	if reads != 2 {
		t.Errorf("%d reads, want 2 (the page's first reader)", reads)
	}
}

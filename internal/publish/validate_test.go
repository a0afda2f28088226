package publish

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/certiron/certiron-site/internal/config"
	"github.com/certiron/certiron-site/internal/csp"
	"github.com/certiron/certiron-site/internal/diag"
)

func header(line int, pattern string, kv ...string) config.Header {
	h := config.Header{For: pattern, Pos: at(line, 1), ForPos: at(line+1, 1)}
	for i := 0; i < len(kv); i += 2 {
		h.Values = append(h.Values, config.HeaderValue{Name: kv[i], Value: kv[i+1], Pos: at(line+3+i/2, 1)})
	}
	return h
}

func cfgRedirect(line int, from, to string, status int) config.Redirect {
	return config.Redirect{From: from, To: to, Status: status, Pos: at(line, 1), FromPos: at(line+1, 1), ToPos: at(line+2, 1), StatusPos: at(line+3, 1)}
}

// messages runs Make and returns its errors and warnings, one a line.
func messages(s Site) string {
	res, err := Make(s)
	var out []string
	if err != nil {
		for _, e := range err.(diag.List) {
			out = append(out, e.Error())
		}
	}
	for _, w := range res.Warnings {
		out = append(out, "warning: "+w.Error())
	}
	return strings.Join(out, "\n")
}

func TestValidation(t *testing.T) {
	tests := []struct {
		name   string
		target Target
		edit   func(*Site)
		want   []string // substrings, each in some line, in order
	}{
		{"csp header", Cloudflare, func(s *Site) {
			s.Headers = []config.Header{header(1, "/*", "content-security-policy", "default-src *")}
		}, []string{"config.toml:4:1: [[headers]] for \"/*\": content-security-policy would replace or weaken the generated Content-Security-Policy"}},
		{"report-only", Netlify, func(s *Site) {
			s.Headers = []config.Header{header(1, "/legal/*", "Content-Security-Policy-Report-Only", "default-src *")}
		}, []string{"config.toml:4:1:", "never report-only"}},
		{"frame options", Cloudflare, func(s *Site) {
			s.Headers = []config.Header{header(1, "/legal/*", "X-Frame-Options", "SAMEORIGIN")}
		}, []string{"config.toml:4:1:", "would weaken the generated frame protection"}},
		{"security header twice", Cloudflare, func(s *Site) {
			s.Headers = []config.Header{header(1, "/legal/*", "Referrer-Policy", "no-referrer")}
		}, []string{"config.toml:4:1:", "already sent on every path"}},
		{"cache control", Netlify, func(s *Site) {
			s.Headers = []config.Header{header(1, "/legal/*", "Cache-Control", "no-store")}
		}, []string{"config.toml:4:1:", "is set by the build for every file"}},
		{"cookie", Cloudflare, func(s *Site) {
			s.Headers = []config.Header{header(1, "/*", "Set-Cookie", "a=b")}
		}, []string{"config.toml:4:1:", "would set a cookie"}},
		{"twice for one path", Cloudflare, func(s *Site) {
			s.Headers = []config.Header{header(1, "/legal/*", "X-Robots-Tag", "noarchive"), header(10, "/legal/cookie-policy/", "x-robots-tag", "noindex")}
		}, []string{"config.toml:13:1: X-Robots-Tag is set twice for /legal/cookie-policy/: here and at config.toml:4:1"}},
		{"twice on netlify's looser match", Netlify, func(s *Site) {
			s.Headers = []config.Header{header(1, "/legal/*", "X-Robots-Tag", "noarchive"), header(10, "/legal", "X-Robots-Tag", "noindex")}
		}, []string{"config.toml:13:1: X-Robots-Tag is set twice for /legal"}},
		{"same header, apart", Cloudflare, func(s *Site) {
			s.Headers = []config.Header{header(1, "/legal/*", "X-Robots-Tag", "noarchive"), header(10, "/css/*", "X-Robots-Tag", "noindex")}
		}, nil},
		{"matches nothing", Cloudflare, func(s *Site) {
			s.Headers = []config.Header{header(1, "/blog/*", "X-A", "1")}
		}, []string{"warning: config.toml:2:1: [[headers]] for \"/blog/*\" matches no file of the site"}},
		{"bad for", Cloudflare, func(s *Site) {
			s.Headers = []config.Header{header(1, "legal/*", "X-A", "1")}
		}, []string{"config.toml:2:1: [[headers]] for \"legal/*\" must be a URL path starting with /"}},
		{"bad name and empty value", Cloudflare, func(s *Site) {
			s.Headers = []config.Header{header(1, "/*", "X A", "1", "X-B", "")}
		}, []string{`config.toml:4:1: "X A" is not a valid header name`, "config.toml:5:1: [[headers]] for \"/*\": X-B has an empty value"}},
		{"missing target", Cloudflare, func(s *Site) {
			s.Redirects = []config.Redirect{cfgRedirect(1, "/old/", "/nope/", 301)}
		}, []string{"config.toml:3:1: [[redirects]] to /nope/: no page or file of the site is served there"}},
		{"alias to a missing page", Netlify, func(s *Site) {
			s.Aliases = []Alias{{From: "/a/", To: "/gone/", Pos: diag.Pos{File: "content/x.md", Line: 3, Col: 2}}}
		}, []string{"content/x.md:3:2: alias of /gone/: no page or file of the site is served there"}},
		{"loop", Cloudflare, func(s *Site) {
			s.Redirects = []config.Redirect{cfgRedirect(1, "/a/", "/b/", 301), cfgRedirect(10, "/b/", "/a/", 301)}
		}, []string{"config.toml:3:1: [[redirects]] to /b/: a loop (/a/ → /b/ → /a/, at config.toml:10:1)", "config.toml:12:1: [[redirects]] to /a/: a loop"}},
		{"itself", Cloudflare, func(s *Site) {
			s.Redirects = []config.Redirect{cfgRedirect(1, "/a/", "https://certiron.io/a/", 301)}
		}, []string{"config.toml:3:1: [[redirects]] to /a/ redirects /a/ to itself"}},
		{"chain", Netlify, func(s *Site) {
			s.Redirects = []config.Redirect{cfgRedirect(1, "/a/", "/b/", 301), cfgRedirect(10, "/b/", "/legal/", 301)}
		}, []string{"config.toml:3:1: [[redirects]] to /b/ is itself redirected to /legal/ (at config.toml:10:1): redirect straight to /legal/, in one hop"}},
		{"status", Cloudflare, func(s *Site) {
			s.Redirects = []config.Redirect{cfgRedirect(1, "/a/", "/legal/", 307)}
		}, []string{"config.toml:4:1: [[redirects]] status 307 is not 301, 302 or 308"}},
		{"folder without slash", Cloudflare, func(s *Site) {
			s.Redirects = []config.Redirect{cfgRedirect(1, "/a/", "/legal", 301)}
		}, []string{"config.toml:3:1: [[redirects]] to /legal is answered with a redirect to /legal/ by the host: write /legal/, in one hop"}},
		{"index.html on cloudflare", Cloudflare, func(s *Site) {
			s.Redirects = []config.Redirect{cfgRedirect(1, "/a/", "/legal/index.html", 301)}
		}, []string{"write /legal/, in one hop"}},
		{"index.html on netlify", Netlify, func(s *Site) {
			s.Redirects = []config.Redirect{cfgRedirect(1, "/a/", "/legal/index.html", 301)}
		}, nil},
		{"duplicate from", Cloudflare, func(s *Site) {
			s.Redirects = []config.Redirect{cfgRedirect(1, "/cookies/", "/legal/", 301)}
		}, []string{"config.toml:2:1: /cookies/ is already redirected at content/legal/cookie-policy.md:4:1 (to /legal/cookie-policy/); keep one"}},
		{"from a page", Cloudflare, func(s *Site) {
			s.Redirects = []config.Redirect{cfgRedirect(1, "/legal/", "/", 301)}
		}, []string{"config.toml:2:1: /legal/ is a page or file of the site"}},
		{"from not a path", Netlify, func(s *Site) {
			s.Redirects = []config.Redirect{cfgRedirect(1, "old", "/", 301), cfgRedirect(10, "/x?y=1", "/", 301), cfgRedirect(20, "/z/", "legal/", 301)}
		}, []string{`config.toml:2:1: [[redirects]] from "old" must be a URL path`, `config.toml:11:1: [[redirects]] from "/x?y=1": the hosts match paths only`, `config.toml:22:1: [[redirects]] to "legal/" must be a URL path starting with / or an http(s) URL`}},
		{"splat", Cloudflare, func(s *Site) {
			s.Redirects = []config.Redirect{cfgRedirect(1, "/blog/*", "/legal/:splat", 301)}
		}, nil},
		{"github-pages splat", GitHubPages, func(s *Site) {
			s.Redirects = []config.Redirect{cfgRedirect(1, "/blog/*", "/legal/", 301)}
			s.Headers = nil
		}, []string{"config.toml:2:1: github-pages has no redirects and cannot publish a page for the pattern /blog/*"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := site(tt.target)
			s.Headers, s.Redirects = nil, nil
			tt.edit(&s)
			got := messages(s)
			if tt.want == nil && got != "" {
				t.Errorf("Make = %s, want no problem", got)
			}
			rest := got
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Errorf("Make =\n%s\nwant a line with %q (in order)", got, w)
					break
				}
				rest = rest[i+len(w):]
			}
		})
	}
}

func TestLimits(t *testing.T) {
	big := func(n int) []byte { return make([]byte, n) }
	many := func(n int, dir string) []File {
		fs := make([]File, n)
		for i := range fs {
			fs[i] = File{Path: fmt.Sprintf("%s%d.txt", dir, i)}
		}
		return fs
	}
	hashes := make([]string, 40)
	for i := range hashes {
		hashes[i] = csp.Hash([]byte{byte(i)})
	}
	shared := big(GitHubMaxFileSize)
	tests := []struct {
		name   string
		target Target
		edit   func(*Site)
		want   string
	}{
		{"cloudflare file size", Cloudflare, func(s *Site) {
			s.Files = append(s.Files, File{Path: "x.pdf", Data: big(CloudflareMaxFileSize + 1), Source: "static/x.pdf"})
		}, "static/x.pdf: cloudflare: x.pdf is 25.0 MiB; Cloudflare Pages serves files of at most 25 MiB"},
		{"cloudflare file count", Cloudflare, func(s *Site) { s.Files = append(s.Files, many(CloudflareMaxFiles, "d/")...) }, "config.toml: cloudflare: the site has 20009 files; Cloudflare Pages serves at most 20000"},
		{"cloudflare csp length", Cloudflare, func(s *Site) { s.Scripts = hashes }, "themes/certiron/layouts/partials/head.html: cloudflare: the Content-Security-Policy line is"},
		{"cloudflare header line", Cloudflare, func(s *Site) {
			s.Headers = []config.Header{header(1, "/legal/*", "Link", strings.Repeat("x", 2000))}
		}, "config.toml:4:1: cloudflare: the Link line is 2006 characters"},
		{"cloudflare header rules", Cloudflare, func(s *Site) {
			for i := range 99 {
				s.Headers = append(s.Headers, header(10*i+1, fmt.Sprintf("/legal/%d/*", i), fmt.Sprintf("X-%d", i), "1"))
			}
		}, "config.toml:981:1: cloudflare: _headers has 101 rules (2 generated, 99 from [[headers]]); Cloudflare Pages reads only the first 100"},
		{"cloudflare static redirects", Cloudflare, func(s *Site) {
			for i := range 2000 {
				s.Redirects = append(s.Redirects, cfgRedirect(i*5+1, fmt.Sprintf("/r%d", i), "/legal/", 301))
			}
		}, "config.toml:9991:1: cloudflare: more than 2000 static redirects"},
		{"cloudflare dynamic redirects", Cloudflare, func(s *Site) {
			for i := range 101 {
				s.Redirects = append(s.Redirects, cfgRedirect(i*5+1, fmt.Sprintf("/r%d/*", i), "/legal/", 301))
			}
		}, "config.toml:501:1: cloudflare: more than 100 dynamic redirects"},
		{"cloudflare redirect line", Cloudflare, func(s *Site) {
			s.Redirects = []config.Redirect{cfgRedirect(1, "/"+strings.Repeat("a", 1000), "/legal/", 301)}
		}, "config.toml:1:1: cloudflare: the redirect line for /aaa"},
		{"netlify folder", Netlify, func(s *Site) { s.Files = append(s.Files, many(NetlifyMaxFilesPerFolder+1, "d/")...) }, "config.toml: netlify: folder d/ of the output has 54001 files"},
		{"github file size", GitHubPages, func(s *Site) {
			s.Files = append(s.Files, File{Path: "v.mp4", Data: big(GitHubMaxFileSize + 1)})
		}, "public/v.mp4: github-pages: v.mp4 is 100.0 MiB; GitHub accepts files of at most 100 MiB"},
		{"github site size", GitHubPages, func(s *Site) {
			for i := range 11 {
				s.Files = append(s.Files, File{Path: fmt.Sprintf("v%d.mp4", i), Data: shared})
			}
		}, "config.toml: github-pages: the site is 1100.0 MiB; GitHub Pages publishes sites of at most 1 GiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := site(tt.target)
			s.Headers, s.Redirects = nil, nil
			tt.edit(&s)
			if got := messages(s); !strings.Contains(got, tt.want) {
				t.Errorf("Make =\n%.2000s\nwant a line with %q", got, tt.want)
			}
		})
	}
}

// With more fingerprinted files than Cloudflare's block limit allows,
// folders holding only fingerprinted files get one block.
func TestFingerprintedFolders(t *testing.T) {
	s := site(Cloudflare)
	s.Headers, s.Redirects = nil, nil
	for i := range 150 {
		s.Files = append(s.Files, File{Path: fmt.Sprintf("img/h/%03d.%08x.png", i, i), Fingerprinted: true})
	}
	s.Files = append(s.Files, File{Path: "img/logo.png"})
	res, err := Make(s)
	if err != nil {
		t.Fatal(err)
	}
	rules, _ := csp.ParseHeaders(res.Files[0].Data)
	var patterns []string
	for _, r := range rules {
		patterns = append(patterns, r.Pattern)
	}
	if got, want := strings.Join(patterns, " "), "/* /css/* /img/h/*"; got != want {
		t.Errorf("patterns = %s, want %s", got, want)
	}
	for path, want := range map[string]string{"/img/h/007.00000007.png": Immutable, "/img/logo.png": Revalidate, "/css/site.3f2a9c1e.css": Immutable} {
		h := map[string][]string{}
		rules.Apply(h, path)
		if got := strings.Join(h["Cache-Control"], ", "); got != want {
			t.Errorf("Cache-Control of %s = %q, want %q", path, got, want)
		}
	}
}

func TestCollisions(t *testing.T) {
	static := []File{
		{Path: "_headers", Source: "static/_headers"},
		{Path: "robots.txt", Source: "static/robots.txt"},
		{Path: "CNAME", Source: "static/CNAME"},
		{Path: "sub/_headers", Source: "static/sub/_headers"},
		{Path: "favicon.svg", Source: "static/favicon.svg"},
	}
	var got []string
	for _, e := range Collisions(static) {
		got = append(got, e.Error())
	}
	want := []string{
		"static/CNAME: CNAME collides with the CNAME file the build writes for github-pages from baseURL's host; set baseURL in config.toml instead",
		"static/_headers: _headers collides with the _headers file the build writes (security headers, the CSP's hashes, cache policy); use [[headers]] in config.toml instead",
		"static/robots.txt: robots.txt collides with the robots.txt the build writes (pointing at sitemap.xml); to keep crawlers off pages, send X-Robots-Tag with [[headers]] in config.toml instead",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Collisions =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestManifest(t *testing.T) {
	files := []File{
		{Path: "legal/index.html", Data: []byte("<p>x")},
		{Path: "css/site.3f2a9c1e.css", Data: []byte("body{}"), Fingerprinted: true},
		{Path: "a.txt", Data: []byte("")},
	}
	script := csp.Hash([]byte("alert(1)"))
	got := Manifest(files, []string{script, script}, nil)
	if string(got) != string(Manifest([]File{files[2], files[0], files[1]}, []string{script}, nil)) {
		t.Error("Manifest depends on the order of its input")
	}
	var m struct {
		Files  []Entry
		Inline []InlineEntry
	}
	if err := json.Unmarshal(got, &m); err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{"a.txt", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "text/plain; charset=utf-8", Revalidate},
		{"css/site.3f2a9c1e.css", 6, "", "text/css; charset=utf-8", Immutable},
		{"legal/index.html", 4, "", "text/html; charset=utf-8", Revalidate},
	}
	for i := range want {
		if want[i].SHA256 == "" {
			m.Files[i].SHA256 = ""
		}
	}
	if fmt.Sprint(m.Files) != fmt.Sprint(want) {
		t.Errorf("Manifest files = %+v\nwant %+v", m.Files, want)
	}
	// echo -n 'alert(1)' | sha256sum
	if len(m.Inline) != 1 || m.Inline[0].SHA256 != "6e11c72f7cf6bc383152dd16ddd5903aba6bb1c99d6b6639a4bb0b838185fa92" || m.Inline[0].CSP != script {
		t.Errorf("Manifest inline = %+v", m.Inline)
	}
}

// A [[headers]] table for a pattern the build already writes joins that
// block: Cloudflare keeps only the last block of a pattern written twice.
func TestHeadersSamePattern(t *testing.T) {
	for _, target := range []Target{Cloudflare, Netlify} {
		s := site(target)
		s.Redirects = nil
		s.Headers = []config.Header{header(1, "/*", "X-Robots-Tag", "noarchive"), header(10, "/legal/*", "X-Legal", "1"), header(20, "/legal/*", "X-Other", "2")}
		res, err := Make(s)
		if err != nil {
			t.Fatal(err)
		}
		rules, _ := csp.ParseHeaders(res.Files[0].Data)
		var patterns []string
		for _, r := range rules {
			patterns = append(patterns, r.Pattern)
		}
		if got, want := strings.Join(patterns, " "), "/* /css/site.3f2a9c1e.css /legal/*"; got != want {
			t.Errorf("%s: patterns = %s, want %s", target, got, want)
		}
		h := map[string][]string{}
		rules.ApplyOn(target.host(), h, "/legal/x/")
		for name, want := range map[string]string{"Content-Security-Policy": res.Policy, "X-Robots-Tag": "noarchive", "X-Legal": "1", "X-Other": "2"} {
			if got := strings.Join(h[name], ", "); got != want {
				t.Errorf("%s: %s = %q, want %q", target, name, got, want)
			}
		}
	}
}

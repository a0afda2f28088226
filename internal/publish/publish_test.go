package publish

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/certiron/certiron-site/internal/config"
	"github.com/certiron/certiron-site/internal/csp"
	"github.com/certiron/certiron-site/internal/diag"
)

var update = flag.Bool("update", false, "rewrite golden files")

func at(line, col int) diag.Pos { return diag.Pos{File: "config.toml", Line: line, Col: col} }

// site is a small site with every kind of file, as the builder hands it.
func site(t Target) Site {
	page := func(p string) File {
		return File{Path: p, Data: []byte("<!doctype html><title>x</title>"), Source: "content/x.md"}
	}
	return Site{
		Target:  t,
		BaseURL: "https://certiron.io/",
		Files: []File{
			page("index.html"),
			page("legal/index.html"),
			page("legal/cookie-policy/index.html"),
			page("404.html"),
			{Path: "css/site.3f2a9c1e.css", Data: []byte("body{}"), Fingerprinted: true, Source: "themes/certiron/assets/css/site.css"},
			{Path: "favicon.svg", Data: []byte("<svg/>"), Source: "themes/certiron/static/favicon.svg"},
			{Path: "sitemap.xml", Data: []byte("<urlset/>")},
			{Path: "robots.txt", Data: []byte("User-agent: *\n")},
			{Path: "legal/feed.xml", Data: []byte("<feed/>")},
		},
		Scripts:   []string{csp.Hash([]byte("b()")), csp.Hash([]byte("a()"))},
		Styles:    []string{csp.Hash([]byte("p{}"))},
		PolicyPos: diag.Pos{File: "themes/certiron/layouts/partials/head.html"},
		Aliases:   []Alias{{From: "/cookies/", To: "/legal/cookie-policy/", Pos: diag.Pos{File: "content/legal/cookie-policy.md", Line: 4, Col: 1}}},
		Headers: []config.Header{{For: "/legal/*", Pos: at(10, 1), ForPos: at(11, 1), Values: []config.HeaderValue{
			{Name: "X-Robots-Tag", Value: "noarchive", Pos: at(13, 1)},
		}}},
		Redirects: []config.Redirect{
			{From: "/privacy/", To: "/legal/", Status: 308, Pos: at(15, 1), FromPos: at(16, 1), ToPos: at(17, 1), StatusPos: at(18, 1)},
			{From: "/status", To: "https://status.example.com/", Status: 302, Pos: at(20, 1), FromPos: at(21, 1), ToPos: at(22, 1)},
		},
	}
}

// format writes what Make gives as a txtar archive: each file, then the
// other results.
func format(res *Result, err error) []byte {
	ar := &txtar.Archive{}
	for _, f := range res.Files {
		ar.Files = append(ar.Files, txtar.File{Name: f.Path, Data: f.Data})
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "policy: %s\n", res.Policy)
	for _, r := range res.Refresh {
		fmt.Fprintf(&b, "refresh: %s -> %s (%s)\n", r.From, r.To, r.Pos)
	}
	for _, u := range res.Unprotected {
		fmt.Fprintf(&b, "unprotected: %s\n", u)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	if err != nil {
		fmt.Fprintf(&b, "error: %s\n", strings.ReplaceAll(err.Error(), "\n", "\nerror: "))
	}
	ar.Files = append(ar.Files, txtar.File{Name: "result", Data: b.Bytes()})
	return txtar.Format(ar)
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	file := "testdata/" + name + ".golden"
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: got\n%s\nwant\n%s", name, got, want)
	}
}

// TestTargetsGolden: the files each target gets for the same site.
func TestTargetsGolden(t *testing.T) {
	for _, target := range Targets {
		t.Run(string(target), func(t *testing.T) {
			res, err := Make(site(target))
			if err != nil && target != GitHubPages {
				t.Errorf("Make(%s): %v", target, err)
			}
			golden(t, string(target), format(res, err))
			// Deterministic: the same site gives the same bytes.
			again, err2 := Make(site(target))
			if !bytes.Equal(format(res, err), format(again, err2)) {
				t.Errorf("Make(%s) is not deterministic", target)
			}
		})
	}
}

// The generated _headers, read back as each host reads it, sends what
// the site promises on every kind of path.
func TestHeadersAsHostsApplyThem(t *testing.T) {
	for _, target := range []Target{Cloudflare, Netlify} {
		res, err := Make(site(target))
		if err != nil {
			t.Fatal(err)
		}
		var data []byte
		for _, f := range res.Files {
			if f.Path == "_headers" {
				data = f.Data
			}
		}
		rules, errs := csp.ParseHeaders(data)
		if len(errs) > 0 {
			t.Fatalf("%s: _headers does not parse: %v", target, errs)
		}
		tests := []struct{ path, name, want string }{
			{"/", "Cache-Control", Revalidate},
			{"/legal/cookie-policy/", "Cache-Control", Revalidate},
			{"/sitemap.xml", "Cache-Control", Revalidate},
			{"/favicon.svg", "Cache-Control", Revalidate},
			{"/css/site.3f2a9c1e.css", "Cache-Control", Immutable},
			{"/legal/cookie-policy/", "X-Robots-Tag", "noarchive"},
			{"/", "X-Robots-Tag", ""},
			{"/legal/", "X-Frame-Options", "DENY"},
			{"/", "Content-Security-Policy", res.Policy},
		}
		for _, tt := range tests {
			h := make(map[string][]string)
			rules.ApplyOn(target.host(), h, tt.path)
			if got := strings.Join(h[tt.name], ", "); got != tt.want {
				t.Errorf("%s %s %s = %q, want %q", target, tt.path, tt.name, got, tt.want)
			}
		}
		pol := csp.Parse(res.Policy)
		for _, h := range site(target).Scripts {
			if !pol.Allows("script-src", h) {
				t.Errorf("%s: policy lacks %s", target, h)
			}
		}
		if src, _ := pol.Directive("frame-ancestors"); strings.Join(src, " ") != "'none'" {
			t.Errorf("%s: policy lacks frame-ancestors 'none': %s", target, res.Policy)
		}
	}
}

func TestCNAME(t *testing.T) {
	tests := []struct{ base, want string }{
		{"https://certiron.io/", "certiron.io\n"},
		{"https://WWW.Certiron.io:443/", "www.certiron.io\n"},
		{"https://certiron.github.io/site/", ""},
		{"/", ""},
	}
	for _, tt := range tests {
		s := Site{Target: GitHubPages, BaseURL: tt.base}
		res, err := Make(s)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, f := range res.Files {
			if f.Path == "CNAME" {
				got = string(f.Data)
			}
		}
		if got != tt.want {
			t.Errorf("CNAME for %s = %q, want %q", tt.base, got, tt.want)
		}
	}
}

func TestParseTarget(t *testing.T) {
	for _, name := range config.Targets {
		if _, err := ParseTarget(name); err != nil {
			t.Errorf("ParseTarget(%q): %v (config and publish disagree on targets)", name, err)
		}
	}
	if tg, _ := ParseTarget(""); tg != Cloudflare {
		t.Errorf("ParseTarget(\"\") = %s, want cloudflare", tg)
	}
	if _, err := ParseTarget("vercel"); err == nil {
		t.Error("ParseTarget(vercel) succeeded")
	}
}

//go:build unix

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/certiron/certiron-site/internal/config"
	"github.com/certiron/certiron-site/internal/csp"
	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/publish"
)

// TestPagesRuntime serves a hand-made folder, with the _headers and
// _redirects files package publish writes for cloudflare, under
// Cloudflare's own runtime, and checks what a browser would be sent.
func TestPagesRuntime(t *testing.T) {
	wranglerPath(t)
	const script = `document.documentElement.classList.add("js")`
	page := func(title string) []byte {
		return []byte(`<!doctype html><html lang=en><title>` + title + `</title><link rel=stylesheet href=/css/site.3f2a9c1e.css><script>` + script + `</script><p>` + title)
	}
	files := []publish.File{
		{Path: "index.html", Data: page("home")},
		{Path: "legal/index.html", Data: page("legal")},
		{Path: "legal/cookie-policy/index.html", Data: page("cookie policy")},
		{Path: "404.html", Data: page("not found")},
		{Path: "css/site.3f2a9c1e.css", Data: []byte("body{margin:0}"), Fingerprinted: true},
		{Path: "favicon.svg", Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)},
	}
	res, err := publish.Make(publish.Site{
		Target:  publish.Cloudflare,
		BaseURL: "https://certiron.io/",
		Files:   files,
		Scripts: []string{csp.Hash([]byte(script))},
		Aliases: []publish.Alias{{From: "/cookies/", To: "/legal/cookie-policy/", Pos: diag.Pos{File: "content/legal/cookie-policy.md", Line: 4}}},
		Headers: []config.Header{{For: "/legal/*", Values: []config.HeaderValue{{Name: "X-Robots-Tag", Value: "noarchive"}}}},
		Redirects: []config.Redirect{
			{From: "/privacy/", To: "/legal/", Status: 308},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range append(files, res.Files...) {
		name := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	base := wrangler(t, dir)

	for _, p := range []string{"/", "/legal/", "/legal/cookie-policy/"} {
		resp, body := get(t, base+p)
		if resp.StatusCode != 200 || !strings.Contains(body, "<script>"+script) {
			t.Errorf("GET %s = %d %q", p, resp.StatusCode, body)
		}
		pol := resp.Header.Get("Content-Security-Policy")
		if pol != res.Policy {
			t.Errorf("GET %s: Content-Security-Policy = %q, want %q", p, pol, res.Policy)
		}
		parsed := csp.Parse(pol)
		if !parsed.Allows("script-src", csp.Hash([]byte(script))) || !strings.Contains(pol, "frame-ancestors 'none'") {
			t.Errorf("GET %s: the policy does not allow the page's script or lacks frame-ancestors: %s", p, pol)
		}
		if got := resp.Header.Get("Cache-Control"); got != publish.Revalidate {
			t.Errorf("GET %s: Cache-Control = %q, want %q", p, got, publish.Revalidate)
		}
		for _, h := range csp.SecurityHeaders {
			if got := resp.Header.Get(h[0]); got != h[1] {
				t.Errorf("GET %s: %s = %q, want %q", p, h[0], got, h[1])
			}
		}
	}
	if resp, _ := get(t, base+"/legal/cookie-policy/"); resp.Header.Get("X-Robots-Tag") != "noarchive" {
		t.Errorf("the [[headers]] rule for /legal/* is not applied: X-Robots-Tag = %q", resp.Header.Get("X-Robots-Tag"))
	}
	if resp, _ := get(t, base+"/"); resp.Header.Get("X-Robots-Tag") != "" {
		t.Errorf("the [[headers]] rule for /legal/* applies to /: X-Robots-Tag = %q", resp.Header.Get("X-Robots-Tag"))
	}
	for p, want := range map[string]string{"/css/site.3f2a9c1e.css": publish.Immutable, "/favicon.svg": publish.Revalidate} {
		resp, _ := get(t, base+p)
		if got := resp.Header.Get("Cache-Control"); resp.StatusCode != 200 || got != want {
			t.Errorf("GET %s = %d, Cache-Control %q, want 200 and %q", p, resp.StatusCode, got, want)
		}
	}
	for _, tt := range []struct {
		path   string
		status int
		to     string
	}{
		{"/cookies/", 301, "/legal/cookie-policy/"},
		{"/cookies", 301, "/legal/cookie-policy/"},
		{"/privacy/", 308, "/legal/"},
	} {
		resp, _ := get(t, base+tt.path)
		if resp.StatusCode != tt.status || resp.Header.Get("Location") != tt.to {
			t.Errorf("GET %s = %d Location %q, want %d %s", tt.path, resp.StatusCode, resp.Header.Get("Location"), tt.status, tt.to)
		}
	}
	resp, body := get(t, base+"/no/such/page/")
	if resp.StatusCode != 404 || !strings.Contains(body, "<p>not found") {
		t.Errorf("GET an unknown path = %d %q, want 404 with 404.html", resp.StatusCode, body)
	}
	for _, f := range []string{"/_headers", "/_redirects"} {
		if resp, _ := get(t, base+f); resp.StatusCode == 200 {
			t.Errorf("GET %s = 200: the host's configuration is served", f)
		}
	}
}

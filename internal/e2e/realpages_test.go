//go:build unix

package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/certiron/certiron-site/internal/corpus"
	"github.com/certiron/certiron-site/internal/csp"
	"github.com/certiron/certiron-site/internal/output"
	"github.com/certiron/certiron-site/internal/publish"
	"github.com/certiron/certiron-site/internal/site"
)

// TestRealSiteOnPages builds the real site, with an alias and a
// [[headers]] rule added the way a user would, and serves the output
// under Cloudflare's own runtime (wrangler pages dev): what Cloudflare
// Pages would send is what the site promises.
func TestRealSiteOnPages(t *testing.T) {
	wranglerPath(t)
	root := t.TempDir()
	for _, p := range []string{"config.toml", "content", "themes"} {
		if err := corpus.CopyDir(filepath.Join(repoRoot, p), filepath.Join(root, p)); err != nil {
			t.Fatal(err)
		}
	}
	cfg, _ := os.ReadFile(filepath.Join(root, "config.toml"))
	cfg = append(cfg, "\n[[headers]]\nfor = \"/legal/*\"\n[headers.values]\nX-Robots-Tag = \"noarchive\"\n"...)
	if err := os.WriteFile(filepath.Join(root, "config.toml"), cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	legal := filepath.Join(root, "content/legal/_index.md")
	src, _ := os.ReadFile(legal)
	src = []byte(strings.Replace(string(src), "+++\n", "+++\naliases = [\"/policies/\"]\n", 1))
	if err := os.WriteFile(legal, src, 0o644); err != nil {
		t.Fatal(err)
	}
	res := site.Build(site.Options{Root: root})
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	dir := filepath.Join(t.TempDir(), "public")
	if _, err := output.Write(res.Files, dir); err != nil {
		t.Fatal(err)
	}
	base := wrangler(t, dir)

	var css string
	for _, f := range res.Files.Files() {
		if regexp.MustCompile(`^css/site\.[0-9a-f]{8}\.css$`).MatchString(f.Path) {
			css = "/" + f.Path
		}
		if !strings.HasSuffix(f.Path, ".html") || f.Path == "404.html" {
			continue // the 404 page is checked below, at an unknown path
		}
		urlPath := "/" + strings.TrimSuffix(f.Path, "index.html")
		resp, body := get(t, base+urlPath)
		if resp.StatusCode != http.StatusOK || body != string(f.Data) {
			t.Errorf("GET %s = %d, not the built page", urlPath, resp.StatusCode)
			continue
		}
		pol := csp.Parse(resp.Header.Get("Content-Security-Policy"))
		scripts, _ := csp.Inline(f.Data)
		for _, s := range scripts {
			if !pol.Allows("script-src", s.Hash) {
				t.Errorf("GET %s: the header's CSP does not allow the page's inline script %s", urlPath, s.Hash)
			}
		}
		if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("GET %s: CSP header lacks frame-ancestors 'none': %q", urlPath, resp.Header.Get("Content-Security-Policy"))
		}
		if got := resp.Header.Get("Cache-Control"); got != publish.Revalidate {
			t.Errorf("GET %s: Cache-Control = %q, want %q", urlPath, got, publish.Revalidate)
		}
		if strings.HasPrefix(urlPath, "/legal/") != (resp.Header.Get("X-Robots-Tag") == "noarchive") {
			t.Errorf("GET %s: X-Robots-Tag = %q (the [[headers]] rule is for /legal/*)", urlPath, resp.Header.Get("X-Robots-Tag"))
		}
	}
	if css == "" {
		t.Fatal("no fingerprinted stylesheet")
	}
	if resp, _ := get(t, base+css); resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != publish.Immutable {
		t.Errorf("GET %s = %d, Cache-Control %q, want %q", css, resp.StatusCode, resp.Header.Get("Cache-Control"), publish.Immutable)
	}
	for _, from := range []string{"/policies/", "/policies"} {
		if resp, _ := get(t, base+from); resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/legal/" {
			t.Errorf("GET %s = %d Location %q, want 301 to /legal/", from, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	notFound := string(res.Files.Get("404.html").Data)
	if resp, body := get(t, base+"/no/such/page/"); resp.StatusCode != http.StatusNotFound || body != notFound {
		t.Errorf("GET /no/such/page/ = %d, want 404 with the site's 404 page", resp.StatusCode)
	}

	// The notice, as a visitor meets it on Cloudflare Pages: shown, gone
	// after "Got it" and on every later page, under the header's CSP,
	// with no cookie and no request elsewhere.
	tb := newTab(t)
	tb.addScript(probe)
	tb.do(chromedp.Navigate(base + "/"))
	if !tb.bannerShown() {
		t.Fatal("first visit: banner not shown")
	}
	tb.clickGotIt()
	tb.do(chromedp.Navigate(base + "/legal/cookie-policy/"))
	if eval[bool](tb, `window.__drawn`) {
		t.Error("after Got it, the notice is drawn on the next page")
	}
	tb.clean(base)
}

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/certiron/certiron-site/internal/banner"
	"github.com/certiron/certiron-site/internal/content"
)

// probe runs before any script of the page: it records whether the banner
// is ever drawn (checked on every DOM change and every animation frame)
// and every CSP violation.
const probe = `(() => {
  window.__drawn = false;
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
  const check = () => {
    const b = document.getElementById('cookie-notice');
    if (b && getComputedStyle(b).display !== 'none' && b.getClientRects().length > 0) window.__drawn = true;
  };
  new MutationObserver(check).observe(document, {childList: true, subtree: true, attributes: true});
  const frame = () => { check(); requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
})();`

// Ways a browser can refuse storage, installed before the page's scripts.
var storageFailures = map[string]string{
	"getter throws SecurityError": `Object.defineProperty(window, 'localStorage', {configurable: true, get() { throw new DOMException('The operation is insecure.', 'SecurityError'); }});`,
	"getItem and setItem throw SecurityError": `Storage.prototype.getItem = function() { throw new DOMException('denied', 'SecurityError'); };
Storage.prototype.setItem = function() { throw new DOMException('denied', 'SecurityError'); };`,
	"setItem throws QuotaExceededError": `Storage.prototype.setItem = function() { throw new DOMException('full', 'QuotaExceededError'); };`,
	"localStorage is null":              `Object.defineProperty(window, 'localStorage', {configurable: true, get() { return null; }});`,
}

// policyVersion is the version the banner stores: the policy's lastmod.
func policyVersion(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot, "content/legal/cookie-policy.md"))
	if err != nil {
		t.Fatal(err)
	}
	p, errs := content.Parse("content/legal/cookie-policy.md", "legal/cookie-policy.md", src)
	if len(errs) > 0 || p.Lastmod.IsZero() {
		t.Fatalf("cookie policy has no lastmod: %v", errs)
	}
	return p.Lastmod.Format("2006-01-02")
}

func (tb *tab) addScript(src string) {
	tb.t.Helper()
	if _, err := chromedp.Call(tb.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: src}); err != nil {
		tb.t.Fatal(err)
	}
}

// clickGotIt clicks the button with the mouse once the banner's entrance
// animation has finished (a moving target would be missed).
func (tb *tab) clickGotIt() {
	tb.t.Helper()
	tb.waitFor(`document.getAnimations().every(a => a.playState === "finished")`, "the banner to settle")
	tb.do(chromedp.Click(chromedp.Search(`#cookie-notice button`)))
}

// bannerShown reports whether the notice is displayed now.
func (tb *tab) bannerShown() bool {
	tb.t.Helper()
	return eval[bool](tb, `(() => { const b = document.getElementById('cookie-notice'); return !!b && getComputedStyle(b).display !== 'none' && b.getClientRects().length > 0; })()`)
}

// clean asserts no console errors or warnings, no CSP violations, no
// cookies and no requests to other origins.
func (tb *tab) clean(base string) {
	tb.t.Helper()
	if p := tb.problems(); len(p) > 0 {
		tb.t.Errorf("console problems:\n%s", strings.Join(p, "\n"))
	}
	if v := eval[[]string](tb, `window.__csp || []`); len(v) > 0 {
		tb.t.Errorf("CSP violations: %v", v)
	}
	if c := tb.cookies(base + "/"); len(c) > 0 {
		tb.t.Errorf("cookies set: %v", c)
	}
	if off := tb.offOrigin(base); len(off) > 0 {
		tb.t.Errorf("requests to other origins: %v", off)
	}
}

func TestBannerFirstVisitAndMouse(t *testing.T) {
	base := serveStatic(t, realSite(t))
	tb := newTab(t)
	tb.addScript(probe)
	tb.do(chromedp.Navigate(base + "/"))
	if !tb.bannerShown() || !eval[bool](tb, `window.__drawn`) {
		t.Fatal("first visit: banner not shown")
	}
	// The landmark, its name, its link and its button.
	if got := eval[string](tb, `document.querySelector('aside#cookie-notice').getAttribute('aria-label')`); !strings.Contains(got, "Cookie") {
		t.Errorf("landmark name = %q", got)
	}
	if got := eval[string](tb, `document.querySelector('#cookie-notice a').getAttribute('href')`); got != "/legal/cookie-policy/" {
		t.Errorf("banner link = %q", got)
	}
	if got := eval[string](tb, `(() => { const b = document.querySelector('#cookie-notice button'); return b.type + ':' + b.textContent.trim(); })()`); got != "button:Got it" {
		t.Errorf("banner button = %q", got)
	}
	if n := eval[int](tb, `localStorage.length`); n != 0 {
		t.Errorf("storage written before Got it: %d keys", n)
	}
	tb.clickGotIt()
	if tb.bannerShown() {
		t.Error("banner still shown after Got it")
	}
	want := policyVersion(t)
	if got := eval[string](tb, `JSON.stringify(Object.entries(localStorage))`); got != fmt.Sprintf(`[[%q,%q]]`, banner.StorageKey, want) {
		t.Errorf("localStorage = %s, want only %s = %s", got, banner.StorageKey, want)
	}
	if n := eval[int](tb, `sessionStorage.length`); n != 0 {
		t.Errorf("sessionStorage has %d keys", n)
	}
	if got := eval[string](tb, `document.activeElement && document.activeElement.id`); got != "main" {
		t.Errorf("focus after dismissal went to %q, want the main content", got)
	}
	if got := eval[string](tb, `document.cookie`); got != "" {
		t.Errorf("document.cookie = %q", got)
	}

	// Later loads never draw it, not even for a frame.
	for _, path := range []string{"/", "/legal/cookie-policy/", "/legal/", "/no-such-page/"} {
		tb.do(chromedp.Navigate(base + path))
		if eval[bool](tb, `window.__drawn`) {
			t.Errorf("%s: banner drawn after it was acknowledged", path)
		}
	}
	tb.do(chromedp.Reload())
	if eval[bool](tb, `window.__drawn`) {
		t.Error("reload: banner drawn after it was acknowledged")
	}
	tb.clean(base)
}

func TestBannerKeyboard(t *testing.T) {
	base := serveStatic(t, realSite(t))
	tb := newTab(t)
	tb.do(chromedp.Navigate(base + "/legal/cookie-policy/"))
	found := false
	for range 80 {
		tb.do(chromedp.KeyEvent(kb.Tab))
		if eval[bool](tb, `document.activeElement === document.querySelector('#cookie-notice button')`) {
			found = true
			break
		}
	}
	if !found {
		t.Fatal("Tab never reached the Got it button")
	}
	if w := eval[string](tb, `(() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle + ' ' + s.outlineWidth; })()`); strings.HasPrefix(w, "none") || strings.HasSuffix(w, " 0px") {
		t.Errorf("focused button has no visible focus ring: outline %s", w)
	}
	tb.do(chromedp.KeyEvent(kb.Enter))
	if tb.bannerShown() {
		t.Error("banner still shown after Enter on Got it")
	}
	if got := eval[string](tb, `localStorage.getItem('certiron.cookies_ack')`); got != policyVersion(t) {
		t.Errorf("stored %q, want the policy version", got)
	}
	if got := eval[string](tb, `document.activeElement.id`); got != "main" {
		t.Errorf("focus after dismissal = %q, want main", got)
	}
	tb.clean(base)
}

func TestBannerPolicyVersionChange(t *testing.T) {
	base := serveStatic(t, realSite(t))
	tb := newTab(t)
	tb.addScript(probe)
	tb.do(chromedp.Navigate(base + "/"))
	// A visitor who acknowledged an older version of the policy.
	eval[bool](tb, `(localStorage.setItem('certiron.cookies_ack', '1999-01-01'), true)`)
	tb.do(chromedp.Reload())
	if !tb.bannerShown() {
		t.Error("banner hidden for a visitor who acknowledged an older policy")
	}
	eval[bool](tb, fmt.Sprintf(`(localStorage.setItem('certiron.cookies_ack', %q), true)`, policyVersion(t)))
	tb.do(chromedp.Reload())
	if eval[bool](tb, `window.__drawn`) {
		t.Error("banner drawn for a visitor who acknowledged this version")
	}
	tb.clean(base)
}

func TestBannerStorageUnavailable(t *testing.T) {
	base := serveStatic(t, realSite(t))
	for name, script := range storageFailures {
		t.Run(name, func(t *testing.T) {
			tb := newTab(t)
			tb.addScript(probe)
			tb.addScript(script)
			tb.do(chromedp.Navigate(base + "/"))
			if !tb.bannerShown() {
				t.Fatal("banner not shown")
			}
			tb.clickGotIt()
			if tb.bannerShown() {
				t.Error("Got it did not hide the banner")
			}
			tb.clean(base)
		})
	}
}

func TestBannerWithoutJavaScript(t *testing.T) {
	base := serveStatic(t, realSite(t))
	tb := newTab(t)
	if _, err := chromedp.Call(tb.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	tb.do(chromedp.Navigate(base + "/legal/cookie-policy/"))
	got := eval[string](tb, `(() => {
		const b = document.getElementById('cookie-notice');
		const btn = b.querySelector('button');
		const link = b.querySelector('a');
		return [getComputedStyle(b).position, getComputedStyle(btn).display, link.getClientRects().length > 0, document.querySelector('main').innerText.includes('What we store')].join(' ');
	})()`)
	if got != "static none true true" {
		t.Errorf("without JavaScript: banner position, button display, link shown, content readable = %q, want \"static none true true\"", got)
	}
}

func TestBannerLayout(t *testing.T) {
	base := serveStatic(t, realSite(t))
	tb := newTab(t)
	tb.do(chromedp.EmulateViewport(375, 667), chromedp.Navigate(base+"/legal/cookie-policy/"))
	h := eval[float64](tb, `document.getElementById('cookie-notice').getBoundingClientRect().height`)
	if h <= 0 || h > 667*0.35 {
		t.Errorf("on a 375×667 phone the banner is %.0fpx tall; want well under half the screen", h)
	}
	// At the end of the page nothing is hidden behind it.
	gap := eval[float64](tb, `(() => { window.scrollTo(0, document.documentElement.scrollHeight);
		const f = document.querySelector('.site-footer').getBoundingClientRect();
		const b = document.getElementById('cookie-notice').getBoundingClientRect();
		return b.top - f.bottom; })()`)
	if gap < -1 {
		t.Errorf("at the end of the page the banner covers the footer by %.0fpx", -gap)
	}
	if eval[bool](tb, `document.getElementById('cookie-notice').getAttribute('aria-modal') !== null || document.querySelector('[role=dialog]') !== null`) {
		t.Error("banner is a modal")
	}
	// Reduced motion: no animation.
	if _, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}}); err != nil {
		t.Fatal(err)
	}
	if a := eval[string](tb, `getComputedStyle(document.getElementById('cookie-notice')).animationName`); a != "none" {
		t.Errorf("with prefers-reduced-motion the banner animates: %s", a)
	}
}

// contrastJS computes WCAG contrast ratios of the banner's text, link and
// button against their backgrounds.
const contrastJS = `(() => {
  const rgb = c => c.match(/[\d.]+/g).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const b = document.getElementById('cookie-notice'), s = getComputedStyle(b);
  const a = getComputedStyle(b.querySelector('a')), btn = getComputedStyle(b.querySelector('button'));
  return [ratio(s.color, s.backgroundColor), ratio(a.color, s.backgroundColor), ratio(btn.color, btn.backgroundColor)];
})()`

func TestBannerContrast(t *testing.T) {
	base := serveStatic(t, realSite(t))
	for _, scheme := range []string{"light", "dark"} {
		t.Run(scheme, func(t *testing.T) {
			tb := newTab(t)
			if _, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
				t.Fatal(err)
			}
			tb.do(chromedp.Navigate(base + "/"))
			r := eval[[]float64](tb, contrastJS)
			for i, what := range []string{"text", "link", "button"} {
				if r[i] < 4.5 {
					t.Errorf("%s scheme: banner %s contrast %.2f:1, want at least 4.5:1 (WCAG AA)", scheme, what, r[i])
				}
			}
		})
	}
}

// TestBannerScreenshots saves screenshots for a person to look at when
// SCREENSHOTS names a folder.
func TestBannerScreenshots(t *testing.T) {
	dir := os.Getenv("SCREENSHOTS")
	if dir == "" {
		t.Skip("set SCREENSHOTS=DIR to save screenshots")
	}
	base := serveStatic(t, realSite(t))
	for _, c := range []struct {
		name   string
		path   string
		w, h   int64
		scheme string
	}{
		{"home-desktop", "/", 1280, 900, "light"},
		{"policy-desktop", "/legal/cookie-policy/", 1280, 900, "light"},
		{"home-phone", "/", 375, 667, "light"},
		{"policy-phone", "/legal/cookie-policy/", 375, 667, "light"},
		{"policy-desktop-dark", "/legal/cookie-policy/", 1280, 900, "dark"},
		{"legal-phone-dark", "/legal/", 375, 667, "dark"},
	} {
		tb := newTab(t)
		if _, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: c.scheme}, {Name: "prefers-reduced-motion", Value: "reduce"}}}); err != nil {
			t.Fatal(err)
		}
		tb.do(chromedp.EmulateViewport(c.w, c.h), chromedp.Navigate(base+c.path))
		png, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, c.name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBannerScriptBudget keeps all inline script of every page under 600
// bytes, as emitted.
func TestBannerScriptBudget(t *testing.T) {
	for _, f := range realSite(t).Files() {
		if !strings.HasSuffix(f.Path, ".html") {
			continue
		}
		total := 0
		s := string(f.Data)
		for {
			i := strings.Index(s, "<script>")
			if i < 0 {
				break
			}
			j := strings.Index(s[i:], "</script>")
			total += j - len("<script>")
			s = s[i+j:]
		}
		if total == 0 || total >= 600 {
			t.Errorf("%s: inline script is %d bytes; the budget is under 600", f.Path, total)
		}
	}
}

package e2e

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/certiron/certiron-site/internal/corpus"
)

// startServe builds the command, runs `serve` on a copy of the real site
// and returns the site folder and its URL.
func startServe(t *testing.T) (root, url string) {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "certiron-site")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/certiron-site").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	root = t.TempDir()
	for _, p := range []string{"config.toml", "content", "themes", "static"} {
		copyAll(t, filepath.Join(repoRoot, p), filepath.Join(root, p))
	}
	cmd := exec.Command(bin, "serve", "-source", root, "-port", "0", "-debounce", "20ms")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if i := strings.Index(sc.Text(), " at http://"); i >= 0 {
				found <- strings.Fields(sc.Text()[i+4:])[0]
			}
		}
	}()
	select {
	case url = <-found:
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not print its URL")
	}
	return root, strings.TrimSuffix(url, "/")
}

func copyAll(t *testing.T, from, to string) {
	t.Helper()
	if err := corpus.CopyDir(from, to); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls a JavaScript condition in the page.
func (tb *tab) waitFor(cond, what string) {
	tb.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		ok, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](cond))
		if err == nil && ok {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	tb.t.Fatalf("timed out waiting for %s (%s)", what, cond)
}

// waitUntil polls a condition the test observes from outside the page.
func (tb *tab) waitUntil(cond func() bool, what string) {
	tb.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func editFile(t *testing.T, p string, f func(string) string) {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(f(string(b))), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLiveReload(t *testing.T) {
	chromiumPath(t)
	root, base := startServe(t)
	a, b := newTab(t), newTab(t)
	for _, tb := range []*tab{a, b} {
		tb.do(chromedp.EmulateViewport(1000, 700), chromedp.Navigate(base+"/legal/cookie-policy/"))
		tb.waitFor(`document.readyState === "complete"`, "page load")
	}
	eval[bool](a, `(window.scrollTo(0, 900), window.__before = true, true)`)
	a.waitFor(`Math.abs(scrollY - 900) < 2`, "scroll")
	// The server greets a browser with "hello" once it is subscribed
	// (under the lock that broadcasts), so after the hello no change can
	// be missed.
	for _, tb := range []*tab{a, b} {
		tb.waitUntil(func() bool { return tb.received("hello") >= 1 }, "the event stream's hello")
	}

	// A Markdown edit: both tabs show it without a manual reload, and the
	// scroll position survives.
	policy := filepath.Join(root, "content/legal/cookie-policy.md")
	editFile(t, policy, func(s string) string { return s + "\nA live edit appeared.\n" })
	for _, tb := range []*tab{a, b} {
		tb.waitFor(`document.body.innerText.includes("A live edit appeared.")`, "the edited text")
	}
	a.waitFor(`document.readyState === "complete" && window.__before === undefined`, "a reload")
	a.waitFor(`Math.abs(scrollY - 900) < 60`, "the scroll position restored")

	// A CSS change applies without a navigation.
	eval[bool](a, `(window.__noNavigation = true, true)`)
	css := filepath.Join(root, "themes/certiron/assets/css/site.css")
	editFile(t, css, func(s string) string { return s + "\n.prose p { letter-spacing: 3px; }\n" })
	a.waitFor(`getComputedStyle(document.querySelector(".prose p")).letterSpacing === "3px"`, "the new CSS")
	if !eval[bool](a, `window.__noNavigation === true`) {
		t.Error("a CSS change reloaded the page")
	}

	// A broken build shows an overlay naming the file and line; the fix
	// removes it by itself.
	editFile(t, policy, func(s string) string { return strings.Replace(s, "lastmod = 2026-11-28", "lastmod = \"soon\"", 1) })
	a.waitFor(`!!document.getElementById("certiron-build-error") && document.getElementById("certiron-build-error").innerText.includes("content/legal/cookie-policy.md:4:1:")`, "the error overlay")
	if !eval[bool](a, `document.getElementById("certiron-build-error").innerText.includes('lastmod = "soon"')`) {
		t.Error("overlay does not show the offending source line")
	}
	editFile(t, policy, func(s string) string { return strings.Replace(s, "lastmod = \"soon\"", "lastmod = 2026-11-28", 1) })
	a.waitFor(`!document.getElementById("certiron-build-error")`, "the overlay to go")

	for _, tb := range []*tab{a, b} {
		if p := tb.problems(); len(p) > 0 {
			t.Errorf("console problems:\n%s", strings.Join(p, "\n"))
		}
		if off := tb.offOrigin(base); len(off) > 0 {
			t.Errorf("requests to other origins: %v", off)
		}
	}
}

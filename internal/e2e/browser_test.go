package e2e

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/certiron/certiron-site/internal/output"
	"github.com/certiron/certiron-site/internal/server"
	"github.com/certiron/certiron-site/internal/site"
)

// repoRoot is the repository, two folders up.
const repoRoot = "../.."

// chromiumPath finds Debian's chromium (or another Chrome) on PATH. Under
// CI=true a missing browser fails the test instead of skipping it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium on PATH: CI must install it (apt-get install -y chromium)")
	}
	t.Skip("no chromium on PATH; apt-get install -y chromium to run the browser tests")
	return ""
}

var (
	browserOnce sync.Once
	browserCtx  context.Context
	browserErr  error
	// browserStop ends the browser, and browserDir is its profile
	// folder: TestMain removes both after the last test.
	browserStop []context.CancelFunc
	browserDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(browserStop) - 1; i >= 0; i-- {
		browserStop[i]()
	}
	if browserDir != "" {
		os.RemoveAll(browserDir)
	}
	os.Exit(code)
}

// browser starts one headless Chromium for the whole test binary.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath(t)
	browserOnce.Do(func() {
		dir, err := os.MkdirTemp("", "certiron-chromium-")
		if err != nil {
			browserErr = err
			return
		}
		browserDir = dir
		alloc, stopAlloc := chromedp.NewExecAllocator(context.Background(),
			chromedp.ExecPath(path),
			chromedp.Headless,
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.UserDataDir(dir),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.WindowSize(1280, 900),
		)
		ctx, stopBrowser := chromedp.NewContext(alloc)
		browserStop = []context.CancelFunc{stopAlloc, stopBrowser}
		browserErr = chromedp.Do(ctx) // start the browser
		browserCtx = ctx
	})
	if browserErr != nil {
		t.Fatalf("starting chromium: %v", browserErr)
	}
	return browserCtx
}

// tab is one page in a fresh browser context (its own storage and
// cookies), recording what a reviewer wants to know about it.
type tab struct {
	ctx context.Context
	t   *testing.T

	mu       sync.Mutex
	console  []string // errors and warnings from the console and the browser log
	requests []string // every URL the page requested
	events   []string // the names of the Server-Sent Events the page received
}

func newTab(t *testing.T) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser(t), chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel() })
	tb := &tab{ctx: ctx, t: t}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Listen(ctx, tb.record); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, log.Enable, struct{}{}); err != nil {
		t.Fatal(err)
	}
	return tb
}

func (tb *tab) record(ev any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range ev.Args {
				parts = append(parts, strings.Trim(string(a.Value), `"`)+a.Description)
			}
			tb.console = append(tb.console, "console."+string(ev.Type)+": "+strings.Join(parts, " "))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		tb.console = append(tb.console, "exception: "+msg)
	case *log.EventEntryAdded:
		// A 404 for a page the test asked for on purpose is not a problem.
		if strings.Contains(ev.Entry.URL, "/no-such-page") && strings.Contains(ev.Entry.Text, "404") {
			return
		}
		if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
			tb.console = append(tb.console, "log."+string(ev.Entry.Level)+": "+ev.Entry.Text+" "+ev.Entry.URL)
		}
	case *network.EventRequestWillBeSent:
		tb.requests = append(tb.requests, ev.Request.URL)
	case *network.EventEventSourceMessageReceived:
		tb.events = append(tb.events, ev.EventName)
	}
}

// received counts the Server-Sent Events named name the page got.
func (tb *tab) received(name string) int {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	n := 0
	for _, e := range tb.events {
		if e == name {
			n++
		}
	}
	return n
}

// do runs actions, failing the test on error.
func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, actions...); err != nil {
		tb.t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// problems returns the console errors and warnings seen so far.
func (tb *tab) problems() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]string(nil), tb.console...)
}

// offOrigin returns the requests that went anywhere but origin.
func (tb *tab) offOrigin(origin string) []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	var out []string
	for _, u := range tb.requests {
		if !strings.HasPrefix(u, origin+"/") && !strings.HasPrefix(u, "data:") {
			out = append(out, u)
		}
	}
	return out
}

// cookies returns every cookie the browser holds for the page.
func (tb *tab) cookies(urls ...string) []*network.Cookie {
	tb.t.Helper()
	res, err := chromedp.Call(tb.ctx, network.GetCookies, network.GetCookiesParams{URLs: urls})
	if err != nil {
		tb.t.Fatal(err)
	}
	return res.Cookies
}

// builtSite builds the real site once per test binary.
var (
	siteOnce sync.Once
	siteSet  *output.Set
	siteErr  string
)

func realSite(t *testing.T) *output.Set {
	t.Helper()
	siteOnce.Do(func() {
		res := site.Build(site.Options{Root: repoRoot})
		if len(res.Errors) > 0 {
			siteErr = res.Errors.Error()
			return
		}
		siteSet = res.Files
	})
	if siteErr != "" {
		t.Fatalf("building the real site:\n%s", siteErr)
	}
	return siteSet
}

// serveStatic serves a built site as a static host would: the files, the
// headers of its _headers file, and 404.html for unknown paths.
func serveStatic(t *testing.T, set *output.Set) string {
	t.Helper()
	srv := httptest.NewServer(server.Static(set))
	t.Cleanup(srv.Close)
	return srv.URL
}

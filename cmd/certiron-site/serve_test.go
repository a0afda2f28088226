package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// liveSite runs `serve` on a copy of the real site with a short debounce
// and returns the site folder, the URL and an event stream.
func liveSite(t *testing.T) (root, url string, events <-chan [2]string, stdout, stderr *syncBuffer) {
	t.Helper()
	return liveSiteDebounce(t, 20*time.Millisecond)
}

// liveSiteDebounce is liveSite with another quiet time for bursts.
func liveSiteDebounce(t *testing.T, debounce time.Duration) (root, url string, events <-chan [2]string, stdout, stderr *syncBuffer) {
	t.Helper()
	root = newSite(t)
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	stdout, stderr = &syncBuffer{}, &syncBuffer{}
	go func() {
		done <- serve(ctx, serveConfig{source: root, bind: "127.0.0.1", port: 0, debounce: debounce}, stdout, stderr, func(u string) { ready <- u })
	}()
	select {
	case url = <-ready:
	case err := <-done:
		t.Fatalf("serve ended: %v\n%s", err, stderr)
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not start")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("serve did not stop on cancel")
		}
	})
	resp, err := http.Get(url + "_certiron/events")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	ch := make(chan [2]string, 64)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(resp.Body)
		var name, data string
		for sc.Scan() {
			switch l := sc.Text(); {
			case strings.HasPrefix(l, "event: "):
				name = l[7:]
			case strings.HasPrefix(l, "data: "):
				data += l[6:]
			case l == "" && name != "":
				ch <- [2]string{name, data}
				name, data = "", ""
			}
		}
	}()
	if ev := nextEvent(t, ch); ev[0] != "hello" {
		t.Fatalf("first event %v", ev)
	}
	return root, url, ch, stdout, stderr
}

func nextEvent(t *testing.T, ch <-chan [2]string) [2]string {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if !ok {
			t.Fatal("event stream closed")
		}
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10s")
	}
	return [2]string{}
}

func noEvent(t *testing.T, ch <-chan [2]string, within time.Duration) {
	t.Helper()
	select {
	case ev := <-ch:
		t.Fatalf("unexpected event %v", ev)
	case <-time.After(within):
	}
}

func fetch(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func put(t *testing.T, p, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestServeLiveEdits(t *testing.T) {
	root, url, events, stdout, _ := liveSite(t)
	legal := filepath.Join(root, "content/legal/_index.md")
	orig, _ := os.ReadFile(legal)

	// In place.
	put(t, legal, string(orig)+"\nEdited in place.\n")
	if ev := nextEvent(t, events); ev[0] != "reload" {
		t.Fatalf("in-place edit: %v, want reload", ev)
	}
	if _, body := fetch(t, url+"legal/"); !strings.Contains(body, "Edited in place.") {
		t.Error("in-place edit not served")
	}

	// An editor's atomic save: write a temp file, rename it over.
	tmp := filepath.Join(root, "content/legal/.index.md.tmp-42")
	put(t, tmp, string(orig)+"\nSaved atomically.\n")
	if err := os.Rename(tmp, legal); err != nil {
		t.Fatal(err)
	}
	if ev := nextEvent(t, events); ev[0] != "reload" {
		t.Fatalf("atomic save: %v, want reload", ev)
	}
	if _, body := fetch(t, url+"legal/"); !strings.Contains(body, "Saved atomically.") || strings.Contains(body, "Edited in place.") {
		t.Error("atomic save not served")
	}

	// A new file in a new folder.
	put(t, filepath.Join(root, "content/company/about/index.md"), "+++\ntitle = \"About\"\n+++\nAbout CERTIRON.\n")
	if ev := nextEvent(t, events); ev[0] != "reload" {
		t.Fatalf("new page: %v, want reload", ev)
	}
	if status, body := fetch(t, url+"company/about/"); status != 200 || !strings.Contains(body, "About CERTIRON.") {
		t.Errorf("new page = %d", status)
	}

	// A deleted file: its URL becomes a 404.
	if err := os.RemoveAll(filepath.Join(root, "content/company")); err != nil {
		t.Fatal(err)
	}
	if ev := nextEvent(t, events); ev[0] != "reload" {
		t.Fatalf("deleted page: %v, want reload", ev)
	}
	if status, body := fetch(t, url+"company/about/"); status != 404 || !strings.Contains(body, "Page not found") {
		t.Errorf("deleted page = %d, want the site's 404", status)
	}

	// A CSS change swaps stylesheets without a reload.
	css := filepath.Join(root, "themes/certiron/assets/css/site.css")
	src, _ := os.ReadFile(css)
	put(t, css, string(src)+"\n.added-rule { color: red; }\n")
	if ev := nextEvent(t, events); ev[0] != "css" {
		t.Fatalf("CSS edit: %v, want css", ev)
	}
	if !strings.Contains(stdout.String(), "rebuilt in") {
		t.Errorf("terminal does not report rebuilds:\n%s", stdout)
	}
}

func TestServeBurstIsOneRebuild(t *testing.T) {
	// A burst that never goes quiet is cut into batches every 10 quiet
	// times: 250ms lets 50 writes finish in one even on a busy machine.
	root, _, events, stdout, _ := liveSiteDebounce(t, 250*time.Millisecond)
	for i := range 50 {
		put(t, filepath.Join(root, fmt.Sprintf("content/legal/p%02d.md", i)), fmt.Sprintf("+++\ntitle = \"P%d\"\n+++\nPage %d.\n", i, i))
	}
	if ev := nextEvent(t, events); ev[0] != "reload" {
		t.Fatalf("burst: %v, want reload", ev)
	}
	noEvent(t, events, 300*time.Millisecond)
	if n := strings.Count(stdout.String(), "rebuilt in"); n != 1 {
		t.Errorf("50 writes caused %d rebuilds, want 1:\n%s", n, stdout)
	}
}

func TestServeBrokenAndFixed(t *testing.T) {
	root, url, events, _, stderr := liveSite(t)
	policy := filepath.Join(root, "content/legal/cookie-policy.md")
	orig, _ := os.ReadFile(policy)
	put(t, policy, strings.Replace(string(orig), "lastmod = 2026-11-28", "lastmod = 2026-28-11", 1))
	ev := nextEvent(t, events)
	if ev[0] != "build-error" || !strings.Contains(ev[1], `content/legal/cookie-policy.md:4:11: invalid datetime`) || strings.Contains(ev[1], "menu item") || !strings.Contains(ev[1], `"line":"lastmod = 2026-28-11"`) {
		t.Fatalf("broken front matter: %v", ev)
	}
	if !strings.Contains(stderr.String(), "content/legal/cookie-policy.md:4:11:") {
		t.Errorf("terminal lacks the error:\n%s", stderr)
	}
	if status, body := fetch(t, url+"legal/cookie-policy/"); status != 200 || !strings.Contains(body, "What we store") {
		t.Error("last good site not served while broken")
	}
	put(t, policy, string(orig))
	if ev := nextEvent(t, events); ev[0] != "ok" {
		t.Fatalf("after the fix: %v, want ok\n%s", ev, stderr)
	}
}

func TestServePortInUse(t *testing.T) {
	_, url, _, _, _ := liveSite(t)
	port := strings.TrimSuffix(url[strings.LastIndex(url, ":")+1:], "/")
	code, _, stderr := runCmd("serve", "-source", newSite(t), "-port", port)
	if code != 1 || !strings.Contains(stderr, "is already in use") || strings.Contains(stderr, "goroutine") {
		t.Errorf("serve on a used port = %d %q", code, stderr)
	}
}

// TestServeUnreleasedDraft: editing a released legal page shows the
// draft in the preview, with a warning in the browser that a build would
// refuse it until it is released.
func TestServeUnreleasedDraft(t *testing.T) {
	root, url, events, _, stderr := liveSite(t)
	policy := filepath.Join(root, "content/legal/cookie-policy.md")
	orig, _ := os.ReadFile(policy)
	put(t, policy, string(orig)+"\nA sentence not yet released.\n")
	var ev [2]string
	for ev[0] != "build-warning" {
		if ev = nextEvent(t, events); ev[0] == "build-error" {
			t.Fatalf("the preview refused the draft: %v", ev)
		}
	}
	if !strings.Contains(ev[1], "content/legal/cookie-policy.md:") || !strings.Contains(ev[1], "unreleased changes to a released policy") {
		t.Errorf("warning = %s", ev[1])
	}
	if _, body := fetch(t, url+"legal/cookie-policy/"); !strings.Contains(body, "A sentence not yet released.") {
		t.Error("the preview does not show the draft")
	}
	if !strings.Contains(stderr.String(), "warning: content/legal/cookie-policy.md:") {
		t.Errorf("terminal lacks the warning:\n%s", stderr)
	}
	put(t, policy, string(orig))
	for ev[0] != "ok" {
		ev = nextEvent(t, events)
	}
}

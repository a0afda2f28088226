package server

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/certiron/certiron-site/internal/banner"
	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/output"
)

const page = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'sha256-AAA'; style-src 'self'"><link rel="stylesheet" href="/css/site.css"></head><body><main>%s</main></body></html>`

func testSet(body string) *output.Set {
	s := output.NewSet()
	add := func(p, d string) { s.Add(&output.File{Path: p, Data: []byte(d)}) }
	add("index.html", strings.Replace(page, "%s", body, 1))
	add("legal/index.html", strings.Replace(page, "%s", "legal", 1))
	add("legal/cookie-policy/index.html", strings.Replace(page, "%s", "policy", 1))
	add("404.html", strings.Replace(page, "%s", "not found here", 1))
	add("css/site.css", "body{color:red}")
	add("images/logo.svg", "<svg/>")
	add("images/sub/x.png", "png")
	add("_headers", "/*\n  Content-Security-Policy: default-src 'self'; script-src 'self' 'sha256-AAA'\n  X-Frame-Options: DENY\n/legal/*\n  X-Legal: yes\n")
	return s
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// rawGet sends the request target exactly as given, unnormalised.
func rawGet(t *testing.T, addr, target string) (status int, body string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "GET "+target+" HTTP/1.1\r\nHost: "+addr+"\r\nConnection: close\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServeFiles(t *testing.T) {
	s := New(Options{})
	s.Update(testSet("home"), nil)
	ts := httptest.NewServer(s)
	defer ts.Close()
	defer s.Close()
	tests := []struct {
		path, status, ctype, body string
	}{
		{"/", "200", "text/html; charset=utf-8", "home"},
		{"/legal/", "200", "text/html; charset=utf-8", "legal"},
		{"/legal/cookie-policy/", "200", "text/html; charset=utf-8", "policy"},
		{"/css/site.css?v=3", "200", "text/css; charset=utf-8", "body{color:red}"},
		{"/images/logo.svg", "200", "image/svg+xml", "<svg/>"},
		{"/images/", "404", "text/html; charset=utf-8", "not found here"},
		{"/nope", "404", "text/html; charset=utf-8", "not found here"},
		{"/_headers", "404", "text/html; charset=utf-8", "not found here"},
	}
	for _, tt := range tests {
		resp, body := get(t, ts.URL+tt.path)
		if got := strings.Split(resp.Status, " ")[0]; got != tt.status || resp.Header.Get("Content-Type") != tt.ctype || !strings.Contains(body, tt.body) {
			t.Errorf("GET %s = %s %q %q, want %s %q containing %q", tt.path, got, resp.Header.Get("Content-Type"), body, tt.status, tt.ctype, tt.body)
		}
		if resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s headers = %v", tt.path, resp.Header)
		}
	}
	resp, _ := get(t, ts.URL+"/legal?x=1")
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/legal/?x=1" {
		t.Errorf("GET /legal = %d %s, want 301 to /legal/?x=1", resp.StatusCode, resp.Header.Get("Location"))
	}
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/", nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST / = %v, %v; want 405", resp, err)
	}
}

func TestTraversal(t *testing.T) {
	s := New(Options{})
	s.Update(testSet("home"), nil)
	ts := httptest.NewServer(s)
	defer ts.Close()
	defer s.Close()
	addr := strings.TrimPrefix(ts.URL, "http://")
	for _, target := range []string{
		"/../etc/passwd",
		"/..%2f..%2fetc/passwd",
		"/%2e%2e/%2e%2e/etc/passwd",
		"/%2e%2e%2fetc%2fpasswd",
		"/legal/..%5c..%5cetc%5cpasswd",
		"/legal/..\\..\\etc\\passwd",
		"//etc/passwd",
		"/legal//cookie-policy/",
		"/legal/%00",
		"/images/./logo.svg",
		"http://example.com/../../etc/passwd",
		"/css/%2e%2e/index.html",
	} {
		status, body := rawGet(t, addr, target)
		if status != http.StatusNotFound && status != http.StatusBadRequest {
			t.Errorf("GET %s = %d, want 404", target, status)
		}
		if status == http.StatusNotFound && !strings.Contains(body, "not found here") {
			t.Errorf("GET %s did not serve the site's 404 page: %q", target, body)
		}
		if strings.Contains(body, "root:") {
			t.Errorf("GET %s leaked a file from outside the site", target)
		}
	}
}

var injected = regexp.MustCompile(`<script>(\(\(\) => \{[\s\S]*?)</script></body>`)

func TestHeadersAndInjection(t *testing.T) {
	s := New(Options{})
	s.Update(testSet("home"), nil)
	ts := httptest.NewServer(s)
	defer ts.Close()
	defer s.Close()
	resp, body := get(t, ts.URL+"/legal/cookie-policy/")
	m := injected.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no live-reload script before </body>: %s", body)
	}
	hash := banner.Hash([]byte(m[1]))
	if csp := resp.Header.Get("Content-Security-Policy"); csp != "default-src 'self'; script-src 'self' 'sha256-AAA' "+hash {
		t.Errorf("CSP header = %q, want the injected script's hash %s added", csp, hash)
	}
	if !strings.Contains(body, `content="default-src 'self'; script-src 'self' 'sha256-AAA' `+hash+`; style-src 'self'"`) {
		t.Errorf("meta CSP not patched with %s: %s", hash, body)
	}
	if resp.Header.Get("X-Frame-Options") != "DENY" || resp.Header.Get("X-Legal") != "yes" {
		t.Errorf("_headers rules not applied: %v", resp.Header)
	}
	if resp, _ := get(t, ts.URL+"/"); resp.Header.Get("X-Legal") != "" {
		t.Error("/legal/* rule applied to /")
	}
	// Static serves the same without live reload.
	st := httptest.NewServer(Static(testSet("home")))
	defer st.Close()
	resp, body = get(t, st.URL+"/")
	if strings.Contains(body, "EventSource") || strings.Contains(resp.Header.Get("Content-Security-Policy"), hash) {
		t.Error("Static injected the live-reload script")
	}
}

// stream reads server-sent events.
type stream struct {
	events chan [2]string
	resp   *http.Response
}

func connect(t *testing.T, url string) *stream {
	t.Helper()
	resp, err := http.Get(url + EventsPath)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events Content-Type = %q", resp.Header.Get("Content-Type"))
	}
	s := &stream{events: make(chan [2]string, 16), resp: resp}
	go func() {
		defer close(s.events)
		sc := bufio.NewScanner(resp.Body)
		var name, data string
		for sc.Scan() {
			l := sc.Text()
			switch {
			case strings.HasPrefix(l, "event: "):
				name = l[7:]
			case strings.HasPrefix(l, "data: "):
				data += l[6:]
			case l == "" && name != "":
				s.events <- [2]string{name, data}
				name, data = "", ""
			}
		}
	}()
	t.Cleanup(func() { resp.Body.Close() })
	return s
}

func (s *stream) next(t *testing.T) (string, string) {
	t.Helper()
	select {
	case ev, ok := <-s.events:
		if !ok {
			t.Fatal("stream closed")
		}
		return ev[0], ev[1]
	case <-time.After(3 * time.Second):
		t.Fatal("no event within 3s")
	}
	return "", ""
}

func TestEvents(t *testing.T) {
	s := New(Options{})
	s.Update(testSet("v1"), nil)
	ts := httptest.NewServer(s)
	defer ts.Close()
	a, b := connect(t, ts.URL), connect(t, ts.URL)
	for _, c := range []*stream{a, b} {
		if name, data := c.next(t); name != "hello" || data != s.gen {
			t.Fatalf("first event = %s %s, want hello %s", name, data, s.gen)
		}
	}
	s.Update(testSet("v2"), []string{"index.html", "sitemap.xml"})
	for _, c := range []*stream{a, b} {
		if name, _ := c.next(t); name != "reload" {
			t.Errorf("after a page change: %s, want reload", name)
		}
	}
	if _, body := get(t, ts.URL+"/"); !strings.Contains(body, "v2") {
		t.Error("new site not served after Update")
	}
	s.Update(testSet("v2"), []string{"css/site.css"})
	if name, _ := a.next(t); name != "css" {
		t.Errorf("after a CSS change: %s, want css", name)
	}
	b.next(t)

	errs := diag.List{diag.Errorf(diag.Pos{File: "content/x.md", Line: 2, Col: 5}, "front matter %q: bad", "date")}
	s.Fail(errs, map[string][]byte{"content/x.md": []byte("+++\ndate = nope\n+++\n")})
	name, data := a.next(t)
	if name != "build-error" || !strings.Contains(data, `content/x.md:2:5: front matter \"date\": bad`) || !strings.Contains(data, `"line":"date = nope"`) {
		t.Errorf("after Fail: %s %s", name, data)
	}
	b.next(t)
	if _, body := get(t, ts.URL+"/"); !strings.Contains(body, "v2") {
		t.Error("last good site not served while failing")
	}
	// A tab opened while the build is broken sees the error at once.
	c := connect(t, ts.URL)
	c.next(t) // hello
	if name, _ := c.next(t); name != "build-error" {
		t.Errorf("new client during failure got %s, want build-error", name)
	}
	s.Update(testSet("v3"), []string{"index.html"})
	for _, st := range []*stream{a, b, c} {
		if name, _ := st.next(t); name != "ok" {
			t.Errorf("after the fix: %s, want ok", name)
		}
		if name, _ := st.next(t); name != "reload" {
			t.Errorf("after the fix: %s, want reload", name)
		}
	}
	// Close ends the streams.
	s.Close()
	select {
	case _, ok := <-a.events:
		for ok {
			_, ok = <-a.events
		}
	case <-time.After(3 * time.Second):
		t.Error("Close did not end the stream")
	}
}

func TestListen(t *testing.T) {
	ln, err := Listen("127.0.0.1", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	_, err = Listen("127.0.0.1", port)
	if err == nil || !strings.Contains(err.Error(), "is already in use") || !strings.Contains(err.Error(), "-port") {
		t.Errorf("Listen on a used port = %v", err)
	}
	for bind, want := range map[string]bool{"127.0.0.1": true, "localhost": true, "::1": true, "0.0.0.0": false, "192.168.1.2": false, "": false} {
		if IsLoopback(bind) != want {
			t.Errorf("IsLoopback(%q) = %v", bind, !want)
		}
	}
}

func TestParseHeaders(t *testing.T) {
	rules := ParseHeaders([]byte("# comment\n/*\n  A: 1\n  B: x: y\n/legal/*\n  C: 2\n/exact\n  D: 3\n"))
	tests := []struct {
		path string
		want string
	}{
		{"/", "A=1 B=x: y"},
		{"/legal/cookie-policy/", "A=1 B=x: y C=2"},
		{"/exact", "A=1 B=x: y D=3"},
		{"/exact/more", "A=1 B=x: y"},
	}
	for _, tt := range tests {
		h := http.Header{}
		rules.Apply(h, tt.path)
		var got []string
		for _, k := range []string{"A", "B", "C", "D"} {
			if v := h.Get(k); v != "" {
				got = append(got, k+"="+v)
			}
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("Apply(%s) = %s, want %s", tt.path, strings.Join(got, " "), tt.want)
		}
	}
}

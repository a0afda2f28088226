package server

import (
	"bufio"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/output"
)

const page = `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'sha256-AAA'; style-src 'self'"><link rel="stylesheet" href="/css/site.css"></head><body><main>%s</main></body></html>`

const headers = `# Security headers
/*
  Content-Security-Policy: default-src 'self'; script-src 'self' 'sha256-AAA'; connect-src 'self'
  X-Frame-Options: DENY
/legal/*
  X-Legal: yes
`

func testSet(body string) *output.Set {
	s := output.NewSet()
	add := func(p, d string) { s.Add(&output.File{Path: p, Data: []byte(d)}) }
	add("index.html", fmt.Sprintf(page, body))
	add("legal/index.html", fmt.Sprintf(page, "legal"))
	add("legal/cookie-policy/index.html", fmt.Sprintf(page, "policy"))
	add("404.html", fmt.Sprintf(page, "not found here"))
	add("css/site.css", "body{color:red}")
	add("js/app.js", "console.log(1)")
	add("images/logo.svg", "<svg/>")
	add("images/sub/x.png", "png")
	add("fonts/a.woff2", "wOF2")
	add("favicon.ico", "ico")
	add("site.webmanifest", "{}")
	add("sitemap.xml", "<urlset/>")
	add("data.json", "{}")
	add("robots.txt", "User-agent: *")
	add(".well-known/security.txt", "Contact: mailto:x@example.com")
	add("_headers", headers)
	return s
}

// newServer serves testSet(body) on a random port of 127.0.0.1.
func newServer(t *testing.T, opt Options) (*Server, *httptest.Server) {
	t.Helper()
	s := New(opt)
	s.Update(testSet("home"), nil)
	ts := httptest.NewServer(s)
	t.Cleanup(func() {
		s.Close()
		ts.Close()
	})
	return s, ts
}

func do(t *testing.T, method, url string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
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
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", target, addr)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServeFiles(t *testing.T) {
	_, ts := newServer(t, Options{})
	tests := []struct {
		method, path string
		status       int
		ctype, body  string
	}{
		{"GET", "/", 200, "text/html; charset=utf-8", "<main>home</main>"},
		{"GET", "/index.html", 200, "text/html; charset=utf-8", "<main>home</main>"},
		{"GET", "/?utm=1", 200, "text/html; charset=utf-8", "<main>home</main>"},
		{"GET", "/legal/", 200, "text/html; charset=utf-8", "<main>legal</main>"},
		{"GET", "/legal/cookie-policy/", 200, "text/html; charset=utf-8", "<main>policy</main>"},
		{"GET", "/css/site.css?v=3", 200, "text/css; charset=utf-8", "body{color:red}"},
		{"GET", "/js/app.js", 200, "text/javascript; charset=utf-8", "console.log(1)"},
		{"GET", "/images/logo.svg", 200, "image/svg+xml", "<svg/>"},
		{"GET", "/images/sub/x.png", 200, "image/png", "png"},
		{"GET", "/fonts/a.woff2", 200, "font/woff2", "wOF2"},
		{"GET", "/favicon.ico", 200, "image/x-icon", "ico"},
		{"GET", "/site.webmanifest", 200, "application/manifest+json", "{}"},
		{"GET", "/sitemap.xml", 200, "application/xml; charset=utf-8", "<urlset/>"},
		{"GET", "/data.json", 200, "application/json", "{}"},
		{"GET", "/robots.txt", 200, "text/plain; charset=utf-8", "User-agent: *"},
		{"GET", "/.well-known/security.txt", 200, "text/plain; charset=utf-8", "Contact:"},
		{"HEAD", "/legal/", 200, "text/html; charset=utf-8", ""},
		{"GET", "/images/", 404, "text/html; charset=utf-8", "not found here"},
		{"GET", "/images", 404, "text/html; charset=utf-8", "not found here"},
		{"GET", "/nope", 404, "text/html; charset=utf-8", "not found here"},
		{"GET", "/legal/nope/", 404, "text/html; charset=utf-8", "not found here"},
		{"GET", "/_headers", 404, "text/html; charset=utf-8", "not found here"},
		{"HEAD", "/nope", 404, "text/html; charset=utf-8", ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			resp, body := do(t, tt.method, ts.URL+tt.path)
			if resp.StatusCode != tt.status || resp.Header.Get("Content-Type") != tt.ctype || !strings.Contains(body, tt.body) {
				t.Errorf("%s %s = %d %q %q, want %d %q containing %q", tt.method, tt.path, resp.StatusCode, resp.Header.Get("Content-Type"), body, tt.status, tt.ctype, tt.body)
			}
			if tt.method == "HEAD" && (body != "" || resp.ContentLength <= 0) {
				t.Errorf("HEAD %s: body %q, Content-Length %d", tt.path, body, resp.ContentLength)
			}
			if got := resp.Header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("%s Cache-Control = %q, want no-store", tt.path, got)
			}
			if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("%s X-Content-Type-Options = %q, want nosniff", tt.path, got)
			}
			if strings.Contains(body, "Index of") || strings.Contains(body, `href="sub/"`) {
				t.Errorf("%s looks like a directory listing: %q", tt.path, body)
			}
		})
	}
}

func TestMethods(t *testing.T) {
	_, ts := newServer(t, Options{})
	for _, tt := range []struct{ method, path string }{
		{"POST", "/"},
		{"PUT", "/legal/"},
		{"DELETE", "/css/site.css"},
		{"OPTIONS", "/"},
		{"POST", EventsPath},
	} {
		resp, _ := do(t, tt.method, ts.URL+tt.path)
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") == "" {
			t.Errorf("%s %s = %d (Allow %q), want 405 with Allow", tt.method, tt.path, resp.StatusCode, resp.Header.Get("Allow"))
		}
	}
}

func TestRedirectToFolder(t *testing.T) {
	s, ts := newServer(t, Options{})
	tests := []struct{ path, location string }{
		{"/legal", "/legal/"},
		{"/legal?x=1", "/legal/?x=1"},
		{"/legal/cookie-policy", "/legal/cookie-policy/"},
	}
	for _, tt := range tests {
		resp, _ := do(t, "GET", ts.URL+tt.path)
		if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != tt.location {
			t.Errorf("GET %s = %d to %q, want 301 to %q", tt.path, resp.StatusCode, resp.Header.Get("Location"), tt.location)
		}
	}
	// Mounted under a base path, the redirect keeps it.
	mux := http.NewServeMux()
	mux.Handle("/base/", http.StripPrefix("/base", s))
	mounted := httptest.NewServer(mux)
	defer mounted.Close()
	if resp, _ := do(t, "GET", mounted.URL+"/base/legal"); resp.Header.Get("Location") != "/base/legal/" {
		t.Errorf("mounted GET /base/legal redirects to %q, want /base/legal/", resp.Header.Get("Location"))
	}
}

func TestTraversal(t *testing.T) {
	_, ts := newServer(t, Options{})
	addr := ts.Listener.Addr().String()
	tests := []struct {
		target string
		status int // 0: the site's 404
	}{
		{"/../etc/passwd", 0},
		{"/../", 0},
		{"/..", 0},
		{"/..%2f", 0},
		{"/..%2f..%2fetc/passwd", 0},
		{"/%2e%2e/", 0},
		{"/%2e%2e/%2e%2e/etc/passwd", 0},
		{"/%2e%2e%2fetc%2fpasswd", 0},
		{"/%2E%2E%2Fetc%2Fpasswd", 0},
		{"/legal/..%5c..%5c", 0},
		{"/legal/..%5c..%5cetc%5cpasswd", 0},
		{`/legal/..\..\etc\passwd`, 0},
		{`/legal\cookie-policy\`, 0},
		{"/legal%2fcookie-policy/", 0},
		{"//etc/passwd", 0},
		{"//legal/", 0},
		{"/legal//cookie-policy/", 0},
		{"/legal/%00", 0},
		{"/index.html%00.txt", 0},
		{"/./index.html", 0},
		{"/images/./logo.svg", 0},
		{"/css/%2e%2e/index.html", 0},
		{"/css/%2e/site.css", 0},
		{"/_headers", 0},
		{"/%5fheaders", 0},
		{"http://example.com/../../etc/passwd", 0},
		{"http://example.com//etc/passwd", 0},
		{"../etc/passwd", http.StatusBadRequest}, // refused by net/http itself
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			status, body := rawGet(t, addr, tt.target)
			if tt.status != 0 {
				if status != tt.status {
					t.Errorf("GET %s = %d, want %d", tt.target, status, tt.status)
				}
				return
			}
			if status != http.StatusNotFound || !strings.Contains(body, "<main>not found here</main>") {
				t.Errorf("GET %s = %d %q, want 404 with the site's 404 page", tt.target, status, body)
			}
		})
	}
}

func TestNotFoundWithout404Page(t *testing.T) {
	s := New(Options{})
	set := output.NewSet()
	set.Add(&output.File{Path: "index.html", Data: []byte("<p>home")})
	s.Update(set, nil)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/missing", nil))
	if rec.Code != http.StatusNotFound || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") || !strings.Contains(rec.Body.String(), "404") {
		t.Errorf("GET /missing with no 404.html = %d %q %q, want a plain-text 404", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
}

// script matches the injected live-reload script.
var script = regexp.MustCompile(`<script data-certiron-gen="([^"]+)">([\s\S]*?)</script>`)

func hashOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

func TestInjectionAndCSP(t *testing.T) {
	_, ts := newServer(t, Options{})
	resp, body := do(t, "GET", ts.URL+"/legal/cookie-policy/")
	m := script.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no live-reload script: %s", body)
	}
	if !strings.HasSuffix(body, m[0]+"</body></html>") {
		t.Errorf("script not injected just before </body>: %s", body)
	}
	if m[2] != liveReloadJS {
		t.Error("injected script differs from livereload.js")
	}
	// The hash in the policies is the hash of the bytes served.
	hash := hashOf(m[2])
	if got, want := resp.Header.Get("Content-Security-Policy"), "default-src 'self'; script-src 'self' 'sha256-AAA' "+hash+"; connect-src 'self'"; got != want {
		t.Errorf("CSP header = %q, want %q", got, want)
	}
	if want := `<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'sha256-AAA' ` + hash + `; style-src 'self'">`; !strings.Contains(body, want) {
		t.Errorf("meta CSP not patched, want %s in %s", want, body)
	}
	if resp.Header.Get("X-Frame-Options") != "DENY" || resp.Header.Get("X-Legal") != "yes" {
		t.Errorf("_headers rules not applied: %v", resp.Header)
	}
	if resp.ContentLength != int64(len(body)) {
		t.Errorf("Content-Length %d, body %d bytes", resp.ContentLength, len(body))
	}
	// /legal/* does not apply to /, and only HTML gets the script.
	if resp, _ := do(t, "GET", ts.URL+"/"); resp.Header.Get("X-Legal") != "" || resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("headers of / = %v", resp.Header)
	}
	if _, body := do(t, "GET", ts.URL+"/css/site.css"); body != "body{color:red}" {
		t.Errorf("CSS rewritten: %q", body)
	}
	// The 404 page gets the script too, so it reloads into the new page.
	if resp, body := do(t, "GET", ts.URL+"/soon/"); resp.StatusCode != 404 || !script.MatchString(body) || !strings.Contains(resp.Header.Get("Content-Security-Policy"), hash) {
		t.Errorf("404 page without live reload: %d %s", resp.StatusCode, body)
	}

	// Static serves the same site without live reload.
	st := httptest.NewServer(Static(testSet("home")))
	defer st.Close()
	resp, body = do(t, "GET", st.URL+"/")
	if strings.Contains(body, "EventSource") || strings.Contains(resp.Header.Get("Content-Security-Policy"), hash) || body != fmt.Sprintf(page, "home") {
		t.Errorf("Static changed the page: %s", body)
	}
}

func TestScriptIsSafeToInline(t *testing.T) {
	for _, bad := range []string{"</script", "<!--", "innerHTML", "localStorage", "sessionStorage", "document.cookie", "eval("} {
		if strings.Contains(strings.ToLower(liveReloadJS), strings.ToLower(bad)) {
			t.Errorf("livereload.js contains %q", bad)
		}
	}
	if !strings.Contains(liveReloadJS, EventsPath) {
		t.Errorf("livereload.js does not listen on %s", EventsPath)
	}
	if scriptHash != hashOf(liveReloadJS) {
		t.Errorf("scriptHash = %s, want %s", scriptHash, hashOf(liveReloadJS))
	}
}

func TestInjectPlacement(t *testing.T) {
	tag := func(gen string) string {
		return `<script data-certiron-gen="` + gen + `">` + liveReloadJS + `</script>`
	}
	tests := []struct{ page, want string }{
		{"<p>a</body></html>", "<p>a" + tag("g.1") + "</body></html>"},
		{"<p>a</BODY >\n</HTML>", "<p>a" + tag("g.1") + "</BODY >\n</HTML>"},
		{"<p>a</body><p>b</body>", "<p>a</body><p>b" + tag("g.1") + "</body>"},
		{"<!doctype html><title>x</title><p>minified", "<!doctype html><title>x</title><p>minified" + tag("g.1")},
	}
	for _, tt := range tests {
		if got := string(inject([]byte(tt.page), http.Header{}, "g.1")); got != tt.want {
			t.Errorf("inject(%q) = %q, want %q", tt.page, got, tt.want)
		}
	}
}

func TestAllowLiveReload(t *testing.T) {
	h := scriptHash
	tests := []struct{ policy, want string }{
		{"default-src 'self'", "default-src 'self'; script-src 'self' " + h},
		{"script-src 'self'", "script-src 'self' " + h},
		{"default-src 'none'; img-src 'self'", "default-src 'none'; img-src 'self'; script-src " + h + "; connect-src 'self'"},
		{"default-src 'self'; script-src 'none'; connect-src 'none'", "default-src 'self'; script-src " + h + "; connect-src 'self'"},
		{"script-src 'self'; connect-src https://api.example.com", "script-src 'self' " + h + "; connect-src https://api.example.com 'self'"},
		{"script-src 'self' " + h, "script-src 'self' " + h},
		{"script-src-elem 'self'; script-src 'self'", "script-src-elem 'self' " + h + "; script-src 'self' " + h},
		{"Script-Src 'SELF'", "script-src 'SELF' " + h},
		{"script-src 'self' 'unsafe-inline'", "script-src 'self' 'unsafe-inline'"},
		{"script-src 'unsafe-inline' 'sha256-AAA'", "script-src 'unsafe-inline' 'sha256-AAA' " + h},
		{"script-src 'nonce-abc' 'strict-dynamic'", "script-src 'nonce-abc' 'strict-dynamic' " + h},
		{"img-src 'self'", "img-src 'self'"},
		{"  default-src 'self' ;  ; style-src 'self';", "default-src 'self'; style-src 'self'; script-src 'self' " + h},
		{"script-src 'self', default-src 'none'", "script-src 'self' " + h + ", default-src 'none'; script-src " + h + "; connect-src 'self'"},
	}
	for _, tt := range tests {
		if got := allowLiveReload(tt.policy); got != tt.want {
			t.Errorf("allowLiveReload(%q)\n = %q\nwant %q", tt.policy, got, tt.want)
		}
	}
}

func TestPatchMetaCSP(t *testing.T) {
	h := scriptHash
	patched := `"script-src 'self' ` + h + `"`
	tests := []struct{ page, want string }{
		{`<meta http-equiv="Content-Security-Policy" content="script-src 'self'">`, `<meta http-equiv="Content-Security-Policy" content=` + patched + `>`},
		{`<META HTTP-EQUIV='content-security-policy' CONTENT='script-src &#39;self&#39;'>`, `<META HTTP-EQUIV='content-security-policy' CONTENT=` + patched + `>`},
		{`<meta content="script-src 'self'" http-equiv=Content-Security-Policy />`, `<meta content=` + patched + ` http-equiv=Content-Security-Policy />`},
		{`<meta http-equiv=Content-Security-Policy content=script-src>`, `<meta http-equiv=Content-Security-Policy content="script-src ` + h + `">`}, // an empty list allows nothing
		{`<meta http-equiv="refresh" content="script-src 'self'">`, `<meta http-equiv="refresh" content="script-src 'self'">`},
		{`<meta name="description" content="default-src">`, `<meta name="description" content="default-src">`},
		{`<metadata http-equiv="Content-Security-Policy" content="script-src 'self'">`, `<metadata http-equiv="Content-Security-Policy" content="script-src 'self'">`},
		{`<p>no meta at all`, `<p>no meta at all`},
		{`<meta http-equiv="Content-Security-Policy" content="script-src 'self'"><meta http-equiv="Content-Security-Policy" content="img-src 'self'">`,
			`<meta http-equiv="Content-Security-Policy" content=` + patched + `><meta http-equiv="Content-Security-Policy" content="img-src 'self'">`},
		{`<meta http-equiv="Content-Security-Policy" content="script-src 'self`, `<meta http-equiv="Content-Security-Policy" content="script-src 'self`},
	}
	for _, tt := range tests {
		if got := string(patchMetaCSP([]byte(tt.page))); got != tt.want {
			t.Errorf("patchMetaCSP(%s)\n = %s\nwant %s", tt.page, got, tt.want)
		}
	}
}

func TestExcerpt(t *testing.T) {
	long := strings.Repeat("a", 300) + "X" + strings.Repeat("b", 300)
	tests := []struct {
		line       string
		col        int
		text, want string
	}{
		{"date = nope", 8, "date = nope", "       ^"},
		{"date = nope", 1, "date = nope", "^"},
		{"date = nope", 0, "date = nope", ""},
		{"date = nope", 99, "date = nope", ""},
		{"\t\tkey: é x", 8, "\t\tkey: é x", "\t\t     ^"},
		{long, 301, "…" + long[200:400] + "…", " " + strings.Repeat(" ", 100) + "^"},
		{long, 3, long[:200] + "…", "  ^"},
	}
	for _, tt := range tests {
		text, caret := excerpt(tt.line, tt.col)
		if text != tt.text || caret != tt.want {
			t.Errorf("excerpt(%.20q, %d) = %.30q, %q; want %.30q, %q", tt.line, tt.col, text, caret, tt.text, tt.want)
		}
	}
}

// stream reads server-sent events.
type stream struct {
	events   chan [2]string
	comments chan string
}

func connect(t *testing.T, url string) *stream {
	t.Helper()
	resp, err := http.Get(url + EventsPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("events = %d %v", resp.StatusCode, resp.Header)
	}
	s := &stream{events: make(chan [2]string, 16), comments: make(chan string, 16)}
	go func() {
		defer close(s.events)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		var name string
		var data []string
		for sc.Scan() {
			switch l := sc.Text(); {
			case strings.HasPrefix(l, ":"):
				select {
				case s.comments <- l:
				default:
				}
			case strings.HasPrefix(l, "event: "):
				name = l[len("event: "):]
			case strings.HasPrefix(l, "data: "):
				data = append(data, l[len("data: "):])
			case l == "" && name != "":
				s.events <- [2]string{name, strings.Join(data, "\n")}
				name, data = "", nil
			}
		}
	}()
	return s
}

func (s *stream) next(t *testing.T) (name, data string) {
	t.Helper()
	select {
	case ev, ok := <-s.events:
		if !ok {
			t.Fatal("stream ended")
		}
		return ev[0], ev[1]
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5s")
	}
	return "", ""
}

func (s *stream) expect(t *testing.T, name string) string {
	t.Helper()
	got, data := s.next(t)
	if got != name {
		t.Fatalf("event %s %q, want %s", got, data, name)
	}
	return data
}

// ended waits for the stream to end.
func (s *stream) ended(t *testing.T) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-s.events:
			if !ok {
				return
			}
		case <-timeout:
			t.Fatal("stream did not end")
		}
	}
}

func TestEvents(t *testing.T) {
	s, ts := newServer(t, Options{})
	a, b := connect(t, ts.URL), connect(t, ts.URL)
	gen := a.expect(t, "hello")
	if got := b.expect(t, "hello"); got != gen {
		t.Errorf("two clients greeted with %s and %s", gen, got)
	}
	// The page was served at the generation the hello names.
	if _, body := do(t, "GET", ts.URL+"/"); script.FindStringSubmatch(body)[1] != gen {
		t.Errorf("page served at another generation than %s", gen)
	}

	// A page changed (say, after a Markdown edit): both tabs reload.
	s.Update(testSet("v2"), []string{"index.html", "sitemap.xml"})
	gen2 := a.expect(t, "reload")
	if b.expect(t, "reload") != gen2 || gen2 == gen {
		t.Errorf("reload generations %s, want a new one for both", gen2)
	}
	if _, body := do(t, "GET", ts.URL+"/"); !strings.Contains(body, "<main>v2</main>") || script.FindStringSubmatch(body)[1] != gen2 {
		t.Errorf("new site not served after Update: %s", body)
	}

	// Only stylesheets changed: swap them.
	s.Update(testSet("v2"), []string{"css/site.css", "css/print.css"})
	if v := a.expect(t, "css"); v == gen2 {
		t.Errorf("css event kept generation %s", v)
	}
	b.expect(t, "css")

	// Nothing changed: nothing sent.
	s.Update(testSet("v2"), nil)

	// The build fails: every tab gets the errors and source lines; the
	// last good site stays served.
	errs := diag.List{
		diag.Errorf(diag.Pos{File: "content/x.md", Line: 2, Col: 8}, "invalid date %q", "nope"),
		diag.Errorf(diag.Pos{File: "themes/t/base.html", Line: 1}, "template: <main> not closed"),
		diag.Errorf(diag.Pos{File: "config.toml"}, "unknown key"),
	}
	sources := map[string][]byte{
		"content/x.md":       []byte("+++\r\ndate = nope\r\n+++\r\n"),
		"themes/t/base.html": []byte("<main>{{ .Body }}"),
	}
	s.Fail(errs, sources)
	for _, c := range []*stream{a, b} {
		var got report
		if err := json.Unmarshal([]byte(c.expect(t, "build-error")), &got); err != nil {
			t.Fatal(err)
		}
		want := []reportItem{
			{Error: `content/x.md:2:8: invalid date "nope"`, Line: "date = nope", Caret: "       ^"},
			{Error: "themes/t/base.html:1: template: <main> not closed", Line: "<main>{{ .Body }}"},
			{Error: "config.toml: unknown key"},
		}
		if fmt.Sprint(got.Errors) != fmt.Sprint(want) {
			t.Errorf("build-error = %+v\nwant %+v", got.Errors, want)
		}
	}
	if _, body := do(t, "GET", ts.URL+"/"); !strings.Contains(body, "<main>v2</main>") {
		t.Error("last good site not served while failing")
	}

	// A tab opened while the build is broken sees the error at once.
	c := connect(t, ts.URL)
	c.expect(t, "hello")
	if data := c.expect(t, "build-error"); !strings.Contains(data, `content/x.md:2:8: invalid date \"nope\"`) || !strings.Contains(data, `"line":"date = nope"`) {
		t.Errorf("late client's build-error = %s", data)
	}

	// The fix: the overlay goes, and the pages reload.
	s.Update(testSet("v3"), []string{"index.html"})
	for _, st := range []*stream{a, b, c} {
		st.expect(t, "ok")
		st.expect(t, "reload")
	}
	// A tab opened now sees no error.
	d := connect(t, ts.URL)
	d.expect(t, "hello")

	// Close ends every stream, and refuses new ones.
	s.Close()
	for _, st := range []*stream{a, b, c, d} {
		st.ended(t)
	}
	if resp, _ := do(t, "GET", ts.URL+EventsPath); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("events after Close = %d, want 503", resp.StatusCode)
	}
	if resp, _ := do(t, "GET", ts.URL+"/"); resp.StatusCode != 200 {
		t.Errorf("pages after Close = %d, want 200", resp.StatusCode)
	}
}

func TestFixWithoutChangesOnlyClearsOverlay(t *testing.T) {
	s, ts := newServer(t, Options{})
	a := connect(t, ts.URL)
	a.expect(t, "hello")
	s.Fail(diag.List{diag.Errorf(diag.Pos{File: "a.md", Line: 1, Col: 1}, "bad")}, nil)
	a.expect(t, "build-error")
	s.Update(testSet("home"), nil) // reverted to the last good state
	a.expect(t, "ok")
	s.Update(testSet("home"), []string{"index.html"})
	a.expect(t, "reload") // and not a stale second "ok"
}

func TestHeartbeat(t *testing.T) {
	_, ts := newServer(t, Options{Heartbeat: 10 * time.Millisecond})
	a := connect(t, ts.URL)
	a.expect(t, "hello")
	select {
	case c := <-a.comments:
		if c != ": ping" {
			t.Errorf("heartbeat = %q", c)
		}
	case <-time.After(5 * time.Second):
		t.Error("no heartbeat")
	}
}

func TestSlowClientIsDropped(t *testing.T) {
	var mu sync.Mutex
	var logged []string
	s := New(Options{Logf: func(f string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		logged = append(logged, fmt.Sprintf(f, args...))
	}})
	slow := &client{events: make(chan []byte, 1), gone: make(chan struct{})}
	fast := &client{events: make(chan []byte, 16), gone: make(chan struct{})}
	s.mu.Lock()
	s.clients[slow] = struct{}{}
	s.clients[fast] = struct{}{}
	s.mu.Unlock()
	s.Update(testSet("a"), []string{"index.html"})
	s.Update(testSet("b"), []string{"index.html"}) // slow's buffer is full
	select {
	case <-slow.gone:
	default:
		t.Error("slow client not dropped")
	}
	if len(fast.events) != 2 {
		t.Errorf("fast client got %d events, want 2", len(fast.events))
	}
	s.mu.Lock()
	_, still := s.clients[slow]
	s.mu.Unlock()
	mu.Lock()
	defer mu.Unlock()
	if still || len(logged) != 1 {
		t.Errorf("slow client still registered (%v) or not logged: %q", still, logged)
	}
}

func TestConcurrentUpdates(t *testing.T) {
	s, ts := newServer(t, Options{})
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for j := range 20 {
				if (i+j)%3 == 0 {
					s.Fail(diag.List{diag.Errorf(diag.Pos{File: "a.md", Line: 1}, "bad")}, nil)
				} else {
					s.Update(testSet(fmt.Sprint(j)), []string{"index.html"})
				}
			}
		})
		wg.Go(func() {
			for range 10 {
				resp, err := http.Get(ts.URL + "/")
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	c := connect(t, ts.URL)
	wg.Wait()
	c.expect(t, "hello")
}

func TestListen(t *testing.T) {
	ln, err := Listen("127.0.0.1", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	_, err = Listen("127.0.0.1", port)
	want := fmt.Sprintf("127.0.0.1:%d is already in use (is another `certiron-site serve` running?); choose another port with -port %d", port, port+1)
	if err == nil || err.Error() != want {
		t.Errorf("Listen on a used port = %v, want %s", err, want)
	}
	if _, err := Listen("127.0.0.1", 70000); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("Listen on port 70000 = %v", err)
	}
	if _, err := Listen("192.0.2.1", 0); err == nil || !strings.Contains(err.Error(), "not an address of this machine") {
		t.Errorf("Listen on an address the machine lacks = %v", err)
	}
}

func TestIsLoopback(t *testing.T) {
	tests := []struct {
		bind string
		want bool
	}{
		{"127.0.0.1", true},
		{"127.0.0.2", true},
		{"localhost", true},
		{"LOCALHOST", true},
		{"::1", true},
		{"[::1]", true},
		{"0.0.0.0", false},
		{"::", false},
		{"192.168.1.2", false},
		{"example.com", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsLoopback(tt.bind); got != tt.want {
			t.Errorf("IsLoopback(%q) = %v, want %v", tt.bind, got, tt.want)
		}
	}
}

// The server applies _redirects as the host does: before files, with
// the request's query kept, 200 as a rewrite; the file itself is never
// served.
func TestRedirectsFile(t *testing.T) {
	set := testSet("home")
	set.Add(&output.File{Path: "_redirects", Data: []byte("/cookies/ /legal/cookie-policy/ 301\n/legal/ / 302\n/short /legal/cookie-policy/ 200\n/blog/* /legal/:splat 308\n")})
	for _, h := range []http.Handler{Static(set), func() http.Handler { s := New(Options{}); s.Update(set, nil); return s }()} {
		ts := httptest.NewServer(h)
		tests := []struct {
			path     string
			status   int
			location string
			body     string
		}{
			{"/cookies/", 301, "/legal/cookie-policy/", ""},
			{"/cookies/?a=1", 301, "/legal/cookie-policy/?a=1", ""},
			{"/legal/", 302, "/", ""},
			{"/blog/cookie-policy/", 308, "/legal/cookie-policy/", ""},
			{"/short", 200, "", "policy"},
			{"/_redirects", 404, "", "not found here"},
		}
		for _, tt := range tests {
			resp, body := do(t, "GET", ts.URL+tt.path)
			if resp.StatusCode != tt.status || resp.Header.Get("Location") != tt.location || !strings.Contains(body, tt.body) {
				t.Errorf("GET %s = %d %q %.40q, want %d %q %q", tt.path, resp.StatusCode, resp.Header.Get("Location"), body, tt.status, tt.location, tt.body)
			}
			if tt.status != 404 && resp.Header.Get("X-Frame-Options") != "DENY" {
				t.Errorf("GET %s: _headers not applied to the response: %v", tt.path, resp.Header)
			}
		}
		ts.Close()
	}
}

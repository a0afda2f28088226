// Package server is the dev server: it serves a built site from memory,
// with the security headers of its _headers file, and tells open browsers
// to reload (or to swap stylesheets, or to show build errors) over
// Server-Sent Events. It knows nothing of how the site is built.
package server

import (
	"bytes"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/certiron/certiron-site/internal/banner"
	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/output"
)

// EventsPath is the server's own endpoint; no site file can live there.
const EventsPath = "/_certiron/events"

//go:embed livereload.js
var liveReloadJS string

// Options configure a Server.
type Options struct {
	// Logf, when set, receives a line for each problem serving.
	Logf func(format string, args ...any)
	// Heartbeat is how often idle event streams get a comment to keep
	// proxies from closing them; zero means 15s.
	Heartbeat time.Duration
}

// Server serves the latest good build and pushes changes to browsers.
type Server struct {
	opt    Options
	script []byte // the live-reload script, exactly as injected
	hash   string // its CSP source expression
	gen    string // changes every time the server starts

	site    atomic.Pointer[site]
	mu      sync.Mutex
	clients map[chan event]struct{}
	failure *event // the last build error, sent to new clients
	version int
	closed  chan struct{}
	once    sync.Once
}

type site struct {
	set   *output.Set
	rules Rules
}

type event struct {
	name string
	data string
}

// New returns a Server with an empty site.
func New(opt Options) *Server {
	if opt.Heartbeat <= 0 {
		opt.Heartbeat = 15 * time.Second
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	gen := hex.EncodeToString(b[:])
	script := []byte(strings.Replace(liveReloadJS, "{{GEN}}", gen, 1))
	s := &Server{
		opt:     opt,
		script:  script,
		hash:    banner.Hash(script),
		gen:     gen,
		clients: map[chan event]struct{}{},
		closed:  make(chan struct{}),
	}
	s.site.Store(&site{set: output.NewSet()})
	return s
}

// Update swaps in a newly built site. changed lists the output paths that
// differ from the previous build: when they are all stylesheets, browsers
// swap their stylesheets in place; otherwise they reload, keeping their
// scroll position. A pending build error is cleared.
func (s *Server) Update(set *output.Set, changed []string) {
	s.site.Store(&site{set: set, rules: rulesOf(set)})
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failure != nil {
		s.failure = nil
		s.broadcast(event{"ok", ""})
	}
	if len(changed) == 0 {
		return
	}
	s.version++
	name := "css"
	for _, p := range changed {
		if path.Ext(p) != ".css" {
			name = "reload"
			break
		}
	}
	s.broadcast(event{name, strconv.Itoa(s.version)})
}

// Fail shows a failed build's errors in every open browser (and in those
// that connect later) while the last good site stays served. sources give
// the offending lines.
func (s *Server) Fail(errs diag.List, sources map[string][]byte) {
	type item struct {
		Error string `json:"error"`
		Line  string `json:"line,omitempty"`
	}
	report := struct {
		Errors []item `json:"errors"`
	}{}
	for _, e := range errs {
		it := item{Error: e.Error()}
		if src, ok := sources[e.Pos.File]; ok && e.Pos.Line > 0 {
			lines := strings.Split(string(src), "\n")
			if e.Pos.Line <= len(lines) {
				it.Line = strings.TrimRight(lines[e.Pos.Line-1], "\r")
			}
		}
		report.Errors = append(report.Errors, it)
	}
	data, _ := json.Marshal(report)
	ev := event{"build-error", string(data)}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failure = &ev
	s.broadcast(ev)
}

// broadcast sends ev to every client; s.mu is held. A client too slow to
// take it misses it rather than holding up the others.
func (s *Server) broadcast(ev event) {
	for c := range s.clients {
		select {
		case c <- ev:
		default:
		}
	}
}

// Close ends every event stream, so that http.Server.Shutdown returns.
func (s *Server) Close() {
	s.once.Do(func() { close(s.closed) })
}

// ServeHTTP serves the site's files and the event stream.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == EventsPath {
		s.events(w, r)
		return
	}
	st := s.site.Load()
	serveFile(w, r, st.set, st.rules, s.inject)
}

// inject adds the live-reload script to a page and allows it in the
// page's Content-Security-Policy.
func (s *Server) inject(page []byte, h http.Header) []byte {
	if csp := h.Get("Content-Security-Policy"); csp != "" {
		h.Set("Content-Security-Policy", allowScript(csp, s.hash))
	}
	page = patchMetaCSP(page, s.hash)
	tag := append(append([]byte("<script>"), s.script...), "</script>"...)
	if i := lastIndexFold(page, []byte("</body>")); i >= 0 {
		out := make([]byte, 0, len(page)+len(tag))
		out = append(out, page[:i]...)
		out = append(out, tag...)
		return append(out, page[i:]...)
	}
	return append(page, tag...)
}

func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	c := make(chan event, 16)
	s.mu.Lock()
	s.clients[c] = struct{}{}
	failure := s.failure
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.clients, c)
		s.mu.Unlock()
	}()
	write := func(ev event) bool {
		var b bytes.Buffer
		fmt.Fprintf(&b, "event: %s\n", ev.name)
		for _, l := range strings.Split(ev.data, "\n") {
			fmt.Fprintf(&b, "data: %s\n", l)
		}
		b.WriteByte('\n')
		if _, err := w.Write(b.Bytes()); err != nil {
			return false
		}
		flusher.Flush()
		return true
	}
	if !write(event{"hello", s.gen}) {
		return
	}
	if failure != nil && !write(*failure) {
		return
	}
	tick := time.NewTicker(s.opt.Heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.closed:
			return
		case <-tick.C:
			if _, err := w.Write([]byte(": ping\n\n")); err != nil {
				return
			}
			flusher.Flush()
		case ev := <-c:
			if !write(ev) {
				return
			}
		}
	}
}

// Static serves a built site as a static host does, without live reload:
// its files, the headers of its _headers file, 404.html for unknown paths.
func Static(set *output.Set) http.Handler {
	rules := rulesOf(set)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		serveFile(w, r, set, rules, nil)
	})
}

func rulesOf(set *output.Set) Rules {
	if f := set.Get("_headers"); f != nil {
		return ParseHeaders(f.Data)
	}
	return nil
}

var contentTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".json":        "application/json",
	".xml":         "application/xml; charset=utf-8",
	".txt":         "text/plain; charset=utf-8",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".jpeg":        "image/jpeg",
	".gif":         "image/gif",
	".webp":        "image/webp",
	".avif":        "image/avif",
	".ico":         "image/x-icon",
	".pdf":         "application/pdf",
	".woff2":       "font/woff2",
	".woff":        "font/woff",
	".webmanifest": "application/manifest+json",
}

// resolve maps a request to a file of the set. It refuses anything that
// could name a path outside the site however it is encoded.
func resolve(r *http.Request) (name string, ok bool) {
	raw := strings.ToLower(r.URL.EscapedPath())
	if strings.Contains(raw, "%2f") || strings.Contains(raw, "%5c") || strings.Contains(raw, "%00") {
		return "", false
	}
	p := r.URL.Path
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\\\x00") || strings.Contains(p, "//") {
		return "", false
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." || seg == "." {
			return "", false
		}
	}
	name = p[1:]
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	if name == "_headers" || !output.ValidPath(name) {
		return "", false
	}
	return name, true
}

// serveFile answers one request from set. inject, when set, rewrites HTML
// pages before they are sent.
func serveFile(w http.ResponseWriter, r *http.Request, set *output.Set, rules Rules, inject func([]byte, http.Header) []byte) {
	h := w.Header()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	status := http.StatusOK
	name, ok := resolve(r)
	var f *output.File
	if ok {
		f = set.Get(name)
		if f == nil && set.Get(name+"/index.html") != nil {
			target := r.URL.Path + "/"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return
		}
	}
	if f == nil {
		status = http.StatusNotFound
		if f = set.Get("404.html"); f == nil {
			h.Set("Cache-Control", "no-store")
			http.Error(w, "404 page not found", http.StatusNotFound)
			return
		}
	}
	rules.Apply(h, r.URL.Path)
	ct := contentTypes[path.Ext(f.Path)]
	if ct == "" {
		ct = http.DetectContentType(f.Data)
	}
	h.Set("Content-Type", ct)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	body := f.Data
	if inject != nil && strings.HasSuffix(f.Path, ".html") {
		body = inject(body, h)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// allowScript adds a source expression to a policy's script-src (or to a
// new script-src copied from default-src).
func allowScript(policy, source string) string {
	dirs := strings.Split(policy, ";")
	for i, d := range dirs {
		f := strings.Fields(d)
		if len(f) > 0 && strings.EqualFold(f[0], "script-src") {
			dirs[i] = " " + strings.Join(append(f, source), " ")
			return strings.TrimSpace(strings.Join(dirs, ";"))
		}
	}
	for _, d := range dirs {
		f := strings.Fields(d)
		if len(f) > 0 && strings.EqualFold(f[0], "default-src") {
			return policy + "; script-src " + strings.Join(append(f[1:], source), " ")
		}
	}
	return policy
}

// patchMetaCSP allows source in a page's <meta http-equiv=
// "Content-Security-Policy"> too: browsers enforce both policies.
func patchMetaCSP(page []byte, source string) []byte {
	i := indexFold(page, []byte(`http-equiv="content-security-policy"`))
	if i < 0 {
		return page
	}
	start := bytes.LastIndexByte(page[:i], '<')
	end := bytes.IndexByte(page[i:], '>')
	if start < 0 || end < 0 {
		return page
	}
	end += i
	tag := page[start:end]
	c := bytes.Index(tag, []byte(`content="`))
	if c < 0 {
		return page
	}
	c += len(`content="`)
	q := bytes.IndexByte(tag[c:], '"')
	if q < 0 {
		return page
	}
	policy := string(tag[c : c+q])
	patched := allowScript(strings.ReplaceAll(policy, "&#39;", "'"), source)
	var out bytes.Buffer
	out.Grow(len(page) + len(source) + 1)
	out.Write(page[:start+c])
	out.WriteString(patched)
	out.Write(page[start+c+q:])
	return out.Bytes()
}

func indexFold(b, sub []byte) int {
	return bytes.Index(bytes.ToLower(b), bytes.ToLower(sub))
}

func lastIndexFold(b, sub []byte) int {
	return bytes.LastIndex(bytes.ToLower(b), bytes.ToLower(sub))
}

// Listen opens the server's socket, explaining a port in use.
func Listen(bind string, port int) (net.Listener, error) {
	addr := net.JoinHostPort(bind, strconv.Itoa(port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, fmt.Errorf("%s is already in use (is another certiron-site serve running?); choose another port with -port %d", addr, port+1)
		}
		if errors.Is(err, syscall.EADDRNOTAVAIL) {
			return nil, fmt.Errorf("cannot listen on %s: this machine has no such address; the default -bind 127.0.0.1 always works", addr)
		}
		return nil, fmt.Errorf("cannot listen on %s: %w", addr, err)
	}
	return ln, nil
}

// IsLoopback reports whether bind only accepts connections from this
// machine.
func IsLoopback(bind string) bool {
	if bind == "localhost" {
		return true
	}
	ip := net.ParseIP(bind)
	return ip != nil && ip.IsLoopback()
}

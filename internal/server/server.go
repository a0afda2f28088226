// Package server is the dev server: it serves a built site from memory,
// with the security headers of its _headers file, and tells open browsers
// to reload (or to swap stylesheets, or to show build errors) over
// Server-Sent Events. It knows nothing of how the site is built.
//
// The events, on EventsPath:
//
//	hello        data: the generation the server is at; a page served at
//	             another generation (the server restarted, or it missed an
//	             event while disconnected) reloads
//	reload       data: the new generation; a page or another file changed
//	css          data: the new generation; only stylesheets changed
//	build-error  data: JSON {"errors":[{"error","line","caret"}]}; sent at
//	             once to browsers that connect while the build is broken
//	ok           the build is fixed; the error overlay goes
//
// The build error event is not named "error" because EventSource fires
// an "error" event of its own whenever the connection drops.
package server

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/output"
)

// EventsPath is the server's own endpoint for live-reload events. No site
// file can be served there: it is answered before the site is looked at.
const EventsPath = "/_certiron/events"

// Options configure a Server. The zero value is ready to use.
type Options struct {
	// Logf, when set, receives a line for each problem serving, such as a
	// browser too slow to take events.
	Logf func(format string, args ...any)
	// Heartbeat is how often idle event streams get a comment to keep
	// proxies and browsers from closing them; zero means 15s.
	Heartbeat time.Duration
}

// Server serves the latest good build and pushes changes to browsers. Its
// methods are safe for concurrent use.
type Server struct {
	opt Options
	id  string // random, new every time a Server is made

	site atomic.Pointer[state]

	mu      sync.Mutex // guards clients and orders state changes with their events
	clients map[*client]struct{}
	closed  chan struct{}
	once    sync.Once
}

// state is what the server serves; it is replaced whole, never changed.
type state struct {
	set     *output.Set
	rules   hostRules
	version int    // counts the updates that changed something
	failure []byte // the build-error event while the last build failed
	warning []byte // the build-warning event while the last build warned
}

// client is one open event stream.
type client struct {
	events chan []byte
	gone   chan struct{} // closed when the server drops the client
}

// New returns a Server serving an empty site until Update.
func New(opt Options) *Server {
	if opt.Heartbeat <= 0 {
		opt.Heartbeat = 15 * time.Second
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	s := &Server{
		opt:     opt,
		id:      hex.EncodeToString(b[:]),
		clients: map[*client]struct{}{},
		closed:  make(chan struct{}),
	}
	s.site.Store(&state{set: output.NewSet()})
	return s
}

// generation names a state of the site as the browsers see it: the
// server's id and the update count.
func (s *Server) generation(st *state) string {
	return s.id + "." + strconv.Itoa(st.version)
}

// Update swaps in a newly built site. changed lists the output paths
// (such as "legal/index.html" or "css/site.css") whose bytes differ from
// the previous build, added and removed files included. When every one of
// them ends in ".css", browsers swap their stylesheets in place; when
// there are others, they reload, keeping their scroll position; when
// there are none, they are left alone. A pending build error is cleared,
// and browsers remove its overlay.
func (s *Server) Update(set *output.Set, changed []string) {
	if set == nil {
		set = output.NewSet()
	}
	rules := rulesOf(set)
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.site.Load()
	// The warnings stay until the next Warn: they belong to the build.
	st := &state{set: set, rules: rules, version: old.version, warning: old.warning}
	if len(changed) > 0 {
		st.version++
	}
	s.site.Store(st)
	if old.failure != nil {
		s.broadcast(event("ok", ""))
	}
	if len(changed) == 0 {
		return
	}
	name := "css"
	for _, p := range changed {
		if path.Ext(p) != ".css" {
			name = "reload"
			break
		}
	}
	s.broadcast(event(name, s.generation(st)))
}

// Fail shows a failed build's errors in every open browser, and in those
// that connect until the next Update, while the last good site stays
// served. Each error is shown as "file:line:col: message" with the
// offending line of its file, taken from sources (keyed by the errors'
// Pos.File).
func (s *Server) Fail(errs diag.List, sources map[string][]byte) {
	data, _ := json.Marshal(failureReport(errs, sources))
	ev := event("build-error", string(data))
	s.mu.Lock()
	defer s.mu.Unlock()
	st := *s.site.Load()
	st.failure = ev
	s.site.Store(&st)
	s.broadcast(ev)
}

// Warn shows the warnings of the build just served (such as a legal
// page's unreleased draft in the preview) in every open browser, and in
// those that connect until the next Warn; an empty list clears them. A
// build error, when there is one, is shown instead.
func (s *Server) Warn(warns diag.List, sources map[string][]byte) {
	var ev []byte
	if len(warns) > 0 {
		data, _ := json.Marshal(failureReport(warns, sources))
		ev = event("build-warning", string(data))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := *s.site.Load()
	had := st.warning != nil
	st.warning = ev
	s.site.Store(&st)
	switch {
	case ev != nil && st.failure == nil:
		s.broadcast(ev)
	case ev == nil && had && st.failure == nil:
		s.broadcast(event("ok", ""))
	}
}

// report is the data of a build-error event.
type report struct {
	Errors []reportItem `json:"errors"`
}

type reportItem struct {
	Error string `json:"error"`           // "file:line:col: message"
	Line  string `json:"line,omitempty"`  // the offending source line
	Caret string `json:"caret,omitempty"` // a '^' under the column
}

func failureReport(errs diag.List, sources map[string][]byte) report {
	r := report{Errors: []reportItem{}}
	for _, e := range errs {
		if e == nil {
			continue
		}
		it := reportItem{Error: e.Error()}
		if src, ok := sources[e.Pos.File]; ok && e.Pos.Line > 0 {
			if line, ok := sourceLine(src, e.Pos.Line); ok {
				it.Line, it.Caret = excerpt(line, e.Pos.Col)
			}
		}
		r.Errors = append(r.Errors, it)
	}
	return r
}

// sourceLine returns line n (1-based) of src without its line ending.
func sourceLine(src []byte, n int) (string, bool) {
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(src, '\n')
		if j < 0 {
			return "", false
		}
		src = src[j+1:]
	}
	if j := bytes.IndexByte(src, '\n'); j >= 0 {
		src = src[:j]
	}
	return strings.TrimRight(string(src), "\r"), true
}

// maxExcerpt is how many characters of a long source line are shown.
const maxExcerpt = 200

// excerpt returns line, cut to a window around col (1-based, counted in
// characters; zero means unknown) when it is long, and a caret line
// pointing at col: tabs are kept so the caret lines up under them.
func excerpt(line string, col int) (text, caret string) {
	if !utf8.ValidString(line) {
		line = strings.ToValidUTF8(line, "\uFFFD")
	}
	runes := []rune(line)
	start := 0
	if len(runes) > maxExcerpt {
		if col > maxExcerpt/2 {
			start = min(col-1-maxExcerpt/2, len(runes)-maxExcerpt)
		}
		end := start + maxExcerpt
		text = string(runes[start:end])
		if start > 0 {
			text = "…" + text
		}
		if end < len(runes) {
			text += "…"
		}
	} else {
		text = line
	}
	if col <= 0 || col-1 > len(runes) {
		return text, ""
	}
	var b strings.Builder
	if start > 0 {
		b.WriteByte(' ') // under the "…"
	}
	for _, r := range runes[start : col-1] {
		if r == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	b.WriteByte('^')
	return text, b.String()
}

// event formats one server-sent event. Every event has a data line, since
// browsers drop events without one.
func event(name, data string) []byte {
	var b bytes.Buffer
	b.WriteString("event: ")
	b.WriteString(name)
	b.WriteByte('\n')
	for _, l := range strings.Split(data, "\n") {
		b.WriteString("data: ")
		b.WriteString(l)
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	return b.Bytes()
}

// broadcast sends ev to every client; s.mu is held. A client whose buffer
// is full is too slow to keep up: rather than hold up the others or miss
// an event, it is disconnected. Its browser reconnects, and the hello it
// gets then makes it reload if it missed a change.
func (s *Server) broadcast(ev []byte) {
	for c := range s.clients {
		select {
		case c.events <- ev:
		default:
			s.dropLocked(c)
			s.logf("live reload: disconnected a browser too slow to take events; it will reconnect")
		}
	}
}

func (s *Server) dropLocked(c *client) {
	if _, ok := s.clients[c]; ok {
		delete(s.clients, c)
		close(c.gone)
	}
}

func (s *Server) logf(format string, args ...any) {
	if s.opt.Logf != nil {
		s.opt.Logf(format, args...)
	}
}

// Close ends every event stream, so that http.Server.Shutdown does not
// wait for them, and refuses new ones. Files are still served.
func (s *Server) Close() {
	s.once.Do(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		close(s.closed)
		for c := range s.clients {
			s.dropLocked(c)
		}
	})
}

// ServeHTTP serves the site's files, with the live-reload script in every
// HTML page, and the event stream at EventsPath.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == EventsPath {
		s.events(w, r)
		return
	}
	st := s.site.Load()
	gen := s.generation(st)
	serveFile(w, r, st.set, st.rules, func(page []byte, h http.Header) []byte {
		return inject(page, h, gen)
	})
}

// events streams events to one browser until it goes, the server drops
// it, or Close.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if r.Method != http.MethodGet {
		h.Set("Allow", http.MethodGet)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	c := &client{events: make(chan []byte, 16), gone: make(chan struct{})}
	var first bytes.Buffer
	s.mu.Lock()
	select {
	case <-s.closed:
		s.mu.Unlock()
		http.Error(w, "server shutting down", http.StatusServiceUnavailable)
		return
	default:
	}
	// Registered and greeted under one lock, so that no event falls
	// between the greeting and the stream.
	s.clients[c] = struct{}{}
	st := s.site.Load()
	first.WriteString("retry: 1000\n")
	first.Write(event("hello", s.generation(st)))
	first.Write(st.failure)
	if st.failure == nil {
		first.Write(st.warning)
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.dropLocked(c)
		s.mu.Unlock()
	}()

	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives any write timeout
	h.Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	send := func(b []byte) bool {
		if _, err := w.Write(b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !send(first.Bytes()) {
		return
	}
	tick := time.NewTicker(s.opt.Heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-c.gone:
			return
		case <-tick.C:
			if !send([]byte(": ping\n\n")) {
				return
			}
		case ev := <-c.events:
			if !send(ev) {
				return
			}
		}
	}
}

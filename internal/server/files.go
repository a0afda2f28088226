package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/certiron/certiron-site/internal/csp"
	"github.com/certiron/certiron-site/internal/output"
	"github.com/certiron/certiron-site/internal/publish"
)

// Static serves a built site as a static host does, without live reload:
// its files, the headers of its _headers file, the redirects of its
// _redirects file, 404.html for unknown paths.
func Static(set *output.Set) http.Handler {
	rules := rulesOf(set)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		serveFile(w, r, set, rules, nil)
	})
}

// headersFile and redirectsFile are the host's configuration, part of
// the set but never served.
const (
	headersFile   = "_headers"
	redirectsFile = "_redirects"
)

// hostRules are what a host reads from a site's _headers and _redirects.
type hostRules struct {
	headers   csp.Rules
	redirects publish.RedirectRules
}

func rulesOf(set *output.Set) hostRules {
	var hr hostRules
	if f := set.Get(headersFile); f != nil {
		hr.headers, _ = csp.ParseHeaders(f.Data)
	}
	if f := set.Get(redirectsFile); f != nil {
		hr.redirects, _ = publish.ParseRedirects(f.Data)
	}
	return hr
}

// contentType is the Content-Type a host sends for a file.
func contentType(name string, data []byte) string { return publish.ContentType(name, data) }

// resolve maps a request to the name of a file of a site. It refuses
// anything that could name a path outside the site however it is encoded:
// "." and ".." segments, empty segments ("//"), backslashes, NUL, and
// percent-encoded slashes or backslashes, which would change where the
// segments split. A path ending in "/" names the folder's index.html.
func resolve(r *http.Request) (name string, ok bool) {
	raw := strings.ToLower(r.URL.EscapedPath())
	if strings.Contains(raw, "%2f") || strings.Contains(raw, "%5c") || strings.Contains(raw, "%00") {
		return "", false
	}
	p := r.URL.Path
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\\\x00") {
		return "", false
	}
	segs := strings.Split(p[1:], "/")
	for i, seg := range segs {
		if seg == "." || seg == ".." || seg == "" && i < len(segs)-1 {
			return "", false
		}
	}
	name = p[1:]
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	if name == headersFile || name == redirectsFile || !output.ValidPath(name) {
		return "", false
	}
	return name, true
}

// serveFile answers one request from set. page, when set, rewrites HTML
// pages (and their headers) before they are sent.
func serveFile(w http.ResponseWriter, r *http.Request, set *output.Set, hr hostRules, page func([]byte, http.Header) []byte) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	rules := hr.headers
	rulePath := r.URL.Path
	// Redirects come first, as on the hosts, whether or not a file is
	// there.
	if to, code, ok := hr.redirects.Match(r.URL.EscapedPath()); ok {
		if code != http.StatusOK {
			rules.Apply(h, rulePath)
			h.Set("Cache-Control", "no-store")
			if !strings.Contains(to, "?") && r.URL.RawQuery != "" {
				to += "?" + r.URL.RawQuery
			}
			h.Set("Location", to)
			w.WriteHeader(code)
			return
		}
		// 200 rewrites: the file at to is served for this path.
		if u, err := url.Parse(to); err == nil && u.Host == "" {
			r2 := r.Clone(r.Context())
			r2.URL.Path, r2.URL.RawPath = u.Path, u.RawPath
			r = r2
		}
	}
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
		if f == nil && !strings.HasSuffix(name, "/index.html") && name != "index.html" && set.Get(name+"/index.html") != nil {
			redirectToFolder(w, r)
			return
		}
	} else {
		rulePath = "/404.html"
	}
	if f == nil {
		status = http.StatusNotFound
		if f = set.Get("404.html"); f == nil {
			http.Error(w, "404 page not found", http.StatusNotFound)
			return
		}
	}
	rules.Apply(h, rulePath)
	// The dev server never lets a browser keep a copy, whatever _headers
	// says for production.
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	ct := contentType(f.Path, f.Data)
	h.Set("Content-Type", ct)
	body := f.Data
	if page != nil && strings.HasPrefix(ct, "text/html") {
		body = page(body, h)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// redirectToFolder sends "/legal" to "/legal/", keeping the query. The
// target is built from the request as the browser sent it, so it stays
// right when the server is mounted under a prefix (http.StripPrefix).
func redirectToFolder(w http.ResponseWriter, r *http.Request) {
	target := r.URL.EscapedPath()
	if u, err := url.ParseRequestURI(r.RequestURI); err == nil && r.RequestURI != "" {
		target = u.EscapedPath()
	}
	target += "/"
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	w.Header().Set("Location", target)
	w.WriteHeader(http.StatusMovedPermanently)
}

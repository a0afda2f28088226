package publish

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/certiron/certiron-site/internal/diag"
)

// placeholderRE is a ":name" placeholder, as Cloudflare Pages reads it.
var placeholderRE = regexp.MustCompile(`:[A-Za-z]\w*`)

// Limits of Cloudflare Pages for `_redirects`.
const (
	MaxStaticRedirects  = 2000
	MaxDynamicRedirects = 100
	MaxRedirectLine     = 1000
	// NetlifyManyRedirects is where Netlify's documentation advises
	// wildcards instead of more rules, since a large rule set may fail
	// the deploy.
	NetlifyManyRedirects = 10000
)

// redirect is an alias or a config redirect, checked.
type redirect struct {
	from, to string // as written in _redirects, encoded
	status   int
	external bool
	dynamic  bool
	alias    bool
	pos      diag.Pos // the entry
	fromPos  diag.Pos
	toPos    diag.Pos
}

// redirectLine is one line of _redirects and where it comes from.
type redirectLine struct {
	text    string
	dynamic bool
	pos     diag.Pos
}

// redirects checks aliases and [[redirects]] and makes the _redirects
// lines (or, for github-pages, Result.Refresh).
func (m *maker) redirects() {
	var rs []*redirect
	for _, a := range m.s.Aliases {
		r := &redirect{from: encodePath(m.rooted(a.From)), to: encodePath(m.rooted(a.To)), status: 301, alias: true, pos: a.Pos, fromPos: a.Pos, toPos: a.Pos}
		rs = append(rs, r)
	}
	for _, c := range m.s.Redirects {
		r := &redirect{status: c.Status, pos: c.Pos, fromPos: c.FromPos, toPos: c.ToPos}
		if r.status == 0 {
			r.status = 301
		}
		if r.status != 301 && r.status != 302 && r.status != 308 {
			m.errs.Add(c.StatusPos, "[[redirects]] status %d is not 301, 302 or 308", c.Status)
		}
		r.from = strings.TrimSpace(c.From)
		r.to = strings.TrimSpace(c.To)
		if !m.checkEnds(r) {
			continue
		}
		rs = append(rs, r)
	}
	byFrom := map[string]*redirect{}
	var ok []*redirect
	for _, r := range rs {
		r.dynamic = strings.Contains(r.from, "*") || placeholderRE.MatchString(r.from)
		if first, dup := byFrom[r.from]; dup {
			m.errs.Add(r.fromPos, "%s is already redirected at %s (to %s); keep one", r.from, posText(first.pos), first.to)
			continue
		}
		byFrom[r.from] = r
		ok = append(ok, r)
	}
	for _, r := range ok {
		if !r.dynamic && m.s.Target != GitHubPages && m.isServed(r.from) {
			m.errs.Add(r.fromPos, "%s is a page or file of the site: Cloudflare Pages would redirect it anyway and Netlify would serve the file; remove the redirect or the file", r.from)
		}
		m.checkTarget(r, byFrom)
	}
	if m.s.Target == GitHubPages {
		for _, r := range ok {
			if r.external {
				m.errs.Add(r.toPos, "github-pages has no redirects: a page sending visitors to %s would send them to another origin without a click; remove this redirect or build for cloudflare or netlify", r.to)
				continue
			}
			if r.dynamic {
				m.errs.Add(r.fromPos, "github-pages has no redirects and cannot publish a page for the pattern %s", r.from)
				continue
			}
			m.res.Refresh = append(m.res.Refresh, Alias{From: r.from, To: r.to, Pos: r.pos})
		}
		return
	}
	for _, r := range ok {
		line := fmt.Sprintf("%s %s %d", r.from, r.to, r.status)
		m.lines = append(m.lines, redirectLine{line, r.dynamic, r.pos})
		// Cloudflare matches the path exactly: "/old" is not "/old/".
		if m.s.Target == Cloudflare && !r.dynamic && len(r.from) > 1 && strings.HasSuffix(r.from, "/") {
			bare := strings.TrimSuffix(r.from, "/")
			if _, taken := byFrom[bare]; !taken && !m.isServed(bare) {
				m.lines = append(m.lines, redirectLine{fmt.Sprintf("%s %s %d", bare, r.to, r.status), false, r.pos})
			}
		}
	}
}

// checkEnds checks a config redirect's from and to as written.
func (m *maker) checkEnds(r *redirect) bool {
	ok := true
	switch {
	case !strings.HasPrefix(r.from, "/"):
		m.errs.Add(r.fromPos, "[[redirects]] from %q must be a URL path starting with /", r.from)
		ok = false
	case strings.ContainsAny(r.from, "?#"):
		m.errs.Add(r.fromPos, "[[redirects]] from %q: the hosts match paths only, without a query or fragment", r.from)
		ok = false
	}
	r.from = encodePath(m.rooted(r.from))
	if u, err := url.Parse(r.to); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		if site, err := url.Parse(m.s.BaseURL); err == nil && site.Host != "" && strings.EqualFold(site.Host, u.Host) {
			r.to = u.EscapedPath()
			if r.to == "" {
				r.to = "/"
			}
			if u.RawQuery != "" {
				r.to += "?" + u.RawQuery
			}
		} else {
			r.external = true
			r.to = encodePath(r.to)
			return ok
		}
	} else if !strings.HasPrefix(r.to, "/") {
		m.errs.Add(r.toPos, "[[redirects]] to %q must be a URL path starting with / or an http(s) URL", r.to)
		return false
	}
	r.to = encodePath(m.rooted(r.to))
	return ok
}

// checkTarget checks that an internal redirect lands on a file of the
// site in one hop, with no loop.
func (m *maker) checkTarget(r *redirect, byFrom map[string]*redirect) {
	if r.external || strings.Contains(r.to, ":") || strings.Contains(r.to, "*") {
		return // a splat or placeholder target is only known per request
	}
	to := r.to
	if i := strings.IndexAny(to, "?#"); i >= 0 {
		to = to[:i]
	}
	what := "[[redirects]] to"
	if r.alias {
		what = "alias of"
	}
	if to == r.from {
		m.errs.Add(r.toPos, "%s %s redirects %s to itself", what, to, r.from)
		return
	}
	if next, ok := byFrom[to]; ok {
		if back, ok := byFrom[next.to]; ok && (back == r || next.to == r.from) {
			m.errs.Add(r.toPos, "%s %s: a loop (%s → %s → %s, at %s)", what, to, r.from, to, next.to, posText(next.pos))
		} else {
			m.errs.Add(r.toPos, "%s %s is itself redirected to %s (at %s): redirect straight to %s, in one hop", what, to, next.to, posText(next.pos), next.to)
		}
		return
	}
	if m.isServed(to) {
		if via := m.hop(to); via != "" {
			m.errs.Add(r.toPos, "%s %s is answered with a redirect to %s by the host: write %s, in one hop", what, to, via, via)
		}
		return
	}
	if to+"/" != "/" && m.isServed(to+"/") {
		m.errs.Add(r.toPos, "%s %s is answered with a redirect to %s/ by the host: write %s/, in one hop", what, to, to, to)
		return
	}
	m.errs.Add(r.toPos, "%s %s: no page or file of the site is served there", what, to)
}

// isServed reports whether an output file is served at the URL path p
// (encoded) with status 200 or after the host's own redirect.
func (m *maker) isServed(p string) bool {
	name, err := url.PathUnescape(strings.TrimPrefix(p, "/"))
	if err != nil {
		return false
	}
	if name == "" || strings.HasSuffix(name, "/") {
		return m.served[name+"index.html"]
	}
	return m.served[name]
}

// hop is where the host redirects a request for a served path p, or "":
// Cloudflare Pages answers "/x/index.html" with "/x/" and "/x.html"
// with "/x"; Netlify serves both.
func (m *maker) hop(p string) string {
	if m.s.Target != Cloudflare {
		return ""
	}
	switch {
	case strings.HasSuffix(p, "/index.html"):
		return strings.TrimSuffix(p, "index.html")
	case strings.HasSuffix(p, ".html") && p != "/404.html":
		return strings.TrimSuffix(p, ".html")
	}
	return ""
}

// writeRedirects writes _redirects: aliases, then config's redirects, in
// order (the hosts apply the first rule that matches).
func (m *maker) writeRedirects() []byte {
	var b bytes.Buffer
	b.WriteString("# Redirects written by certiron-site: pages' aliases (301), then config.toml's [[redirects]].\n")
	for _, l := range m.lines {
		b.WriteString(l.text + "\n")
	}
	return b.Bytes()
}

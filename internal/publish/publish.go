// Package publish makes what a static host needs besides the site's own
// files, for each host the site can be built for: the `_headers` file
// (security headers, the CSP with its hashes, the cache policy, the
// user's [[headers]]) and the `_redirects` file (aliases and the user's
// [[redirects]]) for Cloudflare Pages and Netlify; `.nojekyll`, `CNAME`
// and the list of protections the host cannot apply for GitHub Pages. It
// checks the hosts' documented limits, the rule that static/ may not
// replace a file the build writes, and writes the deploy manifest.
//
// The builder calls, in this order, once per build:
//
//  1. Collisions(static files), as soon as it knows what static/ publishes;
//  2. Make(Site{...}) once every other output file is final (its bytes,
//     and the hashes of the theme's inline code), adding Result.Files to
//     the output set, publishing Result.Refresh as meta-refresh pages
//     (github-pages only), and printing Result.Unprotected once;
//  3. Manifest(every output file, Result.Files and the refresh pages
//     included, with Site.Scripts and Site.Styles) for -manifest FILE.
//
// ContentType and CacheControl say what a host sends with a file; the
// dev server reads `_redirects` back with ParseRedirects.
package publish

import (
	"crypto/sha256"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/certiron/certiron-site/internal/config"
	"github.com/certiron/certiron-site/internal/csp"
	"github.com/certiron/certiron-site/internal/diag"
)

// Target is the host a site is built for.
type Target string

// The targets, as config.toml's [deploy] target and -target name them.
const (
	Cloudflare  Target = "cloudflare"
	Netlify     Target = "netlify"
	GitHubPages Target = "github-pages"
)

// Targets are every target; the first is the default.
var Targets = []Target{Cloudflare, Netlify, GitHubPages}

// ParseTarget returns the target named s; "" is the default.
func ParseTarget(s string) (Target, error) {
	if s == "" {
		return Cloudflare, nil
	}
	for _, t := range Targets {
		if string(t) == s {
			return t, nil
		}
	}
	return "", fmt.Errorf("unknown target %q: use cloudflare, netlify or github-pages", s)
}

// headers reports whether the host reads a `_headers` file.
func (t Target) headers() bool { return t == Cloudflare || t == Netlify }

func (t Target) host() csp.Host {
	if t == Netlify {
		return csp.Netlify
	}
	return csp.Cloudflare
}

// File is one file of the output.
type File struct {
	// Path is the file's slash path inside the output folder
	// ("legal/index.html", "css/site.3f2a9c1e.css").
	Path string
	// Data is the file's bytes; nil for a file the build did not read
	// (one the destination already holds), given by Size and Sum.
	Data []byte
	Size int
	Sum  [32]byte
	// Fingerprinted says the file's name changes exactly when its bytes
	// do, so it may be cached for good.
	Fingerprinted bool
	// Source is the source file it comes from ("static/x.pdf"), used in
	// messages about it; "" names the output file itself.
	Source string
}

// where is the position messages about f name.
func (f File) where() diag.Pos {
	if f.Source != "" {
		return diag.Pos{File: f.Source}
	}
	return diag.Pos{File: "public/" + f.Path}
}

// Alias is a page's former URL, from its front matter's aliases.
type Alias struct {
	// From is the old URL path, To the page's URL path ("/old/",
	// "/legal/cookie-policy/"), from the site's root; a baseURL path
	// prefix is removed.
	From, To string
	// Pos is the aliases entry in the page's front matter.
	Pos diag.Pos
}

// Site is what Make needs to know of a build.
type Site struct {
	Target Target
	// BaseURL is config.toml's baseURL ("https://certiron.io/").
	BaseURL string
	// Files are every output file except the ones Make writes: pages,
	// assets, static files, the sitemap, robots.txt, 404.html, feeds.
	// For cloudflare and netlify, aliases are not pages: leave their
	// meta-refresh pages out (they become redirects).
	Files []File
	// Scripts and Styles are the CSP source expressions of the theme's
	// own inline code (csp.InlineFunc with the builder's keep, then
	// csp.Hashes, over every page).
	Scripts, Styles []string
	// PolicyPos is where the inline code is written (the theme's head
	// partial), for a message about the policy's length.
	PolicyPos diag.Pos
	Aliases   []Alias
	// Headers and Redirects are config.toml's [[headers]] and
	// [[redirects]], with their positions.
	Headers   []config.Header
	Redirects []config.Redirect
}

// Result is what Make adds to a build.
type Result struct {
	// Files are the host's files, to add to the output set: `_headers`
	// and `_redirects` (cloudflare, netlify), `.nojekyll` and `CNAME`
	// (github-pages).
	Files []File
	// Policy is the Content-Security-Policy header value (cloudflare,
	// netlify); its length is what -v reports.
	Policy string
	// Refresh are the redirects the builder publishes as meta-refresh
	// pages, From's folder holding an index.html that sends visitors to
	// To (github-pages, which has no redirect file): every alias and
	// every internal [[redirects]] entry.
	Refresh []Alias
	// Unprotected are the protections the host cannot apply, to print
	// once per build (github-pages: it sends no custom headers).
	Unprotected []string
	// Warnings are problems that do not stop the build.
	Warnings diag.List
}

// Make makes the host's files for s. Every problem is returned, as a
// diag.List at the config line, front matter or file at fault; the
// Result is never nil, and holds the warnings even when there are errors.
func Make(s Site) (*Result, error) {
	if s.Target == "" {
		s.Target = Cloudflare
	}
	if _, err := ParseTarget(string(s.Target)); err != nil {
		return &Result{}, diag.List{diag.Errorf(diag.Pos{File: config.File}, "%v", err)}
	}
	m := &maker{s: s, res: &Result{}, served: map[string]bool{}}
	m.base = basePath(s.BaseURL)
	for _, f := range s.Files {
		m.served[f.Path] = true
	}
	m.redirects()
	if s.Target.headers() {
		m.headers()
	} else {
		m.githubPages()
	}
	m.limits()
	m.errs.Sort()
	m.res.Warnings.Sort()
	if len(m.errs) > 0 {
		return m.res, m.errs
	}
	return m.res, nil
}

type maker struct {
	s      Site
	res    *Result
	errs   diag.List
	base   string          // baseURL's path, "/" or "/repo/"
	served map[string]bool // output paths
	// rules are the _headers blocks, generated then the user's; userAt
	// is the index of the first user block.
	rules  csp.Rules
	userAt int
	// lines are the _redirects lines with their positions.
	lines []redirectLine
}

// githubPages writes .nojekyll and CNAME and lists what the host cannot
// apply.
func (m *maker) githubPages() {
	src := config.File
	m.res.Files = append(m.res.Files, File{Path: ".nojekyll", Data: []byte{}, Source: src})
	if u, err := url.Parse(m.s.BaseURL); err == nil && u.Hostname() != "" {
		host := strings.ToLower(u.Hostname())
		if host != "github.io" && !strings.HasSuffix(host, ".github.io") {
			m.res.Files = append(m.res.Files, File{Path: "CNAME", Data: []byte(host + "\n"), Source: src})
		}
	}
	m.res.Unprotected = Unprotected()
	for _, h := range m.s.Headers {
		m.res.Warnings.Add(h.Pos, "github-pages sends no custom headers: [[headers]] for %q has no effect there", h.For)
	}
	sort.SliceStable(m.res.Files, func(i, j int) bool { return m.res.Files[i].Path < m.res.Files[j].Path })
}

// Unprotected lists what a host that sends no custom headers (GitHub
// Pages) loses of the site's protections: every header the `_headers`
// file would send, and the policy's directives a <meta> cannot carry.
func Unprotected() []string {
	var out []string
	for _, d := range csp.HeaderOnly {
		if src, ok := csp.StrictHeader(nil, nil).Directive(d); ok {
			out = append(out, fmt.Sprintf("Content-Security-Policy %s %s (other sites may frame the pages; a <meta> policy cannot forbid it)", d, strings.Join(src, " ")))
		}
	}
	for _, h := range csp.SecurityHeaders {
		out = append(out, h[0]+": "+h[1])
	}
	out = append(out, "Cache-Control: "+Immutable+" (fingerprinted assets get the host's short default instead)")
	return out
}

// basePath is the path of baseURL, "/" when it has none.
func basePath(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil || u.Path == "" {
		return "/"
	}
	p := u.Path
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

// rooted removes the baseURL path prefix from a URL path.
func (m *maker) rooted(p string) string {
	if m.base != "/" && strings.HasPrefix(p, m.base) {
		return "/" + p[len(m.base):]
	}
	return p
}

// size is the file's size in bytes.
func (f File) size() int {
	if f.Data != nil {
		return len(f.Data)
	}
	return f.Size
}

// sha256 is the SHA-256 of the file's bytes.
func (f File) sha256() [32]byte {
	if f.Data != nil {
		return sha256.Sum256(f.Data)
	}
	return f.Sum
}

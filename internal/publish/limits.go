package publish

import (
	"fmt"
	"path"
	"strings"

	"github.com/certiron/certiron-site/internal/config"
	"github.com/certiron/certiron-site/internal/csp"
	"github.com/certiron/certiron-site/internal/diag"
)

// The hosts' documented limits.
const (
	mib = 1 << 20

	CloudflareMaxFiles    = 20000
	CloudflareMaxFileSize = 25 * mib
	// NetlifyMaxFilesPerFolder: Netlify has no limit on a deploy's
	// files, but fails a deploy with more than this in one folder.
	NetlifyMaxFilesPerFolder = 54000
	GitHubMaxFileSize        = 100 * mib
	GitHubMaxSiteSize        = 1 << 30
)

// hostFiles are configuration the hosts read and never serve.
var hostFiles = map[string]bool{"_headers": true, "_redirects": true}

// limits checks the output against the target's limits.
func (m *maker) limits() {
	t := m.s.Target
	// The site's files and the host's, without copying the site's.
	files := func(yield func(int, *File) bool) {
		for _, l := range [][]File{m.s.Files, m.res.Files} {
			for i := range l {
				if !yield(i, &l[i]) {
					return
				}
			}
		}
	}
	cfg := diag.Pos{File: config.File}
	switch t {
	case Cloudflare:
		n := 0
		for _, f := range files {
			if hostFiles[f.Path] {
				continue
			}
			n++
			if f.size() > CloudflareMaxFileSize {
				m.errs.Add(f.where(), "cloudflare: %s is %s; Cloudflare Pages serves files of at most 25 MiB", f.Path, size(f.size()))
			}
		}
		if n > CloudflareMaxFiles {
			m.errs.Add(cfg, "cloudflare: the site has %d files; Cloudflare Pages serves at most %d", n, CloudflareMaxFiles)
		}
		m.headerLimits()
		m.redirectLimits()
	case Netlify:
		perDir := map[string]int{}
		for _, f := range files {
			perDir[path.Dir(f.Path)]++
		}
		for dir, n := range perDir {
			if n > NetlifyMaxFilesPerFolder {
				m.errs.Add(cfg, "netlify: folder %s/ of the output has %d files; Netlify fails a deploy with more than %d in one folder", dir, n, NetlifyMaxFilesPerFolder)
			}
		}
		if len(m.lines) >= NetlifyManyRedirects {
			m.res.Warnings.Add(cfg, "netlify: %d redirects; Netlify advises wildcards or placeholders from %d on, as a large rule set may fail the deploy", len(m.lines), NetlifyManyRedirects)
		}
	case GitHubPages:
		total := 0
		for _, f := range files {
			total += f.size()
			if f.size() > GitHubMaxFileSize {
				m.errs.Add(f.where(), "github-pages: %s is %s; GitHub accepts files of at most 100 MiB", f.Path, size(f.size()))
			}
		}
		if total > GitHubMaxSiteSize {
			m.errs.Add(cfg, "github-pages: the site is %s; GitHub Pages publishes sites of at most 1 GiB", size(total))
		}
	}
}

// headerLimits checks _headers against Cloudflare's reading of it.
func (m *maker) headerLimits() {
	if n := len(m.rules); n > csp.MaxHeaderRules {
		pos := diag.Pos{File: config.File}
		if over := csp.MaxHeaderRules - m.userAt; over >= 0 && over < len(m.s.Headers) {
			pos = m.s.Headers[over].Pos
		}
		m.errs.Add(pos, "cloudflare: _headers has %d rules (%d generated, %d from [[headers]]); Cloudflare Pages reads only the first %d", n, m.userAt, n-m.userAt, csp.MaxHeaderRules)
	}
	line := func(name, value string) int { return len(name) + len(": ") + len(value) }
	if n := line(csp.HeaderName, m.res.Policy); n > csp.MaxLineLength {
		pos := m.s.PolicyPos
		if pos.File == "" {
			pos = diag.Pos{File: config.File}
		}
		m.errs.Add(pos, "cloudflare: the Content-Security-Policy line is %d characters with %d inline script and %d style hashes; Cloudflare Pages skips _headers lines over %d characters: inline less code, or move it to files", n, len(m.s.Scripts), len(m.s.Styles), csp.MaxLineLength)
	}
	for _, h := range m.s.Headers {
		for _, v := range h.Values {
			if n := line(v.Name, v.Value); n > csp.MaxLineLength {
				m.errs.Add(v.Pos, "cloudflare: the %s line is %d characters; Cloudflare Pages skips _headers lines over %d characters", v.Name, n, csp.MaxLineLength)
			}
		}
	}
}

// redirectLimits checks _redirects against Cloudflare's limits: static
// rules count until the first dynamic one, after which all are dynamic.
func (m *maker) redirectLimits() {
	static, dynamic := 0, 0
	isDynamic := false
	for _, l := range m.lines {
		if len(l.text) > MaxRedirectLine {
			m.errs.Add(l.pos, "cloudflare: the redirect line for %s is %d characters; Cloudflare Pages allows %d", strings.Fields(l.text)[0], len(l.text), MaxRedirectLine)
		}
		isDynamic = isDynamic || l.dynamic
		if isDynamic {
			dynamic++
			if dynamic == MaxDynamicRedirects+1 {
				m.errs.Add(l.pos, "cloudflare: more than %d dynamic redirects (with * or :placeholder, or after one); Cloudflare Pages ignores the rest", MaxDynamicRedirects)
			}
		} else {
			static++
			if static == MaxStaticRedirects+1 {
				m.errs.Add(l.pos, "cloudflare: more than %d static redirects; Cloudflare Pages ignores the rest", MaxStaticRedirects)
			}
		}
	}
}

// size writes n bytes in MiB.
func size(n int) string { return fmt.Sprintf("%.1f MiB", float64(n)/mib) }

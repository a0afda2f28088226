package publish

import (
	"fmt"
	"net/http"
	"path"
	"sort"
	"strings"

	"github.com/certiron/certiron-site/internal/config"
	"github.com/certiron/certiron-site/internal/csp"
	"github.com/certiron/certiron-site/internal/diag"
)

// headers writes `_headers`: the security block for every path, the
// fingerprinted files' cache policy, then the user's [[headers]].
func (m *maker) headers() {
	host := m.s.Target.host()
	policy := csp.StrictHeader(m.s.Scripts, m.s.Styles)
	m.res.Policy = policy.String()
	all := csp.SecurityRule("/*", policy)
	all.Comment = "Security headers and the cache policy of every file, written by certiron-site.\n" +
		"HTML, the sitemap, feeds and unhashed static files may change at the next deploy: revalidate."
	all.Headers = append(all.Headers, [2]string{"Cache-Control", Revalidate})
	m.rules = csp.Rules{all}
	m.rules = append(m.rules, m.fingerprinted(host)...)
	m.userAt = len(m.rules)
	m.userHeaders(host)
	m.res.Files = append(m.res.Files, File{Path: "_headers", Data: csp.WriteHeaders(m.rules), Source: config.File})
	m.res.Files = append(m.res.Files, File{Path: "_redirects", Data: m.writeRedirects(), Source: config.File})
}

// fingerprinted returns the blocks giving fingerprinted files the
// immutable policy: one per file, or, when that would pass Cloudflare's
// block limit, one per folder whose every file is fingerprinted.
func (m *maker) fingerprinted(host csp.Host) csp.Rules {
	var paths []string
	for _, f := range m.s.Files {
		if f.Fingerprinted {
			paths = append(paths, f.Path)
		}
	}
	sort.Strings(paths)
	if len(paths) == 0 {
		return nil
	}
	budget := csp.MaxHeaderRules - 1 - len(m.s.Headers)
	patterns := make([]string, len(paths))
	for i, p := range paths {
		patterns[i] = "/" + encodePath(p)
	}
	if host == csp.Cloudflare && len(patterns) > budget {
		patterns = m.folders(host, paths)
	}
	block := func(pattern string) csp.Rule {
		r := csp.Rule{Pattern: pattern, Headers: [][2]string{{"Cache-Control", Immutable}}}
		if host == csp.Cloudflare {
			// Cloudflare joins values of matching blocks: drop the
			// revalidating policy of "/*" first.
			r.Detach = []string{"Cache-Control"}
		}
		return r
	}
	rules := make(csp.Rules, len(patterns))
	for i, p := range patterns {
		rules[i] = block(p)
	}
	rules[0].Comment = "Fingerprinted files: their name changes whenever their bytes do, so they are cached for good."
	return rules
}

// folders covers fingerprinted paths with "/folder/*" patterns, the
// shallowest folder that holds no file served with another policy, or
// the file itself.
func (m *maker) folders(host csp.Host, paths []string) []string {
	fp := map[string]bool{}
	for _, p := range paths {
		fp[p] = true
	}
	var others []string
	for _, f := range m.s.Files {
		if !fp[f.Path] {
			others = append(others, urlPaths(f.Path)...)
		}
	}
	safe := func(pattern string) bool {
		r := csp.Rule{Pattern: pattern}
		for _, o := range others {
			if r.MatchOn(host, o) {
				return false
			}
		}
		return true
	}
	seen := map[string]bool{}
	var out []string
	for _, p := range paths {
		pattern := "/" + encodePath(p)
		segs := strings.Split(path.Dir(p), "/")
		for n := 1; n <= len(segs) && segs[0] != "."; n++ {
			if cand := "/" + encodePath(strings.Join(segs[:n], "/")) + "/*"; safe(cand) {
				pattern = cand
				break
			}
		}
		if !seen[pattern] {
			seen[pattern] = true
			out = append(out, pattern)
		}
	}
	return out
}

// generated are the headers the build sends on every path, by
// canonical name, and why a user may not send them too.
func generated() map[string]string {
	g := map[string]string{
		http.CanonicalHeaderKey(csp.HeaderName):     "would replace or weaken the generated Content-Security-Policy, whose hashes allow exactly the theme's inline code",
		http.CanonicalHeaderKey(csp.ReportOnlyName): "would weaken the generated Content-Security-Policy: the site's policy is enforced, never report-only",
		"Cache-Control": "is set by the build for every file (" + Immutable + " for fingerprinted assets, " + Revalidate + " for the rest)",
		"Set-Cookie":    "would set a cookie, and the site promises it sets none",
	}
	for _, h := range csp.SecurityHeaders {
		g[http.CanonicalHeaderKey(h[0])] = fmt.Sprintf("is already sent on every path by the generated security headers (%s: %s); a second value would weaken or contradict it", h[0], h[1])
	}
	g["X-Frame-Options"] = "would weaken the generated frame protection (X-Frame-Options: DENY and frame-ancestors 'none')"
	return g
}

// userHeaders checks config's [[headers]] and appends them as blocks.
func (m *maker) userHeaders(host csp.Host) {
	gen := generated()
	type set struct {
		rule int // index in m.s.Headers
		v    config.HeaderValue
	}
	byName := map[string][]set{}
	for i, h := range m.s.Headers {
		pattern := strings.TrimSpace(h.For)
		if !strings.HasPrefix(pattern, "/") || strings.ContainsAny(pattern, " \t") {
			m.errs.Add(h.ForPos, "[[headers]] for %q must be a URL path starting with / (\"/legal/*\")", h.For)
			continue
		}
		if len(h.Values) == 0 {
			m.errs.Add(h.Pos, "[[headers]] for %q has no [headers.values]", h.For)
			continue
		}
		r := csp.Rule{Pattern: encodePath(pattern), Comment: "From " + posText(h.Pos) + "."}
		ok := true
		for _, v := range h.Values {
			name := http.CanonicalHeaderKey(v.Name)
			switch why, bad := gen[name]; {
			case !validName(v.Name):
				m.errs.Add(v.Pos, "%q is not a valid header name", v.Name)
			case bad:
				m.errs.Add(v.Pos, "[[headers]] for %q: %s %s; remove it", h.For, v.Name, why)
			case v.Value == "":
				m.errs.Add(v.Pos, "[[headers]] for %q: %s has an empty value, which the hosts reject; remove it", h.For, v.Name)
			default:
				r.Headers = append(r.Headers, [2]string{v.Name, v.Value})
				byName[name] = append(byName[name], set{i, v})
				continue
			}
			ok = false
		}
		if ok {
			m.add(r)
		}
		if !m.matchesAny(host, r.Pattern) {
			m.res.Warnings.Add(h.ForPos, "[[headers]] for %q matches no file of the site", h.For)
		}
	}
	// A header set by two rules for one path: Cloudflare would join the
	// values, Netlify keep the later; neither is what one of them says.
	for name, sets := range byName {
		for j := 1; j < len(sets); j++ {
			for i := range j {
				a, b := m.s.Headers[sets[i].rule], m.s.Headers[sets[j].rule]
				if p, ok := m.overlap(host, a.For, b.For); ok {
					m.errs.Add(sets[j].v.Pos, "%s is set twice for %s: here and at %s; set it in one [[headers]] table", name, p, posText(sets[i].v.Pos))
					break
				}
			}
		}
	}
}

// add appends a user block, or merges it into the block already written
// for its pattern: Cloudflare Pages keeps only the last block of a
// pattern written twice, so a second "/*" would drop the security
// headers.
func (m *maker) add(r csp.Rule) {
	for i := range m.rules {
		if m.rules[i].Pattern == r.Pattern {
			m.rules[i].Headers = append(m.rules[i].Headers, r.Headers...)
			m.rules[i].Comment += "\n" + r.Comment[:len(r.Comment)-1] + ": " + headerNames(r.Headers) + "."
			return
		}
	}
	m.rules = append(m.rules, r)
}

func headerNames(hs [][2]string) string {
	names := make([]string, len(hs))
	for i, h := range hs {
		names[i] = h[0]
	}
	return strings.Join(names, ", ")
}

// posText is "config.toml:4:1" (or the line alone).
func posText(p diag.Pos) string {
	q := p
	if q.File == "" {
		q.File = config.File
	}
	return q.String()
}

// samples are URL paths to try patterns on: every served path, and
// paths the patterns themselves stand for.
func (m *maker) samples(patterns ...string) []string {
	var out []string
	for _, f := range m.s.Files {
		out = append(out, urlPaths(f.Path)...)
	}
	for _, p := range patterns {
		out = append(out, placeholderRE.ReplaceAllString(strings.ReplaceAll(p, "*", "x"), "x"))
	}
	return out
}

func (m *maker) matchesAny(host csp.Host, pattern string) bool {
	r := csp.Rule{Pattern: pattern}
	for _, p := range m.samples() {
		if r.MatchOn(host, p) {
			return true
		}
	}
	return false
}

// overlap returns a path both patterns match on host.
func (m *maker) overlap(host csp.Host, a, b string) (string, bool) {
	ra, rb := csp.Rule{Pattern: encodePath(strings.TrimSpace(a))}, csp.Rule{Pattern: encodePath(strings.TrimSpace(b))}
	for _, p := range m.samples(ra.Pattern, rb.Pattern) {
		if ra.MatchOn(host, p) && rb.MatchOn(host, p) {
			return p, true
		}
	}
	return "", false
}

// validName reports whether s is an HTTP token (RFC 9110).
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

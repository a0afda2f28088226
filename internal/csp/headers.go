package csp

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
)

// SecurityHeaders are the headers every response of the site carries
// besides the Content-Security-Policy, in the order they are written.
var SecurityHeaders = [][2]string{
	{"Referrer-Policy", "same-origin"},
	{"X-Content-Type-Options", "nosniff"},
	{"X-Frame-Options", "DENY"},
	{"Permissions-Policy", "accelerometer=(), autoplay=(), browsing-topics=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), usb=(), xr-spatial-tracking=()"},
	{"Strict-Transport-Security", "max-age=63072000; includeSubDomains"},
	{"Cross-Origin-Opener-Policy", "same-origin"},
}

// HeaderName is the name of the Content-Security-Policy header; its
// report-only twin is ReportOnlyName.
const (
	HeaderName     = "Content-Security-Policy"
	ReportOnlyName = "Content-Security-Policy-Report-Only"
)

// SecurityRule is the `_headers` block that sends policy and the
// security headers on every path matching pattern.
func SecurityRule(pattern string, policy Policy) Rule {
	hs := [][2]string{{HeaderName, policy.String()}}
	return Rule{Pattern: pattern, Headers: append(hs, SecurityHeaders...)}
}

// Rule is one block of a `_headers` file: a URL pattern and its headers.
type Rule struct {
	// Comment, when set, is written as '#' lines above the block.
	Comment string
	// Pattern is the URL path the block applies to: "/exact", "/legal/*"
	// ('*' matches any run of characters, slashes too) or "/:lang/about"
	// (a ":name" placeholder matches one path segment). A pattern with a
	// host ("https://example.com/*") never matches a bare path.
	Pattern string
	// Headers are the block's "Name: value" lines, in order.
	Headers [][2]string
	// Detach are the names of "! Name" lines: headers that an earlier
	// matching block set, or the host itself, which this block removes
	// (Cloudflare Pages only; Netlify has no such line).
	Detach []string
	// Line is the pattern's line in the file it was parsed from; 0 for a
	// rule made in code.
	Line int
}

// Rules are the blocks of a `_headers` file, in order.
type Rules []Rule

// Host names the matching and merging rules of a static host.
type Host int

const (
	// Cloudflare Pages: every matching block applies in file order; a
	// header set by several gets their values joined with ", "; "! Name"
	// removes a header; a pattern written twice keeps only its last
	// block (at the first one's place); matching is case-sensitive and
	// exact about trailing slashes.
	Cloudflare Host = iota
	// Netlify: every matching block applies in file order and a later
	// block's value of a header replaces an earlier one's; there is no
	// "! Name"; patterns match ignoring case and a trailing slash, and a
	// final "/*" also matches the folder itself ("/legal/*" matches
	// "/legal").
	Netlify
)

func (h Host) String() string {
	if h == Netlify {
		return "netlify"
	}
	return "cloudflare"
}

// ParseError is a line of a `_headers` file that the hosts skip.
type ParseError struct {
	Line int
	Text string
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Limits of Cloudflare Pages for `_headers`: lines longer than
// MaxLineLength are skipped, and blocks after the first MaxHeaderRules.
const (
	MaxLineLength  = 2000
	MaxHeaderRules = 100
)

// ParseHeaders reads a `_headers` file as Cloudflare Pages does (Netlify
// reads the same grammar, less "! Name"): each line is trimmed; blank
// lines and lines starting with '#' are comments; a line starting with
// "/" or "scheme://" starts a block; "Name: value" adds a header to the
// current block (several values of one name in a block are kept apart,
// and joined when applied); "! Name" removes one. Lines the hosts skip are
// returned as errors, with their line numbers, and skipped here too, as is
// a block with no lines. Limits (MaxLineLength, MaxHeaderRules) are left
// to the caller, which knows the host.
func ParseHeaders(data []byte) (Rules, []*ParseError) {
	var rules Rules
	var errs []*ParseError
	var cur *Rule
	flush := func() {
		if cur == nil {
			return
		}
		if len(cur.Headers) == 0 && len(cur.Detach) == 0 {
			errs = append(errs, &ParseError{cur.Line, cur.Pattern, "no headers for " + cur.Pattern})
		} else {
			rules = append(rules, *cur)
		}
		cur = nil
	}
	for i, raw := range strings.Split(string(data), "\n") {
		n := i + 1
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		bad := func(msg string) { errs = append(errs, &ParseError{n, line, msg}) }
		if isPathLine(line) {
			flush()
			cur = &Rule{Pattern: line, Line: n}
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			switch {
			case cur == nil:
				bad("expected a path starting with '/' before any header")
			case strings.HasPrefix(line, "! "):
				cur.Detach = append(cur.Detach, strings.TrimSpace(line[2:]))
			default:
				bad(`expected "Name: value" or "! Name"`)
			}
			continue
		}
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		switch {
		case strings.ContainsAny(name, " \t"):
			bad("a header name cannot hold spaces")
		case name == "":
			bad("no header name")
		case value == "":
			bad("no value for " + name)
		case cur == nil:
			bad("expected a path starting with '/' before header " + name)
		default:
			cur.Headers = append(cur.Headers, [2]string{name, value})
		}
	}
	flush()
	return rules, errs
}

var pathLine = regexp.MustCompile(`^([^\s]+://|/)`)

func isPathLine(line string) bool { return pathLine.MatchString(line) }

// WriteHeaders writes rules as a `_headers` file, block after block in
// the order given (which is what the hosts apply them in), each block's
// "! Name" lines before its headers, blocks apart by a blank line. The
// same rules always give the same bytes. Names and values are written as
// given: the caller keeps them on one line.
func WriteHeaders(rules Rules) []byte {
	var b bytes.Buffer
	for i, r := range rules {
		if i > 0 {
			b.WriteByte('\n')
		}
		if r.Comment != "" {
			for _, c := range strings.Split(r.Comment, "\n") {
				b.WriteString(strings.TrimRight("# "+c, " ") + "\n")
			}
		}
		b.WriteString(r.Pattern + "\n")
		for _, name := range r.Detach {
			b.WriteString("  ! " + name + "\n")
		}
		for _, h := range r.Headers {
			b.WriteString("  " + h[0] + ": " + h[1] + "\n")
		}
	}
	return b.Bytes()
}

// Match reports whether the rule applies to urlPath on Cloudflare Pages.
func (r Rule) Match(urlPath string) bool { return r.MatchOn(Cloudflare, urlPath) }

// MatchOn reports whether the rule applies to urlPath (as requested,
// percent-encoded) on host.
func (r Rule) MatchOn(host Host, urlPath string) bool {
	re := compiled(host, r.Pattern)
	return re != nil && re.MatchString(urlPath)
}

// Apply sets on h the headers Cloudflare Pages sends for urlPath.
func (rs Rules) Apply(h http.Header, urlPath string) { rs.ApplyOn(Cloudflare, h, urlPath) }

// ApplyOn sets on h the headers that host sends for urlPath under rs,
// merging as that host does (see Host).
func (rs Rules) ApplyOn(host Host, h http.Header, urlPath string) {
	if host == Netlify {
		for _, r := range rs {
			if !r.MatchOn(Netlify, urlPath) {
				continue
			}
			for name, v := range joined(r.Headers) {
				h.Set(name, v)
			}
		}
		return
	}
	seen := map[string]bool{}
	for i, r := range rs {
		if !r.Match(urlPath) {
			continue
		}
		if first(rs, i) != i {
			continue // applied at the first block of its pattern
		}
		r = rs[last(rs, i)]
		for _, name := range r.Detach {
			h.Del(name)
		}
		for name, v := range joined(r.Headers) {
			if old := h.Get(name); seen[name] && old != "" {
				v = old + ", " + v
			}
			h.Set(name, v)
			seen[name] = true
		}
	}
}

// joined returns a block's headers by canonical name, the values of a
// name written more than once in it joined with ", ", in order of first
// appearance.
func joined(hs [][2]string) func(yield func(string, string) bool) {
	return func(yield func(string, string) bool) {
		var order []string
		vals := map[string]string{}
		for _, kv := range hs {
			name := http.CanonicalHeaderKey(kv[0])
			if old, ok := vals[name]; ok {
				vals[name] = old + ", " + kv[1]
				continue
			}
			order = append(order, name)
			vals[name] = kv[1]
		}
		for _, name := range order {
			if !yield(name, vals[name]) {
				return
			}
		}
	}
}

func first(rs Rules, i int) int {
	for j := range i {
		if rs[j].Pattern == rs[i].Pattern {
			return j
		}
	}
	return i
}

func last(rs Rules, i int) int {
	for j := len(rs) - 1; j > i; j-- {
		if rs[j].Pattern == rs[i].Pattern {
			return j
		}
	}
	return i
}

var (
	patterns    sync.Map // patternKey → *regexp.Regexp (nil for none)
	placeholder = regexp.MustCompile(`:[A-Za-z]\w*`)
)

type patternKey struct {
	host    Host
	pattern string
}

// compiled returns the anchored expression a host matches pattern with,
// or nil for a pattern that never matches a bare path.
func compiled(host Host, pattern string) *regexp.Regexp {
	k := patternKey{host, pattern}
	if v, ok := patterns.Load(k); ok {
		return v.(*regexp.Regexp)
	}
	var re *regexp.Regexp
	if strings.HasPrefix(pattern, "/") {
		if host == Netlify {
			re = netlifyPattern(pattern)
		} else {
			re = cloudflarePattern(pattern)
		}
	}
	patterns.Store(k, re)
	return re
}

// cloudflarePattern: '*' is any run of characters, ":name" one segment,
// the rest literal, anchored at both ends.
func cloudflarePattern(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for i, part := range strings.Split(pattern, "*") {
		if i > 0 {
			b.WriteString(".*")
		}
		last := 0
		for _, m := range placeholder.FindAllStringIndex(part, -1) {
			b.WriteString(regexp.QuoteMeta(part[last:m[0]]))
			b.WriteString("[^/]+")
			last = m[1]
		}
		b.WriteString(regexp.QuoteMeta(part[last:]))
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil
	}
	return re
}

// netlifyPattern: the pattern's non-empty segments; a ":name" segment
// matches one segment, a "*" segment anything (or nothing: "/a/*"
// matches "/a"), '*' inside a segment any run of characters; an optional
// trailing slash; any case.
func netlifyPattern(pattern string) *regexp.Regexp {
	var parts []string
	for _, seg := range strings.Split(pattern, "/") {
		seg = strings.TrimRight(seg, " \t")
		switch {
		case seg == "":
			continue
		case strings.HasPrefix(seg, ":"):
			parts = append(parts, "([^/]+)")
		case seg == "*":
			parts = append(parts, "?(.*)")
		case strings.Contains(seg, "*"):
			q := strings.Split(seg, "*")
			for i := range q {
				q[i] = regexp.QuoteMeta(q[i])
			}
			parts = append(parts, strings.Join(q, "(.*)"))
		default:
			parts = append(parts, regexp.QuoteMeta(seg))
		}
	}
	re, err := regexp.Compile("(?i)^/" + strings.Join(parts, "/") + "/?$")
	if err != nil {
		return nil
	}
	return re
}

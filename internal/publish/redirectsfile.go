package publish

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/certiron/certiron-site/internal/csp"
)

// RedirectRule is one line of a `_redirects` file.
type RedirectRule struct {
	From, To string
	Status   int
	// Line is the rule's line in the file.
	Line int

	re    *regexp.Regexp // nil for a static rule
	names []string       // the placeholders of re, in order
}

// RedirectRules are the rules of a `_redirects` file, in order.
type RedirectRules []RedirectRule

// ParseRedirects reads a `_redirects` file as Cloudflare Pages does:
// "from to [status]" per line (status 302 when left out; 200 rewrites),
// '#' comments; a rule for a from already seen is skipped. Lines the host
// skips are returned as errors with their line numbers.
func ParseRedirects(data []byte) (RedirectRules, []*csp.ParseError) {
	var rules RedirectRules
	var errs []*csp.ParseError
	seen := map[string]bool{}
	dynamic := false
	for i, raw := range strings.Split(string(data), "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		bad := func(msg string) { errs = append(errs, &csp.ParseError{Line: i + 1, Text: line, Msg: msg}) }
		f := strings.Fields(line)
		if len(f) < 2 || len(f) > 3 {
			bad("expected from, to and an optional status")
			continue
		}
		r := RedirectRule{From: f[0], To: f[1], Status: 302, Line: i + 1}
		if len(f) == 3 {
			n, err := strconv.Atoi(f[2])
			switch {
			case err != nil:
				bad("the status " + f[2] + " is not a number")
				continue
			case n != 200 && n != 301 && n != 302 && n != 303 && n != 307 && n != 308:
				bad("the status " + f[2] + " is not 200, 301, 302, 303, 307 or 308")
				continue
			}
			r.Status = n
		}
		if !strings.HasPrefix(r.From, "/") {
			bad("from must be a path starting with /")
			continue
		}
		if seen[r.From] {
			bad("a second rule for " + r.From + " is ignored")
			continue
		}
		seen[r.From] = true
		if dynamic || strings.Contains(r.From, "*") || placeholderRE.MatchString(r.From) {
			dynamic = true
			r.re, r.names = redirectPattern(r.From)
		}
		rules = append(rules, r)
	}
	return rules, errs
}

// redirectPattern compiles from as Cloudflare does: '*' is the splat,
// ":name" one segment.
func redirectPattern(from string) (*regexp.Regexp, []string) {
	var b strings.Builder
	var names []string
	b.WriteString("^")
	for i, part := range strings.Split(from, "*") {
		if i > 0 {
			b.WriteString("(.*)")
			names = append(names, "splat")
		}
		last := 0
		for _, m := range placeholderRE.FindAllStringIndex(part, -1) {
			b.WriteString(regexp.QuoteMeta(part[last:m[0]]))
			b.WriteString("([^/]+)")
			names = append(names, part[m[0]+1:m[1]])
			last = m[1]
		}
		b.WriteString(regexp.QuoteMeta(part[last:]))
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return regexp.MustCompile(`^\x00$`), nil // matches no path
	}
	return re, names
}

// Match returns the rule for urlPath (as requested, percent-encoded) and
// its target with placeholders and the splat filled in: static rules
// first, by exact path, then the others in file order.
func (rs RedirectRules) Match(urlPath string) (to string, status int, ok bool) {
	for _, r := range rs {
		if r.re == nil && r.From == urlPath {
			return r.To, r.Status, true
		}
	}
	for _, r := range rs {
		if r.re == nil {
			continue
		}
		m := r.re.FindStringSubmatch(urlPath)
		if m == nil {
			continue
		}
		to := r.To
		for i, name := range r.names {
			to = strings.ReplaceAll(to, ":"+name, m[i+1])
		}
		return to, r.Status, true
	}
	return "", 0, false
}

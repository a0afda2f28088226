package server

import (
	"net/http"
	"regexp"
	"strings"
)

// Rule is one block of a _headers file: a URL pattern and its headers.
type Rule struct {
	// Pattern is the URL path the block applies to: "/exact", "/legal/*"
	// ('*' matches any run of characters, slashes too) or "/:lang/about"
	// (a ":name" placeholder matches one path segment).
	Pattern string
	// Headers are the block's "Name: value" lines, in order.
	Headers [][2]string
	// Detach are the names of "! Name" lines: headers set by an earlier
	// matching block that this one removes.
	Detach []string

	re *regexp.Regexp
}

// Rules are the blocks of a _headers file, in order.
type Rules []Rule

// ParseHeaders reads a _headers file as Cloudflare Pages and Netlify do: a
// URL pattern at the start of a line, then indented "Name: value" lines
// (and "! Name" lines that remove a header an earlier block set); a line
// whose first non-blank character is '#' is a comment. Lines it cannot
// read are skipped, as the hosts do. Patterns that are not paths (full
// URLs with a host) never match.
func ParseHeaders(data []byte) Rules {
	var rules Rules
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if line[0] != ' ' && line[0] != '\t' {
			rules = append(rules, Rule{Pattern: t, re: compilePattern(t)})
			continue
		}
		if len(rules) == 0 {
			continue
		}
		r := &rules[len(rules)-1]
		if name, ok := strings.CutPrefix(t, "!"); ok {
			if name = strings.TrimSpace(name); name != "" {
				r.Detach = append(r.Detach, name)
			}
			continue
		}
		name, value, ok := strings.Cut(t, ":")
		if name = strings.TrimSpace(name); !ok || name == "" || strings.ContainsAny(name, " \t") {
			continue
		}
		r.Headers = append(r.Headers, [2]string{name, strings.TrimSpace(value)})
	}
	return rules
}

var placeholder = regexp.MustCompile(`:[A-Za-z_][A-Za-z0-9_]*`)

// compilePattern turns a pattern into an anchored regular expression, or
// nil for a pattern that is not a path.
func compilePattern(pattern string) *regexp.Regexp {
	if !strings.HasPrefix(pattern, "/") {
		return nil
	}
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
	return regexp.MustCompile(b.String())
}

// Match reports whether the rule applies to urlPath.
func (r Rule) Match(urlPath string) bool {
	if r.re == nil {
		r.re = compilePattern(r.Pattern)
	}
	return r.re != nil && r.re.MatchString(urlPath)
}

// Apply sets on h the headers of every rule that matches urlPath. A header
// named by several matching rules gets their values joined with ", ", as
// Cloudflare Pages does; a "! Name" line drops what earlier rules set.
func (rs Rules) Apply(h http.Header, urlPath string) {
	var order []string
	values := map[string][]string{}
	for _, r := range rs {
		if !r.Match(urlPath) {
			continue
		}
		for _, name := range r.Detach {
			delete(values, http.CanonicalHeaderKey(name))
		}
		for _, kv := range r.Headers {
			name := http.CanonicalHeaderKey(kv[0])
			if _, seen := values[name]; !seen {
				order = append(order, name)
			}
			values[name] = append(values[name], kv[1])
		}
	}
	for _, name := range order {
		if vs, ok := values[name]; ok {
			h.Set(name, strings.Join(vs, ", "))
		}
	}
}

package server

import (
	"net/http"
	"strings"
)

// Rule is one block of a _headers file: a URL pattern and its headers.
type Rule struct {
	Pattern string
	Headers [][2]string
}

// Rules are the blocks of a _headers file, in order.
type Rules []Rule

// ParseHeaders reads a `_headers` file as Cloudflare Pages and Netlify do:
// a URL pattern at the start of a line ("/*", "/legal/*", "/exact"), then
// indented "Name: value" lines; '#' starts a comment.
func ParseHeaders(data []byte) Rules {
	var rules Rules
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if line[0] != ' ' && line[0] != '\t' {
			rules = append(rules, Rule{Pattern: t})
			continue
		}
		if len(rules) == 0 {
			continue
		}
		name, value, ok := strings.Cut(t, ":")
		if !ok {
			continue
		}
		r := &rules[len(rules)-1]
		r.Headers = append(r.Headers, [2]string{strings.TrimSpace(name), strings.TrimSpace(value)})
	}
	return rules
}

// Apply sets the headers of every rule whose pattern matches urlPath.
func (rs Rules) Apply(h http.Header, urlPath string) {
	for _, r := range rs {
		if match(r.Pattern, urlPath) {
			for _, kv := range r.Headers {
				h.Set(kv[0], kv[1])
			}
		}
	}
}

// match reports whether a _headers pattern matches a path: '*' matches
// any run of characters (a "splat").
func match(pattern, p string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == p
	}
	if !strings.HasPrefix(p, parts[0]) {
		return false
	}
	p = p[len(parts[0]):]
	for i, part := range parts[1:] {
		if i == len(parts)-2 {
			return strings.HasSuffix(p, part)
		}
		j := strings.Index(p, part)
		if j < 0 {
			return false
		}
		p = p[j+len(part):]
	}
	return true
}

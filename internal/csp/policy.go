package csp

import (
	"strings"
)

// Directive is one directive of a policy: its name, in lower case, and
// its source list as written.
type Directive struct {
	Name    string
	Sources []string
}

// Policy is one Content-Security-Policy: its directives in the order
// written. The zero Policy restricts nothing.
type Policy struct {
	Directives []Directive
}

// Parse reads a serialized policy: directives separated by ';', each a
// name and its sources separated by white space. Empty directives are
// dropped. A header value holding several policies (separated by ',')
// is read with ParseList.
func Parse(s string) Policy {
	var p Policy
	for _, d := range strings.Split(s, ";") {
		f := strings.Fields(d)
		if len(f) == 0 {
			continue
		}
		p.Directives = append(p.Directives, Directive{strings.ToLower(f[0]), f[1:]})
	}
	return p
}

// ParseList reads a header value that may hold several policies separated
// by ',' (as a header sent twice is combined); a page must satisfy every
// one of them.
func ParseList(s string) []Policy {
	var ps []Policy
	for _, part := range strings.Split(s, ",") {
		if strings.TrimSpace(part) != "" {
			ps = append(ps, Parse(part))
		}
	}
	return ps
}

// String serializes the policy: "name source source; name source".
func (p Policy) String() string {
	parts := make([]string, len(p.Directives))
	for i, d := range p.Directives {
		parts[i] = strings.Join(append([]string{d.Name}, d.Sources...), " ")
	}
	return strings.Join(parts, "; ")
}

// Directive returns the sources of the directive named name and whether
// the policy has it. A repeated directive is ignored after its first
// occurrence, as browsers do.
func (p Policy) Directive(name string) ([]string, bool) {
	name = strings.ToLower(name)
	for _, d := range p.Directives {
		if d.Name == name {
			return d.Sources, true
		}
	}
	return nil, false
}

// Sources returns the sources that govern directive dir: its own, or
// default-src's when the policy lacks it (only fetch directives fall back
// to default-src; the caller asks for those).
func (p Policy) Sources(dir string) []string {
	if s, ok := p.Directive(dir); ok {
		return s
	}
	s, _ := p.Directive("default-src")
	return s
}

// Allows reports whether the sources governing dir hold source, or allow
// any inline code with 'unsafe-inline'. Hashes and nonces are compared
// exactly, keywords ignoring case. A policy without dir or default-src
// does not restrict it and allows it.
func (p Policy) Allows(dir, source string) bool {
	if !p.Restricts(dir) {
		return true
	}
	srcs := p.Sources(dir)
	return HasSource(srcs, source) || HasSource(srcs, "'unsafe-inline'")
}

// Restricts reports whether p governs directive dir at all: it has dir
// or default-src.
func (p Policy) Restricts(dir string) bool {
	_, own := p.Directive(dir)
	_, def := p.Directive("default-src")
	return own || def
}

// Has reports whether any directive lists source (keywords ignoring case).
func (p Policy) Has(source string) bool {
	for _, d := range p.Directives {
		for _, s := range d.Sources {
			if strings.EqualFold(s, source) {
				return true
			}
		}
	}
	return false
}

// Set sets directive name's sources, replacing the first directive of
// that name or appending a new one.
func (p *Policy) Set(name string, sources ...string) {
	name = strings.ToLower(name)
	for i, d := range p.Directives {
		if d.Name == name {
			p.Directives[i].Sources = sources
			return
		}
	}
	p.Directives = append(p.Directives, Directive{name, sources})
}

// Without returns a copy of p without the named directives.
func (p Policy) Without(names ...string) Policy {
	var q Policy
	for _, d := range p.Directives {
		drop := false
		for _, n := range names {
			drop = drop || d.Name == strings.ToLower(n)
		}
		if !drop {
			q.Directives = append(q.Directives, Directive{d.Name, append([]string(nil), d.Sources...)})
		}
	}
	return q
}

// Allow changes p so that directive dir allows source, and nothing more:
// source is added to dir's list, or, when p has no dir but restricts it
// through default-src, dir is added with default-src's sources and
// source. A list of just 'none' is replaced, since 'none' must stand
// alone. A list that allows every inline code ('unsafe-inline' without
// any hash, nonce or 'strict-dynamic') is left alone when source is a
// hash: a hash would switch 'unsafe-inline' off and break the page's own
// scripts. It reports whether dir was changed or added.
func (p *Policy) Allow(dir, source string) bool {
	dir = strings.ToLower(dir)
	for i, d := range p.Directives {
		if d.Name == dir {
			n := AddSource(d.Sources, source)
			changed := len(n) != len(d.Sources)
			p.Directives[i].Sources = n
			return changed
		}
	}
	def, ok := p.Directive("default-src")
	if !ok || HasSource(def, source) {
		return false
	}
	p.Directives = append(p.Directives, Directive{dir, AddSource(def, source)})
	return true
}

// AddSource returns sources with src added, in a new slice when it adds;
// the rules are Allow's.
func AddSource(sources []string, src string) []string {
	if HasSource(sources, src) {
		return sources
	}
	if len(sources) == 1 && strings.EqualFold(sources[0], "'none'") {
		return []string{src}
	}
	if isHashOrNonce(src) && HasSource(sources, "'unsafe-inline'") {
		hashed := false
		for _, s := range sources {
			hashed = hashed || isHashOrNonce(s) || strings.EqualFold(s, "'strict-dynamic'")
		}
		if !hashed {
			return sources
		}
	}
	return append(sources[:len(sources):len(sources)], src)
}

// HasSource reports whether sources hold src; keywords such as 'self'
// are matched ignoring case, hashes and nonces exactly.
func HasSource(sources []string, src string) bool {
	keyword := strings.HasPrefix(src, "'") && !isHashOrNonce(src)
	for _, s := range sources {
		if s == src || keyword && strings.EqualFold(s, src) {
			return true
		}
	}
	return false
}

func isHashOrNonce(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "'sha") || strings.HasPrefix(l, "'nonce-")
}

// HeaderOnly are the directives a browser ignores in a <meta> policy: a
// site that can only publish its policy in <meta> (GitHub Pages) loses
// them.
var HeaderOnly = []string{"frame-ancestors", "report-uri", "sandbox"}

// Strict returns the site's policy for a page's <meta> element: only the
// site's own origin, and inline code only by the given hashes (sorted and
// deduplicated here), never 'unsafe-inline'.
func Strict(scripts, styles []string) Policy {
	src := func(hashes []string) []string {
		return append([]string{"'self'"}, Sorted(hashes)...)
	}
	return Policy{Directives: []Directive{
		{"default-src", []string{"'self'"}},
		{"script-src", src(scripts)},
		{"style-src", src(styles)},
		{"img-src", []string{"'self'", "data:"}},
		{"font-src", []string{"'self'"}},
		{"connect-src", []string{"'self'"}},
		{"object-src", []string{"'none'"}},
		{"base-uri", []string{"'self'"}},
		{"form-action", []string{"'self'"}},
	}}
}

// StrictHeader is Strict for the Content-Security-Policy header, with the
// directive only a header can carry: frame-ancestors 'none', which keeps
// every other site from framing the pages (clickjacking).
func StrictHeader(scripts, styles []string) Policy {
	p := Strict(scripts, styles)
	p.Directives = append(p.Directives, Directive{"frame-ancestors", []string{"'none'"}})
	return p
}

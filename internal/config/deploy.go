package config

import (
	"regexp"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/certiron/certiron-site/internal/diag"
)

// Header is one [[headers]] table, in netlify.toml's shape:
//
//	[[headers]]
//	for = "/legal/*"
//	[headers.values]
//	X-Robots-Tag = "noarchive"
//
// Package publish validates it and merges it into the host's `_headers`
// after the generated security headers.
type Header struct {
	// For is the URL pattern the headers apply to, in `_headers` syntax.
	For string `toml:"for"`
	// Raw is the [headers.values] table as decoded; Values is what to use.
	Raw map[string]any `toml:"values"`
	// Values are the headers, in the order written. A value written as an
	// array of strings, or as a multi-line string of comma-separated
	// parts, is joined with ", ", as Netlify does.
	Values []HeaderValue `toml:"-"`
	// Pos is where the table starts ([[headers]]); ForPos where its for
	// key is (Pos when it has none).
	Pos, ForPos diag.Pos `toml:"-"`
}

// HeaderValue is one header of a [[headers]] table.
type HeaderValue struct {
	Name, Value string
	// Pos is the key's position in config.toml.
	Pos diag.Pos
}

// Redirect is one [[redirects]] table: a moved page.
//
//	[[redirects]]
//	from = "/privacy/"
//	to = "/legal/privacy/"
//	status = 301
type Redirect struct {
	From string `toml:"from"`
	To   string `toml:"to"`
	// Status is the HTTP status; 301 when the key is absent. Package
	// publish accepts 301, 302 and 308.
	Status int `toml:"status"`
	// Pos is where the table starts; FromPos, ToPos and StatusPos are
	// the keys' positions (Pos for a key not written).
	Pos, FromPos, ToPos, StatusPos diag.Pos `toml:"-"`
}

// commaList is the separator Netlify normalizes header values on.
var commaList = regexp.MustCompile(`\s*,\s*`)

// deploy settles [[headers]] and [[redirects]]: their positions, the
// header values' order and form, the redirects' default status.
func (c *Config) deploy(name string, keys []written, errs *diag.List) {
	at := func(arr string, i int, sub ...string) diag.Pos {
		p := elementPos(keys, arr, i)
		if q, ok := inElementKey(keys, arr, i, sub...); ok {
			p = q
		}
		p.File = name
		return p
	}
	for i := range c.Headers {
		h := &c.Headers[i]
		h.Pos, h.ForPos = at("headers", i), at("headers", i, "for")
		names := make([]string, 0, len(h.Raw))
		for k := range h.Raw {
			names = append(names, k)
		}
		pos := map[string]diag.Pos{}
		for _, k := range names {
			pos[k] = at("headers", i, "values", k)
		}
		sort.Slice(names, func(a, b int) bool {
			pa, pb := pos[names[a]], pos[names[b]]
			if pa.Line != pb.Line {
				return pa.Line < pb.Line
			}
			if pa.Col != pb.Col {
				return pa.Col < pb.Col
			}
			return names[a] < names[b]
		})
		h.Values = nil
		for _, k := range names {
			v, ok := headerValue(h.Raw[k])
			if !ok {
				errs.Add(pos[k], "headers[%d].values.%s must be a string or an array of strings", i, k)
				continue
			}
			if strings.ContainsAny(v, "\r\n") {
				errs.Add(pos[k], "headers[%d].values.%s must be one line (a multi-line value needs a comma between its parts)", i, k)
				continue
			}
			h.Values = append(h.Values, HeaderValue{Name: k, Value: v, Pos: pos[k]})
		}
	}
	for i := range c.Redirects {
		r := &c.Redirects[i]
		r.Pos = at("redirects", i)
		r.FromPos, r.ToPos = at("redirects", i, "from"), at("redirects", i, "to")
		r.StatusPos = at("redirects", i, "status")
		if _, ok := inElementKey(keys, "redirects", i, "status"); !ok && r.Status == 0 {
			r.Status = 301
		}
	}
}

// headerValue normalizes a header value as Netlify does: a string's
// comma-separated parts rejoined with ", ", an array's strings joined.
func headerValue(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return commaList.ReplaceAllString(strings.TrimSpace(v), ", "), true
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			s, ok := e.(string)
			if !ok {
				return "", false
			}
			parts[i] = strings.TrimSpace(s)
		}
		return strings.Join(parts, ", "), true
	}
	return "", false
}

// elementPos is the position of element i of the array of tables arr
// ([[arr]] or arr = [{…}]); zero when unknown.
func elementPos(keys []written, arr string, i int) diag.Pos {
	if hs := elements(keys, arr); i < len(hs) {
		return hs[i]
	}
	if es := arrayElems(keys, arr); i < len(es) {
		return es[i]
	}
	return diag.Pos{}
}

// inElementKey returns the position of the key path sub inside element i
// of the top-level array of tables arr, written as a key, a [arr.sub]
// header or inside an inline table. Parts of sub match exactly, as map
// keys are.
func inElementKey(keys []written, arr string, i int, sub ...string) (diag.Pos, bool) {
	want := append(toml.Key{arr}, sub...)
	for _, w := range keys {
		if len(w.parts) != len(want) || !strings.EqualFold(w.parts[0].name, arr) || w.parts[0].elem != i {
			continue
		}
		match := true
		for j := 1; j < len(want); j++ {
			match = match && w.parts[j].name == want[j]
		}
		if match {
			return w.parts[len(w.parts)-1].pos, true
		}
	}
	return diag.Pos{}, false
}

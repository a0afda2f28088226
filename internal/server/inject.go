package server

import (
	"bytes"
	_ "embed"
	"html"
	"net/http"
	"strings"

	"github.com/certiron/certiron-site/internal/csp"
)

// liveReloadJS is the live-reload script, injected byte for byte; its
// hash is taken over exactly these bytes.
//
//go:embed livereload.js
var liveReloadJS string

// scriptHash is the CSP source expression that allows the injected script.
var scriptHash = csp.Hash([]byte(liveReloadJS))

// cspHeaders are the headers whose policies are patched.
var cspHeaders = []string{csp.HeaderName, csp.ReportOnlyName}

// inject adds the live-reload script to an HTML page, just before
// </body> (or at the end when the minifier left </body> out), telling it
// the generation gen it was served at, and allows the script in the
// page's Content-Security-Policy headers and <meta> policies.
func inject(page []byte, h http.Header, gen string) []byte {
	for _, name := range cspHeaders {
		vs := h.Values(name)
		if len(vs) == 0 {
			continue
		}
		patched := make([]string, len(vs))
		for i, v := range vs {
			patched[i] = allowLiveReload(v)
		}
		h[http.CanonicalHeaderKey(name)] = patched
	}
	page = patchMetaCSP(page)
	tag := `<script data-certiron-gen="` + html.EscapeString(gen) + `">` + liveReloadJS + `</script>`
	at := lastIndexFold(page, "</body")
	if at < 0 {
		at = len(page)
	}
	out := make([]byte, 0, len(page)+len(tag))
	out = append(out, page[:at]...)
	out = append(out, tag...)
	return append(out, page[at:]...)
}

// allowLiveReload changes a policy (several, comma-separated, as one
// header may carry) so that it allows the live-reload script by its hash
// and its connection to the server's own origin, and nothing more.
func allowLiveReload(policy string) string {
	ps := strings.Split(policy, ",")
	for i, p := range ps {
		ps[i] = patchPolicy(p)
	}
	return strings.Join(ps, ", ")
}

// patchPolicy allows the live-reload script in one policy: by its hash
// where scripts are governed (script-src-elem, when present, rules
// <script> elements; script-src covers them otherwise; default-src stands
// in for both), and its connection back to the server's own origin.
func patchPolicy(policy string) string {
	p := csp.Parse(policy)
	script := false
	for _, name := range []string{"script-src-elem", "script-src"} {
		if _, ok := p.Directive(name); ok {
			p.Allow(name, scriptHash)
			script = true
		}
	}
	if !script {
		p.Allow("script-src", scriptHash)
	}
	p.Allow("connect-src", "'self'")
	return p.String()
}

// patchMetaCSP patches every <meta http-equiv="Content-Security-Policy">
// in a page, however its attributes are quoted, since browsers enforce
// those policies as well as the header's.
func patchMetaCSP(page []byte) []byte {
	var out []byte
	last := 0
	for i := 0; i < len(page); {
		j := bytes.IndexByte(page[i:], '<')
		if j < 0 {
			break
		}
		start := i + j
		k := start + len("<meta")
		if k >= len(page) || !equalFold(page[start+1:k], "meta") || !isTagEnd(page[k]) {
			i = start + 1
			continue
		}
		attrs, end := scanAttrs(page, k)
		i = end
		var equiv, content *attr
		for n := range attrs {
			switch attrs[n].name {
			case "http-equiv":
				equiv = &attrs[n]
			case "content":
				content = &attrs[n]
			}
		}
		if equiv == nil || content == nil || content.start < 0 || !strings.EqualFold(strings.TrimSpace(html.UnescapeString(equiv.value)), "content-security-policy") {
			continue
		}
		policy := allowLiveReload(html.UnescapeString(content.value))
		out = append(out, page[last:content.start]...)
		out = append(out, '"')
		out = append(out, strings.NewReplacer("&", "&amp;", `"`, "&quot;").Replace(policy)...)
		out = append(out, '"')
		last = content.end
	}
	if out == nil {
		return page
	}
	return append(out, page[last:]...)
}

// attr is an attribute of a tag: its lower-case name, raw value, and the
// byte range of the value with its quotes (-1 when it has none).
type attr struct {
	name       string
	value      string
	start, end int
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

func isTagEnd(c byte) bool { return isSpace(c) || c == '/' || c == '>' }

// scanAttrs reads a tag's attributes from b[i:] up to its '>', as an
// HTML parser does, and returns them with the index after the tag.
func scanAttrs(b []byte, i int) ([]attr, int) {
	var attrs []attr
	for i < len(b) {
		for i < len(b) && (isSpace(b[i]) || b[i] == '/') {
			i++
		}
		if i >= len(b) {
			break
		}
		if b[i] == '>' {
			return attrs, i + 1
		}
		ns := i
		i++ // a name may start with '='
		for i < len(b) && !isTagEnd(b[i]) && b[i] != '=' {
			i++
		}
		a := attr{name: strings.ToLower(string(b[ns:i])), start: -1, end: -1}
		j := i
		for j < len(b) && isSpace(b[j]) {
			j++
		}
		if j < len(b) && b[j] == '=' {
			i = j + 1
			for i < len(b) && isSpace(b[i]) {
				i++
			}
			a.start = i
			if i < len(b) && (b[i] == '"' || b[i] == '\'') {
				q := bytes.IndexByte(b[i+1:], b[i])
				if q < 0 {
					return attrs, len(b)
				}
				a.value = string(b[i+1 : i+1+q])
				i += q + 2
			} else {
				for i < len(b) && !isSpace(b[i]) && b[i] != '>' {
					i++
				}
				a.value = string(b[a.start:i])
			}
			a.end = i
		}
		attrs = append(attrs, a)
	}
	return attrs, len(b)
}

// lastIndexFold is bytes.LastIndex ignoring ASCII case; sub is lower case.
func lastIndexFold(b []byte, sub string) int {
	for i := len(b) - len(sub); i >= 0; i-- {
		if equalFold(b[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// equalFold reports whether b equals the lower-case ASCII string s,
// ignoring case.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

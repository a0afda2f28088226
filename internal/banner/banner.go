// Package banner holds what the zero-cookie notice needs from the build:
// its data for the theme's banner partial, the SHA-256 of every inline
// script and style as emitted, and the Content-Security-Policy and
// `_headers` file that let a strict policy be served.
package banner

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"sort"
	"strings"

	"html"
)

// StorageKey is the one thing the site stores in a visitor's browser.
const StorageKey = "certiron.cookies_ack"

// Data is what the banner and head partials are given.
type Data struct {
	// PolicyURL is the cookie policy page's URL.
	PolicyURL string
	// Version is the policy version a visitor acknowledges; a visitor who
	// acknowledged another version sees the banner again.
	Version string
	// Key is StorageKey, for templates that show it.
	Key string
	// Changed and ChangesURL, when the policy in force replaced an earlier
	// one, are its effective date ("November 28, 2026") and its redline:
	// a visitor who acknowledged an older version is told what changed.
	Changed, ChangesURL string
}

// Placeholder stands in a page's CSP <meta> until the page's inline
// scripts and styles are final and can be hashed.
const Placeholder = "certiron-csp-pending"

// Hash returns the CSP source expression for an inline script or style
// body: 'sha256-<base64>'.
func Hash(body []byte) string {
	sum := sha256.Sum256(body)
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// Inline returns the hashes of a page's inline scripts and styles, each
// list sorted and without duplicates. Scripts with a src and data blocks
// (JSON, templates) need no hash and are skipped. It scans for the tags
// directly (quoted attribute values and comments are respected), which is
// much cheaper than tokenizing the whole page.
func Inline(page []byte) (scripts, styles []string) {
	for i := 0; i < len(page); {
		j := bytes.IndexByte(page[i:], '<')
		if j < 0 {
			break
		}
		i += j
		if bytes.HasPrefix(page[i:], []byte("<!--")) {
			end := bytes.Index(page[i+4:], []byte("-->"))
			if end < 0 {
				break
			}
			i += 4 + end + 3
			continue
		}
		tag := ""
		switch {
		case hasTagPrefix(page[i+1:], "script"):
			tag = "script"
		case hasTagPrefix(page[i+1:], "style"):
			tag = "style"
		default:
			i++
			continue
		}
		attrs, bodyStart, ok := scanTag(page, i+1+len(tag))
		if !ok {
			break
		}
		end := indexFold(page[bodyStart:], "</"+tag)
		if end < 0 {
			end = len(page) - bodyStart
		}
		body := page[bodyStart : bodyStart+end]
		i = bodyStart + end
		if !executable(tag, attrs) {
			continue
		}
		if tag == "script" {
			scripts = append(scripts, Hash(body))
		} else {
			styles = append(styles, Hash(body))
		}
	}
	return dedupe(scripts), dedupe(styles)
}

// hasTagPrefix reports whether b starts with name (any case) followed by
// the end of a tag name.
func hasTagPrefix(b []byte, name string) bool {
	if len(b) <= len(name) || !bytes.EqualFold(b[:len(name)], []byte(name)) {
		return false
	}
	switch b[len(name)] {
	case '>', ' ', '\t', '\n', '\r', '\f', '/':
		return true
	}
	return false
}

// scanTag reads a start tag's attributes from i (just after its name) to
// its closing '>', and returns them and the offset after the tag.
func scanTag(page []byte, i int) (map[string]string, int, bool) {
	attrs := map[string]string{}
	for i < len(page) {
		c := page[i]
		switch {
		case c == '>':
			return attrs, i + 1, true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '/':
			i++
		default:
			start := i
			for i < len(page) && !strings.ContainsRune(" \t\n\r\f/>=", rune(page[i])) {
				i++
			}
			name := strings.ToLower(string(page[start:i]))
			val := ""
			if i < len(page) && page[i] == '=' {
				i++
				if i < len(page) && (page[i] == '"' || page[i] == '\'') {
					q := page[i]
					end := bytes.IndexByte(page[i+1:], q)
					if end < 0 {
						return nil, 0, false
					}
					val = string(page[i+1 : i+1+end])
					i += end + 2
				} else {
					start := i
					for i < len(page) && !strings.ContainsRune(" \t\n\r\f>", rune(page[i])) {
						i++
					}
					val = string(page[start:i])
				}
			}
			attrs[name] = html.UnescapeString(val)
		}
	}
	return nil, 0, false
}

// executable reports whether an inline element runs as script or style
// (and so needs a hash).
func executable(tag string, attrs map[string]string) bool {
	if tag == "style" {
		return true
	}
	if _, ok := attrs["src"]; ok {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(attrs["type"])) {
	case "", "module", "text/javascript", "application/javascript":
		return true
	}
	return false
}

func indexFold(b []byte, s string) int {
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			return -1
		}
		i += j
		if len(b)-i >= len(s) && bytes.EqualFold(b[i:i+len(s)], []byte(s)) {
			return i
		}
		i++
	}
}

func dedupe(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// Policy returns the Content-Security-Policy allowing only the site's own
// origin and the given inline hashes. frameAncestors adds
// frame-ancestors 'none', which only works as a header.
func Policy(scripts, styles []string, frameAncestors bool) string {
	src := func(hashes []string) string {
		if len(hashes) == 0 {
			return "'self'"
		}
		return "'self' " + strings.Join(hashes, " ")
	}
	p := "default-src 'self'; script-src " + src(scripts) + "; style-src " + src(styles) +
		"; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
	if frameAncestors {
		p += "; frame-ancestors 'none'"
	}
	return p
}

// Headers are the security headers sent with every page, besides the CSP.
var Headers = [][2]string{
	{"Referrer-Policy", "same-origin"},
	{"X-Content-Type-Options", "nosniff"},
	{"X-Frame-Options", "DENY"},
	{"Permissions-Policy", "accelerometer=(), autoplay=(), browsing-topics=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), usb=(), xr-spatial-tracking=()"},
	{"Strict-Transport-Security", "max-age=63072000; includeSubDomains"},
	{"Cross-Origin-Opener-Policy", "same-origin"},
}

// HeadersFile renders a `_headers` file (the format Cloudflare Pages and
// Netlify read) applying the CSP with the given hashes and the security
// headers to every path.
func HeadersFile(scripts, styles []string) []byte {
	scripts = dedupe(append([]string(nil), scripts...))
	styles = dedupe(append([]string(nil), styles...))
	var b bytes.Buffer
	b.WriteString("# Security headers for every page, written by certiron-site.\n/*\n")
	b.WriteString("  Content-Security-Policy: " + Policy(scripts, styles, true) + "\n")
	for _, h := range Headers {
		b.WriteString("  " + h[0] + ": " + h[1] + "\n")
	}
	return b.Bytes()
}

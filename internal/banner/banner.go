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

	"golang.org/x/net/html"
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
// (JSON, templates) need no hash and are skipped.
func Inline(page []byte) (scripts, styles []string) {
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		tag := string(name)
		if tag != "script" && tag != "style" {
			continue
		}
		exec := true
		for hasAttr {
			var k, v []byte
			k, v, hasAttr = z.TagAttr()
			switch string(k) {
			case "src":
				exec = false
			case "type":
				t := strings.ToLower(strings.TrimSpace(string(v)))
				if tag == "script" && t != "" && t != "module" && t != "text/javascript" && t != "application/javascript" {
					exec = false
				}
			}
		}
		body := []byte{}
		if z.Next() == html.TextToken {
			body = z.Raw()
		}
		if !exec {
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

// Package banner holds what the zero-cookie notice needs from the build:
// its data for the theme's banner partial and the placeholder its CSP
// <meta> carries until the page is final. Hashing, policies and the
// `_headers` file are package csp's; the functions here that name them
// forward to it, for the builder's existing calls.
package banner

import (
	"github.com/certiron/certiron-site/internal/csp"
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

// Hash is csp.Hash: the CSP source expression for an inline script or
// style body, 'sha256-<base64>'.
func Hash(body []byte) string { return csp.Hash(body) }

// Inline returns the hashes of a page's inline scripts and styles, each
// list sorted and without duplicates (csp.Inline, csp.Hashes).
func Inline(page []byte) (scripts, styles []string) {
	s, st := csp.Inline(page)
	return csp.Hashes(s), csp.Hashes(st)
}

// Policy returns the site's strict Content-Security-Policy allowing the
// given inline hashes (csp.Strict). frameAncestors adds frame-ancestors
// 'none', which only works as a header (csp.StrictHeader).
func Policy(scripts, styles []string, frameAncestors bool) string {
	if frameAncestors {
		return csp.StrictHeader(scripts, styles).String()
	}
	return csp.Strict(scripts, styles).String()
}

// Headers are the security headers sent with every page, besides the CSP
// (csp.SecurityHeaders).
var Headers = csp.SecurityHeaders

// HeadersFile renders a `_headers` file applying the CSP with the given
// hashes and the security headers to every path. Package publish writes
// the full file for a host (cache policy, user headers); this is the
// security block alone.
func HeadersFile(scripts, styles []string) []byte {
	r := csp.SecurityRule("/*", csp.StrictHeader(scripts, styles))
	r.Comment = "Security headers for every page, written by certiron-site."
	return csp.WriteHeaders(csp.Rules{r})
}

// Package csp is the one owner of what a strict Content-Security-Policy
// needs: the hash of an inline script or style as a CSP source expression,
// the rule for which inline <script> and <style> elements run (and so need
// a hash), finding them in a page, building and reading policies, the
// site's security headers, and the `_headers` file that Cloudflare Pages
// and Netlify read, parsed, matched and written as those hosts do.
//
// The banner hashes with it at build time, the audit checks pages against
// it, and the dev server patches policies with it; nothing else hashes
// inline code or reads a policy.
package csp

import (
	"crypto/sha256"
	"encoding/base64"
	"sort"
)

// Hash returns the CSP source expression that allows an inline script or
// style whose text is exactly body: 'sha256-<base64>'.
func Hash(body []byte) string {
	sum := sha256.Sum256(body)
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// Sorted returns the source expressions sorted and without duplicates, in
// a new slice: the order a policy lists hashes in, so that the same inline
// code always gives the same policy.
func Sorted(sources []string) []string {
	s := append([]string(nil), sources...)
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

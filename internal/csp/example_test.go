package csp_test

import (
	"fmt"
	"net/http"

	"github.com/certiron/certiron-site/internal/csp"
)

// The builder hashes a page's inline code as published and writes the
// policy that allows exactly that code.
func Example() {
	page := []byte(`<style>p{}</style><script>go()</script><script type="application/ld+json">{}</script>`)
	scripts, styles := csp.Inline(page)
	policy := csp.Strict(csp.Hashes(scripts), csp.Hashes(styles))
	fmt.Println(len(scripts), len(styles))
	fmt.Println(policy.Allows("script-src", csp.Hash([]byte("go()"))))
	fmt.Println(policy.Allows("script-src", csp.Hash([]byte("evil()"))))
	// Output:
	// 1 1
	// true
	// false
}

// A `_headers` file is parsed and applied to a path as the host does.
func ExampleRules_ApplyOn() {
	rules, errs := csp.ParseHeaders([]byte("/*\n  X-Frame-Options: DENY\n/legal/*\n  X-Robots-Tag: noarchive\n"))
	h := http.Header{}
	rules.ApplyOn(csp.Netlify, h, "/legal")
	fmt.Println(len(errs), h.Get("X-Frame-Options"), h.Get("X-Robots-Tag"))
	// Output: 0 DENY noarchive
}

func ExampleWriteHeaders() {
	rule := csp.SecurityRule("/*", csp.StrictHeader(nil, nil))
	rule.Headers = rule.Headers[:1]
	fmt.Print(string(csp.WriteHeaders(csp.Rules{rule})))
	// Output:
	// /*
	//   Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'
}

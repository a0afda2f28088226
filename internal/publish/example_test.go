package publish_test

import (
	"fmt"

	"github.com/certiron/certiron-site/internal/config"
	"github.com/certiron/certiron-site/internal/csp"
	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/publish"
)

// The builder hands Make the output it planned and adds the host's
// files Make returns.
func ExampleMake() {
	res, err := publish.Make(publish.Site{
		Target:  publish.Netlify,
		BaseURL: "https://certiron.io/",
		Files: []publish.File{
			{Path: "index.html", Data: []byte("<p>home")},
			{Path: "legal/index.html", Data: []byte("<p>legal")},
			{Path: "css/site.3f2a9c1e.css", Data: []byte("p{}"), Fingerprinted: true},
		},
		Scripts:   []string{csp.Hash([]byte("banner()"))},
		Aliases:   []publish.Alias{{From: "/terms/", To: "/legal/", Pos: diag.Pos{File: "content/legal/_index.md", Line: 3}}},
		Redirects: []config.Redirect{{From: "/privacy/", To: "/missing/", Status: 301, ToPos: diag.Pos{File: "config.toml", Line: 12, Col: 1}}},
	})
	fmt.Println(err)
	for _, f := range res.Files {
		fmt.Println(f.Path)
	}
	// Output:
	// config.toml:12:1: [[redirects]] to /missing/: no page or file of the site is served there
	// _headers
	// _redirects
}

func ExampleCollisions() {
	fmt.Println(publish.Collisions([]publish.File{{Path: "_redirects", Source: "static/_redirects"}}))
	// Output: static/_redirects: _redirects collides with the _redirects file the build writes (aliases and [[redirects]]); use [[redirects]] in config.toml, or a page's aliases instead
}

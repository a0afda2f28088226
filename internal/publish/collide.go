package publish

import (
	"github.com/certiron/certiron-site/internal/diag"
)

// written are the files the build writes at the root of the output that
// static/ could also publish: what writes each, and what to use instead.
var written = []struct{ path, by, instead string }{
	{"_headers", "the _headers file the build writes (security headers, the CSP's hashes, cache policy)", "use [[headers]] in config.toml"},
	{"_redirects", "the _redirects file the build writes (aliases and [[redirects]])", "use [[redirects]] in config.toml, or a page's aliases"},
	{"robots.txt", "the robots.txt the build writes (pointing at sitemap.xml)", "to keep crawlers off pages, send X-Robots-Tag with [[headers]] in config.toml"},
	{"sitemap.xml", "the sitemap.xml the build makes from the pages", "leave a page out with draft = true or config.toml's ignore"},
	{"404.html", "the 404 page the build makes from the theme's layouts/404.html", "edit that layout"},
	{".nojekyll", "the .nojekyll file the build writes for github-pages", `set [deploy] target = "github-pages" in config.toml`},
	{"CNAME", "the CNAME file the build writes for github-pages from baseURL's host", "set baseURL in config.toml"},
}

// Collisions reports every file of static/ (its output path and its
// source) that would take the place of a file the build writes, whatever
// the target: one rule for all of them, an error naming both sources and
// the option to use instead.
func Collisions(static []File) diag.List {
	var errs diag.List
	for _, f := range static {
		for _, w := range written {
			if f.Path == w.path {
				errs.Add(f.where(), "%s collides with %s; %s instead", f.Path, w.by, w.instead)
			}
		}
	}
	errs.Sort()
	return errs
}

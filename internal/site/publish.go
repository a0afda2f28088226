package site

import (
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/certiron/certiron-site/internal/config"
	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/output"
	"github.com/certiron/certiron-site/internal/publish"
)

// target is the host the site is built for: -target, else config.toml's
// [deploy] target, else Cloudflare Pages.
func (b *build) target() publish.Target {
	t := b.opt.Target
	if t == "" {
		t = b.cfg.Deploy.Target
	}
	target, err := publish.ParseTarget(t)
	if err != nil {
		return publish.Cloudflare // the config or the command line reported it
	}
	return target
}

// redirectsFile reports whether the host reads a _redirects file: then
// aliases are redirects, not pages.
func (b *build) redirectsFile() bool { return b.target() != publish.GitHubPages }

// hostFiles are the files the host needs, which publish writes: their
// paths are known before anything is made.
func (b *build) hostFiles() []string {
	if b.redirectsFile() {
		return []string{"_headers", "_redirects"}
	}
	files := []string{".nojekyll"}
	if u, err := url.Parse(b.cfg.BaseURL); err == nil {
		host := strings.ToLower(u.Hostname())
		if host != "" && host != "github.io" && !strings.HasSuffix(host, ".github.io") {
			files = append(files, "CNAME")
		}
	}
	return files
}

// planHost claims the host's files and, for a host without a redirect
// file, the meta-refresh pages of config.toml's [[redirects]].
func (b *build) planHost(plan *output.Plan) {
	pos := diag.Pos{File: config.File}
	if b.cfg.Deploy.Target != "" {
		line, col := config.KeyPos(b.cfgSrc, "deploy", "target")
		pos = diag.Pos{File: config.File, Line: line, Col: col}
	}
	for _, p := range b.hostFiles() {
		plan.Claim(p, pos, "the host's "+p)
	}
	if b.redirectsFile() {
		return
	}
	for _, r := range b.cfg.Redirects {
		if out := refreshPath(r.From); out != "" && strings.HasPrefix(r.To, "/") {
			plan.Claim(out, r.Pos, "redirect "+r.From)
		}
	}
}

// refreshPath is the output path of a meta-refresh page at URL path from.
func refreshPath(from string) string {
	clean := strings.TrimPrefix(path.Clean("/"+from), "/")
	if clean == "" || clean == "." {
		return ""
	}
	if path.Ext(clean) == "" {
		return clean + "/index.html"
	}
	return clean
}

// staticCollisions reports the static files that would take the place of
// a file the build writes, and leaves them out of the plan.
func (b *build) staticCollisions() {
	var static []publish.File
	for _, f := range b.statics {
		static = append(static, publish.File{Path: f.out, Source: f.source})
	}
	errs := publish.Collisions(static)
	if len(errs) == 0 {
		return
	}
	b.fail(errs)
	bad := map[string]bool{}
	for _, e := range errs {
		bad[e.Pos.File] = true
	}
	kept := b.statics[:0]
	for _, f := range b.statics {
		if !bad[f.source] {
			kept = append(kept, f)
		}
	}
	b.statics = kept
}

// host makes the host's files from the finished site: security headers
// with the CSP of the theme's inline code, cache policies, redirects, or
// GitHub Pages' files; and, there, the meta-refresh pages of config
// redirects.
func (b *build) host() {
	hostFiles := b.hostFiles() // two names: compared, not hashed, for every file
	site := publish.Site{
		Target:    b.target(),
		BaseURL:   b.cfg.BaseURL,
		Scripts:   b.scripts.list,
		Styles:    b.styles.list,
		PolicyPos: diag.Pos{File: b.theme.Dir + "/layouts/partials/head.html"},
		Headers:   b.cfg.Headers,
		Redirects: b.cfg.Redirects,
	}
	fingerprinted := map[string]bool{}
	for _, a := range b.assets {
		fingerprinted[a.out] = true
	}
	// The list is the kept build's from the last time, cleared: the
	// host's files are made of it and keep none of it.
	sc := b.cache.scratchSlices()
	clear(sc.host[:cap(sc.host)]) // no file of the last build is held by it
	site.Files = slices.Grow(sc.host[:0], b.files.Len())
	defer func() { sc.host = site.Files }()
	for _, f := range b.files.Files() {
		if !slices.Contains(hostFiles, f.Path) {
			src := ""
			if len(f.Sources) > 0 {
				src = f.Sources[0]
			}
			site.Files = append(site.Files, publish.File{Path: f.Path, Data: f.Data, Size: f.Len(), Fingerprinted: fingerprinted[f.Path], Source: src})
		}
	}
	for _, a := range b.aliasList {
		site.Aliases = append(site.Aliases, publish.Alias{From: a.from, To: a.page.page.URL, Pos: a.pos})
	}
	res, err := publish.Make(site)
	var errs diag.List
	errs.Append(config.File, err)
	b.fail(errs)
	if res == nil {
		return
	}
	b.res.Warnings = append(b.res.Warnings, res.Warnings...)
	b.res.Unprotected, b.res.PolicyLength = res.Unprotected, len(res.Policy)
	for _, f := range res.Files {
		if b.files.Planned(f.Path) {
			src := f.Source
			if src == "" {
				src = config.File
			}
			b.put(&output.File{Path: f.Path, Data: f.Data, Sources: []string{src}})
		}
	}
	if b.redirectsFile() {
		return
	}
	// GitHub Pages has no redirect file: config redirects are pages, as
	// aliases are.
	for _, r := range b.cfg.Redirects {
		out := refreshPath(r.From)
		if out == "" || !strings.HasPrefix(r.To, "/") || !b.files.Planned(out) {
			continue
		}
		to := &Page{Title: r.To, URL: b.relURL(strings.TrimPrefix(r.To, "/")), Permalink: b.absURL(strings.TrimPrefix(r.To, "/"))}
		for _, v := range b.pages {
			if v.page.URL == r.To {
				to.Title = v.Title // the page's name, not its address
			}
		}
		b.refreshPage(out, to, r.Pos, config.File)
	}
}

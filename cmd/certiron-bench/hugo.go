package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/certiron/certiron-site/internal/corpus"
)

// wantHugo is the Hugo the goals are measured against.
const wantHugo = "0.165.0"

// installHugo says how to get it.
const installHugo = "go install github.com/gohugoio/hugo@v" + wantHugo + " (about 5 minutes on 2 cores; it lands in $(go env GOPATH)/bin)"

type hugoBin struct {
	path, version string
	semver        [3]int
}

var hugoVersion = regexp.MustCompile(`\bv(\d+)\.(\d+)\.(\d+)`)

// probeHugo runs `hugo version`.
func probeHugo(path string) (hugoBin, error) {
	out, err := exec.Command(path, "version").Output()
	if err != nil {
		return hugoBin{}, fmt.Errorf("%s version: %w", path, err)
	}
	h := hugoBin{path: path, version: strings.TrimSpace(string(out))}
	m := hugoVersion.FindStringSubmatch(h.version)
	if m == nil {
		return h, fmt.Errorf("%s version: no version number in %q", path, h.version)
	}
	for i := range 3 {
		h.semver[i], _ = strconv.Atoi(m[i+1])
	}
	return h, nil
}

func (h hugoBin) atLeast(v string) bool {
	var want [3]int
	for i, p := range strings.SplitN(v, ".", 3) {
		want[i], _ = strconv.Atoi(p)
	}
	for i := range 3 {
		if h.semver[i] != want[i] {
			return h.semver[i] > want[i]
		}
	}
	return true
}

// findHugo picks the Hugo to compare with: the one named, else
// GOPATH/bin/hugo (where go install puts v0.165), else hugo on PATH. It
// refuses one older than wantHugo unless allowOld, and then warns.
func findHugo(named string, allowOld bool) (hugoBin, error) {
	var candidates []string
	if named != "" {
		candidates = []string{named}
	} else {
		if gopath, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
			for _, dir := range filepath.SplitList(strings.TrimSpace(string(gopath))) {
				candidates = append(candidates, filepath.Join(dir, "bin", "hugo"))
			}
		}
		if p, err := exec.LookPath("hugo"); err == nil {
			candidates = append(candidates, p)
		}
	}
	var old []hugoBin
	for _, c := range candidates {
		if _, err := os.Stat(c); err != nil {
			if named != "" {
				return hugoBin{}, fmt.Errorf("-hugo %s: %w", named, err)
			}
			continue
		}
		h, err := probeHugo(c)
		if err != nil {
			return hugoBin{}, err
		}
		if h.atLeast(wantHugo) {
			if !strings.Contains(h.version, "v"+wantHugo) {
				fmt.Printf("note: %s is newer than the Hugo %s the goals are stated against\n", h.version, wantHugo)
			}
			return h, nil
		}
		old = append(old, h)
	}
	if len(old) > 0 {
		if !allowOld {
			return hugoBin{}, fmt.Errorf("only %s (%s) found, older than the Hugo %s the goals are measured against; install it with %s, or pass -allow-old-hugo to compare with this one anyway (and say so next to the table)", old[0].version, old[0].path, wantHugo, installHugo)
		}
		fmt.Printf("\n*** WARNING: comparing with %s (%s), not Hugo %s: the ratios are not the issue's. ***\n\n", old[0].version, old[0].path, wantHugo)
		return old[0], nil
	}
	return hugoBin{}, fmt.Errorf("no hugo found (looked for %s); install Hugo %s with %s, or pass -no-hugo to measure certiron-site alone", strings.Join(candidates, ", "), wantHugo, installHugo)
}

// hugoSite copies the corpus's content into a Hugo site with a minimal
// layout equivalent to ours: a base template with header, navigation,
// main and footer; single, list and home pages; a table of contents
// where the page asks for one; no taxonomies or RSS, as ours has none;
// sitemap.xml and robots.txt, as ours writes them. Raw HTML is kept, as
// ours keeps the safe subset the corpus uses, and code is not
// highlighted, as ours does not highlight it. The command line adds
// --minify.
func hugoSite(from, to string) error {
	if err := corpus.CopyDir(filepath.Join(from, "content"), filepath.Join(to, "content")); err != nil {
		return err
	}
	files := map[string]string{
		"hugo.toml": `baseURL = "https://bench.example/"
title = "Bench"
locale = "en"
disableKinds = ["taxonomy", "term", "rss"]
enableRobotsTXT = true

[[menus.main]]
name = "Home"
url = "/"
weight = 1

[[menus.main]]
name = "Legal"
url = "/legal/"
weight = 2

[[menus.footer]]
name = "Cookie Policy"
url = "/legal/cookie-policy/"
weight = 1

[markup.goldmark.renderer]
unsafe = true # the raw HTML the corpus uses (ours keeps it under html = "safe")

[markup.goldmark.parser.attribute]
title = true # {#id} on headings (Hugo's default, stated)

[markup.highlight]
codeFences = false # ours does not highlight code

[markup.tableOfContents]
startLevel = 2
endLevel = 3

[minify]
minifyOutput = true
`,
		"layouts/baseof.html": `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ .Site.Title }}</title>{{ with .Description }}<meta name="description" content="{{ . }}">{{ end }}<link rel="stylesheet" href="/css/site.css"></head>
<body><a class="skip" href="#main">Skip to content</a><header><a href="/">{{ .Site.Title }}</a><nav><ul>{{ range .Site.Menus.main }}<li><a href="{{ .URL }}">{{ .Name }}</a></li>{{ end }}</ul></nav></header>
<main id="main">{{ block "main" . }}{{ end }}</main>
<footer><ul>{{ range .Site.Menus.footer }}<li><a href="{{ .URL }}">{{ .Name }}</a></li>{{ end }}</ul><p>© {{ .Site.Title }}</p></footer>
<aside id="cookie-notice" aria-label="Cookie notice"><p>No cookies. <a href="/legal/cookie-policy/">Cookie Policy</a></p><button type="button" hidden>Got it</button></aside></body></html>`,
		"layouts/single.html": `{{ define "main" }}<article><header>{{ with .Parent }}<p><a href="{{ .RelPermalink }}">{{ .Title }}</a></p>{{ end }}<h1>{{ .Title }}</h1>{{ if not .Lastmod.IsZero }}<p>Last updated <time datetime="{{ .Lastmod.Format "2006-01-02" }}">{{ .Lastmod.Format "January 2, 2006" }}</time></p>{{ end }}</header>{{ if .Params.toc }}<nav aria-labelledby="toc-title"><h2 id="toc-title">Contents</h2>{{ .TableOfContents }}</nav>{{ end }}<div class="prose">{{ .Content }}</div></article>{{ end }}`,
		"layouts/list.html":   `{{ define "main" }}<h1>{{ .Title }}</h1><div class="prose">{{ .Content }}</div><ul>{{ range .Pages }}<li><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>{{ with .Description }}<p>{{ . }}</p>{{ end }}</li>{{ end }}</ul>{{ end }}`,
		"layouts/home.html":   `{{ define "main" }}<div class="prose">{{ .Content }}</div>{{ end }}`,
		"layouts/404.html":    `{{ define "main" }}<h1>Not found</h1>{{ end }}`,
	}
	for name, data := range files {
		p := filepath.Join(to, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			return err
		}
	}
	return nil
}

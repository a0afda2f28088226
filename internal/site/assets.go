package site

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/minify"
	"github.com/certiron/certiron-site/internal/output"
)

// Asset is a theme asset as a layout uses it: {{ asset "css/site.css" }}
// prints its URL, and .Integrity is its Subresource Integrity value.
type Asset struct {
	// URL is the asset's content-hashed URL, "/css/site.3f2a9c1e.css":
	// the name changes exactly when the bytes do, so hosts may cache it
	// for ever.
	URL string
	// Integrity is "sha384-…" of the bytes published.
	Integrity string
}

func (a Asset) String() string { return a.URL }

// themeAsset is one file of the theme's assets/, made.
type themeAsset struct {
	name   string // its path under assets/, "css/site.css"
	source string // site-relative
	out    string // the hashed output path, "css/site.3f2a9c1e.css"
	data   []byte // minified
	asset  Asset
}

// cssURL matches url(…) in a stylesheet, to point it at other assets'
// hashed names.
var cssURL = regexp.MustCompile(`url\(\s*(['"]?)([^'")]+)(['"]?)\s*\)`)

// makeAssets reads and minifies the theme's assets/ and names each by
// its content. Stylesheets are made last, so their url(…) references to
// the theme's fonts and images can take those files' hashed names.
func (b *build) makeAssets() {
	b.assets = map[string]*themeAsset{}
	var css []staticFile
	for _, f := range b.themeAssets {
		if path.Ext(f.out) == ".css" {
			css = append(css, f)
			continue
		}
		b.makeAsset(f, nil)
	}
	for _, f := range css {
		b.makeAsset(f, func(data []byte) []byte {
			return cssURL.ReplaceAllFunc(data, func(m []byte) []byte {
				sub := cssURL.FindSubmatch(m)
				ref := string(sub[2])
				if strings.Contains(ref, ":") || strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "#") {
					return m
				}
				if a := b.assets[path.Join(path.Dir(f.out), ref)]; a != nil {
					return []byte("url(" + string(sub[1]) + a.asset.URL + string(sub[3]) + ")")
				}
				return m
			})
		})
	}
}

func (b *build) makeAsset(f staticFile, rewrite func([]byte) []byte) {
	data, err := b.src.Read(f.file)
	if err != nil {
		b.res.Errors.Add(diag.Pos{File: f.source}, "%v", err)
		return
	}
	if rewrite != nil {
		data = rewrite(data)
	}
	src := data
	if minify.Type(f.out) != "" {
		if data, err = b.cache.minified(f.out, data); err != nil {
			b.res.Errors.Add(diag.Pos{File: f.source}, "minifying: %v", err)
			return
		}
	}
	sum := sha256.Sum256(data)
	ext := path.Ext(f.out)
	out := strings.TrimSuffix(f.out, ext) + "." + hex.EncodeToString(sum[:4]) + ext
	sri := sha512.Sum384(data)
	a := &themeAsset{name: f.out, source: f.source, out: out, data: data, asset: Asset{URL: b.relURL(out), Integrity: "sha384-" + base64.StdEncoding.EncodeToString(sri[:])}}
	b.assets[f.out] = a
	if minify.Type(f.out) != "" {
		// The source, to place audit findings in the minified file.
		if b.minified == nil {
			b.minified = map[string][]byte{}
		}
		b.minified[out] = src
	}
}

// asset is the template function {{ asset "css/site.css" }}.
func (b *build) asset(name string) (Asset, error) {
	if a := b.assets[strings.TrimPrefix(name, "/")]; a != nil {
		return a.asset, nil
	}
	var names []string
	for n := range b.assets {
		names = append(names, n)
	}
	sort.Strings(names)
	return Asset{}, fmt.Errorf("no asset %q in themes/%s/assets (the theme has %s)", name, b.cfg.Theme, strings.Join(names, ", "))
}

// planAssets claims every asset's hashed path.
func (b *build) planAssets(plan *output.Plan) {
	for _, a := range b.sortedAssets() {
		plan.Claim(a.out, diag.Pos{File: a.source}, "theme asset")
	}
}

// putAssets adds the assets to the site.
func (b *build) putAssets() {
	for _, a := range b.sortedAssets() {
		if b.files.Planned(a.out) {
			b.put(&output.File{Path: a.out, Data: a.data, Sources: []string{a.source}})
		}
	}
}

func (b *build) sortedAssets() []*themeAsset {
	var as []*themeAsset
	for _, a := range b.assets {
		as = append(as, a)
	}
	sort.Slice(as, func(i, j int) bool { return as[i].out < as[j].out })
	return as
}

// assetKey is what pages depend on of the assets: their names and hashes.
func (b *build) assetKey() string {
	var s strings.Builder
	for _, a := range b.sortedAssets() {
		s.WriteString(a.out)
		s.WriteString(a.asset.Integrity)
	}
	return s.String()
}

package site

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/certiron/certiron-site/internal/check"
	"github.com/certiron/certiron-site/internal/content"
	"github.com/certiron/certiron-site/internal/diag"
)

// audit runs the privacy and link audits on the built files, pointing
// every finding at the Markdown or template that caused it.
func (b *build) audit() bool {
	if len(b.res.Errors) > 0 {
		return false // a partial site would only add noise
	}
	byOut := map[string]*Page{}
	for _, v := range b.pages {
		byOut[v.page.OutPath] = v
	}
	var allow []check.Allow
	for _, a := range b.cfg.Audit.AllowOrigins {
		allow = append(allow, check.Allow{Origin: a.Origin, Reason: a.Reason})
	}
	rep := b.cache.auditor.Run(b.files, check.Options{
		SiteOrigin:   b.cfg.Origin(),
		PolicyPath:   strings.TrimPrefix(b.bannerData.PolicyURL, b.cfg.BasePath()) + "index.html",
		PolicySource: content.Dir + "/" + PolicyPage,
		AllowOrigins: allow,
		OutputPrefix: "public/",
		BasePath:     b.cfg.BasePath(),
		Locate: func(outPath, needle string) (diag.Pos, bool) {
			return b.locate(byOut[outPath], outPath, needle)
		},
	})
	b.res.Errors = append(b.res.Errors, rep.Errors...)
	for _, a := range rep.Allowed {
		b.res.Allowed = append(b.res.Allowed, fmt.Sprintf("%s: %s is allowed by config.toml: %s", a.Pos, a.Origin, a.Reason))
	}
	return len(rep.Errors) == 0
}

// locate finds the source of an audit finding: a Markdown link of the
// page, then the text in the page's Markdown, then in the templates and
// files the output was made from.
func (b *build) locate(v *Page, outPath, needle string) (diag.Pos, bool) {
	if needle == "" {
		return diag.Pos{}, false
	}
	variants := []string{needle}
	if u, err := url.PathUnescape(needle); err == nil && u != needle {
		variants = append(variants, u)
	}
	if v != nil {
		for _, l := range v.doc.Links {
			for _, n := range variants {
				if l.URL == n || l.Dest == n {
					return l.Pos, true
				}
			}
		}
		src := v.page.Src
		if src == nil {
			src, _ = os.ReadFile(filepath.Join(b.opt.Root, filepath.FromSlash(v.Source)))
		}
		for _, n := range variants {
			if pos, ok := find(v.Source, src, n); ok {
				return pos, true
			}
		}
	}
	if f := b.files.Get(outPath); f != nil {
		for _, src := range f.Sources {
			data := b.theme.Sources[src]
			if data == nil {
				var err error
				if data, err = os.ReadFile(filepath.Join(b.opt.Root, filepath.FromSlash(src))); err != nil {
					continue
				}
			}
			for _, n := range variants {
				if pos, ok := find(src, data, n); ok {
					return pos, true
				}
			}
		}
	}
	return diag.Pos{}, false
}

// find returns the position of the first occurrence of needle in data.
func find(file string, data []byte, needle string) (diag.Pos, bool) {
	i := bytes.Index(data, []byte(needle))
	if i < 0 {
		return diag.Pos{}, false
	}
	line, col := diag.LineCol(data, i)
	return diag.Pos{File: file, Line: line, Col: col}, true
}

package site

import (
	"os"
	"strings"
	"time"

	"github.com/certiron/certiron-site/internal/content"
	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/legal"
	"github.com/certiron/certiron-site/internal/markdown"
	"github.com/certiron/certiron-site/internal/minify"
	"github.com/certiron/certiron-site/internal/output"
)

// Legal is what a layout sees as .Legal on a legal page, one of its
// archived versions, or the redline of a version.
type Legal struct {
	// Status is "current", "past", "upcoming" (a version on the build
	// date) or "unreleased" (a page with no released version yet).
	Status string
	// Effective is the version's date in force; Until, for a past
	// version, the date the next one replaced it.
	Effective, Until time.Time
	Changes          string
	Editorial        bool
	// PageURL is the page's own URL; URL this version's, ChangesURL its
	// redline ("" for a first version), CurrentURL the version in force.
	PageURL, URL, ChangesURL, CurrentURL string
	// Redline is set on a redline page: the version it compares with.
	Redline  bool
	Previous *LegalVersion
	// History lists every version, newest first; Upcoming the versions
	// that take effect after the build date, soonest first.
	History  []LegalVersion
	Upcoming []LegalVersion
	// FeedURL is the Atom feed of every legal page's versions.
	FeedURL string
}

// LegalVersion is one row of a version history.
type LegalVersion struct {
	Status     string
	Effective  time.Time
	Until      time.Time
	Changes    string
	Editorial  bool
	URL        string
	ChangesURL string
}

// legalPage is a versioned page and its history on the build date.
type legalPage struct {
	view *Page
	hist *legal.History
	tl   *legal.Timeline
}

// legalPages loads the history of every page under content/legal/ and
// adds, for the build date, a page for every released version and a
// redline for every version after the first. The page's own URL shows
// the version in force. It runs after the pages are linked, before the
// plan: the versions are pages of the site like any other.
func (b *build) legalPages() {
	var pages []*legalPage
	for _, v := range b.pages {
		p := v.page
		if p.Kind != content.Single || !legal.IsPage(p.Rel) {
			continue
		}
		src, _, err := p.Text()
		if err != nil {
			b.res.Errors.Add(diag.Pos{File: p.Source}, "%v", err)
			continue
		}
		h, errs := legal.Load(b.src.Root, p.Rel, src)
		b.fail(errs)
		if h == nil {
			continue
		}
		if h.Unreleased != nil {
			if b.opt.Preview {
				b.res.Warnings = append(b.res.Warnings, h.Unreleased) // the preview shows the draft
			} else {
				b.res.Errors = append(b.res.Errors, h.Unreleased)
			}
		}
		pages = append(pages, &legalPage{view: v, hist: h, tl: h.At(b.date, p.URL)})
	}
	b.fail(legal.Orphans(os.DirFS(b.src.Root), b.tree.Rels))
	feed := ""
	if len(pages) > 0 {
		feed = b.relURL(strings.TrimPrefix(legal.FeedPath, "/"))
	}
	for _, lp := range pages {
		b.legalViews(lp, feed)
	}
	b.legal = pages
	for _, lp := range pages {
		if lp.view == b.policy && b.cfg.PolicyVersion == "" {
			n := lp.tl.Notice
			if n.Value != "" {
				b.bannerData.Version = n.Value
			}
			if n.ChangesURL != "" {
				b.bannerData.ChangesURL = b.relURL(strings.TrimPrefix(n.ChangesURL, "/"))
				b.bannerData.Changed = n.Date.Format("January 2, 2006")
			}
		}
	}
}

// legalViews fills in a legal page's .Legal and adds its version and
// redline pages.
func (b *build) legalViews(lp *legalPage, feed string) {
	v, tl := lp.view, lp.tl
	rel := func(u string) string {
		if u == "" {
			return ""
		}
		return b.relURL(strings.TrimPrefix(u, "/"))
	}
	row := func(e *legal.Entry) LegalVersion {
		return LegalVersion{Status: string(e.Status), Effective: e.Effective, Until: e.Until, Changes: e.Changes, Editorial: e.Editorial, URL: rel(e.URL), ChangesURL: rel(e.ChangesURL)}
	}
	var history, upcoming []LegalVersion
	for _, e := range tl.Entries {
		history = append(history, row(e))
	}
	for _, e := range tl.Upcoming {
		upcoming = append(upcoming, row(e))
	}
	current := ""
	if tl.Current != nil {
		current = rel(tl.Current.URL)
	}
	base := Legal{PageURL: v.URL, CurrentURL: current, History: history, Upcoming: upcoming, FeedURL: feed}
	// The page itself: the version in force, or its own text when none is
	// (nothing released yet, or its first version takes effect later).
	own := base
	switch {
	case tl.Current != nil:
		e := tl.Current
		own.Status, own.Effective, own.Changes, own.Editorial, own.URL, own.ChangesURL = string(e.Status), e.Effective, e.Changes, e.Editorial, rel(e.URL), rel(e.ChangesURL)
		if latest := lp.hist.Latest(); e.Version != latest || lp.hist.Unreleased != nil && b.opt.Preview {
			if e.Version != latest {
				// The page's text is a version still to come: show the
				// one in force.
				v.conv = b.versionConverter(v, e.Version)
				v.Lastmod = e.Meta.Lastmod
			}
		}
	default:
		own.Status, own.Effective = "unreleased", lp.hist.Fallback
	}
	v.Legal = &own
	for _, e := range tl.Entries {
		ver := b.versionView(v, e)
		l := base
		l.Status, l.Effective, l.Until, l.Changes, l.Editorial, l.URL, l.ChangesURL = string(e.Status), e.Effective, e.Until, e.Changes, e.Editorial, rel(e.URL), rel(e.ChangesURL)
		ver.Legal = &l
		b.pages = append(b.pages, ver)
		if e.Previous == nil {
			continue
		}
		red := b.redlineView(v, e)
		r := l
		r.Redline = true
		prev := LegalVersion{Effective: e.Previous.Effective, Changes: e.Previous.Changes, URL: rel(legal.VersionURL(v.page.URL, e.Previous.Effective))}
		r.Previous = &prev
		red.Legal = &r
		b.pages = append(b.pages, red)
	}
}

// versionView is the page of one archived version, at its own URL.
func (b *build) versionView(v *Page, e *legal.Entry) *Page {
	p := b.archivedPage(v, e.Version, e.URL, e.Version.Source)
	ver := b.view(p)
	// A released text is frozen: its date is the day it took effect.
	ver.Date, ver.Lastmod = e.Effective, time.Time{}
	ver.Title = e.Title
	ver.Parent = v.Parent
	ver.toc, ver.typo = v.toc, v.typo
	ver.docKey = keyOf(v.docKey[:], []byte(e.Source), e.Body)
	ver.entryKey = listEntryKey(ver)
	// Links resolve from the live page's place, not the archive's.
	ver.conv = b.versionConverter(v, e.Version)
	return ver
}

// redlineView is the page of a version's changes against the one before.
func (b *build) redlineView(v *Page, e *legal.Entry) *Page {
	p := b.archivedPage(v, e.Version, e.ChangesURL, e.Version.Source+"#changes")
	if b.theme.Has("legal/changes") || b.theme.Has("changes") {
		p.Layout = "changes"
	}
	red := b.view(p)
	red.Date, red.Lastmod = e.Effective, time.Time{}
	red.Title = e.Title + ": changes"
	red.Parent = v.Parent
	red.docKey = keyOf(v.docKey[:], []byte(e.Source), e.Body, e.Previous.Body)
	red.entryKey = listEntryKey(red)
	resolve := b.resolver(v.page)
	red.conv = func() *docEntry {
		return b.cache.convert(p.Rel, red.docKey, func() (*markdown.Doc, diag.List) {
			// Unmarked: the two versions' marks name different files, and
			// the diff would take every element for changed. What the
			// audit finds here it finds, at its line, on the versions.
			html, errs := legal.RedlineVersions(b.conv, e.Previous, e.Version, markdown.ConvertOptions{Resolve: resolve})
			return &markdown.Doc{HTML: html}, errs
		})
	}
	return red
}

// archivedPage is the content page of an archived version published at
// url: the live page's place in the site, the version's own text.
func (b *build) archivedPage(v *Page, ver *legal.Version, url, rel string) *content.Page {
	p := *v.page
	p.FrontMatter = ver.Meta
	p.FrontMatter.Aliases, p.FrontMatter.Slug, p.FrontMatter.URL = nil, "", ""
	p.Source, p.Rel = ver.Source, rel
	p.URL, p.OutPath = url, strings.TrimPrefix(url, "/")+"index.html"
	p.Body, p.BodyLine = ver.Body, ver.BodyLine
	return &p
}

// versionConverter converts an archived version's text for page v: links
// resolve as they do from the page itself.
func (b *build) versionConverter(v *Page, ver *legal.Version) func() *docEntry {
	resolve := b.resolver(v.page)
	return func() *docEntry {
		return b.cache.convert(ver.Source, keyOf(v.docKey[:], []byte(ver.Source), ver.Body), func() (*markdown.Doc, diag.List) {
			return ver.Convert(b.conv, markdown.ConvertOptions{TOC: v.toc, Typographer: v.typo, Resolve: resolve, Marks: true})
		})
	}
}

// planLegal claims the Atom feed of the legal pages; their versions and
// redlines are pages, claimed as pages are.
func (b *build) planLegal(plan *output.Plan) {
	if len(b.legal) > 0 {
		plan.Claim(strings.TrimPrefix(legal.FeedPath, "/"), diag.Pos{File: content.Dir + "/" + legal.Dir}, "the legal pages' Atom feed")
	}
}

// legalFeed writes /legal/feed.xml.
func (b *build) legalFeed() {
	out := strings.TrimPrefix(legal.FeedPath, "/")
	if len(b.legal) == 0 || !b.files.Planned(out) {
		return
	}
	var pages []legal.FeedPage
	for _, lp := range b.legal {
		pages = append(pages, legal.FeedPage{URL: lp.view.page.URL, Title: lp.view.Title, History: lp.hist})
	}
	data, err := legal.Feed(pages, legal.FeedOptions{BaseURL: b.cfg.BaseURL, Title: b.cfg.Title + " legal updates", Author: b.cfg.Title, Language: b.cfg.LanguageCode, Date: b.date})
	if err != nil {
		b.res.Errors.Add(diag.Pos{File: "config.toml"}, "the legal pages' feed: %v", err)
		return
	}
	if data, err = minify.File(out, data); err != nil {
		b.res.Errors.Add(diag.Pos{File: content.Dir + "/" + legal.Dir}, "minifying the legal pages' feed: %v", err)
		return
	}
	b.put(&output.File{Path: out, Data: data, Sources: []string{content.Dir + "/" + legal.Dir}})
}

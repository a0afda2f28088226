package legal

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
)

// FeedOptions describe the Atom feed of legal releases.
type FeedOptions struct {
	// BaseURL is the site's absolute base URL, e.g. "https://certiron.io/".
	BaseURL string
	// Title is the feed's title, e.g. "CERTIRON legal updates"; Author
	// its author's name (default Title), e.g. the site's title.
	Title  string
	Author string
	// Language is the feed's xml:lang, e.g. "en" (optional).
	Language string
	// Path is where the feed is published (default FeedPath) and
	// SectionURL the page it is the feed of (default "/legal/").
	Path       string
	SectionURL string
	// Date is the build date, the feed's updated when no version was
	// ever released.
	Date time.Time
}

// FeedPage is one legal page for the feed.
type FeedPage struct {
	// URL is the page's URL path below the base, e.g. "/legal/cookie-policy/".
	URL string
	// Title names the page in entry titles (default: each version's title).
	Title   string
	History *History
}

// Feed returns the Atom 1.0 feed (RFC 4287) of every released version of
// the pages, newest first (by effective date, then page URL): one entry
// per version, whose id is a tag: URI that never changes, updated its
// release day (else its effective date), summary its changes, with links
// to the version and to its changes. URLs are absolute, from BaseURL. The
// same pages give the same bytes.
func Feed(pages []FeedPage, opt FeedOptions) ([]byte, error) {
	base, err := url.Parse(opt.BaseURL)
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, fmt.Errorf("the feed needs an absolute baseURL such as https://certiron.io/, not %q", opt.BaseURL)
	}
	if opt.Path == "" {
		opt.Path = FeedPath
	}
	if opt.SectionURL == "" {
		opt.SectionURL = "/" + Dir + "/"
	}
	if opt.Title == "" {
		opt.Title = "Legal updates"
	}
	if opt.Author == "" {
		opt.Author = opt.Title
	}
	basePath := strings.TrimSuffix(base.Path, "/")
	abs := func(p string) string {
		u := url.URL{Scheme: base.Scheme, Host: base.Host, Path: basePath + p}
		return u.String()
	}
	f := atomFeed{
		Lang:   opt.Language,
		ID:     abs(opt.Path),
		Title:  atomText{Type: "text", Text: opt.Title},
		Author: &atomPerson{Name: opt.Author, URI: abs("/")},
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: abs(opt.Path)},
			{Rel: "alternate", Type: "text/html", Href: abs(opt.SectionURL)},
		},
	}
	type item struct {
		page *FeedPage
		v    *Version
		prev *Version
	}
	var items []item
	for i := range pages {
		p := &pages[i]
		if p.History == nil {
			continue
		}
		for j, v := range p.History.Versions {
			it := item{page: p, v: v}
			if j > 0 {
				it.prev = p.History.Versions[j-1]
			}
			items = append(items, it)
		}
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if !a.v.Effective.Equal(b.v.Effective) {
			return a.v.Effective.After(b.v.Effective)
		}
		return a.page.URL < b.page.URL
	})
	var updated time.Time // the latest entry's, else the build date
	for _, it := range items {
		if w := it.v.announced(); w.After(updated) {
			updated = w
		}
	}
	if len(items) == 0 {
		updated = time.Unix(0, 0).UTC()
		if !opt.Date.IsZero() {
			updated = Day(opt.Date)
		}
	}
	for _, it := range items {
		title := it.page.Title
		if title == "" {
			title = it.v.Title
		}
		kind := "version"
		if it.v.Editorial {
			kind = "editorial update"
		}
		summary := strings.TrimSpace(it.v.Changes)
		if summary == "" {
			summary = fmt.Sprintf("The %s of the %s that takes effect on %s.", kind, title, it.v.Date())
		}
		e := atomEntry{
			ID:      tagURI(base.Hostname(), it.v.Effective, basePath+VersionURL(it.page.URL, it.v.Effective)),
			Title:   atomText{Type: "text", Text: fmt.Sprintf("%s: %s effective %s", title, kind, it.v.Date())},
			Updated: stamp(it.v.announced()),
			Summary: &atomText{Type: "text", Text: summary},
			Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: abs(VersionURL(it.page.URL, it.v.Effective))}},
		}
		if !it.v.Released.IsZero() {
			e.Published = stamp(it.v.Released)
		}
		if it.prev != nil {
			e.Links = append(e.Links, atomLink{Rel: "related", Type: "text/html", Title: "What changed", Href: abs(ChangesURL(it.page.URL, it.v.Effective))})
		}
		if it.v.Editorial {
			e.Categories = []atomCategory{{Term: "editorial", Label: "Editorial change"}}
		}
		f.Entries = append(f.Entries, e)
	}
	f.Updated = stamp(updated)
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// announced is when the version entered the feed: its release day, else
// its effective date.
func (v *Version) announced() time.Time {
	if !v.Released.IsZero() {
		return v.Released
	}
	return v.Effective
}

// tagURI is an RFC 4151 tag: an id that stays the entry's even if the
// site's scheme or pages' layout change.
func tagURI(host string, date time.Time, path string) string {
	return "tag:" + host + "," + date.Format(DateFormat) + ":" + (&url.URL{Path: path}).EscapedPath()
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr,omitempty"`
	ID      string      `xml:"id"`
	Title   atomText    `xml:"title"`
	Updated string      `xml:"updated"`
	Author  *atomPerson `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published,omitempty"`
	Summary    *atomText      `xml:"summary"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomLink struct {
	Rel   string `xml:"rel,attr"`
	Type  string `xml:"type,attr,omitempty"`
	Title string `xml:"title,attr,omitempty"`
	Href  string `xml:"href,attr"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

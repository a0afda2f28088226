// Package content loads a site's Markdown pages: front matter, body and the
// URL each page is published at.
package content

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/output"
	"github.com/certiron/certiron-site/internal/source"
)

// Dir is the content folder's name inside the site root.
const Dir = "content"

// Kind says what a page is.
type Kind string

// The kinds of page.
const (
	Home    Kind = "home"    // content/_index.md
	Section Kind = "section" // content/x/_index.md: lists the pages of x/
	Single  Kind = "page"    // content/x/y.md or the bundle content/x/y/index.md
)

// Page is one Markdown file and where it is published.
type Page struct {
	FrontMatter
	// Source is the site-relative slash path, e.g. "content/legal/cookie-policy.md".
	Source string
	// Rel is the path inside content/, e.g. "legal/cookie-policy.md".
	Rel  string
	Kind Kind
	// Section is the content folder whose list shows this page ("legal";
	// "" for the top level). For a section page it is its own folder.
	Section string
	// Bundle is true for x/index.md, whose sibling files are published
	// beside it.
	Bundle bool
	// Src is the whole file; Body the Markdown after the front matter,
	// starting on line BodyLine of the file. Both are nil for a Known
	// page until Text reads them.
	Src      []byte
	Body     []byte
	BodyLine int
	// Sum is the SHA-256 of Src, a cheap identity for caches.
	Sum [32]byte
	// URL is the page's path below the site's base, e.g.
	// "/legal/cookie-policy/"; OutPath the file it is written to.
	URL     string
	OutPath string
	// text, for a Known page, reads Src and Body when Text is called.
	text *lazyText
}

// Asset is a non-Markdown file under content/ (an image beside a page, a
// PDF), copied to the output at OutPath.
type Asset struct {
	Source  string
	OutPath string
	File    source.File
}

// Options control loading.
type Options struct {
	Drafts bool
}

// Parse reads one content file. source is its site-relative path (used in
// errors), rel its path inside content/.
func Parse(source, rel string, src []byte) (*Page, diag.List) {
	return ParseCached(source, rel, src, nil)
}

// FrontMatters keeps parsed front matter between builds, by the hash of
// everything it is parsed from (FrontMatterKey). Get returns a fresh
// copy, or nil.
type FrontMatters interface {
	Get(key [32]byte) *FrontMatter
	Put(key [32]byte, fm *FrontMatter)
}

// FrontMatterKey names front matter for a FrontMatters: its text, format,
// the file it is in and the line it starts on (its keys' positions).
func FrontMatterKey(source, format string, fmLine int, fm []byte) [32]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00", source, format, fmLine)
	h.Write(fm)
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// ParseCached is Parse taking the front matter from fms when it holds
// it, and keeping it there when it parses without an error.
func ParseCached(source, rel string, src []byte, fms FrontMatters) (*Page, diag.List) {
	if e := checkUTF8(source, src); e != nil {
		return nil, diag.List{e}
	}
	src = normalizeText(src)
	format, fm, body, fmLine, bodyLine, e := Split(source, src)
	if e != nil {
		return nil, diag.List{e}
	}
	var meta *FrontMatter
	var errs diag.List
	var key [32]byte
	if fms != nil && format != "" {
		key = FrontMatterKey(source, format, fmLine, fm)
		meta = fms.Get(key)
	}
	if meta == nil {
		if meta, errs = ParseFrontMatter(source, format, fm, fmLine); meta == nil {
			return nil, errs
		}
		if fms != nil && format != "" && len(errs) == 0 {
			fms.Put(key, meta)
		}
	}
	p := &Page{FrontMatter: *meta, Source: source, Rel: rel, Src: src, Body: body, BodyLine: bodyLine, Sum: sha256.Sum256(src)}
	return p, append(errs, p.locate()...)
}

// normalizeText drops a byte-order mark and turns CRLF line ends into
// LF, as every page is read.
func normalizeText(src []byte) []byte {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	if bytes.Contains(src, []byte("\r\n")) {
		src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	}
	return src
}

// Known returns the page a build parsed before from a file that has
// not changed since (its stamp says so): its front matter, the line
// its body starts on and the SHA-256 of its text, without its text.
// Text reads the text, through read, when something needs it.
func Known(source, rel string, fm *FrontMatter, bodyLine int, sum [32]byte, read func() ([]byte, error)) (*Page, diag.List) {
	p := &Page{FrontMatter: *fm, Source: source, Rel: rel, BodyLine: bodyLine, Sum: sum, text: &lazyText{read: read}}
	return p, p.locate()
}

// lazyText is a Known page's text, read once.
type lazyText struct {
	read      func() ([]byte, error)
	once      sync.Once
	src, body []byte
	err       error
}

// Forget lets the page's text go: Text reads it again, through read
// (or the reader a Known page has), checked against Sum, if anything
// needs it later. A one-off build forgets a page's text once the page is
// rendered, so the build does not hold every source to its end.
func (p *Page) Forget(read func() ([]byte, error)) {
	if p.text != nil {
		read = p.text.read
	}
	p.Src, p.Body, p.text = nil, nil, &lazyText{read: read}
}

// Text returns the page's whole text and its body, reading them for a
// Known page the first time (and checking them against Sum: a file
// changed since it was known is an error, never taken for the page).
func (p *Page) Text() (src, body []byte, err error) {
	t := p.text
	if t == nil {
		return p.Src, p.Body, nil
	}
	t.once.Do(func() {
		data, err := t.read()
		if err != nil {
			t.err = err
			return
		}
		data = normalizeText(data)
		if sha256.Sum256(data) != p.Sum {
			t.err = fmt.Errorf("%s changed during the build; build again", p.Source)
			return
		}
		_, _, body, _, _, e := Split(p.Source, data)
		if e != nil {
			t.err = e
			return
		}
		t.src, t.body = data, body
	})
	return t.src, t.body, t.err
}

// locate works out the page's kind, section and bundle from its path,
// and its URL and output path.
func (p *Page) locate() diag.List {
	rel := p.Rel
	stem := Stem(rel)
	dir := path.Dir(rel)
	if dir == "." {
		dir = ""
	}
	switch {
	case stem == "_index" && dir == "":
		p.Kind = Home
	case stem == "_index":
		p.Kind, p.Section = Section, dir
	case stem == "index" && dir != "":
		p.Kind, p.Bundle = Single, true
		p.Section = parentDir(dir)
	default:
		p.Kind, p.Section = Single, dir
	}
	if err := p.place(); err != nil {
		return diag.List{err}
	}
	return nil
}

func parentDir(d string) string {
	d = path.Dir(d)
	if d == "." {
		return ""
	}
	return d
}

// place computes URL and OutPath from the file's path, slug and url.
// OutPath is the file written (UTF-8, as named); URL is the same path
// percent-encoded, as it is written in links, the sitemap and headers.
func (p *Page) place() *diag.Error {
	at := func(key string) diag.Pos {
		if pos, ok := p.Keys[key]; ok {
			return pos
		}
		return diag.Pos{File: p.Source, Line: 1, Col: 1}
	}
	if p.FrontMatter.URL != "" {
		u := p.FrontMatter.URL
		if strings.Contains(u, "://") || strings.HasPrefix(u, "//") {
			return diag.Errorf(at("url"), "url %q must be a path on this site such as /legal/terms/", u)
		}
		if strings.Contains(u, `\`) || strings.ContainsAny(u, "?#\x00") {
			return diag.Errorf(at("url"), "url %q may hold only a path (no \\, ? or #)", u)
		}
		dec, err := url.PathUnescape(u)
		if err != nil {
			return diag.Errorf(at("url"), "url %q is not a valid path: %v", u, err)
		}
		for _, seg := range strings.Split(dec, "/") {
			if seg == ".." || seg == "." {
				return diag.Errorf(at("url"), "url %q uses %q; a page's url must stay inside the site", u, seg)
			}
		}
		clean := path.Clean("/" + dec)
		if path.Ext(clean) != "" && !strings.HasSuffix(u, "/") {
			p.OutPath = clean[1:]
		} else {
			if clean != "/" {
				clean += "/"
			}
			p.OutPath = clean[1:] + "index.html"
		}
		p.URL = EscapePath(clean)
		if !output.ValidPath(p.OutPath) {
			return diag.Errorf(at("url"), "url %q does not name a file inside the site", u)
		}
		return nil
	}
	var dir string
	switch {
	case p.Kind == Home:
		dir = ""
	case p.Kind == Section || p.Bundle:
		dir = path.Dir(p.Rel)
	default:
		dir = strings.TrimSuffix(p.Rel, path.Ext(p.Rel))
	}
	if dir == "." {
		dir = ""
	}
	dir, e := URLPath(dir)
	if e != "" {
		return diag.Errorf(diag.Pos{File: p.Source}, "%s", e)
	}
	if p.Slug != "" && p.Kind != Home {
		s := p.Slug
		if strings.ContainsAny(s, `/\?#`+"\x00") || s == "." || s == ".." || strings.TrimSpace(s) == "" {
			return diag.Errorf(at("slug"), "slug %q must be one path segment (no /, \\, ? or #, not . or ..)", s)
		}
		if dec, err := url.PathUnescape(s); err == nil && (dec == "." || dec == "..") {
			return diag.Errorf(at("slug"), "slug %q stands for %q; a page's slug must stay inside the site", s, dec)
		}
		dir = path.Join(path.Dir(dir), s)
	}
	if dir == "" || dir == "." {
		p.URL, p.OutPath = "/", "index.html"
	} else {
		p.URL, p.OutPath = EscapePath("/"+dir+"/"), dir+"/index.html"
	}
	if !output.ValidPath(p.OutPath) {
		pos := diag.Pos{File: p.Source, Line: 1, Col: 1}
		if p.Slug != "" && p.Kind != Home {
			pos = at("slug")
		}
		return diag.Errorf(pos, "page would be written outside the site (%s)", p.OutPath)
	}
	return nil
}

// DefaultURL is the URL a page at rel is published at when its front
// matter sets neither slug nor url, percent-encoded ("legal/x.md" →
// "/legal/x/"); DefaultOutPath is the file it is written to.
func DefaultURL(rel string) string {
	out := DefaultOutPath(rel)
	return EscapePath("/" + strings.TrimSuffix(out, "index.html"))
}

// DefaultOutPath: see DefaultURL.
func DefaultOutPath(rel string) string {
	p := &Page{Rel: rel, Source: Dir + "/" + rel}
	switch stem, dir := Stem(rel), path.Dir(rel); {
	case stem == "_index" && dir == ".":
		p.Kind = Home
	case stem == "_index":
		p.Kind = Section
	case stem == "index" && dir != ".":
		p.Kind, p.Bundle = Single, true
	default:
		p.Kind = Single
	}
	if p.place() != nil {
		return ""
	}
	return p.OutPath
}

// URLName turns a file or folder name into the name of its URL: lower
// case, each run of spaces and underscores one "-" ("Terms of
// Service" → "terms-of-service"). Other characters are kept (UTF-8);
// EscapePath encodes them where a URL is written.
func URLName(name string) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(name) {
		if r == ' ' || r == '_' || r == '\t' {
			gap = true
			continue
		}
		if gap {
			b.WriteByte('-')
			gap = false
		}
		b.WriteRune(r)
	}
	if gap {
		b.WriteByte('-')
	}
	return b.String()
}

// URLPath applies URLName to every segment of the slash path rel, and
// returns a message when a segment would stand for "." or ".." once a
// browser or a CDN decodes it (a file named "%2e%2e.md").
func URLPath(rel string) (string, string) {
	if rel == "" {
		return "", ""
	}
	segs := strings.Split(rel, "/")
	for i, seg := range segs {
		n := URLName(seg)
		if d := decoded(n); d == "." || d == ".." {
			return "", "the name " + strconv.Quote(seg) + " stands for " + strconv.Quote(decoded(n)) + " in a URL; rename the file or folder"
		}
		segs[i] = n
	}
	return strings.Join(segs, "/"), ""
}

func decoded(s string) string {
	if d, err := url.PathUnescape(s); err == nil {
		return d
	}
	return s
}

// EscapePath percent-encodes a slash path for writing in a URL: every
// byte that is not allowed in a path segment (spaces, "%", "?", "#",
// non-ASCII letters) is escaped, and the slashes are kept.
func EscapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// KeyPos is the position of a front-matter key in the page's file, or
// the file alone when the page does not set it.
func (p *Page) KeyPos(key string) diag.Pos {
	if pos, ok := p.Keys[key]; ok {
		return pos
	}
	return diag.Pos{File: p.Source}
}

// Origin is the position that decided where the page is published: its
// url or slug key, else its file (whose name the URL comes from).
func (p *Page) Origin() diag.Pos {
	switch {
	case p.FrontMatter.URL != "":
		return p.KeyPos("url")
	case p.Slug != "" && p.Kind != Home:
		return p.KeyPos("slug")
	}
	return diag.Pos{File: p.Source}
}

// Tree is everything loaded from content/.
type Tree struct {
	Pages  []*Page // sorted by Source
	Assets []Asset // sorted by Source
	// Rels are the paths inside content/ of every Markdown page, drafts
	// and pages with errors included.
	Rels []string
}

// Entry is a file found under content/.
type Entry struct {
	Rel  string // path inside content/
	Page bool   // a Markdown page (not a bundle resource)
	File source.File
}

// ArchiveDir is the folder of content/legal/ that holds the released
// versions of the legal pages (package legal reads it); its files are not
// pages or assets of their own.
const ArchiveDir = "_versions"

// IsMarkdown reports whether a file name is a Markdown page's: ".md" or
// ".markdown", in any letter case.
func IsMarkdown(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".md", ".markdown":
		return true
	}
	return false
}

// Stem is a Markdown file's name without its extension, in lower case:
// "index" for a bundle's page, "_index" for a section's.
func Stem(rel string) string {
	b := path.Base(rel)
	return strings.ToLower(strings.TrimSuffix(b, path.Ext(b)))
}

// Walk lists content/ in sorted order: the Markdown pages, and the other
// files that belong to a page, that is, those in a page bundle's folder
// (beside an index.md, at any depth below it) or beside a section's
// _index.md. Editors' and systems' leftovers and config.toml's ignore
// patterns are left out by the source tree; files that belong to no page
// are left out here, and listed in skipped.
func Walk(t *source.Tree) (entries []Entry, l *source.Listing) {
	l = t.Walk(Dir)
	bundles := map[string]bool{}  // folders holding index.md
	sections := map[string]bool{} // folders holding _index.md
	files := l.Files[:0:0]
	for _, f := range l.Files {
		if !strings.HasPrefix(f.Rel, "legal/"+ArchiveDir+"/") { // package legal reads those
			files = append(files, f)
		}
	}
	l.Files = files
	for _, f := range l.Files {
		if !IsMarkdown(f.Rel) {
			continue
		}
		switch Stem(f.Rel) {
		case "index":
			if path.Dir(f.Rel) != "." {
				bundles[path.Dir(f.Rel)] = true
			}
		case "_index":
			sections[path.Dir(f.Rel)] = true
		}
	}
	inBundle := func(rel string) bool {
		for d := path.Dir(rel); d != "."; d = path.Dir(d) {
			if bundles[d] {
				return true
			}
		}
		return false
	}
	for _, f := range l.Files {
		md := IsMarkdown(f.Rel)
		switch {
		case md && Stem(f.Rel) == "index" && bundles[path.Dir(f.Rel)]:
			entries = append(entries, Entry{Rel: f.Rel, Page: true, File: f})
		case md && inBundle(f.Rel):
			// Markdown inside a bundle belongs to it: not a page, and
			// not published.
			l.Skipped = append(l.Skipped, source.Skipped{Path: f.Path, Reason: "Markdown inside a page bundle"})
		case md:
			entries = append(entries, Entry{Rel: f.Rel, Page: true, File: f})
		case inBundle(f.Rel) || sections[path.Dir(f.Rel)]:
			entries = append(entries, Entry{Rel: f.Rel, File: f})
		default:
			l.Skipped = append(l.Skipped, source.Skipped{Path: f.Path, Reason: "not beside a page: content/ publishes other files only beside an index.md or _index.md (put it under static/)"})
		}
	}
	return entries, l
}

// Place decides where the non-page files go: a bundle's files beside its
// page (following the page's slug or url), a section's beside its list,
// each name made a URL name as pages' are. A name that cannot be a URL
// is an error at the file.
func Place(entries []Entry, pages []*Page) ([]Asset, diag.List) {
	bundleURL := map[string]string{} // content folder → published folder
	for _, p := range pages {
		if p.Bundle || p.Kind == Section {
			bundleURL[path.Dir(p.Rel)] = strings.TrimSuffix(p.OutPath, "index.html")
		}
	}
	var assets []Asset
	var errs diag.List
	for _, e := range entries {
		if e.Page {
			continue
		}
		// Below the page's published folder (which follows its slug or
		// url), or at its own path for the home page's section.
		base, rest := "", e.Rel
		for d := path.Dir(e.Rel); d != "."; d = path.Dir(d) {
			if to, ok := bundleURL[d]; ok {
				base, rest = to, strings.TrimPrefix(e.Rel, d+"/")
				break
			}
		}
		named, msg := URLPath(rest)
		if msg != "" {
			errs.Add(diag.Pos{File: Dir + "/" + e.Rel}, "%s", msg)
			continue
		}
		assets = append(assets, Asset{Source: Dir + "/" + e.Rel, OutPath: base + named, File: e.File})
	}
	return assets, errs
}

// FirstHeading returns the text of the first level-1 ATX heading of a
// Markdown body (outside code fences), with inline markup characters
// removed, or "".
func FirstHeading(body []byte) string {
	fence := ""
	for _, line := range strings.Split(string(body), "\n") {
		t := strings.TrimSpace(line)
		if fence != "" {
			if strings.HasPrefix(t, fence) {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			fence = t[:3]
			continue
		}
		if h, ok := strings.CutPrefix(t, "# "); ok {
			h = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(h), "#"))
			if i := strings.LastIndex(h, " {#"); i >= 0 && strings.HasSuffix(h, "}") {
				h = h[:i]
			}
			return strings.NewReplacer("*", "", "_", "", "`", "").Replace(h)
		}
	}
	return ""
}

// Package content loads a site's Markdown pages: front matter, body and the
// URL each page is published at.
package content

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/output"
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
	// starting on line BodyLine of the file.
	Src      []byte
	Body     []byte
	BodyLine int
	// Sum is the SHA-256 of Src, a cheap identity for caches.
	Sum [32]byte
	// URL is the page's path below the site's base, e.g.
	// "/legal/cookie-policy/"; OutPath the file it is written to.
	URL     string
	OutPath string
}

// Asset is a non-Markdown file under content/ (an image beside a page, a
// PDF), copied to the output at OutPath.
type Asset struct {
	Source  string
	OutPath string
}

// Options control loading.
type Options struct {
	Drafts bool
}

// Parse reads one content file. source is its site-relative path (used in
// errors), rel its path inside content/.
func Parse(source, rel string, src []byte) (*Page, diag.List) {
	if e := checkUTF8(source, src); e != nil {
		return nil, diag.List{e}
	}
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	if bytes.Contains(src, []byte("\r\n")) {
		src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	}
	format, fm, body, fmLine, bodyLine, e := Split(source, src)
	if e != nil {
		return nil, diag.List{e}
	}
	meta, errs := ParseFrontMatter(source, format, fm, fmLine)
	if meta == nil {
		return nil, errs
	}
	p := &Page{FrontMatter: *meta, Source: source, Rel: rel, Src: src, Body: body, BodyLine: bodyLine, Sum: sha256.Sum256(src)}
	base := path.Base(rel)
	dir := path.Dir(rel)
	if dir == "." {
		dir = ""
	}
	switch {
	case base == "_index.md" && dir == "":
		p.Kind = Home
	case base == "_index.md":
		p.Kind, p.Section = Section, dir
	case base == "index.md" && dir != "":
		p.Kind, p.Bundle = Single, true
		p.Section = parentDir(dir)
	default:
		p.Kind, p.Section = Single, dir
	}
	if err := p.place(); err != nil {
		errs = append(errs, err)
	}
	return p, errs
}

func parentDir(d string) string {
	d = path.Dir(d)
	if d == "." {
		return ""
	}
	return d
}

// place computes URL and OutPath from the file's path, slug and url.
func (p *Page) place() *diag.Error {
	at := func(key string) diag.Pos {
		return diag.Pos{File: p.Source, Line: keyLine(p.Src, key), Col: 1}
	}
	if p.FrontMatter.URL != "" {
		u := p.FrontMatter.URL
		if strings.Contains(u, "://") || strings.HasPrefix(u, "//") {
			return diag.Errorf(at("url"), "url %q must be a path on this site such as /legal/terms/", u)
		}
		if strings.Contains(u, `\`) || strings.ContainsAny(u, "?#\x00") {
			return diag.Errorf(at("url"), "url %q may hold only a path (no \\, ? or #)", u)
		}
		for _, seg := range strings.Split(u, "/") {
			if seg == ".." || seg == "." {
				return diag.Errorf(at("url"), "url %q uses %q; a page's url must stay inside the site", u, seg)
			}
		}
		clean := path.Clean("/" + u)
		if path.Ext(clean) != "" && !strings.HasSuffix(u, "/") {
			p.URL, p.OutPath = clean, clean[1:]
		} else {
			if clean != "/" {
				clean += "/"
			}
			p.URL, p.OutPath = clean, clean[1:]+"index.html"
		}
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
	if p.Slug != "" && p.Kind != Home {
		s := p.Slug
		if strings.ContainsAny(s, `/\?#`+"\x00") || s == "." || s == ".." || strings.TrimSpace(s) == "" {
			return diag.Errorf(at("slug"), "slug %q must be one path segment (no /, \\, ? or #, not . or ..)", s)
		}
		dir = path.Join(path.Dir(dir), s)
	}
	if dir == "" || dir == "." {
		p.URL, p.OutPath = "/", "index.html"
	} else {
		p.URL, p.OutPath = "/"+dir+"/", dir+"/index.html"
	}
	if !output.ValidPath(p.OutPath) {
		return diag.Errorf(diag.Pos{File: p.Source, Line: 1, Col: 1}, "page would be written outside the site (%s)", p.OutPath)
	}
	return nil
}

// keyLine finds the line of a front-matter key; 1 when unknown.
func keyLine(src []byte, key string) int {
	for i, l := range strings.Split(string(src), "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, key) {
			rest := strings.TrimSpace(t[len(key):])
			if strings.HasPrefix(rest, "=") || strings.HasPrefix(rest, ":") {
				return i + 1
			}
		}
		if i > 0 && (t == "+++" || t == "---") {
			break
		}
	}
	return 1
}

// Tree is everything loaded from content/.
type Tree struct {
	Pages  []*Page // sorted by Source
	Assets []Asset // sorted by Source
}

// Entry is a file found under content/.
type Entry struct {
	Rel  string // path inside content/
	Page bool   // a Markdown page (not a bundle resource)
}

// ArchiveDir is the folder of content/legal/ that holds the released
// versions of the legal pages (package legal reads it); its files are not
// pages or assets of their own.
const ArchiveDir = "_versions"

// Walk lists content/ in sorted order: Markdown pages, and other files
// (bundle resources and assets). Hidden files, editors' temporary files
// and the legal archive (legal/ArchiveDir) are skipped.
func Walk(contentDir string) ([]Entry, error) {
	var entries []Entry
	bundles := map[string]bool{} // folders holding index.md
	err := filepath.WalkDir(contentDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == contentDir && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipDir
			}
			return err
		}
		name := d.Name()
		if p != contentDir && Skip(name) || d.IsDir() && name == ArchiveDir && filepath.Dir(p) == filepath.Join(contentDir, "legal") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		rel, _ := filepath.Rel(contentDir, p)
		rel = filepath.ToSlash(rel)
		if name == "index.md" && path.Dir(rel) != "." {
			bundles[path.Dir(rel)] = true
		}
		entries = append(entries, Entry{Rel: rel, Page: strings.HasSuffix(name, ".md")})
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Markdown inside a bundle (other than its index.md) belongs to the
	// bundle and is not a page of its own.
	for i, e := range entries {
		if !e.Page || path.Base(e.Rel) == "index.md" && bundles[path.Dir(e.Rel)] {
			continue
		}
		for d := path.Dir(e.Rel); d != "."; d = path.Dir(d) {
			if bundles[d] {
				entries[i].Page = false
				break
			}
		}
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Rel < entries[j].Rel })
	return entries, nil
}

// Skip reports whether a file or folder name is hidden or an editor's
// temporary, swap or backup file, which never become part of a site.
func Skip(name string) bool {
	switch {
	case name == "" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "#") || strings.HasSuffix(name, "~"):
		return true
	case name == "4913" || strings.HasSuffix(name, ".swp") || strings.HasSuffix(name, ".swx") || strings.HasSuffix(name, ".tmp"):
		return true
	case strings.HasSuffix(name, "___jb_tmp___") || strings.HasSuffix(name, "___jb_old___"):
		return true
	}
	return false
}

// Place decides where the non-page files go: a bundle's files beside its
// page (following the page's slug or url), other files at their own path.
func Place(entries []Entry, pages []*Page) []Asset {
	bundleURL := map[string]string{} // content folder → published folder
	for _, p := range pages {
		if p.Bundle {
			bundleURL[path.Dir(p.Rel)] = strings.TrimSuffix(p.OutPath, "index.html")
		}
	}
	var assets []Asset
	for _, e := range entries {
		if e.Page || strings.HasSuffix(e.Rel, ".md") {
			continue
		}
		out := e.Rel
		for d := path.Dir(e.Rel); d != "."; d = path.Dir(d) {
			if to, ok := bundleURL[d]; ok {
				out = to + strings.TrimPrefix(e.Rel, d+"/")
				break
			}
		}
		assets = append(assets, Asset{Source: Dir + "/" + e.Rel, OutPath: out})
	}
	return assets
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

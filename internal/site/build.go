package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/certiron/certiron-site/internal/banner"
	"github.com/certiron/certiron-site/internal/config"
	"github.com/certiron/certiron-site/internal/content"
	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/markdown"
	"github.com/certiron/certiron-site/internal/minify"
	"github.com/certiron/certiron-site/internal/output"
	"github.com/certiron/certiron-site/internal/render"
)

// PolicyPage is the content file of the cookie policy, whose lastmod is the
// version visitors acknowledge and whose text must name every storage key.
const PolicyPage = "legal/cookie-policy.md"

// build is the state of one build.
type build struct {
	opt   Options
	res   *Result
	cache *cache

	cfg      *config.Config
	cfgKey   [32]byte
	theme    *render.Theme
	themeKey [32]byte
	conv     *markdown.Converter

	tree            *content.Tree
	byRel           map[string]*content.Page
	views           map[*content.Page]*Page
	pages           []*Page // in source order
	policy          *Page
	files           *output.Set
	claimed         map[string]string // output path → the source that wrote it
	staticSrc       map[string]string
	failed          map[string]bool // content files that did not parse
	scripts, styles []string
	seenHash        map[string]bool
	siteOnce        sync.Once
	siteNone        *Site // the site data for pages in no menu

	cfgSrc     []byte
	site       *Site
	bannerData banner.Data
	menuMain   []MenuItem
	menuFooter []MenuItem
}

func (b *build) fail(errs diag.List) bool {
	b.res.Errors = append(b.res.Errors, errs...)
	return len(errs) == 0
}

func (b *build) loadConfig() bool {
	src, err := os.ReadFile(filepath.Join(b.opt.Root, config.File))
	if err != nil {
		if os.IsNotExist(err) {
			return b.fail(diag.List{diag.Errorf(diag.Pos{File: config.File}, "missing config file; a site needs config.toml in its root (is -source right?)")})
		}
		return b.fail(diag.List{diag.Errorf(diag.Pos{File: config.File}, "%v", err)})
	}
	if b.opt.BaseURL != "" {
		src = append(src, []byte("\n")...)
	}
	cfg, err := config.Parse(config.File, src)
	if err != nil {
		var l diag.List
		l.Append(config.File, err)
		return b.fail(l)
	}
	if b.opt.BaseURL != "" {
		over, err := config.Parse("-baseURL", []byte(fmt.Sprintf("title = \"x\"\nbaseURL = %q\n", b.opt.BaseURL)))
		if err != nil {
			return b.fail(diag.List{diag.Errorf(diag.Pos{File: "-baseURL"}, "%q is not an absolute http(s) URL", b.opt.BaseURL)})
		}
		cfg.BaseURL = over.BaseURL
	}
	b.cfg = cfg
	b.cfgSrc = src
	b.cfgKey = sha256.Sum256(append(src, b.opt.BaseURL...))
	b.conv = b.cache.converter(cfg.Markup, b.cfgKey)
	return true
}

func (b *build) loadTheme() bool {
	theme, errs := render.Load(b.opt.Root, b.cfg.Theme, b.funcs())
	if len(errs) > 0 {
		return b.fail(errs)
	}
	for _, need := range []string{"single", "list", "404"} {
		if !theme.Has(need) {
			b.res.Errors.Add(diag.Pos{File: theme.Dir + "/layouts/" + need + ".html"}, "missing template: every theme needs layouts/%s.html", need)
		}
	}
	h := sha256.New()
	names := make([]string, 0, len(theme.Sources))
	for n := range theme.Sources {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		h.Write([]byte(n))
		h.Write(theme.Sources[n])
	}
	h.Sum(b.themeKey[:0])
	b.theme = theme
	return len(b.res.Errors) == 0
}

func (b *build) loadContent() bool {
	tree, failed, errs := b.cache.loadDir(b.opt.Root, content.Options{Drafts: b.opt.Drafts})
	b.fail(errs)
	if tree == nil {
		return false
	}
	b.failed = failed
	b.tree = tree
	b.files = output.NewSet()
	b.claimed = map[string]string{}
	b.byRel = map[string]*content.Page{}
	for _, p := range tree.Pages {
		b.byRel[p.Rel] = p
	}
	// Every output path has one owner; pages first, in source order.
	for _, p := range tree.Pages {
		b.claim(p.OutPath, p.Source, diag.Pos{File: p.Source, Line: 1, Col: 1}, "page "+p.URL)
	}
	for _, a := range tree.Assets {
		b.claim(a.OutPath, a.Source, diag.Pos{File: a.Source}, "file")
	}
	return true
}

// claim records that source writes out; a second claimant is an error
// naming both files.
func (b *build) claim(out, source string, pos diag.Pos, what string) {
	if prev, ok := b.claimed[out]; ok && prev != source {
		b.res.Errors.Add(pos, "%s (%s) is also written by %s; two files cannot share one URL", what, out, prev)
		return
	}
	b.claimed[out] = source
}

// funcs are the template functions themes can use.
func (b *build) funcs() template.FuncMap {
	return template.FuncMap{
		"relURL": func(p string) string { return b.relURL(p) },
		"absURL": func(p string) string { return b.absURL(p) },
	}
}

func (b *build) relURL(p string) string {
	if b.cfg == nil {
		return "/" + strings.TrimPrefix(p, "/")
	}
	return b.cfg.BasePath() + strings.TrimPrefix(p, "/")
}

func (b *build) absURL(p string) string {
	if b.cfg == nil {
		return p
	}
	return b.cfg.Origin() + b.relURL(p)
}

// resolver returns the link resolver for page p: a link to a content file
// becomes that page's URL; other relative links are made root-relative.
func (b *build) resolver(p *content.Page) func(string, bool) (string, error) {
	dir := path.Dir(p.Rel)
	return func(dest string, image bool) (string, error) {
		if dest == "" || strings.HasPrefix(dest, "#") || strings.HasPrefix(dest, "//") {
			return dest, nil
		}
		if u, err := url.Parse(dest); err != nil {
			return "", fmt.Errorf("malformed link %q: %v", dest, err)
		} else if u.Scheme != "" {
			return dest, nil
		}
		target, frag, _ := strings.Cut(dest, "#")
		target, query, _ := strings.Cut(target, "?")
		unescaped, err := url.PathUnescape(target)
		if err != nil {
			return "", fmt.Errorf("malformed link %q: %v", dest, err)
		}
		var rel string
		if strings.HasPrefix(unescaped, "/") {
			rel = path.Clean(unescaped[1:])
		} else {
			rel = path.Clean(path.Join(dir, unescaped))
		}
		suffix := ""
		if query != "" {
			suffix += "?" + query
		}
		if frag != "" {
			suffix += "#" + frag
		}
		if strings.HasSuffix(rel, ".md") {
			if strings.HasPrefix(rel, "../") || rel == ".." {
				return "", fmt.Errorf("link %q points outside content/", dest)
			}
			t := b.byRel[rel]
			if t == nil && b.failed[rel] {
				return dest, nil // the target has errors of its own
			}
			if t == nil {
				return "", fmt.Errorf("link to missing page %q: there is no content/%s", dest, rel)
			}
			return b.relURL(t.URL) + suffix, nil
		}
		if strings.HasPrefix(unescaped, "/") {
			return dest, nil // a path on the built site; the audit checks it
		}
		// A relative link to a folder holding a page, or to a file beside
		// the page in content/: publish its real URL.
		for _, idx := range []string{rel + "/index.md", rel + "/_index.md"} {
			if t := b.byRel[idx]; t != nil {
				return b.relURL(t.URL) + suffix, nil
			}
		}
		for _, a := range b.tree.Assets {
			if a.Source == content.Dir+"/"+rel {
				return b.relURL(a.OutPath) + suffix, nil
			}
		}
		return dest, nil
	}
}

// pages makes every page's template data and links pages to their
// sections. The Markdown is converted later, page by page, as each is
// rendered, so a large site never holds every converted page at once.
func (b *build) pagesStep() bool {
	pages := b.tree.Pages
	// Links resolve against every page's URL: when any URL changes, every
	// conversion is redone.
	h := sha256.New()
	h.Write(b.cfgKey[:])
	for _, p := range pages {
		h.Write([]byte(p.Rel + "\x00" + p.URL + "\x00"))
	}
	for _, a := range b.tree.Assets {
		h.Write([]byte(a.Source + "\x00" + a.OutPath + "\x00"))
	}
	var linkKey [32]byte
	h.Sum(linkKey[:0])

	b.views = map[*content.Page]*Page{}
	for _, p := range pages {
		v := b.view(p)
		v.toc = p.Kind == content.Single && (p.TOC != nil && *p.TOC || p.TOC == nil && (p.Section == "legal" || strings.HasPrefix(p.Section, "legal/")))
		v.typo = p.Typographer == nil || *p.Typographer
		v.docKey = keyOf(linkKey[:], p.Sum[:], []byte{boolByte(v.toc), boolByte(v.typo)})
		b.views[p] = v
		b.pages = append(b.pages, v)
		if p.Rel == PolicyPage {
			b.policy = v
		}
	}
	b.link()
	return true
}

// convert turns one page's Markdown into HTML (or takes it from the cache).
func (b *build) convert(v *Page) diag.List {
	p := v.page
	e := b.cache.convert(p.Rel, v.docKey, func() (*markdown.Doc, diag.List) {
		return b.conv.Convert(p.Body, markdown.ConvertOptions{
			File:        p.Source,
			LineOffset:  p.BodyLine - 1,
			Typographer: v.typo,
			TOC:         v.toc,
			Resolve:     b.resolver(p),
		})
	})
	if e.doc != nil {
		v.doc, v.Content, v.TOC = e.doc, e.html, e.toc
		v.HasTitle = len(e.doc.Headings) > 0 && e.doc.Headings[0].Level == 1
	}
	return e.errs
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// keyOf hashes its parts, each length-prefixed.
func keyOf(parts ...[]byte) [32]byte {
	h := sha256.New()
	var n [8]byte
	for _, p := range parts {
		binary.LittleEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write(p)
	}
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// parallel runs f(0..n-1) across GOMAXPROCS workers.
func parallel(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for range workers {
		wg.Go(func() {
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				f(i)
			}
		})
	}
	wg.Wait()
}

// extras adds everything that is not a page: CSS, static files, bundle
// assets, aliases, sitemap, robots.txt, 404 and _headers.
func (b *build) extras() bool {
	root := b.opt.Root
	// Theme CSS, minified.
	cssDir := filepath.Join(root, b.theme.Dir, "assets", "css")
	b.walkFiles(cssDir, b.theme.Dir+"/assets/css", func(rel, source string, data []byte) {
		out := "css/" + rel
		min, err := minify.File(out, data)
		if err != nil {
			b.res.Errors.Add(diag.Pos{File: source}, "minifying CSS: %v", err)
			return
		}
		b.add(out, source, min)
	})
	// Theme static, then site static (the site's own files win).
	b.staticSrc = map[string]string{}
	themeStatic := map[string]bool{}
	b.walkFiles(filepath.Join(root, b.theme.Dir, "static"), b.theme.Dir+"/static", func(rel, source string, data []byte) {
		themeStatic[rel] = true
		b.add(rel, source, data)
	})
	b.walkFiles(filepath.Join(root, "static"), "static", func(rel, source string, data []byte) {
		if themeStatic[rel] {
			delete(b.claimed, rel)
		}
		b.add(rel, source, data)
	})
	for _, a := range b.tree.Assets {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(a.Source)))
		if err != nil {
			b.res.Errors.Add(diag.Pos{File: a.Source}, "%v", err)
			continue
		}
		b.files.Add(&output.File{Path: a.OutPath, Data: data, Sources: []string{a.Source}})
	}
	b.aliases()
	b.notFound()
	b.sitemap()
	b.files.Add(&output.File{Path: "_headers", Data: banner.HeadersFile(b.scripts, b.styles), Sources: []string{b.theme.Dir + "/layouts/partials/head.html"}})
	return true
}

// add puts a non-page file in the set, claiming its path.
func (b *build) add(out, source string, data []byte) {
	if !output.ValidPath(out) {
		b.res.Errors.Add(diag.Pos{File: source}, "cannot publish %q: not a path inside the site", out)
		return
	}
	before := len(b.res.Errors)
	b.claim(out, source, diag.Pos{File: source}, "file")
	if len(b.res.Errors) == before {
		b.files.Add(&output.File{Path: out, Data: data, Sources: []string{source}})
	}
}

// walkFiles calls f for every regular file under dir (absent is fine), in
// sorted order, skipping hidden and editor temporary files.
func (b *build) walkFiles(dir, sourcePrefix string, f func(rel, source string, data []byte)) {
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir && os.IsNotExist(err) {
				return fs.SkipDir
			}
			return err
		}
		if p != dir && content.Skip(d.Name()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f(rel, sourcePrefix+"/"+rel, data)
		return nil
	})
	if err != nil {
		b.res.Errors.Add(diag.Pos{File: sourcePrefix}, "%v", err)
	}
}

// sitemap writes sitemap.xml and robots.txt. The sitemap is made again
// only when a page's URL or dates changed.
func (b *build) sitemap() {
	h := sha256.New()
	for _, p := range b.pages {
		fmt.Fprint(h, p.Permalink, "\x00", p.Lastmod.UnixNano(), "\x00", p.Date.UnixNano(), "\x00")
	}
	var key [32]byte
	h.Sum(key[:0])
	if data := b.cache.sitemapFor(key); data != nil {
		b.add("sitemap.xml", "content", data)
		b.robots()
		return
	}
	var s bytes.Buffer
	s.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, p := range sortedByURL(b.pages) {
		fmt.Fprintf(&s, "<url><loc>%s</loc>", xmlEscape(p.Permalink))
		if t := p.Lastmod; !t.IsZero() {
			fmt.Fprintf(&s, "<lastmod>%s</lastmod>", t.Format("2006-01-02"))
		} else if t := p.Date; !t.IsZero() {
			fmt.Fprintf(&s, "<lastmod>%s</lastmod>", t.Format("2006-01-02"))
		}
		s.WriteString("</url>\n")
	}
	s.WriteString("</urlset>\n")
	data, err := minify.File("sitemap.xml", s.Bytes())
	if err != nil {
		b.res.Errors.Add(diag.Pos{File: "sitemap.xml"}, "minifying sitemap: %v", err)
		return
	}
	b.cache.keepSitemap(key, data)
	b.add("sitemap.xml", "content", data)
	b.robots()
}

// robots writes robots.txt pointing at the sitemap, unless static/ has one.
func (b *build) robots() {
	robots := "User-agent: *\nAllow: /\n\nSitemap: " + b.absURL("sitemap.xml") + "\n"
	if _, ok := b.claimed["robots.txt"]; !ok {
		b.add("robots.txt", "config.toml", []byte(robots))
	}
}

func sortedByURL(ps []*Page) []*Page {
	out := append([]*Page(nil), ps...)
	sort.Slice(out, func(i, j int) bool { return out[i].URL < out[j].URL })
	return out
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	_ = xmlEscapeTo(&b, s)
	return b.String()
}

var xmlReplacer = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")

func xmlEscapeTo(b *bytes.Buffer, s string) error {
	_, err := xmlReplacer.WriteString(b, s)
	return err
}

// sources gathers every source file an error may point at.
func (b *build) sources() map[string][]byte {
	m := map[string][]byte{}
	if b.theme != nil {
		for k, v := range b.theme.Sources {
			m[k] = v
		}
	}
	if b.tree != nil {
		for _, p := range b.tree.Pages {
			if p.Src != nil {
				m[p.Source] = p.Src
			}
		}
	}
	for _, e := range b.res.Errors {
		if _, ok := m[e.Pos.File]; !ok && e.Pos.Line > 0 {
			if data, err := os.ReadFile(filepath.Join(b.opt.Root, filepath.FromSlash(e.Pos.File))); err == nil {
				m[e.Pos.File] = data
			}
		}
	}
	return m
}

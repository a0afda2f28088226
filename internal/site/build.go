package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"html/template"
	"net/url"
	"os"
	"path"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/certiron/certiron-site/internal/banner"
	"github.com/certiron/certiron-site/internal/check"
	"github.com/certiron/certiron-site/internal/config"
	"github.com/certiron/certiron-site/internal/content"
	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/legal"
	"github.com/certiron/certiron-site/internal/markdown"
	"github.com/certiron/certiron-site/internal/minify"
	"github.com/certiron/certiron-site/internal/output"
	"github.com/certiron/certiron-site/internal/render"
	"github.com/certiron/certiron-site/internal/source"
)

// PolicyPage is the content file of the cookie policy, whose lastmod is the
// version visitors acknowledge and whose text must name every storage key.
const PolicyPage = "legal/cookie-policy.md"

// build is one build: its options, its result, the cache it shares with
// the builds before it, and the state each step makes, in the order the
// steps run (see Builder.build). A step reads what the steps before it
// made and writes only its own.
type build struct {
	opt   Options
	res   *Result
	cache *cache

	configured
	themed
	loaded
	linked
	planned
	hashed
}

// configured is what the config step makes.
type configured struct {
	cfg    *config.Config
	cfgSrc []byte
	cfgKey [32]byte
	// origin and basePath are cfg.Origin() and cfg.BasePath(), which
	// parse baseURL each time, worked out once: every URL uses them.
	origin, basePath string
	src              *source.Tree // the site's files, with config.toml's ignore list
	date             time.Time    // the build date (midnight UTC)
	conv             *markdown.Converter
	// lazyKeys are the keys of the pages the destination already held
	// (lazy files), by output path, for their marks.
	lazyMu   sync.Mutex
	lazyKeys map[string][32]byte
	// auditAs are the audit's settings for Prepare, made once.
	auditOnce sync.Once
	auditAs   check.Options
}

// themed is what the theme step makes.
type themed struct {
	theme    *render.Theme
	themeKey [32]byte
	// shared are the templates every page is made from (baseof, the
	// partials), sorted, listed once.
	shared     []string
	sharedOnce sync.Once
	// layouts are the layouts found, by layoutQuery.
	layouts sync.Map
}

// loaded is what the content step makes: the pages and the files that
// are published as they are.
type loaded struct {
	tree   *content.Tree
	byRel  map[string]*content.Page
	failed map[string]bool // content files that did not parse
	// sameURLs says the pages are the last build's in name and URL.
	sameURLs bool
	// missing are output paths not made because of an error already
	// reported (a page that did not parse or render): the audit does not
	// report links to them again.
	missing map[string]bool
	statics []staticFile
	// themeAssets are the files of the theme's assets/, published under
	// content-hashed names (see assets.go).
	themeAssets []staticFile
}

// linked is what the pages step makes: every page's data for the
// layouts, linked to its section, and the site's.
type linked struct {
	views      map[*content.Page]*Page
	pages      []*Page // in source order, then the legal pages' versions
	policy     *Page
	legal      []*legalPage // the versioned legal pages
	aliasList  []alias
	site       *Site
	siteOnce   sync.Once
	siteNone   *Site // the site data for pages in no menu
	bannerData banner.Data
	menuMain   []MenuItem
	menuFooter []MenuItem
}

// planned is what the plan step makes: every output claimed, the set
// that takes exactly the accepted paths, and the theme assets made.
type planned struct {
	plan   *output.Plan
	files  *output.Set // accepts what the plan accepted, once
	assets map[string]*themeAsset
	// minified holds the source of each minified theme asset, by output
	// path, to map audit findings back to its lines.
	minified map[string][]byte
}

// hashed is what the render and files steps add besides the files: the
// hashes of every inline script and style, for _headers.
type hashed struct {
	scripts, styles hashSet
	// templates times each layout's executions (build -v).
	templatesMu sync.Mutex
	templates   map[string]*TemplateMetric
}

// TemplateMetric is the time a layout took over a build to make its
// pages, minified, and how often it ran (build -v lists the slowest, as
// Hugo's --templateMetrics does).
type TemplateMetric struct {
	Layout string
	Calls  int
	Total  time.Duration
}

func (b *build) timeTemplate(layout string, d time.Duration) {
	b.templatesMu.Lock()
	defer b.templatesMu.Unlock()
	if b.templates == nil {
		b.templates = map[string]*TemplateMetric{}
	}
	m := b.templates[layout]
	if m == nil {
		m = &TemplateMetric{Layout: layout}
		b.templates[layout] = m
	}
	m.Calls++
	m.Total += d
}

func (b *build) fail(errs diag.List) bool {
	b.res.Errors = append(b.res.Errors, errs...)
	return len(errs) == 0
}

func (b *build) loadConfig() bool {
	b.date = b.opt.Date
	if b.date.IsZero() {
		b.date = time.Now().UTC()
	}
	b.date = legal.Day(b.date)
	tree, err := source.Open(b.opt.Root, nil)
	if err != nil {
		return b.fail(diag.List{diag.Errorf(diag.Pos{File: config.File}, "%v", err)})
	}
	b.src = tree
	src, err := tree.ReadFile(config.File)
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
	b.origin, b.basePath = cfg.Origin(), cfg.BasePath()
	b.cfgSrc = src
	b.res.Warnings = append(b.res.Warnings, cfg.Warnings...)
	b.src = b.src.WithIgnore(cfg.Ignore)
	b.cfgKey = sha256.Sum256(append(src, b.opt.BaseURL...))
	b.conv = b.cache.converter(cfg.Markup, b.cfgKey)
	return true
}

func (b *build) loadTheme() bool {
	// The functions look up this build at each call, so a theme that
	// did not change serves the next build as it is.
	b.cache.funcsFor.Store(b)
	theme := b.cache.theme
	if theme == nil || theme.Dir != "themes/"+b.cfg.Theme || b.cache.themeMayHaveChanged(theme) && !theme.Unchanged(b.src) {
		var errs diag.List
		b.cache.theme = nil
		if theme, errs = render.Load(b.src, b.cfg.Theme, b.cache.funcs); len(errs) > 0 {
			// The content is still loaded and converted, to report its
			// errors too; nothing is rendered.
			return b.fail(errs)
		}
		if b.cache.keep {
			b.cache.theme = theme
		}
	}
	b.res.AsWritten = theme.AsWritten()
	for _, need := range []string{"single", "list", "404"} {
		if !theme.Has(need) {
			b.res.Errors.Add(diag.Pos{File: theme.Dir + "/layouts/" + need + ".html"}, "missing template: every theme needs layouts/%s.html", need)
		}
	}
	b.themeKey = theme.Sum
	b.theme = theme
	return len(b.res.Errors) == 0
}

func (b *build) loadContent() bool {
	tree, failed, errs := b.cache.loadDir(b.src, content.Options{Drafts: b.opt.Drafts})
	b.res.Unread = b.cache.unread
	b.fail(errs)
	b.res.Skipped = append(b.res.Skipped, b.cache.skipped...)
	b.res.Warnings = append(b.res.Warnings, b.cache.warnings...)
	if tree == nil {
		return false
	}
	// The static files are listed whether or not the theme parsed, so
	// their errors show with the others.
	b.planStatic()
	b.failed = failed
	b.tree = tree
	b.missing = map[string]bool{}
	for rel := range failed {
		b.missing[content.DefaultOutPath(rel)] = true
	}
	b.byRel, b.sameURLs = b.cache.pagesByRel(tree.Pages)
	return true
}

// staticFile is a file copied into the site as it is, or minified.
type staticFile struct {
	out, source string
	file        source.File
}

// planFiles claims every file the site will produce, with the source
// of each, before any is made: pages, bundle files, theme assets and
// static files, aliases, 404.html, the sitemap, robots.txt and _headers.
// A path claimed twice, or otherwise contested, is an error at every
// source involved, and none of them is made.
func (b *build) planFiles() bool {
	if b.tree == nil || b.theme == nil {
		return false
	}
	plan := output.NewPlanSize(b.cache.planned)
	for _, v := range b.pages {
		if p := v.page; p.OutPath != "" { // else its url or name had errors of its own
			plan.Claim(p.OutPath, p.Origin(), "page "+p.URL)
		}
	}
	b.planLegal(plan)
	for _, a := range b.tree.Assets {
		plan.Claim(a.OutPath, diag.Pos{File: a.Source}, "page file")
	}
	b.staticCollisions()
	for _, f := range b.statics {
		plan.Claim(f.out, diag.Pos{File: f.source}, "static file")
	}
	b.makeAssets()
	b.planAssets(plan)
	b.planAliases(plan)
	theme := b.theme.Dir + "/layouts/"
	plan.Claim("404.html", diag.Pos{File: theme + "404.html"}, "the 404 page")
	plan.Claim("sitemap.xml", diag.Pos{File: config.File}, "the sitemap")
	plan.Claim("robots.txt", diag.Pos{File: config.File}, "robots.txt")
	b.planHost(plan)
	b.plan = plan
	b.cache.planned = plan.Len()
	var errs diag.List
	var checked *output.Checked
	b.files, errs, checked = plan.CheckAgainst(b.cache.checked)
	if b.cache.keep {
		b.cache.checked = checked
	}
	b.fail(errs)
	return true
}

// planStatic lists the theme's assets (CSS, minified), the theme's
// static files and the site's (the site's own win over the theme's).
func (b *build) planStatic() {
	dir := "themes/" + b.cfg.Theme
	for _, f := range b.listing(dir + "/assets").Files {
		b.themeAssets = append(b.themeAssets, staticFile{out: f.Rel, source: f.Path, file: f})
	}
	site := b.listing("static")
	own := map[string]bool{}
	for _, f := range site.Files {
		own[f.Rel] = true
	}
	for _, f := range b.listing(dir + "/static").Files {
		if !own[f.Rel] {
			b.statics = append(b.statics, staticFile{out: f.Rel, source: f.Path, file: f})
		}
	}
	for _, f := range site.Files {
		b.statics = append(b.statics, staticFile{out: f.Rel, source: f.Path, file: f})
	}
}

// listing walks a site folder, collecting its warnings and errors.
func (b *build) listing(dir string) *source.Listing {
	l := b.src.Walk(dir)
	b.res.Errors = append(b.res.Errors, l.Errors...)
	b.res.Warnings = append(b.res.Warnings, l.Warnings...)
	b.res.Skipped = append(b.res.Skipped, l.Skipped...)
	return l
}

// put adds a made file to the set; the plan already accepted its path.
func (b *build) put(f *output.File) {
	if err := b.files.Put(f); err != nil {
		b.res.Errors.Add(diag.Pos{File: f.Sources[0]}, "%v", err)
	}
}

// themeFuncs are the theme's functions, made once for the cache: each
// calls the build running (funcsFor), so a theme loaded by one build
// serves the next.
func (c *cache) themeFuncs() template.FuncMap {
	return template.FuncMap{
		"relURL": func(p string) string { return c.funcsFor.Load().relURL(p) },
		"absURL": func(p string) string { return c.funcsFor.Load().absURL(p) },
		"asset":  func(name string) (Asset, error) { return c.funcsFor.Load().asset(name) },
		// replace is strings.ReplaceAll, for class names from paths.
		"replace": strings.ReplaceAll,
	}
}

func (b *build) relURL(p string) string {
	if b.cfg == nil {
		return "/" + strings.TrimPrefix(p, "/")
	}
	return b.basePath + strings.TrimPrefix(p, "/")
}

func (b *build) absURL(p string) string {
	if b.cfg == nil {
		return p
	}
	return b.origin + b.relURL(p)
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
		if content.IsMarkdown(rel) {
			if strings.HasPrefix(rel, "../") || rel == ".." {
				return "", fmt.Errorf("link %q points outside content/", dest)
			}
			t := b.byRel[rel]
			if t == nil && b.failed[rel] {
				// The target has errors of its own: link where its name
				// would publish it, which the audit knows is missing.
				return b.relURL(content.DefaultURL(rel)) + suffix, nil
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
		for _, idx := range []string{rel + "/index.md", rel + "/_index.md", rel + "/index.markdown", rel + "/_index.markdown"} {
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
	if !b.sameURLs {
		h := sha256.New()
		var buf []byte
		for _, p := range pages {
			buf = appendFields(buf[:0], p.Rel, p.URL)
			h.Write(buf)
		}
		h.Sum(b.cache.urlsKey[:0])
	}
	h := sha256.New()
	h.Write(b.cfgKey[:])
	h.Write(b.cache.urlsKey[:])
	var buf []byte
	for _, a := range b.tree.Assets {
		buf = appendFields(buf[:0], a.Source, a.OutPath)
		h.Write(buf)
	}
	var linkKey [32]byte
	h.Sum(linkKey[:0])

	// A page the last build made a view of, the same parsed page under
	// the same link key, has the same URLs and keys: they are taken from
	// that view, not worked out again (a rebuild of a large site).
	var last map[*content.Page]*Page
	if b.cache.keep && b.cache.viewsKey == linkKey {
		last = b.cache.views
	}
	b.views = make(map[*content.Page]*Page, len(pages))
	b.pages = make([]*Page, len(pages))
	parallel(len(pages), func(i int) {
		p := pages[i]
		if old := last[p]; old != nil {
			v := viewAgain(old)
			v.conv = b.converter(v)
			b.pages[i] = v
			return
		}
		v := b.view(p)
		v.toc = p.Kind == content.Single && (p.TOC != nil && *p.TOC || p.TOC == nil && (p.Section == "legal" || strings.HasPrefix(p.Section, "legal/")))
		// Legal text is reproduced character for character: no
		// typographic quotes under legal/ unless the page asks for them.
		legalPage := p.Section == "legal" || strings.HasPrefix(p.Section, "legal/")
		v.typo = p.Typographer == nil && !legalPage || p.Typographer != nil && *p.Typographer
		v.docKey = keyOf(linkKey[:], p.Sum[:], []byte{boolByte(v.toc), boolByte(v.typo)})
		v.entryKey = listEntryKey(v)
		v.conv = b.converter(v)
		b.pages[i] = v
	})
	for i, p := range pages {
		b.views[p] = b.pages[i]
		if p.Rel == PolicyPage {
			b.policy = b.pages[i]
		}
	}
	if b.cache.keep {
		b.cache.views, b.cache.viewsKey = b.views, linkKey
	}
	b.link()
	b.legalPages()
	return true
}

// converter returns the function that converts v's Markdown into HTML
// (or takes it from the cache), for Page.converted.
func (b *build) converter(v *Page) func() *docEntry {
	p := v.page
	return func() *docEntry {
		return b.cache.convert(p.Rel, v.docKey, func() (*markdown.Doc, diag.List) {
			_, body, err := p.Text()
			if err != nil {
				return nil, diag.List{diag.Errorf(diag.Pos{File: p.Source}, "%v", err)}
			}
			return b.conv.Convert(body, markdown.ConvertOptions{
				File:        p.Source,
				LineOffset:  p.BodyLine - 1,
				Typographer: v.typo,
				TOC:         v.toc,
				Resolve:     b.resolver(p),
				Marks:       true,
			})
		})
	}
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// keyOf hashes its parts, each length-prefixed.
func keyOf(parts ...[]byte) [32]byte {
	n := 0
	for _, p := range parts {
		n += 8 + len(p)
	}
	if n > 512 {
		// The same bytes, hashed as they are (a list's key is long).
		h := sha256.New()
		var size [8]byte
		for _, p := range parts {
			binary.LittleEndian.PutUint64(size[:], uint64(len(p)))
			h.Write(size[:])
			h.Write(p)
		}
		var k [32]byte
		h.Sum(k[:0])
		return k
	}
	var stack [512]byte
	b := stack[:0]
	for _, p := range parts {
		b = append(binary.LittleEndian.AppendUint64(b, uint64(len(p))), p...)
	}
	return sha256.Sum256(b)
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
	var next atomic.Int64
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(i)
			}
		})
	}
	wg.Wait()
}

// copied is a file published as it is: the File, or the error reading
// it; unread says the build did not even read it (see copyFile).
type copied struct {
	f      *output.File
	err    *diag.Error
	unread bool
}

// copyFile makes the site's file as it is, to publish at out, if the
// plan accepted out (nil if not); from names it in errors and as the
// file's source. It may run on many goroutines.
func (b *build) copyFile(file source.File, out, from string) copied {
	if !b.files.Planned(out) {
		return copied{}
	}
	// A file the disk cache's index of the sources vouches for, which
	// the destination holds as it is, is neither read nor hashed.
	ix := b.cache.sourceIndex()
	var stamp output.Stamp
	stamped := false
	if ix != nil && b.cache.out != nil {
		if fi, err := os.Lstat(file.Real); err == nil {
			stamp, stamped = output.StampOf(fi)
			if sum, ok := ix.knownCopy(from, fi); ok && b.cache.out.Holds(out, sum) {
				f := output.Lazy(out, int(fi.Size()), sum, func() ([]byte, error) { return b.cache.out.Read(out) })
				f.Sources = []string{from}
				return copied{f: f, unread: true}
			}
		}
	}
	data, err := b.cache.read(b.src, file, from)
	if err != nil {
		return copied{err: diag.Errorf(diag.Pos{File: from}, "%v", err)}
	}
	f := &output.File{Path: out, Data: data, Sources: []string{from}}
	if stamped {
		ix.rememberCopy(from, stamp, f.Sum())
	}
	return copied{f: f}
}

// copyFiles publishes the static files and the bundles' files as they
// are, read (or found unchanged) on every core, put in order.
func (b *build) copyFiles() {
	type job struct {
		file      source.File
		out, from string
	}
	jobs := make([]job, 0, len(b.statics)+len(b.tree.Assets))
	for _, f := range b.statics {
		jobs = append(jobs, job{f.file, f.out, f.source})
	}
	for _, a := range b.tree.Assets {
		jobs = append(jobs, job{a.File, a.OutPath, a.Source})
	}
	done := make([]copied, len(jobs))
	parallel(len(jobs), func(i int) { done[i] = b.copyFile(jobs[i].file, jobs[i].out, jobs[i].from) })
	for _, c := range done {
		switch {
		case c.err != nil:
			b.res.Errors = append(b.res.Errors, c.err)
		case c.f != nil:
			b.put(c.f)
			if c.unread {
				b.res.UnreadCopies++
			}
		}
	}
}

// extras makes everything that is not a page: theme assets, static
// files, bundle files, aliases, 404.html, the sitemap, robots.txt and
// _headers.
func (b *build) extras() bool {
	if b.files == nil {
		return false
	}
	b.copyFiles()
	b.putAssets()
	b.aliases()
	b.notFound()
	b.legalFeed()
	b.sitemap()
	b.robots()
	b.host() // last: it describes every other file
	return true
}

// sitemap writes sitemap.xml and robots.txt. The sitemap is made again
// only when a page's URL or dates changed.
func (b *build) sitemap() {
	h := sha256.New()
	var buf []byte
	for _, p := range b.pages {
		buf = append(append(buf[:0], p.Permalink...), 0)
		buf = append(strconv.AppendInt(buf, p.Lastmod.UnixNano(), 10), 0)
		buf = append(strconv.AppendInt(buf, p.Date.UnixNano(), 10), 0)
		h.Write(buf)
	}
	var key [32]byte
	h.Sum(key[:0])
	if !b.files.Planned("sitemap.xml") {
		return
	}
	if data := b.cache.sitemapFor(key); data != nil {
		b.put(&output.File{Path: "sitemap.xml", Data: data, Sources: []string{config.File}})
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
	b.put(&output.File{Path: "sitemap.xml", Data: data, Sources: []string{config.File}})
}

// robots writes robots.txt pointing at the sitemap.
func (b *build) robots() {
	if b.files.Planned("robots.txt") {
		robots := "User-agent: *\nAllow: /\n\nSitemap: " + b.absURL("sitemap.xml") + "\n"
		b.put(&output.File{Path: "robots.txt", Data: []byte(robots), Sources: []string{config.File}})
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
	var pages map[string][]byte // made at the first finding in a page
	for _, l := range []diag.List{b.res.Errors, b.res.Warnings} {
		for _, e := range l {
			name := e.Pos.File
			if _, ok := m[name]; ok || name == "" {
				continue
			}
			if b.theme != nil {
				if data, ok := b.theme.Sources[name]; ok {
					m[name] = data
					continue
				}
			}
			if pages == nil && b.tree != nil {
				pages = make(map[string][]byte, len(b.tree.Pages))
				for _, p := range b.tree.Pages {
					if p.Src != nil {
						pages[p.Source] = p.Src
					}
				}
			}
			if data, ok := pages[name]; ok {
				m[name] = data
			} else if e.Pos.Line > 0 {
				if data, err := b.src.ReadFile(name); err == nil {
					m[name] = data
				}
			}
		}
	}
	return m
}

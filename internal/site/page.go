package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"html/template"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/certiron/certiron-site/internal/banner"
	"github.com/certiron/certiron-site/internal/config"
	"github.com/certiron/certiron-site/internal/content"
	"github.com/certiron/certiron-site/internal/csp"
	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/mark"
	"github.com/certiron/certiron-site/internal/output"
	"github.com/certiron/certiron-site/internal/publish"
)

// Page is what a layout sees as ".": the page, the site and the banner.
type Page struct {
	Title       string
	Description string
	// URL is the page's root-relative URL ("/legal/cookie-policy/"),
	// Permalink its absolute URL.
	URL       string
	Permalink string
	Kind      string // "home", "section", "page", "404" or "alias"
	Section   string
	IsHome    bool
	Date      time.Time
	Lastmod   time.Time
	Weight    int
	Params    map[string]any
	// Pages are the pages a section (or the home page) lists.
	Pages []*Page
	// Parent is the section page this page belongs to, if any.
	Parent *Page
	// Source is the site-relative Markdown file.
	Source string
	Site   *Site
	Banner banner.Data
	// CSP is the page's Content-Security-Policy (filled in after the page's
	// inline scripts and styles are final).
	CSP string
	// Legal is set on the pages under content/legal/: the version shown,
	// its history, the feed.
	Legal *Legal

	page *content.Page
	// conv converts the page's Markdown (nil for pages made of no
	// Markdown: aliases, 404); it runs once, on first use, from whichever
	// goroutine needs it first (a list that shows its pages' content, or
	// the page's own rendering).
	conv   func() *docEntry
	convMu sync.Mutex
	conved *docEntry
	docKey [32]byte // hash of everything the converted Markdown came from
	// entryKey sums up what a list may show of the page (listEntryKey).
	entryKey [32]byte
	toc      bool // the page gets a table of contents
	typo     bool // typographic quotes
	layout   string
}

// converted returns the page's converted Markdown, converting it on
// first use; nil for a page made of no Markdown.
func (v *Page) converted() *docEntry {
	v.convMu.Lock()
	defer v.convMu.Unlock()
	if v.conved == nil && v.conv != nil {
		v.conved = v.conv()
	}
	return v.conved
}

// release lets a one-off build forget a page's converted Markdown once
// the page is rendered; whatever asks for it later converts it again.
func (v *Page) release() {
	v.convMu.Lock()
	v.conved = nil
	v.convMu.Unlock()
}

// Content is the page's Markdown as HTML. A layout may show it for any
// page (a list shows its pages'), from any goroutine: it is converted
// once, on first use.
func (v *Page) Content() template.HTML {
	if e := v.converted(); e != nil {
		return e.html
	}
	return ""
}

// TOC is the page's table of contents, when it has one.
func (v *Page) TOC() template.HTML {
	if e := v.converted(); e != nil {
		return e.toc
	}
	return ""
}

// HasTitle is true when the Markdown starts with its own level-1
// heading, so a layout does not print the title a second time.
func (v *Page) HasTitle() bool {
	e := v.converted()
	return e != nil && e.doc != nil && len(e.doc.Headings) > 0 && e.doc.Headings[0].Level == 1
}

// Site is what layouts see as .Site.
type Site struct {
	Title        string
	BaseURL      string
	LanguageCode string
	Params       map[string]any
	Menus        Menus
	// Year is the year of the newest page, for the copyright line.
	Year int
	// PrivacyPolicy is the URL of the privacy policy config.toml names.
	PrivacyPolicy string
}

// Menus are the menus with the current page marked.
type Menus struct {
	Main, Footer []MenuItem
}

// MenuItem is a menu entry.
type MenuItem struct {
	Name    string
	URL     string
	Current bool
}

func (b *build) view(p *content.Page) *Page {
	title := p.Title
	if title == "" {
		title = defaultTitle(p)
	}
	return newView(p, title, b.relURL(p.URL), b.absURL(p.URL))
}

// newView is a view of p with the title and URLs worked out for it.
func newView(p *content.Page, title, url, permalink string) *Page {
	return &Page{
		Title:       title,
		Description: p.Description,
		URL:         url,
		Permalink:   permalink,
		Kind:        string(p.Kind),
		Section:     p.Section,
		IsHome:      p.Kind == content.Home,
		Date:        p.Date,
		Lastmod:     p.Lastmod,
		Weight:      p.Weight,
		Params:      p.Params,
		Source:      p.Source,
		page:        p,
	}
}

// viewAgain is a new view of the page old shows, with what old worked
// out from the page and the link key: its title, URLs and keys. The
// rest of a view is the build's own (its place among the pages, what
// it renders to).
func viewAgain(old *Page) *Page {
	v := newView(old.page, old.Title, old.URL, old.Permalink)
	v.toc, v.typo, v.docKey, v.entryKey = old.toc, old.typo, old.docKey, old.entryKey
	return v
}

// defaultTitle is the first level-1 heading, or the file's name.
func defaultTitle(p *content.Page) string {
	_, body, _ := p.Text() // a page that cannot be read has its error where it is converted
	if h := content.FirstHeading(body); h != "" {
		return h
	}
	name := strings.TrimSuffix(path.Base(p.Rel), ".md")
	if name == "index" || name == "_index" {
		name = path.Base(path.Dir(p.Rel))
	}
	if name == "." || name == "" {
		return ""
	}
	return strings.ReplaceAll(name, "-", " ")
}

// link connects pages to their sections and works out the site data.
func (b *build) link() {
	sections := map[string]*Page{}
	var home *Page
	for _, v := range b.pages {
		switch v.page.Kind {
		case content.Section:
			sections[v.page.Section] = v
		case content.Home:
			home = v
		}
	}
	year := 0
	for _, v := range b.pages {
		for _, t := range []time.Time{v.Date, v.Lastmod} {
			if t.Year() > year {
				year = t.Year()
			}
		}
		parent := home
		if v.page.Kind == content.Home {
			continue
		}
		sec := v.page.Section
		if v.page.Kind == content.Section {
			sec = parentOf(sec)
		}
		for {
			if s, ok := sections[sec]; ok {
				parent = s
				break
			}
			if sec == "" {
				break
			}
			sec = parentOf(sec)
		}
		if parent != nil {
			parent.Pages = append(parent.Pages, v)
			if parent != home {
				v.Parent = parent
			}
		}
	}
	for _, v := range b.pages {
		sort.SliceStable(v.Pages, func(i, j int) bool { return less(v.Pages[i], v.Pages[j]) })
	}
	if year == 0 {
		year = time.Now().Year()
	}
	ver := b.cfg.PolicyVersion
	policyURL := b.relURL("legal/cookie-policy/")
	if b.policy != nil {
		policyURL = b.policy.URL
		if ver == "" && !b.policy.Lastmod.IsZero() {
			ver = b.policy.Lastmod.Format("2006-01-02")
		}
	}
	if ver == "" {
		ver = "1"
	}
	b.bannerData = banner.Data{PolicyURL: policyURL, Version: ver, Key: banner.StorageKey}
	b.site = &Site{
		Title:        b.cfg.Title,
		BaseURL:      b.cfg.BaseURL,
		LanguageCode: b.cfg.LanguageCode,
		Params:       b.cfg.Params,
		Year:         year,
	}
	b.site.PrivacyPolicy = b.privacyPolicy()
	b.menuMain = b.menu(b.cfg.Menus.Main, "menus.main")
	b.menuFooter = b.menu(b.cfg.Menus.Footer, "menus.footer")
}

func parentOf(dir string) string {
	d := path.Dir(dir)
	if d == "." {
		return ""
	}
	return d
}

// less orders a section's pages: by weight (unweighted last), newest
// first, then by title and URL.
func less(a, b *Page) bool {
	if (a.Weight == 0) != (b.Weight == 0) {
		return a.Weight != 0
	}
	if a.Weight != b.Weight {
		return a.Weight < b.Weight
	}
	da, db := a.Lastmod, b.Lastmod
	if da.IsZero() {
		da = a.Date
	}
	if db.IsZero() {
		db = b.Date
	}
	if !da.Equal(db) {
		return da.After(db)
	}
	if a.Title != b.Title {
		return a.Title < b.Title
	}
	return a.URL < b.URL
}

// menu resolves a configured menu: entries naming content files get that
// page's URL.
func (b *build) menu(items []config.MenuItem, key string) []MenuItem {
	sorted := append([]config.MenuItem(nil), items...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Weight < sorted[j].Weight })
	var out []MenuItem
	for _, it := range sorted {
		u := it.URL
		switch {
		case strings.HasSuffix(strings.SplitN(u, "#", 2)[0], ".md"):
			rel, frag, _ := strings.Cut(u, "#")
			t := b.byRel[strings.TrimPrefix(rel, "/")]
			if t == nil && b.failed[strings.TrimPrefix(rel, "/")] {
				continue // the page has errors of its own
			}
			if t == nil {
				line, col := config.KeyPos(b.cfgSrc, strings.Split(key, ".")...)
				b.res.Errors.Add(diag.Pos{File: config.File, Line: line, Col: col}, "menu item %q links to missing page content/%s", it.Name, rel)
				continue
			}
			u = b.relURL(t.URL)
			if frag != "" {
				u += "#" + frag
			}
		case !strings.Contains(u, "://") && !strings.HasPrefix(u, "mailto:"):
			u = b.relURL(u)
		}
		out = append(out, MenuItem{Name: it.Name, URL: u})
	}
	return out
}

// privacyPolicy resolves config.toml's privacyPolicy: a content file
// becomes its page's URL.
func (b *build) privacyPolicy() string {
	pp := b.cfg.PrivacyPolicy
	if pp == "" {
		return ""
	}
	if content.IsMarkdown(pp) {
		rel := strings.TrimPrefix(pp, "/")
		if t := b.byRel[rel]; t != nil {
			return b.relURL(t.URL)
		}
		if !b.failed[rel] {
			line, col := config.KeyPos(b.cfgSrc, "privacyPolicy")
			b.res.Errors.Add(diag.Pos{File: config.File, Line: line, Col: col}, "privacyPolicy names content/%s, which does not exist", rel)
		}
		return ""
	}
	if strings.Contains(pp, "://") {
		return pp
	}
	return b.relURL(pp)
}

// siteFor returns the site data with the menus marking page url current.
func (b *build) siteFor(url string) *Site {
	current := false
	for _, it := range b.menuMain {
		current = current || it.URL == url
	}
	for _, it := range b.menuFooter {
		current = current || it.URL == url
	}
	if !current {
		// Most pages are in no menu: they share one Site.
		b.siteOnce.Do(func() { b.siteNone = b.markMenus("") })
		return b.siteNone
	}
	return b.markMenus(url)
}

// markMenus copies the site data with the menu entries for url current.
func (b *build) markMenus(url string) *Site {
	s := *b.site
	mark := func(items []MenuItem) []MenuItem {
		out := make([]MenuItem, len(items))
		for i, it := range items {
			it.Current = it.URL == url
			out[i] = it
		}
		return out
	}
	s.Menus = Menus{Main: mark(b.menuMain), Footer: mark(b.menuFooter)}
	return &s
}

// layoutFor picks a page's layout: front matter, then section, then kind.
func (b *build) layoutFor(v *Page) (string, *diag.Error) {
	p := v.page
	sec, _, _ := strings.Cut(p.Section, "/")
	// Pages of one kind, top section and layout name have one layout.
	q := layoutQuery{p.Kind, sec, p.Layout}
	if l, ok := b.layouts.Load(q); ok {
		return l.(string), nil
	}
	l, err := b.findLayout(p, sec)
	if err == nil {
		b.layouts.Store(q, l)
	}
	return l, err
}

// layoutQuery is what decides a page's layout.
type layoutQuery struct {
	kind        content.Kind
	sec, layout string
}

func (b *build) findLayout(p *content.Page, sec string) (string, *diag.Error) {
	kind := "single"
	if p.Kind != content.Single {
		kind = "list"
	}
	var cands []string
	if p.Layout != "" {
		if sec != "" {
			cands = append(cands, sec+"/"+p.Layout)
		}
		cands = append(cands, p.Layout)
		if l, ok := b.theme.Lookup(cands...); ok {
			return l, nil
		}
		return "", diag.Errorf(p.KeyPos("layout"), "layout %q not found: looked for %s in %s/layouts", p.Layout, strings.Join(withHTML(cands), ", "), b.theme.Dir)
	}
	if p.Kind == content.Home {
		cands = append(cands, "home")
	}
	if sec != "" {
		cands = append(cands, sec+"/"+kind)
	}
	cands = append(cands, kind)
	if l, ok := b.theme.Lookup(cands...); ok {
		return l, nil
	}
	return "", diag.Errorf(diag.Pos{File: p.Source, Line: 1, Col: 1}, "no layout for this page: looked for %s in %s/layouts", strings.Join(withHTML(cands), ", "), b.theme.Dir)
}

func withHTML(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = n + ".html"
	}
	return out
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// keyBufs hold the bytes of a page's key (pageKey) while it is hashed.
var keyBufs = sync.Pool{New: func() any { return new([]byte) }}

// pageBufs hold a page without its marks while its policy is made.
var pageBufs = sync.Pool{New: func() any { return new([]byte) }}

// render executes every page's layout, minifies it and fills in its CSP,
// in parallel. Pages whose inputs did not change since the last build are
// taken from the cache.
func (b *build) render() bool {
	if b.files == nil {
		// No plan (the theme failed): convert the Markdown anyway, to
		// report its errors.
		for _, v := range b.pages {
			b.res.Errors = append(b.res.Errors, v.converted().errs...)
		}
		return false
	}
	n := len(b.pages)
	sc := b.cache.scratchSlices()
	outs := resized(&sc.outs, n)
	errs := resized(&sc.errs, n)
	mdErrs := resized(&sc.mdErrs, n)
	fresh := resized(&sc.fresh, n)
	files := resized(&sc.files, n)
	for _, v := range b.pages {
		v.Banner = b.bannerData
		v.CSP = banner.Placeholder
	}
	siteKey := b.siteKey()
	one := func(i int) {
		v := b.pages[i]
		if !b.files.Planned(v.page.OutPath) {
			return // its path is contested: the plan reported it
		}
		layout, e := b.layoutFor(v)
		if e != nil {
			errs[i] = e
			mdErrs[i] = v.converted().errs // reported all the same
			return
		}
		v.layout = layout
		v.Site = b.siteFor(v.URL)
		// The key sums up everything the page is made from, so a page
		// found in the cache (this process's, or the one on disk) needs
		// neither its Markdown converted nor its layout run.
		kb := keyBufs.Get().(*[]byte)
		*kb = pageKey((*kb)[:0], v)
		key := keyOf(siteKey[:], []byte(layout), *kb)
		keyBufs.Put(kb)
		outs[i], errs[i], fresh[i] = b.cache.render(v.page.OutPath, key, func() (rendered, *diag.Error) {
			conv := v.converted()
			r, e := b.execute(v, layout)
			r.mdErrs = conv.errs
			if conv.doc != nil {
				r.warns = conv.doc.Warnings
			}
			return r, e
		})
		mdErrs[i] = outs[i].mdErrs
		if errs[i] == nil && outs[i].ok() {
			// One File for the writer and the set, so its hash is taken
			// once (or not at all: the disk cache keeps it).
			f := outs[i].file
			if f == nil {
				f = b.pageFile(v.page.OutPath, outs[i])
				f.Sources = b.sourcesOf(v.page.Source, v.layout)
				b.cache.keepFile(v.page.OutPath, key, f)
			}
			files[i] = f
			if len(mdErrs[i]) == 0 && b.opt.Emit != nil {
				if g := b.opt.Emit(f); !b.cache.keep && g != f {
					// A one-off build keeps the stand-in, which reads
					// the page back only to place a finding: the build
					// does not hold its whole output to its end, and
					// the page is audited now, while its bytes are here.
					if !f.IsLazy() {
						b.prepareAudit(f)
					}
					files[i] = g
				}
			}
			outs[i].data, outs[i].marks, outs[i].file = nil, mark.Map{}, nil // the file has them
		}
		if !b.cache.keep && v.page.Kind == content.Single {
			// A one-off build renders the lists first: a single page's
			// converted Markdown is seldom needed again once the page is
			// rendered. Let it go to save memory.
			v.release()
			v.page.Forget(func() ([]byte, error) { return b.src.ReadFile(v.page.Source) })
		}
	}
	// Lists first: they may show their pages' content.
	var lists, singles []int
	for i, v := range b.pages {
		if v.page.Kind == content.Single {
			singles = append(singles, i)
		} else {
			lists = append(lists, i)
		}
	}
	if b.cache.keep {
		// Nothing is let go: one pass, lists first in line, so that a
		// long list is rendered while the other workers take singles.
		order := append(lists, singles...)
		parallel(len(order), func(j int) { one(order[j]) })
	} else {
		parallel(len(lists), func(j int) { one(lists[j]) })
		parallel(len(singles), func(j int) { one(singles[j]) })
	}
	for i, v := range b.pages {
		// A page with Markdown errors is still audited, so its other
		// problems show in the same run; the build fails all the same.
		b.res.Errors = append(b.res.Errors, mdErrs[i]...)
		b.res.Warnings = append(b.res.Warnings, outs[i].warns...)
		if files[i] == nil {
			if errs[i] != nil {
				b.res.Errors = append(b.res.Errors, errs[i])
			}
			b.missing[v.page.OutPath] = true
			continue
		}
		switch {
		case fresh[i]:
			b.res.Rendered++
		case outs[i].lazy:
			b.res.Held++
		case outs[i].fromDisk:
			b.res.Cached++
		}
		b.res.Pages++
		b.put(files[i])
		b.hashes(outs[i])
	}
	return true
}

// scratch are a build's per-page slices: the render step's, and the
// list the host files are made from. A kept build keeps
// them for the next, cleared before use: a rebuild of a large site need
// not take megabytes of fresh memory for them each time.
type scratch struct {
	outs   []rendered
	errs   []*diag.Error
	mdErrs []diag.List
	fresh  []bool
	files  []*output.File
	// host is the list of files handed to the host's files' maker.
	host []publish.File
}

// resized returns *s with n zero elements, reusing its array when it is
// large enough.
func resized[T any](s *[]T, n int) []T {
	if cap(*s) < n {
		*s = make([]T, n)
	} else {
		*s = (*s)[:n]
		clear(*s)
	}
	return *s
}

// hashes adds a page's inline hashes to the site's, for _headers.
func (b *build) hashes(r rendered) {
	b.scripts.add(r.scripts)
	b.styles.add(r.styles)
}

// hashSet is the distinct hashes of the site's inline scripts (or
// styles), in the order pages first had them.
type hashSet struct {
	list []string
	seen map[string]bool
	// last is the last list added: pages side by side mostly have the
	// same code, and a list already taken is not looked up again.
	last []string
}

func (s *hashSet) add(l []string) {
	if slices.Equal(l, s.last) {
		return
	}
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	for _, h := range l {
		if !s.seen[h] {
			s.seen[h] = true
			s.list = append(s.list, h)
		}
	}
	s.last = l
}

// execute renders one page to its final bytes.
func (b *build) execute(v *Page, layout string) (rendered, *diag.Error) {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	start := time.Now()
	err := b.theme.ExecuteMinified(buf, layout, v, b.opt.MinifyWhole)
	b.timeTemplate(layout, time.Since(start))
	if err != nil {
		var l diag.List
		l.Append(v.Source, err)
		e := l[0]
		if e.Pos.Line == 0 {
			e.Pos.File = v.Source
		}
		e.Msg += fmt.Sprintf(" (rendering %s)", v.Source)
		return rendered{}, e
	}
	// The page, minified, goes through a second pooled buffer (without
	// its marks) and is copied once, into its final bytes. The marks
	// come out first: the scripts and styles are hashed as they are
	// published. Then the policy takes the placeholder's place, and the
	// spans after it move with it.
	stripped := pageBufs.Get().(*[]byte)
	data, marks := mark.StripTo(*stripped, buf.Bytes())
	defer func() { *stripped = data[:0]; pageBufs.Put(stripped) }()
	// Only the theme's own inline code is trusted: code that came from
	// content (an error already, at its Markdown line) is never hashed
	// into the policy.
	theme := b.theme.Dir + "/"
	sc, st := csp.InlineFunc(data, func(off int) bool {
		r, ok := marks.At(data, off)
		return ok && strings.HasPrefix(r.File, theme)
	})
	scripts, styles := b.cache.hashList(csp.Hashes(sc)), b.cache.hashList(csp.Hashes(st))
	policy := csp.Strict(scripts, styles).String()
	var final []byte
	if i := bytes.Index(data, []byte(banner.Placeholder)); i >= 0 {
		final = slices.Concat(data[:i], []byte(policy), data[i+len(banner.Placeholder):])
		marks.Move(i, len(policy)-len(banner.Placeholder))
	} else {
		final = slices.Clone(data)
	}
	return rendered{data: final, scripts: scripts, styles: styles, marks: marks}, nil
}

// sourcesOf lists the files a page is made from: its Markdown, its
// layout, baseof and the partials.
func (b *build) sourcesOf(md, layout string) []string {
	b.sharedOnce.Do(func() {
		for name := range b.theme.Sources {
			if strings.HasSuffix(name, "/baseof.html") || strings.Contains(name, "/partials/") {
				b.shared = append(b.shared, name)
			}
		}
		sort.Strings(b.shared)
	})
	srcs := make([]string, 0, 2+len(b.shared))
	srcs = append(srcs, md, b.theme.Dir+"/layouts/"+layout+".html")
	return append(srcs, b.shared...)
}

// pageFile is the output file of a rendered page: a lazy one, read from
// the destination only if something must see its bytes, for a page the
// destination already holds.
func (b *build) pageFile(out string, r rendered) *output.File {
	if !r.lazy {
		f := &output.File{Path: out, Data: r.data, Marks: r.marks}
		if r.summed {
			f.KnownSum(r.sum)
		}
		return f
	}
	b.lazyMu.Lock()
	if b.lazyKeys == nil {
		b.lazyKeys = map[string][32]byte{}
	}
	b.lazyKeys[out] = r.key
	b.lazyMu.Unlock()
	return output.Lazy(out, r.size, r.sum, func() ([]byte, error) { return b.cache.out.Read(out) })
}

// siteKey hashes what every page depends on: config, theme, menus.
func (b *build) siteKey() [32]byte {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "%v|%v|%d|%+v|%+v|%+v|%s", b.opt.Drafts, b.opt.MinifyWhole, b.site.Year, b.menuMain, b.menuFooter, b.bannerData, b.date.Format(time.DateOnly)+b.assetKey())
	return keyOf(b.cfgKey[:], b.themeKey[:], buf.Bytes())
}

// pageKey is everything about one page a layout can show: its own data,
// and the titles and URLs of the pages it lists and belongs to.
func pageKey(b []byte, v *Page) []byte {
	// The page's own source and its converted Markdown are both summed
	// up by docKey.
	b = append(b, v.docKey[:]...)
	b = appendFields(b, v.Title, v.URL, v.page.Rel)
	if v.Parent != nil {
		b = appendFields(append(b, "parent"...), v.Parent.Title, v.Parent.URL)
	}
	if v.Legal != nil {
		// By value: the pointer to the previous version is no key.
		l := *v.Legal
		prev := l.Previous
		l.Previous = nil
		b = fmt.Appendf(b, "\x00legal %+v", l)
		if prev != nil {
			b = fmt.Appendf(b, " previous %+v", *prev)
		}
	}
	b = append(b, "\x00children"...)
	for _, c := range v.Pages {
		b = append(b, c.entryKey[:]...)
	}
	return b
}

// listEntryKey sums up what a list may show of a page: its metadata and
// its body (a layout may show .Content of each page it lists). It is
// worked out once per page, not once per list that shows it.
func listEntryKey(c *Page) [32]byte {
	kb := keyBufs.Get().(*[]byte)
	b := append(append((*kb)[:0], "child "...), c.docKey[:]...)
	b = appendFields(b, c.Title, c.URL, c.Description)
	b = append(strconv.AppendInt(b, c.Date.UnixNano(), 36), 0)
	b = append(strconv.AppendInt(b, c.Lastmod.UnixNano(), 36), 0)
	b = strconv.AppendInt(b, int64(c.Weight), 10)
	if len(c.Params) > 0 {
		b = fmt.Appendf(b, "%v", c.Params)
	}
	k := sha256.Sum256(b)
	*kb = b
	keyBufs.Put(kb)
	return k
}

// appendFields appends each field with its length, so that no two lists
// of fields append the same bytes.
func appendFields(b []byte, fields ...string) []byte {
	for _, f := range fields {
		b = append(binary.AppendUvarint(b, uint64(len(f))), f...)
	}
	return b
}

// alias is a redirect from an old URL to a page.
type alias struct {
	from string // as written
	out  string // the output path
	page *Page
	pos  diag.Pos
}

// planAliases checks every alias and, for a host without a redirect file
// (GitHub Pages), claims its meta-refresh page; elsewhere an alias is a
// 301 line of _redirects.
func (b *build) planAliases(plan *output.Plan) {
	for _, v := range b.pages {
		for _, a := range v.page.Aliases {
			pos := v.page.KeyPos("aliases")
			clean := path.Clean("/" + a)
			if strings.Contains(a, "://") || strings.Contains(a, "..") || strings.ContainsAny(a, `\?#`) {
				b.res.Errors.Add(pos, "alias %q must be a path on this site such as /old-name/", a)
				continue
			}
			out := strings.TrimPrefix(clean, "/")
			if path.Ext(out) == "" {
				out = strings.TrimPrefix(out+"/index.html", "/")
			}
			b.aliasList = append(b.aliasList, alias{from: a, out: out, page: v, pos: pos})
			if !b.redirectsFile() {
				plan.Claim(out, pos, "alias "+a)
			}
		}
	}
}

// aliases writes the meta-refresh page of every alias, for a host
// without a redirect file.
func (b *build) aliases() {
	if b.redirectsFile() {
		return
	}
	for _, al := range b.aliasList {
		if b.files.Planned(al.out) {
			b.refreshPage(al.out, al.page, al.pos, al.page.Source)
		}
	}
}

// refreshPage writes at out a page that sends visitors on to page to;
// what it says comes from pos (the alias or redirect's own line).
func (b *build) refreshPage(out string, to *Page, pos diag.Pos, source string) {
	if !b.theme.Has("alias") {
		b.res.Errors.Add(pos, "redirect pages need layouts/alias.html in %s", b.theme.Dir)
		return
	}
	page := &Page{Title: to.Title, URL: to.URL, Permalink: to.Permalink, Kind: "alias", Site: b.siteFor(""), Banner: b.bannerData, CSP: banner.Placeholder, Source: source}
	r, e := b.execute(page, "alias")
	if e != nil {
		b.res.Errors = append(b.res.Errors, e)
		return
	}
	b.hashes(r)
	b.put(&output.File{Path: out, Data: r.data, Sources: b.sourcesOf(source, "alias"), Marks: mark.MapOf(mark.Span{Off: 0, Ref: pos})})
}

// notFound renders 404.html.
func (b *build) notFound() {
	if !b.files.Planned("404.html") {
		return
	}
	v := &Page{Title: "Page not found", URL: b.relURL("404.html"), Permalink: b.absURL("404.html"), Kind: "404", Site: b.siteFor(""), Banner: b.bannerData, CSP: banner.Placeholder, Source: b.theme.Dir + "/layouts/404.html"}
	r, e := b.execute(v, "404")
	if e != nil {
		b.res.Errors = append(b.res.Errors, e)
		return
	}
	b.hashes(r)
	b.put(&output.File{Path: "404.html", Data: r.data, Sources: b.sourcesOf(v.Source, "404"), Marks: r.marks})
}

package site

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"html/template"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/certiron/certiron-site/internal/check"
	"github.com/certiron/certiron-site/internal/config"
	"github.com/certiron/certiron-site/internal/content"
	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/legal"
	"github.com/certiron/certiron-site/internal/mark"
	"github.com/certiron/certiron-site/internal/markdown"
	"github.com/certiron/certiron-site/internal/minify"
	"github.com/certiron/certiron-site/internal/output"
	"github.com/certiron/certiron-site/internal/render"
	"github.com/certiron/certiron-site/internal/source"
	"github.com/certiron/certiron-site/internal/store"
)

// cache keeps the work of the previous build: parsed pages by their bytes,
// converted Markdown and rendered pages by a hash of everything they were
// made from. A rebuild recomputes only entries whose inputs changed, so an
// edit to one page re-renders that page and the pages that list it.
type cache struct {
	// keep is false for a one-off build, which stores nothing.
	keep   bool
	mu     sync.Mutex
	conv   *markdown.Converter
	markup config.Markup
	parsed map[string]*parsedEntry
	docs   map[string]*docEntry
	outs   map[string]*outEntry
	// gen is the current build's generation: each entry holds that of
	// the last build that used it, so sweep can forget the rest.
	gen uint64
	// auditor keeps the audit's per-file work between builds; it is
	// given the disk cache's facts once (startAudit).
	auditor   *check.Auditor
	auditOnce sync.Once
	auditDone chan struct{}
	// entries is content/'s listing from the last build, and changed
	// the content files (relative to content/) the caller says changed
	// since: with both, a rebuild reads only those files.
	entries []content.Entry
	changed map[string]bool
	// changedSite is every path the caller says changed, relative to
	// the site folder (nil: unknown), and copied the files published as
	// they are, by source path, as the last build read them: with both,
	// a rebuild reads only the changed ones.
	changedSite          map[string]bool
	copied, copiedByThis map[string][]byte
	// skipped and warnings are what the last walk of content/ left out.
	skipped  []source.Skipped
	warnings diag.List
	// disk, when set, is the persistent build cache (build -cache): pages
	// rendered by earlier builds, of this site or another, found by the
	// hash of everything they are made from.
	disk *store.Store
	puts chan diskPut
	// out is the build's destination and index what the disk cache
	// knows of each page by its key (its hash, size, inline code and
	// warnings), read once from the disk cache: a page the destination
	// holds is then taken from neither. next is the index of this build.
	out       Output
	root      string
	index     map[[32]byte]pageMeta
	indexOnce sync.Once
	next      map[[32]byte]pageMeta
	nextNew   int // entries of next not taken from index
	// fm is the disk cache's parsed front matter, and src its index of
	// content/, each read once.
	fm      *frontMatters
	fmOnce  sync.Once
	src     *sourceIndex
	srcOnce sync.Once
	// fetching is the reads prefetch started.
	fetching sync.WaitGroup
	// unread is how many pages the last loadDir took from src unread.
	unread  int
	putOnce sync.Once
	putters sync.WaitGroup
	// theme is the last theme loaded, in a kept build, for the next
	// if its files did not change; its functions (funcs) call the build
	// in funcsFor.
	theme    *render.Theme
	funcs    template.FuncMap
	funcsFor atomic.Pointer[build]
	// views are the last kept build's views of its pages, made under
	// the link key viewsKey.
	views    map[*content.Page]*Page
	viewsKey [32]byte
	// checked is the last build's verdict on its output plan; planned,
	// how many paths it claimed.
	checked *output.Checked
	planned int
	// assets are the theme's assets as last minified: source, result.
	assets map[string][2][]byte
	// sitemap is the last sitemap.xml and the key of what it lists.
	sitemapKey [32]byte
	sitemap    []byte
	// scratch are the build's per-page slices, for the next build.
	scratch *scratch
	// hashLists are the lists of inline-code hashes pages have, once
	// each (see hashList).
	hashLists       map[string][]string
	recentHashLists [2][]string
	// urlsKey sums up the last build's pages' names and URLs.
	urlsKey [32]byte
	// byRel is the last build's pages by Rel, and byRelOf those pages.
	byRel   map[string]*content.Page
	byRelOf []*content.Page
}

// minified returns the minified bytes of an asset, minifying it only
// when its bytes changed since the last build (the dev server's
// rebuilds).
func (c *cache) minified(name string, src []byte) ([]byte, error) {
	c.mu.Lock()
	e, ok := c.assets[name]
	c.mu.Unlock()
	if ok && bytes.Equal(e[0], src) {
		return e[1], nil
	}
	min, err := minify.File(name, src)
	if err == nil && c.keep {
		c.mu.Lock()
		if c.assets == nil {
			c.assets = map[string][2][]byte{}
		}
		c.assets[name] = [2][]byte{src, min}
		c.mu.Unlock()
	}
	return min, err
}

// sitemapFor returns the kept sitemap when key matches.
func (c *cache) sitemapFor(key [32]byte) []byte {
	if c.keep && c.sitemap != nil && c.sitemapKey == key {
		return c.sitemap
	}
	var b blob
	if !c.keep && c.disk != nil && c.disk.Get("sitemap", key, &b) && len(b) > 0 {
		return b
	}
	return nil
}

func (c *cache) keepSitemap(key [32]byte, data []byte) {
	switch {
	case c.keep:
		c.sitemapKey, c.sitemap = key, data
	case c.disk != nil:
		c.put("sitemap", key, blob(data))
	}
}

type parsedEntry struct {
	gen  uint64
	src  []byte
	page *content.Page
	errs diag.List
}

type docEntry struct {
	gen  uint64
	key  [32]byte
	doc  *markdown.Doc
	errs diag.List
	// html and toc are doc's HTML as template values, converted once.
	html, toc template.HTML
}

type outEntry struct {
	gen uint64
	key [32]byte
	rendered
}

// rendered is a finished page, the CSP hashes of its inline scripts and
// styles, and where each of its elements comes from.
type rendered struct {
	// data is the page; nil for a lazy one (lazy), which the destination
	// already holds: size and sum say what it is, key finds its record
	// in the disk cache.
	data []byte
	lazy bool
	size int
	key  [32]byte
	// fromDisk says the page came from the disk cache's record.
	fromDisk bool
	// sum is data's SHA-256 when the disk cache gave it (sum[0:32] is
	// then set and summed true).
	sum             [32]byte
	summed          bool
	scripts, styles []string
	marks           mark.Map
	// mdErrs and warns are what converting the page's Markdown found; a
	// page with errors is never kept.
	mdErrs, warns diag.List
	// file is the File an earlier build of this process made of the
	// page (see keepFile), nil if none did.
	file *output.File
}

// ok reports whether the page was rendered (or is held as it was).
func (r rendered) ok() bool { return r.data != nil || r.lazy }

// pageRecord is a rendered page as the disk cache keeps it.
type pageRecord struct {
	Data []byte
	// Sum is the SHA-256 of Data, as MarshalBinary computed it.
	Sum             [32]byte
	Scripts, Styles []string
	Marks           mark.Map
	Warnings        diag.List
}

func newCache(keep bool) *cache {
	c := &cache{
		keep:    keep,
		parsed:  map[string]*parsedEntry{},
		docs:    map[string]*docEntry{},
		outs:    map[string]*outEntry{},
		auditor: new(check.Auditor),
	}
	c.funcs = c.themeFuncs()
	return c
}

// reservedIDs are the ids the certiron theme's layouts use; headings
// never take them.
var reservedIDs = []string{"main", "cookie-notice", "toc-title", "version-history", "certiron-build-error", "certiron-build-warning"}

// converter returns the Markdown converter for the markup settings,
// building it only when they change.
func (c *cache) converter(m config.Markup, _ [32]byte) *markdown.Converter {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conv == nil || c.markup != m {
		c.conv = markdown.New(markdown.Options{HTML: m.HTML, TOCStart: m.TOCStart, TOCEnd: m.TOCEnd, ReservedIDs: reservedIDs})
		c.markup = m
		c.docs = map[string]*docEntry{}
	}
	return c.conv
}

// loadDir loads content/, parsing only files whose bytes changed.
// failed names the pages that did not parse.
func (c *cache) loadDir(src *source.Tree, opt content.Options) (tree *content.Tree, failed map[string]bool, _ diag.List) {
	dir := filepath.Join(src.Root, content.Dir)
	entries, known := c.listing(dir)
	var walkErrs diag.List
	if !known {
		var l *source.Listing
		entries, l = content.Walk(src)
		walkErrs = l.Errors
		c.skipped, c.warnings = l.Skipped, l.Warnings
	}
	if c.keep {
		c.entries = entries
	}
	pages := make([]*content.Page, len(entries))
	errs := make([]diag.List, len(entries))
	var unread atomic.Int64
	defer func() { c.unread = int(unread.Load()) }()
	parallel(len(entries), func(i int) {
		e := entries[i]
		if !e.Page {
			return
		}
		source := content.Dir + "/" + e.Rel
		c.mu.Lock()
		prev := c.parsed[e.Rel]
		if prev != nil {
			prev.gen = c.gen
		}
		c.mu.Unlock()
		if prev != nil && known && !c.changed[e.Rel] {
			pages[i], errs[i] = prev.page, prev.errs // unchanged: not even read
			return
		}
		// A file whose stamp the last build recorded, unchanged, is not
		// read either: its page is the one parsed then, its text read
		// if something needs it.
		ix := c.sourceIndex()
		var stamp output.Stamp
		var stamped bool
		if ix != nil {
			if fi, err := os.Lstat(e.File.Real); err == nil {
				stamp, stamped = output.StampOf(fi)
				if p, ok := ix.known(source, e, fi, func() ([]byte, error) { return src.Read(e.File) }); ok {
					pages[i] = p
					unread.Add(1)
					return
				}
			}
		}
		src, err := src.Read(e.File)
		if err != nil {
			errs[i] = diag.List{diag.Errorf(diag.Pos{File: source}, "%v", err)}
			return
		}
		if prev != nil && bytes.Equal(prev.src, src) {
			pages[i], errs[i] = prev.page, prev.errs
			return
		}
		pages[i], errs[i] = content.ParseCached(source, e.Rel, src, c.frontMatters())
		if ix != nil && stamped {
			ix.remember(e.Rel, stamp, pages[i], errs[i])
		}
		if !c.keep {
			return
		}
		c.mu.Lock()
		c.parsed[e.Rel] = &parsedEntry{gen: c.gen, src: src, page: pages[i], errs: errs[i]}
		c.mu.Unlock()
	})
	all := walkErrs
	for _, l := range errs {
		all = append(all, l...)
	}
	t := &content.Tree{}
	failed = map[string]bool{}
	for _, e := range entries {
		if e.Page {
			t.Rels = append(t.Rels, e.Rel)
		}
	}
	for i, p := range pages {
		if p == nil && entries[i].Page {
			failed[entries[i].Rel] = true
		}
		if p != nil && (!p.Draft || opt.Drafts) {
			t.Pages = append(t.Pages, p)
		}
	}
	assets, placeErrs := content.Place(entries, t.Pages)
	t.Assets = assets
	return t, failed, append(all, placeErrs...)
}

// listing returns the previous build's listing of content/ when the
// changes the caller reported cannot have altered it: every changed path
// is a file that was listed and still exists. Otherwise content/ must be
// walked again.
func (c *cache) listing(dir string) ([]content.Entry, bool) {
	if !c.keep || c.entries == nil || c.changed == nil {
		return nil, false
	}
	listed := make(map[string]bool, len(c.entries))
	for _, e := range c.entries {
		listed[e.Rel] = true
	}
	for rel := range c.changed {
		fi, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(rel)))
		switch {
		case listed[rel]:
			if err != nil || !fi.Mode().IsRegular() {
				return nil, false // removed, or no longer a file
			}
		case errors.Is(err, fs.ErrNotExist):
			// Gone and never listed: an editor's temporary file, saved
			// and renamed over the page. The listing stands, unless it
			// was a folder that held listed files.
			for _, e := range c.entries {
				if strings.HasPrefix(e.Rel, rel+"/") {
					return nil, false
				}
			}
		default:
			return nil, false // something new
		}
	}
	return c.entries, true
}

// read returns the bytes of a file published as it is (from is its
// site-relative path), reading it only if it may have changed since the
// last build.
func (c *cache) read(src *source.Tree, file source.File, from string) ([]byte, error) {
	c.mu.Lock()
	data, ok := c.copied[from]
	c.mu.Unlock()
	if !ok || !c.keep || c.mayHaveChanged(from) {
		var err error
		if data, err = src.Read(file); err != nil {
			return nil, err
		}
	}
	if c.keep {
		c.mu.Lock()
		if c.copiedByThis == nil {
			c.copiedByThis = map[string][]byte{}
		}
		c.copiedByThis[from] = data
		c.mu.Unlock()
	}
	return data, nil
}

// mayHaveChanged reports whether the caller said p, or a folder holding
// it, changed, or said nothing.
func (c *cache) mayHaveChanged(p string) bool {
	if c.changedSite == nil {
		return true
	}
	for ; p != "." && p != "/"; p = path.Dir(p) {
		if c.changedSite[p] {
			return true
		}
	}
	return false
}

// themeMayHaveChanged reports whether a file of theme's layouts may have
// changed since it loaded: the caller said nothing, or named a path
// under its layouts folder, the folder or one above it, or config.toml
// (whose ignore list decides which files a theme has).
func (c *cache) themeMayHaveChanged(theme *render.Theme) bool {
	dir := theme.Dir + "/layouts"
	if c.mayHaveChanged(dir) || c.mayHaveChanged(config.File) {
		return true
	}
	for p := range c.changedSite {
		if strings.HasPrefix(p, dir+"/") {
			return true
		}
	}
	return false
}

// convert returns the converted document for rel, calling f when its key
// changed.
func (c *cache) convert(rel string, key [32]byte, f func() (*markdown.Doc, diag.List)) *docEntry {
	c.mu.Lock()
	e := c.docs[rel]
	if e != nil {
		e.gen = c.gen
	}
	c.mu.Unlock()
	if e != nil && e.key == key {
		return e
	}
	doc, errs := f()
	e = &docEntry{key: key, doc: doc, errs: errs}
	if doc != nil {
		e.html, e.toc = template.HTML(doc.HTML), template.HTML(doc.TOC)
	}
	if !c.keep {
		return e
	}
	c.mu.Lock()
	e.gen = c.gen
	c.docs[rel] = e
	c.mu.Unlock()
	return e
}

// render returns the rendered page at out, calling f when its key
// changed. fresh reports that f ran.
func (c *cache) render(out string, key [32]byte, f func() (rendered, *diag.Error)) (r rendered, err *diag.Error, fresh bool) {
	c.mu.Lock()
	e := c.outs[out]
	if e != nil {
		e.gen = c.gen
	}
	c.mu.Unlock()
	if e != nil && e.key == key {
		return e.rendered, nil, false
	}
	if c.disk != nil {
		if m, ok := c.indexed(key); ok && c.out != nil && c.out.Holds(out, m.Sum) {
			r = rendered{sum: m.Sum, summed: true, size: m.Size, lazy: true, key: key, scripts: c.hashList(m.Scripts), styles: c.hashList(m.Styles), warns: m.Warnings}
			c.record(key, m, false)
			return r, nil, false
		}
		var rec pageRecord
		if c.disk.Get("page", key, &rec) && len(rec.Data) > 0 {
			r = rendered{data: rec.Data, sum: rec.Sum, summed: true, fromDisk: true, scripts: c.hashList(rec.Scripts), styles: c.hashList(rec.Styles), marks: rec.Marks, warns: rec.Warnings}
			c.keepRendered(out, key, r)
			c.record(key, pageMeta{Sum: rec.Sum, Size: len(rec.Data), Scripts: rec.Scripts, Styles: rec.Styles, Warnings: rec.Warnings}, true)
			return r, nil, false
		}
	}
	r, err = f()
	if err == nil && len(r.mdErrs) == 0 {
		c.keepRendered(out, key, r)
		if c.disk != nil {
			rec := pageRecord{Data: r.data, Scripts: r.scripts, Styles: r.styles, Marks: r.marks, Warnings: r.warns}
			c.put("page", key, rec)
			r.sum, r.summed = sha256.Sum256(r.data), true
			c.record(key, pageMeta{Sum: r.sum, Size: len(r.data), Scripts: r.scripts, Styles: r.styles, Warnings: r.warns}, true)
		}
	}
	return r, err, true
}

// pageMeta is what the index keeps of a rendered page.
type pageMeta struct {
	Sum             [32]byte
	Size            int
	Scripts, Styles []string
	Warnings        diag.List
}

// indexKey names the page index of the site at root in the disk cache.
func indexKey(root string) [32]byte { return siteFileKey("pages", root) }

// indexed returns what the index knows of the page rendered under key,
// reading the index from the disk cache the first time.
func (c *cache) indexed(key [32]byte) (pageMeta, bool) {
	c.readIndex()
	c.mu.Lock()
	defer c.mu.Unlock()
	m, ok := c.index[key]
	return m, ok
}

// readIndex reads the page index from the disk cache, once a process:
// a kept builder's next builds start from the index its last one made.
func (c *cache) readIndex() {
	c.indexOnce.Do(func() {
		var ix pageIndex
		if c.disk.Get("index", indexKey(c.root), &ix) {
			c.mu.Lock()
			c.index = ix
			c.mu.Unlock()
		}
	})
}

// prefetch starts reading, in the background, what a build with the
// disk cache reads of it before it can go on: the audit's facts, and for
// a build into a destination the index of content/ and the page index.
// Each is decoded on the other core while the build loads its config
// and theme and walks content/, instead of while the build's workers
// wait for it. The build waits for them all before it saves them again.
func (c *cache) prefetch() {
	if c.disk == nil {
		return
	}
	c.startAudit()
	c.fetching.Go(func() { c.sourceIndex() })
	if c.out != nil {
		c.fetching.Go(c.readIndex)
	}
}

// record puts a page in this build's index; changed says the page was
// not taken from the index.
func (c *cache) record(key [32]byte, m pageMeta, changed bool) {
	c.mu.Lock()
	if c.next == nil {
		c.next = make(map[[32]byte]pageMeta, len(c.index))
	}
	c.next[key] = m
	if changed {
		c.nextNew++
	}
	c.mu.Unlock()
}

// sourceIndex returns the disk cache's index of content/ for this
// site (see sourceIndex), nil without a disk cache or in a kept
// builder (the dev server, whose watcher says what changed).
func (c *cache) sourceIndex() *sourceIndex {
	if c.disk == nil || c.root == "" || c.keep {
		return nil
	}
	c.srcOnce.Do(func() {
		c.src = &sourceIndex{next: map[string]indexedSource{}}
		var snap srcSnapshot
		if c.disk.Get("sources", siteFileKey("sources", c.root), &snap) {
			c.src.made, c.src.old = snap.made, snap.files
			c.src.next = make(map[string]indexedSource, len(snap.files))
		}
	})
	return c.src
}

// saveSourceIndex stores the index of content/ when enough of it was
// read afresh.
func (c *cache) saveSourceIndex() {
	if ix := c.src; ix != nil && worthSavingMap(ix.changed, len(ix.old), len(ix.next)) {
		c.put("sources", siteFileKey("sources", c.root), &srcSnapshot{made: time.Now().UnixNano(), files: ix.next})
	}
	c.src, c.srcOnce = nil, sync.Once{}
}

// sourceIndex is what the last build knew of each page file of content/,
// as git's index knows a checkout: its stamp (size, mtime, ctime, inode)
// and the page parsed from it; and of each file published as it is, its
// stamp and SHA-256 (see copyKey). A file whose stamp is unchanged, taken
// long enough after its last change, still holds that page. Legal pages
// (whose history is read from their text, as legalPages decides) and
// pages with no title (which take one from their text) are not indexed.
type sourceIndex struct {
	mu      sync.Mutex
	made    int64
	old     map[string]indexedSource
	next    map[string]indexedSource
	changed int
}

type indexedSource struct {
	stamp    output.Stamp
	fm       []byte // content.FrontMatter's binary form
	bodyLine int
	sum      [32]byte
}

// known returns the page of the file e, whose information is fi, when
// the index vouches for it; read reads its text, as the site's tree
// reads every source (no link followed out of the site, no FIFO).
func (ix *sourceIndex) known(source string, e content.Entry, fi os.FileInfo, read func() ([]byte, error)) (*content.Page, bool) {
	ix.mu.Lock()
	is, ok := ix.old[e.Rel]
	ix.mu.Unlock()
	if !ok || !output.Trusted(is.stamp, fi, ix.made) {
		return nil, false
	}
	var fm content.FrontMatter
	if fm.UnmarshalBinary(is.fm) != nil {
		return nil, false
	}
	p, errs := content.Known(source, e.Rel, &fm, is.bodyLine, is.sum, read)
	if len(errs) > 0 {
		return nil, false // parsed afresh, with its errors
	}
	ix.mu.Lock()
	ix.next[e.Rel] = is
	ix.mu.Unlock()
	return p, true
}

// copyKey is the index's name for a file published as it is, from, a
// site-relative path: after a '/', which no page's name (relative to
// content/) starts with.
func copyKey(from string) string { return "/" + from }

// knownCopy returns the SHA-256 of the file published as it is from
// from, whose information is fi, when the index vouches for it.
func (ix *sourceIndex) knownCopy(from string, fi os.FileInfo) ([32]byte, bool) {
	k := copyKey(from)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	is, ok := ix.old[k]
	if !ok || !output.Trusted(is.stamp, fi, ix.made) {
		return [32]byte{}, false
	}
	ix.next[k] = is
	return is.sum, true
}

// rememberCopy records the stamp and SHA-256 of a file published as it
// is, read afresh: stamp was taken before it was read.
func (ix *sourceIndex) rememberCopy(from string, stamp output.Stamp, sum [32]byte) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.changed++
	ix.next[copyKey(from)] = indexedSource{stamp: stamp, sum: sum}
}

// remember records the page parsed from a file read afresh.
func (ix *sourceIndex) remember(rel string, stamp output.Stamp, p *content.Page, errs diag.List) {
	ix.mu.Lock()
	ix.changed++
	ix.mu.Unlock()
	if p == nil || len(errs) > 0 || p.Title == "" || p.Kind == content.Single && legal.IsPage(rel) {
		return
	}
	fm, err := p.FrontMatter.MarshalBinary()
	if err != nil {
		return
	}
	ix.mu.Lock()
	ix.next[rel] = indexedSource{stamp: stamp, fm: fm, bodyLine: p.BodyLine, sum: p.Sum}
	ix.mu.Unlock()
}

// frontMatters returns the disk cache's parsed front matter of the
// site's pages, nil without a disk cache.
func (c *cache) frontMatters() content.FrontMatters {
	if c.disk == nil || c.root == "" {
		return nil
	}
	c.fmOnce.Do(func() {
		c.fm = &frontMatters{next: map[[32]byte][]byte{}}
		var snap fmSnapshot
		if c.disk.Get("frontmatter", siteFileKey("frontmatter", c.root), &snap) {
			c.fm.old = snap
		}
	})
	return c.fm
}

// saveFrontMatters stores the front matter this build used, when it
// parsed any afresh.
func (c *cache) saveFrontMatters() {
	if fm := c.fm; fm != nil && worthSavingMap(fm.changed, len(fm.old), len(fm.next)) {
		c.put("frontmatter", siteFileKey("frontmatter", c.root), fmSnapshot(fm.next))
	}
	c.fm, c.fmOnce = nil, sync.Once{}
}

// frontMatters is parsed front matter by content.FrontMatterKey, in its
// binary form: old as the disk cache had it, next what this build used.
type frontMatters struct {
	mu        sync.Mutex
	old, next map[[32]byte][]byte
	changed   int // entries parsed afresh
}

func (f *frontMatters) Get(key [32]byte) *content.FrontMatter {
	f.mu.Lock()
	b, ok := f.old[key]
	f.mu.Unlock()
	fm := &content.FrontMatter{}
	if !ok || fm.UnmarshalBinary(b) != nil {
		return nil
	}
	f.mu.Lock()
	f.next[key] = b
	f.mu.Unlock()
	return fm
}

func (f *frontMatters) Put(key [32]byte, fm *content.FrontMatter) {
	b, err := fm.MarshalBinary()
	if err != nil {
		return // parsed every time
	}
	f.mu.Lock()
	f.next[key] = b
	f.changed++
	f.mu.Unlock()
}

// saveIndex stores this build's index when it differs from the one read.
func (c *cache) saveIndex() {
	if c.disk != nil && c.out != nil && c.next != nil && worthSavingMap(c.nextNew, len(c.index), len(c.next)) {
		c.put("index", indexKey(c.root), pageIndex(c.next))
	}
	c.index, c.next, c.nextNew = c.next, nil, 0
}

func (c *cache) keepRendered(out string, key [32]byte, r rendered) {
	if c.keep {
		c.mu.Lock()
		c.outs[out] = &outEntry{gen: c.gen, key: key, rendered: r}
		c.mu.Unlock()
	}
}

// put writes an entry to the disk cache in the background: a file
// created on disk costs about a millisecond, which the build need not
// wait for. flush waits for every put.
func (c *cache) put(kind string, key [32]byte, v any) {
	c.putOnce.Do(func() {
		c.puts = make(chan diskPut, 256)
		for range 4 {
			c.putters.Go(func() {
				for p := range c.puts {
					c.disk.Put(p.kind, p.key, p.v)
				}
			})
		}
	})
	c.puts <- diskPut{kind, key, v}
}

type diskPut struct {
	kind string
	key  [32]byte
	v    any
}

// flush waits for the disk cache's writes and keeps it under its size.
func (c *cache) flush() {
	if c.disk == nil {
		return
	}
	if c.puts != nil {
		close(c.puts)
		c.putters.Wait()
		c.puts, c.putOnce = nil, sync.Once{}
	}
	_ = c.disk.Trim()
}

// pagesByRel returns pages by their Rel, and whether the pages are the
// last build's in name and URL, index by index. A kept build whose pages
// are the last build's, but for a few that changed in place (an edit:
// the same Rel at the same index), patches a copy of the last map
// instead of making it again.
func (c *cache) pagesByRel(pages []*content.Page) (_ map[string]*content.Page, sameURLs bool) {
	if c.keep && c.byRel != nil && len(c.byRelOf) == len(pages) {
		m := maps.Clone(c.byRel)
		same, urls := true, true
		for i, p := range pages {
			if q := c.byRelOf[i]; q != p {
				if q.Rel != p.Rel {
					same = false
					break
				}
				urls = urls && q.URL == p.URL
				m[p.Rel] = p
			}
		}
		if same {
			c.byRel, c.byRelOf = m, pages
			return m, urls
		}
	}
	m := make(map[string]*content.Page, len(pages))
	for _, p := range pages {
		m[p.Rel] = p
	}
	if c.keep {
		c.byRel, c.byRelOf = m, pages
	}
	return m, false
}

// hashList returns the one copy of the list of inline-code hashes l
// this process keeps: pages mostly share one theme's code, and a page
// whose list is the last page's is then seen to be at no cost (see
// build.hashes).
func (c *cache) hashList(l []string) []string {
	if len(l) == 0 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// Most pages have the last page's lists (of scripts, of styles):
	// they are not looked up again.
	for _, r := range c.recentHashLists {
		if slices.Equal(l, r) {
			return r
		}
	}
	key := strings.Join(l, " ")
	kept, ok := c.hashLists[key]
	if !ok {
		if c.hashLists == nil {
			c.hashLists = map[string][]string{}
		}
		c.hashLists[key], kept = l, l
	}
	c.recentHashLists[1], c.recentHashLists[0] = c.recentHashLists[0], kept
	return kept
}

// scratchSlices returns the build's per-page slices (the render step's,
// the host files step's): the ones the last build used, in a kept
// build; new ones otherwise.
func (c *cache) scratchSlices() *scratch {
	if !c.keep {
		return &scratch{}
	}
	if c.scratch == nil {
		c.scratch = &scratch{}
	}
	return c.scratch
}

// keepFile keeps f, the File made of the page kept at out under key,
// with the page: a page that did not change is the same File from build
// to build.
func (c *cache) keepFile(out string, key [32]byte, f *output.File) {
	if !c.keep {
		return
	}
	c.mu.Lock()
	if e := c.outs[out]; e != nil && e.key == key {
		e.file = f
	}
	c.mu.Unlock()
}

// sweep forgets entries the last build did not use (deleted pages).
func (c *cache) sweep() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.parsed {
		if e.gen != c.gen {
			delete(c.parsed, k)
		}
	}
	for k, e := range c.docs {
		if e.gen != c.gen {
			delete(c.docs, k)
		}
	}
	for k, e := range c.outs {
		if e.gen != c.gen {
			delete(c.outs, k)
		}
	}
	c.gen++
	c.copied, c.copiedByThis = c.copiedByThis, nil
}

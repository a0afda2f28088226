// Package site builds a site: load → convert → render → minify → audit,
// one readable list of steps. It keeps what it computed between builds, so
// a rebuild redoes only what a change touched.
package site

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/certiron/certiron-site/internal/config"
	"github.com/certiron/certiron-site/internal/content"
	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/output"
	"github.com/certiron/certiron-site/internal/publish"
	"github.com/certiron/certiron-site/internal/source"
	"github.com/certiron/certiron-site/internal/store"
)

// Options control a build.
type Options struct {
	// Root is the site folder holding config.toml, content/, themes/ and
	// static/.
	Root string
	// Drafts includes pages with draft = true.
	Drafts bool
	// BaseURL, when set, overrides config.toml's baseURL.
	BaseURL string
	// Emit, when set, receives each page as soon as it is rendered, so it
	// can be written while the rest of the site builds, and returns the
	// file the build keeps in its place: the same, or a stand-in that
	// reads the page's bytes back from where they were written (see
	// output.Writer.Emit), which a one-off build keeps. The Result's
	// Files remain the whole, final site.
	Emit func(*output.File) *output.File
	// Date is the build date: the legal pages publish the versions in
	// force on it. Zero means today (UTC).
	Date time.Time
	// Preview is set by the dev server: unreleased edits to a released
	// legal page are warnings (the draft is shown), not errors.
	Preview bool
	// Target, when set, overrides config.toml's [deploy] target:
	// cloudflare, netlify or github-pages.
	Target string
	// Cache, when set, is the persistent build cache: pages rendered by
	// earlier builds are taken from it when nothing they are made of
	// changed (the store's version names the tool's build).
	Cache *store.Store
	// Output, when set with Cache, is the destination the build writes
	// to: a page the cache knows and the destination already holds, as
	// its manifest vouches, is not even read (see output.Lazy).
	Output Output
	// MinifyWhole minifies every page whole, made from the theme's files
	// as written, as builds did before the files were minified as the
	// theme loads: slower, the same in meaning, for comparing the two.
	MinifyWhole bool
}

// Output is what a build needs of its destination (an output.Writer).
type Output interface {
	// Holds reports whether the destination holds the file at path with
	// the bytes whose SHA-256 is sum.
	Holds(path string, sum [32]byte) bool
	// Read reads the file at path as the destination holds it.
	Read(path string) ([]byte, error)
}

// Manifest is the deploy manifest of the built site (build -manifest):
// every file with its size, SHA-256, content type and cache policy, and
// the hashes of the theme's inline code. Nil when the build failed.
func (r *Result) Manifest() []byte {
	if r.Files == nil {
		return nil
	}
	var files []publish.File
	for _, f := range r.Files.Files() {
		pf := publish.File{Path: f.Path, Data: f.Data, Size: f.Len(), Sum: f.Sum(), Fingerprinted: r.fingerprinted[f.Path]}
		if f.IsLazy() && !strings.HasSuffix(f.Path, ".html") {
			pf.Data, _ = f.Bytes() // for its content type, which a page's name gives
		}
		files = append(files, pf)
	}
	return publish.Manifest(files, r.Scripts, r.Styles)
}

// Strict makes the warnings errors (build -strict), failing the build.
func (r *Result) Strict() {
	if len(r.Warnings) == 0 {
		return
	}
	r.Errors = append(r.Errors, r.Warnings...)
	r.Warnings = nil
	r.Errors.Sort()
	r.Files = nil
}

// Inputs are the site folder's sources, which no build may write into
// or replace: the config file, content/, themes/, static/ and the site's
// version control folder.
func Inputs(root string) []string {
	var in []string
	for _, p := range []string{config.File, content.Dir, "themes", "static", ".git"} {
		in = append(in, filepath.Join(root, p))
	}
	return in
}

// Step is one timed step of a build.
type Step struct {
	Name     string
	Duration time.Duration
}

// Result is what a build produced.
type Result struct {
	// Files is the built site; nil when the build failed.
	Files *output.Set
	// Errors lists every problem found, sorted; the build failed when it
	// is not empty.
	Errors diag.List
	// Warnings are problems that do not stop the build: files left out
	// that the user may not expect to be (special files, broken links).
	Warnings diag.List
	// Skipped lists the source files left out of the site, and why.
	Skipped []source.Skipped
	// Unprotected lists the protections the target host cannot apply
	// (GitHub Pages sends no custom headers), to say once per build.
	Unprotected []string
	// PolicyLength is the length of the Content-Security-Policy header
	// the host sends, for build -v.
	PolicyLength int
	// Scripts and Styles are the CSP hashes of the theme's inline code.
	Scripts, Styles []string
	// fingerprinted are the output paths named by their content.
	fingerprinted map[string]bool
	// Templates are the layouts run, slowest in total first.
	Templates []TemplateMetric
	// AsWritten are the theme files that could not be minified as the
	// theme loaded: the pages made with them are minified whole.
	AsWritten []string
	// Allowed lists the uses of origins that config.toml allows, with
	// their reasons, for the report.
	Allowed []string
	// Steps times each step.
	Steps []Step
	// Pages counts the pages rendered, Rendered those rendered afresh
	// (the rest were unchanged since the previous build).
	Pages, Rendered int
	// Held counts the pages the destination already held, as the disk
	// cache's index and the destination's manifest say (not read at
	// all), Cached those taken from the disk cache.
	Held, Cached int
	// Unread counts the pages of content/ taken from the disk cache's
	// index of it, their files unchanged since the last build, unread;
	// UnreadCopies the files published as they are that the index
	// vouches for and the destination already holds.
	Unread, UnreadCopies int
	// Audited counts the output files the audit read afresh; it took the
	// rest's facts from the previous build (in this process, or the disk
	// cache's) because their bytes were the same.
	Audited int
	// Rechecked counts the output files whose links the audit checked
	// again: those read afresh, and those linking to a file that changed.
	Rechecked int
	// Sources holds the bytes of the site-relative source files the
	// errors and warnings name, for showing the offending line.
	Sources map[string][]byte
	Config  *config.Config
}

// Builder builds a site again and again, reusing the work of the
// previous build for whatever has not changed. It is safe to call Build
// from one goroutine at a time.
type Builder struct {
	opt   Options
	mu    sync.Mutex
	cache *cache
	// src is the last build's source tree, with config.toml's ignore
	// patterns, for Ignored.
	src atomic.Pointer[source.Tree]
}

// Ignored reports whether a change to the file at path (absolute or
// relative to the working folder) cannot change the site: a leftover, or
// a file config.toml's ignore patterns leave out, as the last build read
// them. The watcher asks it, so that what triggers a rebuild is what a
// build reads.
func (b *Builder) Ignored(path string) bool {
	t := b.src.Load()
	if t == nil {
		return source.Leftover(filepath.Base(path))
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	if real, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		abs = filepath.Join(real, filepath.Base(abs))
	}
	rel, err := filepath.Rel(t.Root, abs)
	if err != nil || strings.HasPrefix(rel, "..") {
		return false
	}
	rel = filepath.ToSlash(rel)
	dir, _, _ := strings.Cut(rel, "/")
	if dir == "themes" || dir == rel {
		return t.Ignored("", rel)
	}
	return t.Ignored(dir, rel)
}

// New returns a Builder. keep says whether to keep work between builds
// (the dev server does; a one-off build need not).
func New(opt Options, keep bool) *Builder {
	b := &Builder{opt: opt}
	b.cache = newCache(keep)
	b.cache.disk = opt.Cache
	if opt.Cache != nil {
		b.cache.out = opt.Output
		b.cache.root = opt.Root
	}
	return b
}

// Build builds the site once, without keeping anything for later.
func Build(opt Options) *Result { return New(opt, false).Build() }

// Build runs every step and returns the site or the errors.
func (b *Builder) Build() *Result {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.cache.changed, b.cache.changedSite = nil, nil
	return b.build()
}

// Rebuild builds again after the files at paths changed (as a watcher
// reports them). Content files not among them are not even read again;
// a change outside content/ (theme, static, config) needs no reading of
// content/ either. An unknown path, a new or deleted file, falls back to
// listing content/ afresh.
func (b *Builder) Rebuild(paths []string) *Result {
	b.mu.Lock()
	defer b.mu.Unlock()
	site := sitePaths(b.opt.Root, paths)
	// The content files among them, relative to content/; nil (read it
	// all again) for content/ itself or a folder above it.
	var changed map[string]bool
	if site != nil {
		changed = map[string]bool{}
		for p := range site {
			if p == content.Dir {
				changed = nil
				break
			}
			if rel, ok := strings.CutPrefix(p, content.Dir+"/"); ok {
				changed[rel] = true
			}
		}
	}
	b.cache.changed, b.cache.changedSite = changed, site
	return b.build()
}

// sitePaths returns paths relative to the site folder root, slash
// separated; nil if one is the root or not inside it (then anything may
// have changed).
func sitePaths(root string, paths []string) map[string]bool {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil
	}
	m := map[string]bool{}
	for _, p := range paths {
		a, err := filepath.Abs(p)
		if err != nil {
			return nil
		}
		rel, err := filepath.Rel(abs, a)
		if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
			return nil
		}
		m[filepath.ToSlash(rel)] = true
	}
	return m
}

func (b *Builder) build() *Result {
	r := &Result{}
	bd := &build{opt: b.opt, res: r, cache: b.cache}
	b.cache.prefetch()
	steps := []struct {
		name string
		run  func() bool
	}{
		{"config", bd.loadConfig},
		{"theme", bd.loadTheme},
		{"content", bd.loadContent},
		{"pages", bd.pagesStep},
		{"plan", bd.planFiles},
		{"render", bd.render},
		{"files", bd.extras},
		{"audit", bd.audit},
	}
	// Every step runs that has what it needs, so one build reports the
	// errors of all of them: a broken layout does not hide a broken link.
	for _, s := range steps {
		start := time.Now()
		ok := s.run()
		r.Steps = append(r.Steps, Step{s.name, time.Since(start)})
		if !ok && s.name == "config" {
			break // nothing can be built without it
		}
	}
	r.Errors.Sort()
	r.Warnings.Sort()
	if len(r.Errors) == 0 {
		r.Files = bd.files
	}
	r.Sources = bd.sources()
	r.Scripts, r.Styles = bd.scripts.list, bd.styles.list
	for _, m := range bd.templates {
		r.Templates = append(r.Templates, *m)
	}
	sort.Slice(r.Templates, func(i, j int) bool {
		a, b := r.Templates[i], r.Templates[j]
		return a.Total > b.Total || a.Total == b.Total && a.Layout < b.Layout
	})
	r.fingerprinted = map[string]bool{}
	for _, a := range bd.assets {
		r.fingerprinted[a.out] = true
	}
	r.Config = bd.cfg
	if bd.src != nil {
		b.src.Store(bd.src)
	}
	b.cache.fetching.Wait() // (a build that stopped at its config read none of them)
	b.cache.sweep()
	b.cache.saveIndex()
	b.cache.saveFrontMatters()
	b.cache.saveSourceIndex()
	b.cache.flush()
	return r
}

func (s Step) String() string {
	return fmt.Sprintf("%s %s", s.Name, s.Duration.Round(10*time.Microsecond))
}

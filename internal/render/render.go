// Package render executes a theme's html/template layouts.
package render

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"html/template"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/minify"
	"github.com/certiron/certiron-site/internal/source"
)

// Theme is a parsed theme: one template set per layout, sharing baseof and
// the partials. It is safe for concurrent use once loaded.
type Theme struct {
	// Dir is the theme's site-relative folder, e.g. "themes/certiron".
	Dir     string
	layouts map[string]*template.Template // "single" / "legal/single" → set
	// compact are the sets parsed from the files minified (see
	// compactTemplate), for the layouts whose every file could be.
	compact map[string]*template.Template
	useBase map[string]bool // layout defines blocks for baseof
	// Sources holds each template file's bytes by site-relative path.
	Sources map[string][]byte
	// Sum is the SHA-256 of every file's path and bytes, in path order:
	// what a page's key holds of the theme.
	Sum [32]byte
	// asWritten are the files that could not be minified (AsWritten).
	asWritten []string
	// marked is each file as parsed: with a mark.Attr on every start tag
	// its text writes (see markTemplate), and inserts says where.
	marked  map[string][]byte
	inserts map[string][]insertion
	// minified is each marked file minified, if it could be.
	minified map[string][]byte

	// common maps the name each shared file is parsed under ("baseof",
	// "head" for partials/head.html) to its path inside layouts/.
	common []file
	// defined maps, per layout, every template of its set ("main",
	// "head", "legal/single") to the path of the file that defines it.
	defined   map[string]map[string]string
	funcNames []string

	mu      sync.Mutex
	located map[*template.Error]diag.Pos // escaping errors already traced to their text
}

// file is one template file: the name it is parsed under and its path
// inside layouts/ ("partials/head.html").
type file struct{ name, path string }

// Load parses root/themes/<name>/layouts. Every broken template is
// reported with its file and line.
func Load(src *source.Tree, name string, funcs template.FuncMap) (*Theme, diag.List) {
	t := &Theme{
		Dir:      "themes/" + name,
		layouts:  map[string]*template.Template{},
		compact:  map[string]*template.Template{},
		useBase:  map[string]bool{},
		Sources:  map[string][]byte{},
		marked:   map[string][]byte{},
		minified: map[string][]byte{},
		inserts:  map[string][]insertion{},
		defined:  map[string]map[string]string{},
		located:  map[*template.Error]diag.Pos{},
	}
	for f := range funcs {
		t.funcNames = append(t.funcNames, f)
	}
	sort.Strings(t.funcNames)
	// The layouts are read through the site's source tree: no link out of
	// the site is followed, no special file opened.
	dir := t.Dir + "/layouts"
	if fi, err := os.Stat(filepath.Join(src.Root, filepath.FromSlash(dir))); err != nil || !fi.IsDir() {
		return nil, diag.List{diag.Errorf(diag.Pos{File: dir}, "theme %q has no layouts folder", name)}
	}
	l := src.Walk(dir)
	if len(l.Errors) > 0 {
		return nil, l.Errors
	}
	var layouts []file
	for _, lf := range l.Files {
		if !strings.HasSuffix(lf.Rel, ".html") {
			continue
		}
		f := lf.Rel
		b, err := src.Read(lf)
		if err != nil {
			return nil, diag.List{diag.Errorf(diag.Pos{File: lf.Path}, "%v", err)}
		}
		t.Sources[t.path(f)] = b
		t.marked[t.path(f)], t.inserts[t.path(f)] = markTemplate(b, t.path(f))
		if m, ok := compactTemplate(t.marked[t.path(f)]); ok {
			t.minified[t.path(f)] = m
		}
		name := strings.TrimSuffix(f, ".html")
		if f == "baseof.html" || strings.HasPrefix(f, "partials/") {
			t.common = append(t.common, file{strings.TrimPrefix(name, "partials/"), f})
		} else {
			layouts = append(layouts, file{name, f})
		}
	}
	var errs diag.List
	common, errs := t.parseCommon(funcs, t.marked)
	if len(errs) > 0 {
		return nil, errs
	}
	// The minified files, parsed the same way; a file the parser takes
	// as written but not minified is used as written.
	var compactCommon *template.Template
	if t.minifiedAll(t.common) {
		if c, errs := t.parseCommon(funcs, t.minified); len(errs) == 0 {
			compactCommon = c
		}
	}
	for _, l := range layouts {
		set, err := t.parseLayout(common, l, t.marked)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		t.layouts[l.name] = set
		if compactCommon != nil && t.minifiedAll([]file{l}) {
			if c, err := t.parseLayout(compactCommon, l, t.minified); err == nil {
				t.compact[l.name] = c
			}
		}
		t.useBase[l.name] = set.Lookup("baseof") != nil && bytes.Contains(t.Sources[t.path(l.path)], []byte("define"))
		defined := map[string]string{}
		for _, tm := range set.Templates() {
			if tm.Tree != nil {
				defined[tm.Name()] = t.fileOf(l.name, tm.Tree.ParseName)
			}
		}
		t.defined[l.name] = defined
	}
	if len(errs) > 0 {
		return nil, errs
	}
	h := sha256.New()
	for _, p := range slices.Sorted(maps.Keys(t.Sources)) {
		h.Write([]byte(p))
		h.Write(t.Sources[p])
		if _, ok := t.minified[p]; !ok {
			t.asWritten = append(t.asWritten, p)
		}
	}
	h.Sum(t.Sum[:0])
	return t, nil
}

// minifiedAll reports whether every one of files was minified.
func (t *Theme) minifiedAll(files []file) bool {
	for _, f := range files {
		if _, ok := t.minified[t.path(f.path)]; !ok {
			return false
		}
	}
	return true
}

// AsWritten lists the theme's files that could not be minified as it
// loaded (see compactTemplate), sorted: the pages of the layouts that
// use one are minified whole, which costs more.
func (t *Theme) AsWritten() []string { return t.asWritten }

// Unchanged reports whether the theme's layouts folder in src holds
// exactly the files the theme was loaded from, byte for byte: a theme
// loaded with functions that look up what they need at each call can
// then serve another build as it is, parsed and escaped already.
func (t *Theme) Unchanged(src *source.Tree) bool {
	l := src.Walk(t.Dir + "/layouts")
	if len(l.Errors) > 0 {
		return false
	}
	n := 0
	for _, lf := range l.Files {
		if !strings.HasSuffix(lf.Rel, ".html") {
			continue
		}
		n++
		was, ok := t.Sources[t.path(lf.Rel)]
		if !ok {
			return false
		}
		b, err := src.Read(lf)
		if err != nil || !bytes.Equal(b, was) {
			return false
		}
	}
	return n == len(t.Sources)
}

// parseCommon parses baseof and the partials, their texts taken from
// texts (the files marked, or marked and minified), into one set, the
// base of every layout's set.
func (t *Theme) parseCommon(funcs template.FuncMap, texts map[string][]byte) (*template.Template, diag.List) {
	var errs diag.List
	common := template.New("").Funcs(funcs)
	for _, f := range t.common {
		if _, err := common.New(f.name).Parse(string(texts[t.path(f.path)])); err != nil {
			errs = append(errs, t.parseError(err, f))
		}
	}
	return common, errs
}

// parseLayout returns a copy of common with layout l added, its text
// taken from texts.
func (t *Theme) parseLayout(common *template.Template, l file, texts map[string][]byte) (*template.Template, *diag.Error) {
	set, err := common.Clone()
	if err != nil {
		return nil, diag.Errorf(diag.Pos{File: t.path(l.path)}, "%v", err)
	}
	if _, err := set.New(l.name).Parse(string(texts[t.path(l.path)])); err != nil {
		return nil, t.parseError(err, l)
	}
	return set, nil
}

// Has reports whether the theme has the layout ("single", "legal/list").
func (t *Theme) Has(layout string) bool { return t.layouts[layout] != nil }

// Lookup returns the first of the candidate layouts the theme has.
func (t *Theme) Lookup(candidates ...string) (string, bool) {
	for _, c := range candidates {
		if t.layouts[c] != nil {
			return c, true
		}
	}
	return "", false
}

// Execute runs layout with data into w. A failure is a *diag.Error at the
// line and column of the template file it comes from.
func (t *Theme) Execute(w io.Writer, layout string, data any) error {
	set := t.layouts[layout]
	if set == nil {
		return fmt.Errorf("no layout %q in %s/layouts", layout, t.Dir)
	}
	name := t.entry(layout)
	if err := set.ExecuteTemplate(w, name, data); err != nil {
		return t.execError(err, layout, name)
	}
	return nil
}

// entry is the template a layout's page is executed from: baseof, for
// a layout that defines its blocks.
func (t *Theme) entry(layout string) string {
	if t.useBase[layout] {
		return "baseof"
	}
	return layout
}

// ExecuteCompact runs layout with data into buf, from the theme's files
// minified as it loaded when it can: minified reports whether the page
// needs no minifying. When the minified files cannot make the page (a
// layout with a file that could not be minified, or a failure), the
// files as written make it, into buf reset: a failure is then reported
// as Execute reports it, at the line and column of the file as written.
func (t *Theme) ExecuteCompact(buf *bytes.Buffer, layout string, data any) (minified bool, err error) {
	if set := t.compact[layout]; set != nil {
		start := buf.Len()
		if set.ExecuteTemplate(buf, t.entry(layout), data) == nil {
			return true, nil
		}
		buf.Truncate(start)
	}
	return false, t.Execute(buf, layout, data)
}

// ExecuteMinified runs layout with data and writes the page, minified,
// into dst: made from the files minified as the theme loaded, with only
// the white space next to its blocks left to take out (minify.Compact),
// or else from the files as written and minified whole. whole asks for
// the second way whatever the files (for comparing the two). A failure
// is reported as Execute reports it.
func (t *Theme) ExecuteMinified(dst *bytes.Buffer, layout string, data any, whole bool) error {
	page := pagePool.Get().(*bytes.Buffer)
	page.Reset()
	defer pagePool.Put(page)
	if whole || t.compact[layout] == nil {
		if err := t.Execute(page, layout, data); err != nil {
			return err
		}
	} else {
		start := dst.Len()
		minified, err := t.ExecuteCompact(dst, layout, data)
		switch {
		case err != nil:
			return err
		case minified:
			dst.Truncate(start + len(minify.Compact(dst.Bytes()[start:])))
			return nil
		}
		// The minified files failed, and the files as written made the
		// page: minified whole, below.
		page.Write(dst.Bytes()[start:])
		dst.Truncate(start)
	}
	if err := minify.PageTo(dst, page.Bytes()); err != nil {
		return diag.Errorf(diag.Pos{File: t.path(layout + ".html")}, "minifying the page: %v", err)
	}
	return nil
}

// pagePool holds the buffers pages are made in before they are minified
// whole.
var pagePool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// path is the site-relative path of a file inside layouts/.
func (t *Theme) path(rel string) string { return t.Dir + "/layouts/" + rel }

// fileOf returns the site-relative path of the file parsed under
// parseName in layout's set, or "" when there is none.
func (t *Theme) fileOf(layout, parseName string) string {
	if parseName == layout {
		return t.path(layout + ".html")
	}
	// A layout parsed under a partial's name replaces it in its set, so
	// the layout is checked first.
	for _, f := range t.common {
		if f.name == parseName {
			return t.path(f.path)
		}
	}
	return ""
}

// parseNames lists the names the files of layout's set are parsed under.
func (t *Theme) parseNames(layout string) []string {
	names := []string{layout}
	for _, f := range t.common {
		names = append(names, f.name)
	}
	return names
}

// at returns the position of byte offset off of a theme file as parsed
// (marked), in the file as written.
func (t *Theme) at(path string, off int) diag.Pos {
	src, ok := t.Sources[path]
	off = unmarkOff(t.inserts[path], off)
	if !ok || off < 0 || off > len(src) {
		return diag.Pos{File: path}
	}
	line, col := diag.LineCol(src, off)
	return diag.Pos{File: path, Line: line, Col: col}
}

// atLineCol returns the position of text/template's "line:col" in a theme
// file as parsed; text/template counts col in bytes from 0.
func (t *Theme) atLineCol(path string, line, col int) diag.Pos {
	src := t.marked[path]
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			return diag.Pos{File: path, Line: line}
		}
		off += i + 1
	}
	if col < 0 || off+col > len(src) {
		return diag.Pos{File: path, Line: line}
	}
	return t.at(path, off+col)
}

// Package render executes a theme's html/template layouts.
package render

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/certiron/certiron-site/internal/diag"
)

// Theme is a parsed theme: one template set per layout, sharing baseof and
// the partials. It is safe for concurrent use once loaded.
type Theme struct {
	// Dir is the theme's site-relative folder, e.g. "themes/certiron".
	Dir     string
	layouts map[string]*template.Template // "single" / "legal/single" → set
	useBase map[string]bool               // layout defines blocks for baseof
	// Sources holds each template file's bytes by site-relative path.
	Sources map[string][]byte
}

// Load parses root/themes/<name>/layouts. Every broken template is
// reported with its file and line.
func Load(root, name string, funcs template.FuncMap) (*Theme, diag.List) {
	t := &Theme{
		Dir:     "themes/" + name,
		layouts: map[string]*template.Template{},
		useBase: map[string]bool{},
		Sources: map[string][]byte{},
	}
	dir := filepath.Join(root, "themes", name, "layouts")
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil, diag.List{diag.Errorf(diag.Pos{File: t.Dir + "/layouts"}, "theme %q has no layouts folder", name)}
	}
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != dir && strings.HasPrefix(d.Name(), ".") {
			return fs.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".html") && !strings.HasPrefix(d.Name(), ".") {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return nil, diag.List{diag.Errorf(diag.Pos{File: t.Dir + "/layouts"}, "%v", err)}
	}
	sort.Strings(files)
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f)))
		if err != nil {
			return nil, diag.List{diag.Errorf(diag.Pos{File: t.Dir + "/layouts/" + f}, "%v", err)}
		}
		t.Sources[t.Dir+"/layouts/"+f] = b
	}
	var errs diag.List
	common := template.New("").Funcs(funcs)
	for _, f := range files {
		if f != "baseof.html" && !strings.HasPrefix(f, "partials/") {
			continue
		}
		name := strings.TrimSuffix(f, ".html")
		name = strings.TrimPrefix(name, "partials/")
		if _, err := common.New(name).Parse(string(t.Sources[t.Dir+"/layouts/"+f])); err != nil {
			errs = append(errs, t.templateError(err, f))
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	for _, f := range files {
		if f == "baseof.html" || strings.HasPrefix(f, "partials/") {
			continue
		}
		name := strings.TrimSuffix(f, ".html")
		set, err := common.Clone()
		if err != nil {
			return nil, diag.List{diag.Errorf(diag.Pos{File: t.Dir + "/layouts/" + f}, "%v", err)}
		}
		src := t.Sources[t.Dir+"/layouts/"+f]
		if _, err := set.New(name).Parse(string(src)); err != nil {
			errs = append(errs, t.templateError(err, f))
			continue
		}
		t.layouts[name] = set
		t.useBase[name] = set.Lookup("baseof") != nil && bytes.Contains(src, []byte("define"))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return t, nil
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
// template's own line.
func (t *Theme) Execute(w io.Writer, layout string, data any) error {
	set := t.layouts[layout]
	if set == nil {
		return fmt.Errorf("no layout %q in %s/layouts", layout, t.Dir)
	}
	name := layout
	if t.useBase[layout] {
		name = "baseof"
	}
	if err := set.ExecuteTemplate(w, name, data); err != nil {
		return t.templateError(err, layout+".html")
	}
	return nil
}

var tmplErr = regexp.MustCompile(`^template: ([^:]+):(\d+)(?::(\d+))?: (.*)$`)

// templateError turns an html/template error into a diag.Error in the
// template's file. file is the layout being parsed or executed.
func (t *Theme) templateError(err error, file string) *diag.Error {
	msg := err.Error()
	var te *template.Error
	if errors.As(err, &te) && te.Name != "" {
		msg = te.Error()
	}
	m := tmplErr.FindStringSubmatch(strings.SplitN(msg, "\n", 2)[0])
	if m == nil {
		return diag.Errorf(diag.Pos{File: t.Dir + "/layouts/" + file}, "%s", strings.TrimPrefix(msg, "template: "))
	}
	line, _ := strconv.Atoi(m[2])
	col, _ := strconv.Atoi(m[3])
	return diag.Errorf(diag.Pos{File: t.fileOf(m[1], file), Line: line, Col: col}, "%s", m[4])
}

// fileOf maps a template name back to its file.
func (t *Theme) fileOf(name, fallback string) string {
	for _, cand := range []string{name + ".html", "partials/" + name + ".html", name} {
		if _, ok := t.Sources[t.Dir+"/layouts/"+cand]; ok {
			return t.Dir + "/layouts/" + cand
		}
	}
	return t.Dir + "/layouts/" + path.Clean(fallback)
}

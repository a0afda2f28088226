package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"text/template"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/certiron/certiron-site/internal/config"
	"github.com/certiron/certiron-site/internal/content"
	"github.com/certiron/certiron-site/internal/legal"
	sitesource "github.com/certiron/certiron-site/internal/source"
)

const newUsage = `Usage: certiron-site new [-source DIR] content/PATH.md

Creates a page from the theme's archetype: themes/THEME/archetypes/legal.md
for a page under content/legal/, archetypes/default.md for any other. The
page starts as a draft (draft = true); preview it with serve -drafts. new
never overwrites a file.

`

// archetypeData is what an archetype template is given.
type archetypeData struct {
	Title string // from the file name: "privacy-policy.md" → "Privacy Policy"
	Date  string // today, 2006-01-02
	Path  string // the new file, "content/legal/privacy-policy.md"
}

func runNew(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("new", flag.ContinueOnError)
	source := fs.String("source", ".", "site folder holding config.toml, content/, themes/ and static/")
	setUsage(fs, newUsage)
	files, err := parseArgs(fs, args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if len(files) != 1 {
		return usageError(fs, "name one page to create, e.g. content/legal/privacy-policy.md")
	}
	page := siteRel(*source, files[0])
	rel, ok := strings.CutPrefix(page, content.Dir+"/")
	if !ok || rel == "" {
		return usageError(fs, "%s is not under content/: pages are created as content/PATH.md", page)
	}
	if path.Ext(rel) != ".md" {
		return usageError(fs, "%s does not end in .md: pages are Markdown files", page)
	}
	refuse := func(format string, args ...any) error {
		fmt.Fprintf(stderr, "certiron-site new: "+format+"\n", args...)
		return errFailed
	}
	if legal.InArchive(rel) {
		return refuse("%s is inside the archive of released versions, which only certiron-site release writes", page)
	}
	for _, seg := range strings.Split(rel, "/") {
		if sitesource.Leftover(seg) {
			return refuse("%s would never be published: %q is a hidden or temporary name", page, seg)
		}
	}
	full := filepath.Join(*source, filepath.FromSlash(page))
	if _, err := os.Lstat(full); err == nil {
		return refuse("%s already exists: new never overwrites a page", page)
	}
	cfg, err := config.Load(*source)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return refuse("fix config.toml, then run new again")
	}
	kind := "default"
	if legal.IsPage(rel) {
		kind = "legal"
	}
	archetype := path.Join("themes", cfg.Theme, "archetypes", kind+".md")
	text, err := os.ReadFile(filepath.Join(*source, filepath.FromSlash(archetype)))
	if errors.Is(err, os.ErrNotExist) && kind != "default" {
		archetype = path.Join("themes", cfg.Theme, "archetypes", "default.md")
		text, err = os.ReadFile(filepath.Join(*source, filepath.FromSlash(archetype)))
	}
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return refuse("the theme %q has no archetype: add %s", cfg.Theme, archetype)
		}
		return refuse("%v", err)
	}
	t, err := template.New(archetype).Option("missingkey=error").Funcs(template.FuncMap{"quote": legal.QuoteTOML}).Parse(string(text))
	if err != nil {
		return refuse("%v", err)
	}
	var out bytes.Buffer
	data := archetypeData{Title: titleFromPath(rel, cfg.Title), Date: time.Now().UTC().Format(legal.DateFormat), Path: page}
	if err := t.Execute(&out, data); err != nil {
		return refuse("%v", err)
	}
	if _, errs := content.Parse(page, rel, out.Bytes()); len(errs) > 0 {
		for _, e := range errs {
			fmt.Fprintln(stderr, e)
		}
		return refuse("the archetype %s gives a page with errors; nothing was written", archetype)
	}
	if err := createContent(*source, page, out.Bytes()); err != nil {
		if errors.Is(err, os.ErrExist) {
			return refuse("%s already exists: new never overwrites a page", page)
		}
		return fmt.Errorf("writing %s: %w", page, err)
	}
	fmt.Fprintf(stdout, "created %s from %s\n", page, archetype)
	if kind == "legal" {
		fmt.Fprintf(stdout, "preview it with certiron-site serve -drafts; when it is ready, remove draft = true and run\n  certiron-site release -effective YYYY-MM-DD -summary \"…\" %s\n", page)
	}
	return nil
}

// titleFromPath makes a title from a file name: "privacy-policy.md" →
// "Privacy Policy"; an index.md or _index.md is named after its folder.
func titleFromPath(rel, siteTitle string) string {
	name := strings.TrimSuffix(path.Base(rel), path.Ext(rel))
	if name == "index" || name == "_index" {
		if d := path.Dir(rel); d != "." {
			name = path.Base(d)
		} else {
			return siteTitle
		}
	}
	words := strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '_' || r == ' ' })
	for i, w := range words {
		r, size := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToUpper(r)) + w[size:]
	}
	return strings.Join(words, " ")
}

// createContent creates a new file under SOURCE/content/ (O_EXCL: an
// existing file is never replaced), creating its folders.
func createContent(source, rel string, data []byte) error {
	full, err := contentFile(source, rel)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(full, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(full)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(full)
		return err
	}
	return f.Close()
}

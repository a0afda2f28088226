package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/certiron/certiron-site/internal/content"
	"github.com/certiron/certiron-site/internal/legal"
)

const releaseUsage = `Usage: certiron-site release [-source DIR] -effective YYYY-MM-DD -summary TEXT [-editorial] content/legal/PAGE.md

Records the legal page's current text as a version that takes effect on the
-effective date: writes the archived version and the manifest under
content/legal/_versions/, and sets the page's effective, changes and
editorial front matter. Commit the files it prints; the build publishes the
version, its redline and a feed entry.

`

func runRelease(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("release", flag.ContinueOnError)
	source := fs.String("source", ".", "site folder holding config.toml, content/, themes/ and static/")
	effective := fs.String("effective", "", "the date the version takes effect, as `YYYY-MM-DD` (required)")
	summary := fs.String("summary", "", "what changed, as a `TEXT` of one or two sentences shown in the history, the feed and the notice (required)")
	editorial := fs.Bool("editorial", false, "a change that does not alter meaning (a typo, a broken link): recorded, but the notice is not shown again")
	setUsage(fs, releaseUsage)
	files, err := parseArgs(fs, args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	switch {
	case len(files) == 0:
		return usageError(fs, "name the page to release, e.g. content/legal/cookie-policy.md")
	case len(files) > 1:
		return usageError(fs, "release one page at a time, not %d", len(files))
	case *effective == "":
		return usageError(fs, "-effective is required: the date the version takes effect, e.g. -effective %s", time.Now().UTC().Format(legal.DateFormat))
	case strings.TrimSpace(*summary) == "":
		return usageError(fs, `-summary is required: what changed, e.g. -summary "Adds a privacy-respecting analytics tool."`)
	}
	when, err := time.Parse(legal.DateFormat, *effective)
	if err != nil {
		return usageError(fs, "-effective %q is not a date like 2026-11-28", *effective)
	}
	refuse := func(format string, args ...any) error {
		fmt.Fprintf(stderr, "certiron-site release: "+format+"\n", args...)
		return errFailed
	}
	page := siteRel(*source, files[0])
	rel, ok := strings.CutPrefix(page, content.Dir+"/")
	if !ok || !legal.IsPage(rel) {
		return refuse("%s is not a legal page: only pages under content/legal/ are released (not a section's _index.md, nor an archived version)", page)
	}
	full := filepath.Join(*source, filepath.FromSlash(page))
	if fi, err := os.Lstat(full); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return refuse("%s does not exist", page)
		}
		return refuse("%v", err)
	} else if !fi.Mode().IsRegular() {
		return refuse("%s is not a regular file (a link or a folder): release the page's own file", page)
	}
	src, err := os.ReadFile(full)
	if err != nil {
		return refuse("%v", err)
	}
	plan, err := legal.Release(os.DirFS(*source), rel, src, legal.ReleaseOptions{
		Effective: when, Summary: *summary, Editorial: *editorial, Released: time.Now().UTC(),
	})
	var r *legal.Refusal
	if errors.As(err, &r) {
		for _, e := range r.Errs {
			fmt.Fprintln(stderr, e)
		}
		return refuse("%s", r.Msg)
	}
	if err != nil {
		return refuse("%v", err)
	}
	var report []string
	for _, f := range plan {
		verb := "wrote  "
		if _, err := os.Lstat(filepath.Join(*source, filepath.FromSlash(f.Path))); err == nil {
			verb = "updated"
		}
		if err := writeContent(*source, f.Path, f.Data); err != nil {
			return fmt.Errorf("writing %s: %w", f.Path, err)
		}
		line := "  " + verb + " " + f.Path
		if f.Path == page {
			fields := "effective, changes"
			if *editorial {
				fields += ", editorial"
			}
			line += " (front matter: " + fields + ")"
		}
		report = append(report, line)
	}
	kind := "version"
	if *editorial {
		kind = "editorial version"
	}
	fmt.Fprintf(stdout, "released %s: the %s effective %s\n%s\ncommit these files to publish it\n",
		page, kind, when.Format(legal.DateFormat), strings.Join(report, "\n"))
	return nil
}

// siteRel turns a file argument into a slash path inside the site: as
// written relative to the site folder (content/legal/x.md), or, when it
// is not, as a path from the current folder that lies inside the site.
func siteRel(source, arg string) string {
	p := filepath.Clean(arg)
	if filepath.IsAbs(p) || !strings.HasPrefix(filepath.ToSlash(p), content.Dir+"/") {
		abs, err1 := filepath.Abs(p)
		root, err2 := filepath.Abs(source)
		if r, err := filepath.Rel(root, abs); err1 == nil && err2 == nil && err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) {
			p = r
		}
	}
	return filepath.ToSlash(p)
}

// writeContent writes a file under SOURCE/content/ atomically (a temporary
// file renamed over it), creating its folders.
func writeContent(source, rel string, data []byte) error {
	full, err := contentFile(source, rel)
	if err != nil {
		return err
	}
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(full); err == nil {
		mode = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(full), ".certiron-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), mode); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), full)
}

// contentFile returns the file path of rel, a slash path in the site that
// must lie under content/, creating its folders; a folder that leads out
// of content/ through a link is refused.
func contentFile(source, rel string) (string, error) {
	if !strings.HasPrefix(rel, content.Dir+"/") || strings.Contains(rel, "..") {
		return "", fmt.Errorf("%s is not under %s/", rel, content.Dir)
	}
	full := filepath.Join(source, filepath.FromSlash(rel))
	dir := filepath.Dir(full)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	root, err := filepath.EvalSymlinks(filepath.Join(source, content.Dir))
	if err != nil {
		return "", err
	}
	resolved, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", err
	}
	if r, err := filepath.Rel(root, resolved); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%s leads out of %s/ through a link", filepath.ToSlash(filepath.Dir(rel)), content.Dir)
	}
	return full, nil
}

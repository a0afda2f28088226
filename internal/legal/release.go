package legal

import (
	"bytes"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/certiron/certiron-site/internal/content"
	"github.com/certiron/certiron-site/internal/diag"
)

// ReleaseOptions describe a release.
type ReleaseOptions struct {
	// Effective is the day the version takes effect.
	Effective time.Time
	// Summary says what changed (the version's changes).
	Summary string
	// Editorial marks a change that does not alter meaning.
	Editorial bool
	// Released is the day of the release (today).
	Released time.Time
}

// File is a file a release writes: Path is site-relative, always under
// content/.
type File struct {
	Path string
	Data []byte
}

// Refusal is why a release cannot be made: one sentence, after the
// problems in the site's files that caused it, if any.
type Refusal struct {
	Errs diag.List
	Msg  string
}

func (r *Refusal) Error() string {
	if len(r.Errs) == 0 {
		return r.Msg
	}
	return r.Errs.Error() + "\n" + r.Msg
}

func refuse(errs diag.List, format string, args ...any) *Refusal {
	return &Refusal{Errs: errs, Msg: fmt.Sprintf(format, args...)}
}

// Release plans the release of the legal page rel (a slash path inside
// content/, e.g. "legal/cookie-policy.md"), whose current file is src, in
// the site fsys (rooted at the site root): its current text becomes the
// version taking effect on opt.Effective. It returns the files to write,
// in order: the archived version, the manifest and the page with its
// effective, changes and editorial fields set (every other byte kept). It
// writes nothing; a refusal is a *Refusal.
func Release(fsys fs.FS, rel string, src []byte, opt ReleaseOptions) ([]File, error) {
	source := content.Dir + "/" + rel
	if !IsPage(rel) {
		return nil, refuse(nil, "%s is not a legal page: only pages under %s/%s/ are released (not a section's _index.md, nor an archived version)", source, content.Dir, Dir)
	}
	opt.Summary = strings.TrimSpace(opt.Summary)
	if opt.Summary == "" {
		return nil, refuse(nil, "a release needs a summary of what changed (-summary)")
	}
	page, errs := content.Parse(source, rel, src)
	if len(errs) > 0 {
		return nil, refuse(errs, "%s has errors: fix them, then release it", source)
	}
	if page.Draft {
		return nil, refuse(nil, "%s is a draft: remove draft = true from its front matter, then release it", source)
	}
	folder := content.Dir + "/" + Folder(rel)
	manifest, files, errs, _ := readArchive(fsys, folder)
	h := &History{Page: source, Rel: rel, Archive: folder}
	errs = append(errs, h.assemble(nil, manifest, files)...)
	if len(errs) > 0 {
		return nil, refuse(errs, "the archive of %s has errors: restore its files, then release it", source)
	}
	effective := Day(opt.Effective)
	if latest := h.Latest(); latest != nil {
		if parsePage(source, src).sameText(latest) {
			return nil, refuse(nil, "the text of %s is the released version effective %s: there is nothing to release", source, latest.Date())
		}
		if !effective.After(latest.Effective) {
			return nil, refuse(nil, "the effective date %s is not after %s, the date of the latest released version of %s: a new version must take effect later",
				effective.Format(DateFormat), latest.Date(), source)
		}
	}
	editorial := field{Key: "editorial"} // a material release removes editorial = true
	if opt.Editorial {
		editorial.Value = true
	}
	updated, err := setFields(src, []field{{"effective", effective}, {"changes", opt.Summary}, editorial})
	if err != nil {
		return nil, refuse(nil, "cannot update the front matter of %s safely (%v): write it as plain key = value lines, then release it", source, err)
	}
	text := normalize(updated)
	sum, lines := Fingerprint(text)
	rec := Record{Effective: effective, SHA256: sum, Lines: lines}
	if !opt.Released.IsZero() {
		rec.Released = Day(opt.Released)
	}
	name := effective.Format(DateFormat) + ".md"
	if manifest == nil {
		manifest = ManifestHeader(source)
	} else if !bytes.HasSuffix(manifest, []byte("\n")) {
		manifest = append(bytes.Clone(manifest), '\n')
	}
	manifest = append(bytes.Clone(manifest), rec.Format()...)

	// What was planned must load as the new latest version, with no
	// unreleased changes left.
	if files == nil {
		files = map[string][]byte{}
	}
	files[name] = text
	check := &History{Page: source, Rel: rel, Archive: folder}
	errs = check.assemble(parsePage(source, updated), manifest, files)
	if latest := check.Latest(); len(errs) > 0 || check.Unreleased != nil || latest == nil || !latest.Effective.Equal(effective) {
		if check.Unreleased != nil {
			errs = append(errs, check.Unreleased)
		}
		return nil, refuse(errs, "internal error: the release of %s would not load back as its latest version", source)
	}
	return []File{
		{Path: folder + "/" + name, Data: text},
		{Path: folder + "/" + ManifestName, Data: manifest},
		{Path: source, Data: updated},
	}, nil
}

package legal

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/certiron/certiron-site/internal/config"
	"github.com/certiron/certiron-site/internal/content"
	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/source"
)

// Version is one released version of a legal page, read from its archived
// file.
type Version struct {
	// Effective is the day the version takes effect (midnight UTC).
	Effective time.Time
	// Released is the day it was released; zero when the manifest does
	// not say.
	Released time.Time
	// Changes says what changed; Editorial marks a change that does not
	// alter meaning and renews no notice.
	Changes   string
	Editorial bool
	// Title is the version's title (its front matter's, else its first
	// heading).
	Title string
	// Meta is the archived file's whole front matter (description, toc,
	// typographer, lastmod …), for rendering the version as a page.
	Meta content.FrontMatter
	// Source is the archived file's site-relative path, e.g.
	// "content/legal/_versions/cookie-policy/2026-11-28.md".
	Source string
	// Body is the Markdown after the front matter, starting on line
	// BodyLine of Source.
	Body     []byte
	BodyLine int
}

// Date is the effective date as written in URLs and file names.
func (v *Version) Date() string { return v.Effective.Format(DateFormat) }

// History is every released version of one legal page.
type History struct {
	// Page is the page's site-relative path ("content/legal/cookie-policy.md"),
	// Rel its path inside content/, Archive its archive folder
	// ("content/legal/_versions/cookie-policy").
	Page    string
	Rel     string
	Archive string
	// Versions are sorted by effective date, oldest first.
	Versions []*Version
	// Fallback is the page's effective date, else its lastmod: the date in
	// force of a page that has no released version.
	Fallback time.Time
	// Unreleased is set when the page's text differs from its latest
	// released version: an error for build, a warning for serve.
	Unreleased *diag.Error
}

// Latest is the latest released version, or nil.
func (h *History) Latest() *Version {
	if len(h.Versions) == 0 {
		return nil
	}
	return h.Versions[len(h.Versions)-1]
}

// Record is one [[version]] of a manifest.
type Record struct {
	Effective time.Time
	Released  time.Time
	// SHA256 is the hex SHA-256 of the archived file's text; Lines the
	// hex hash of each of its lines (see LineHash).
	SHA256 string
	Lines  []string
	// Line is the manifest line of the record's [[version]] header.
	Line int
}

// Manifest is a page's versions.toml.
type Manifest struct {
	Source  string
	Records []Record
}

// Load reads and checks the archive of the legal page rel (a slash path
// inside content/, e.g. "legal/cookie-policy.md") whose current file is
// src, in the site at root. See LoadFS.
func Load(root, rel string, src []byte) (*History, diag.List) {
	return LoadFS(os.DirFS(root), rel, src)
}

// LoadFS reads and checks the archive of the legal page rel whose current
// file is src, in the site fsys (rooted at the site root). A page with no
// archive folder has no versions and no errors. The errors are the
// archive's: an edited or unrecorded archived file, a broken manifest, a
// missing version. The page's own front-matter errors are not reported
// (content.Parse reports them); unreleased changes are in
// History.Unreleased, not in the errors.
func LoadFS(fsys fs.FS, rel string, src []byte) (*History, diag.List) {
	folder := content.Dir + "/" + Folder(rel)
	h := &History{Page: content.Dir + "/" + rel, Rel: rel, Archive: folder}
	page := parsePage(h.Page, src)
	if page != nil {
		h.Fallback = page.meta.Effective
		if h.Fallback.IsZero() {
			h.Fallback = page.meta.Lastmod
		}
		if !h.Fallback.IsZero() {
			h.Fallback = Day(h.Fallback)
		}
	}
	manifest, files, errs, found := readArchive(fsys, folder)
	if !found {
		return h, errs
	}
	errs = append(errs, h.assemble(page, manifest, files)...)
	return h, errs
}

// readArchive reads an archive folder's manifest and Markdown files;
// found is false when there is no folder.
func readArchive(fsys fs.FS, folder string) (manifest []byte, files map[string][]byte, errs diag.List, found bool) {
	entries, err := fs.ReadDir(fsys, folder)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil, false
	}
	if err != nil {
		return nil, nil, diag.List{diag.Errorf(diag.Pos{File: folder}, "reading the archive: %v", err)}, false
	}
	files = map[string][]byte{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || source.Leftover(name) || name != ManifestName && path.Ext(name) != ".md" {
			continue
		}
		if !e.Type().IsRegular() {
			errs.Add(diag.Pos{File: folder + "/" + name}, "archived files must be regular files, not links")
			continue
		}
		data, err := fs.ReadFile(fsys, folder+"/"+name)
		if err != nil {
			errs.Add(diag.Pos{File: folder + "/" + name}, "%v", err)
			continue
		}
		if name == ManifestName {
			manifest = data
		} else {
			files[name] = data
		}
	}
	return manifest, files, errs, true
}

// assemble builds the versions from the manifest and the archived files.
func (h *History) assemble(page *pageText, manifest []byte, files map[string][]byte) diag.List {
	m, errs := ParseManifest(h.Archive+"/"+ManifestName, manifest)
	recorded := map[string]bool{}
	for _, rec := range m.Records {
		name := rec.Effective.Format(DateFormat) + ".md"
		source := h.Archive + "/" + name
		src, ok := files[name]
		if !ok {
			errs.Add(diag.Pos{File: m.Source, Line: rec.Line, Col: 1}, "released version %s is missing: restore %s", rec.Effective.Format(DateFormat), source)
			continue
		}
		recorded[name] = true
		if e := CheckArchived(source, src, rec); e != nil {
			errs = append(errs, e)
		}
		v, verrs := parseVersion(source, src, rec)
		errs = append(errs, verrs...)
		if v != nil {
			h.Versions = append(h.Versions, v)
		}
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !recorded[name] {
			errs.Add(diag.Pos{File: h.Archive + "/" + name, Line: 1, Col: 1}, "not a released version (%s does not record it): versions are added by certiron-site release", ManifestName)
		}
	}
	sort.SliceStable(h.Versions, func(i, j int) bool { return h.Versions[i].Effective.Before(h.Versions[j].Effective) })
	if page != nil {
		h.Unreleased = page.unreleased(h.Latest())
	}
	return errs
}

// parseVersion reads an archived file.
func parseVersion(source string, src []byte, rec Record) (*Version, diag.List) {
	text := normalize(src)
	format, fm, body, fmLine, bodyLine, e := content.Split(source, text)
	if e != nil {
		return nil, diag.List{e}
	}
	meta, errs := content.ParseFrontMatter(source, format, fm, fmLine)
	if meta == nil {
		return nil, errs
	}
	v := &Version{
		Effective: rec.Effective, Released: rec.Released,
		Changes: meta.Changes, Editorial: meta.Editorial,
		Title: meta.Title, Meta: *meta, Source: source, Body: body, BodyLine: bodyLine,
	}
	if v.Title == "" {
		v.Title = content.FirstHeading(body)
	}
	if !meta.Effective.IsZero() && !Day(meta.Effective).Equal(rec.Effective) {
		line := fieldLine(text, "effective")
		errs.Add(diag.Pos{File: source, Line: line, Col: 1}, "effective %s does not match the released version's date %s (its file name and %s)",
			Day(meta.Effective).Format(DateFormat), rec.Effective.Format(DateFormat), ManifestName)
	}
	return v, errs
}

// CheckArchived reports whether the archived file src (at source) still
// has the text recorded when it was released: nil, or an error at its
// first line whose hash differs from the recorded one.
func CheckArchived(source string, src []byte, rec Record) *diag.Error {
	text := normalize(src)
	sum, _ := Fingerprint(text)
	if sum == rec.SHA256 {
		return nil
	}
	lines := splitLines(text)
	i := 0
	for i < len(lines) && i < len(rec.Lines) && LineHash(lines[i]) == rec.Lines[i] {
		i++
	}
	line := min(i+1, max(len(lines), 1))
	return diag.Errorf(diag.Pos{File: source, Line: line, Col: 1},
		"released version %s was edited: restore its text and release a new version instead", rec.Effective.Format(DateFormat))
}

// CheckUnreleased compares the page file src (at source) with its latest
// released version: nil when its title and body are the released ones (or
// it has no version, or does not parse), else an error at the page's first
// differing line.
func CheckUnreleased(source string, src []byte, latest *Version) *diag.Error {
	return parsePage(source, src).unreleased(latest)
}

// pageText is a page file's parsed text.
type pageText struct {
	source   string
	text     []byte // normalized
	meta     *content.FrontMatter
	body     []byte
	bodyLine int
}

func parsePage(source string, src []byte) *pageText {
	text := normalize(src)
	format, fm, body, fmLine, bodyLine, e := content.Split(source, text)
	if e != nil {
		return nil
	}
	meta, _ := content.ParseFrontMatter(source, format, fm, fmLine)
	if meta == nil {
		return nil
	}
	return &pageText{source: source, text: text, meta: meta, body: body, bodyLine: bodyLine}
}

// sameText reports whether the page's text is the version's.
func (p *pageText) sameText(v *Version) bool {
	return p.meta.Title == v.Meta.Title && bytes.Equal(trimEnd(p.body), trimEnd(v.Body))
}

func (p *pageText) unreleased(latest *Version) *diag.Error {
	if p == nil || latest == nil || p.sameText(latest) {
		return nil
	}
	line := fieldLine(p.text, "title")
	if p.meta.Title == latest.Meta.Title {
		a, b := splitLines(trimEnd(p.body)), splitLines(trimEnd(latest.Body))
		i := 0
		for i < len(a) && i < len(b) && bytes.Equal(a[i], b[i]) {
			i++
		}
		last := len(splitLines(p.text))
		line = min(p.bodyLine+i, max(last, 1))
	}
	return diag.Errorf(diag.Pos{File: p.source, Line: line, Col: 1},
		"unreleased changes to a released policy (the text differs from the version effective %s): run `certiron-site release -effective YYYY-MM-DD -summary \"…\" %s` or undo the edit",
		latest.Date(), p.source)
}

// Fingerprint returns the hex SHA-256 of an archived file's text (line
// endings normalized to \n, no byte-order mark) and the hash of each of
// its lines, as a manifest records them.
func Fingerprint(src []byte) (sum string, lines []string) {
	text := normalize(src)
	s := sha256.Sum256(text)
	for _, l := range splitLines(text) {
		lines = append(lines, LineHash(l))
	}
	return hex.EncodeToString(s[:]), lines
}

// LineHash is the hash a manifest records for one line: the first 32 bits
// of its SHA-256, in hex. It only locates an edit; the file's SHA-256
// detects it.
func LineHash(line []byte) string {
	s := sha256.Sum256(line)
	return hex.EncodeToString(s[:4])
}

// ParseManifest parses a versions.toml; source names it in errors. Empty
// src is a manifest with no records.
func ParseManifest(source string, src []byte) (*Manifest, diag.List) {
	m := &Manifest{Source: source}
	if len(src) == 0 {
		return m, nil
	}
	src = normalize(src)
	var raw struct {
		Version []struct {
			Effective any    `toml:"effective"`
			Released  any    `toml:"released"`
			SHA256    string `toml:"sha256"`
			Lines     string `toml:"lines"`
		} `toml:"version"`
	}
	md, err := toml.Decode(string(src), &raw)
	if err != nil {
		return m, diag.List{config.TOMLError(source, 0, src, err)}
	}
	var errs diag.List
	for _, k := range md.Undecoded() {
		line, col := config.KeyPos(src, k...)
		errs.Add(diag.Pos{File: source, Line: line, Col: col}, "unknown key %q in the manifest of released versions", k.String())
	}
	headers := recordLines(src)
	seen := map[time.Time]bool{}
	for i, r := range raw.Version {
		rec := Record{SHA256: r.SHA256}
		if i < len(headers) {
			rec.Line = headers[i]
		}
		at := diag.Pos{File: source, Line: rec.Line, Col: 1}
		var ok bool
		if rec.Effective, ok = manifestDate(r.Effective); !ok {
			errs.Add(at, "version %d: effective must be a date like 2026-11-28", i+1)
			continue
		}
		if r.Released != nil {
			if rec.Released, ok = manifestDate(r.Released); !ok {
				errs.Add(at, "version %s: released must be a date like 2026-11-28", rec.Effective.Format(DateFormat))
			}
		}
		if b, err := hex.DecodeString(rec.SHA256); err != nil || len(b) != sha256.Size {
			errs.Add(at, "version %s: sha256 must be 64 hexadecimal digits", rec.Effective.Format(DateFormat))
		}
		for _, f := range strings.Fields(r.Lines) {
			if b, err := hex.DecodeString(f); err != nil || len(b) != 4 {
				errs.Add(at, "version %s: lines must hold 8-digit hexadecimal line hashes, not %q", rec.Effective.Format(DateFormat), f)
				break
			}
			rec.Lines = append(rec.Lines, f)
		}
		if seen[rec.Effective] {
			errs.Add(at, "version %s is recorded twice", rec.Effective.Format(DateFormat))
			continue
		}
		seen[rec.Effective] = true
		m.Records = append(m.Records, rec)
	}
	return m, errs
}

// manifestDate accepts a TOML date or a "2006-01-02" string.
func manifestDate(v any) (time.Time, bool) {
	switch d := v.(type) {
	case time.Time:
		return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC), true
	case string:
		t, err := time.Parse(DateFormat, d)
		return t, err == nil
	}
	return time.Time{}, false
}

// recordLines returns the line of each [[version]] header.
func recordLines(src []byte) []int {
	var out []int
	for i, l := range strings.Split(string(src), "\n") {
		t := strings.TrimSpace(l)
		if j := strings.IndexByte(t, '#'); j >= 0 {
			t = strings.TrimSpace(t[:j])
		}
		if strings.ReplaceAll(t, " ", "") == "[[version]]" {
			out = append(out, i+1)
		}
	}
	return out
}

// ManifestHeader is the comment a new manifest starts with.
func ManifestHeader(page string) []byte {
	return fmt.Appendf(nil, `# The released versions of %s, one [[version]] per release,
# added by `+"`certiron-site release`"+`. Each version's text is archived beside this
# file as EFFECTIVE.md. Never edit this file or the archived versions: the
# build checks that each still has the sha256 recorded here (of its text
# with \n line endings), and lines (a short hash of each of its lines)
# tells the build which line was edited.
`, page)
}

// Format returns the record as a [[version]] table, preceded by a blank
// line, to be appended to a manifest.
func (r Record) Format() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "\n[[version]]\neffective = %s\n", r.Effective.Format(DateFormat))
	if !r.Released.IsZero() {
		fmt.Fprintf(&b, "released = %s\n", r.Released.Format(DateFormat))
	}
	fmt.Fprintf(&b, "sha256 = %q\nlines = \"\"\"\n", r.SHA256)
	for i, l := range r.Lines {
		b.WriteString(l)
		if i%8 == 7 || i == len(r.Lines)-1 {
			b.WriteByte('\n')
		} else {
			b.WriteByte(' ')
		}
	}
	b.WriteString("\"\"\"\n")
	return b.Bytes()
}

// normalize drops a byte-order mark and turns \r\n into \n, as the
// content loader does.
func normalize(src []byte) []byte {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	if bytes.Contains(src, []byte("\r\n")) {
		src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	}
	return src
}

// splitLines splits text into lines without their \n; a final \n ends the
// last line rather than starting an empty one.
func splitLines(text []byte) [][]byte {
	if len(text) == 0 {
		return nil
	}
	return bytes.Split(bytes.TrimSuffix(text, []byte("\n")), []byte("\n"))
}

// trimEnd drops trailing blank space, so a final newline added or removed
// by an editor is not a change of text.
func trimEnd(b []byte) []byte { return bytes.TrimRight(b, " \t\n") }

// Orphans reports every archive folder under content/legal/_versions/ (a
// folder holding a versions.toml) whose page is not among pages (slash
// paths inside content/ of every legal page, drafts included): a released
// policy's history must not lose its page. fsys is rooted at the site root.
func Orphans(fsys fs.FS, pages []string) diag.List {
	have := map[string]bool{}
	for _, rel := range pages {
		// Only a legal page has versions: a page elsewhere whose name
		// maps to the same folder (eu/terms.md, legal/eu/terms.md) keeps
		// no history alive (and a site's many other pages cost nothing).
		if strings.HasPrefix(rel, Dir+"/") {
			have[content.Dir+"/"+Folder(rel)] = true
		}
	}
	root := content.Dir + "/" + Dir + "/" + ArchiveDir
	var errs diag.List
	_ = fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != ManifestName {
			return nil
		}
		if dir := path.Dir(p); !have[dir] {
			page := content.Dir + "/" + Dir + "/" + strings.TrimPrefix(dir, root+"/") + ".md"
			errs.Add(diag.Pos{File: p, Line: 1, Col: 1}, "the released versions of %s have no page: restore the page (a released policy keeps its history), or move the folder with the renamed page", page)
		}
		return nil
	})
	return errs
}

// Package legal keeps the history of the pages under content/legal/: the
// released versions of each page, the checks that keep that archive
// immutable, which version is in force on a date, a redline of one version
// against the one before, and the Atom feed of every release.
//
// # Archive layout
//
// Every released version of a legal page is kept as an ordinary Markdown
// file, the whole page file (front matter and body) as it was when it was
// released, in a folder of content/legal/_versions/ named after the page:
//
//	content/legal/cookie-policy.md                         the page: its latest text
//	content/legal/_versions/cookie-policy/2026-11-28.md    a released version, named by its effective date
//	content/legal/_versions/cookie-policy/versions.toml    the manifest of released versions
//
// A page bundle content/legal/privacy/index.md keeps its versions in
// _versions/privacy/, and content/legal/eu/terms.md in _versions/eu/terms/.
// An archived file's front matter holds the version's effective date,
// changes (what changed) and editorial (true for a change that does not
// alter meaning); `certiron-site release` writes the same three fields into
// the page. Links in an archived version are written relative to the page,
// since the file is the page's text, and are resolved as the page's own.
//
// The manifest has one [[version]] table per release, in release order:
//
//	[[version]]
//	effective = 2026-11-28   # the date this version takes effect; its file is 2026-11-28.md
//	released = 2026-12-01    # the day it was released
//	sha256 = "…"             # of the archived file's text, with \n line endings
//	lines = """…"""          # a short hash of each line of that text
//
// # Immutability
//
// The sha256 is the archive's seal: an archived file whose text no longer
// has the recorded hash was edited, and that is an error at the first line
// whose hash differs from the one recorded in lines (the first 32 bits of
// the line's SHA-256), so the writer is told where, without git and
// without keeping a second copy of the text. The seal catches edits of the
// archived text; a reviewer sees any change of versions.toml itself in the
// pull request, where only additions are expected. A page whose text (its
// title or body) differs from its latest released version has unreleased
// changes: an error for build, a warning for serve.
//
// A legal page with no archive has no versions and keeps building: its
// in force date is its effective, else its lastmod.
//
// # Using it from the site builder
//
//   - The content loader skips content/legal/_versions/ (content.ArchiveDir);
//     its files are inputs of the legal pages, not pages or assets.
//   - For every page with IsPage(page.Rel), drafts included, Load(root,
//     page.Rel, page.Src) reads its history. Its errors are build errors;
//     History.Unreleased is an error for build and check and a warning for
//     serve, so writers can preview a draft. Orphans reports archives left
//     without their page.
//   - For the build date D, History.At(D, page.URL) says what to publish:
//     Timeline.Current at the page's URL (nil when no version is in force
//     yet: the page's own text is then its first, upcoming version),
//     Timeline.Entries in its history table,
//     Timeline.Upcoming announced, and every Entry at Entry.URL, marked by
//     its Status; an Entry with a Previous has a redline at
//     Entry.ChangesURL (RedlineVersions). Timeline.Notice is the banner's
//     stored value for the Cookie Policy.
//   - Feed(pages, opt) is the feed at FeedPath.
package legal

import (
	"path"
	"strings"
	"time"

	"github.com/certiron/certiron-site/internal/content"
)

// Dir is the content folder whose pages are versioned.
const Dir = "legal"

// ArchiveDir is the folder of content/legal/ holding the released versions.
const ArchiveDir = content.ArchiveDir

// ManifestName is the manifest's file name in a page's archive folder.
const ManifestName = "versions.toml"

// DateFormat is how effective dates are written in front matter, file
// names and URLs.
const DateFormat = "2006-01-02"

// FeedPath is where the feed of every release is published.
const FeedPath = "/legal/feed.xml"

// IsPage reports whether rel, a slash path inside content/ such as
// "legal/cookie-policy.md", is a versioned legal page: a Markdown page under
// legal/ that is not a section list (_index.md) or inside the archive.
func IsPage(rel string) bool {
	if !strings.HasPrefix(rel, Dir+"/") || InArchive(rel) {
		return false
	}
	ext := path.Ext(rel)
	if ext != ".md" && ext != ".markdown" {
		return false
	}
	return strings.TrimSuffix(path.Base(rel), ext) != "_index"
}

// InArchive reports whether rel, a slash path inside content/, is the
// archive folder or inside it.
func InArchive(rel string) bool {
	a := Dir + "/" + ArchiveDir
	return rel == a || strings.HasPrefix(rel, a+"/")
}

// Folder returns the archive folder of the legal page rel, as a slash path
// inside content/: "legal/cookie-policy.md" → "legal/_versions/cookie-policy".
func Folder(rel string) string {
	key := strings.TrimSuffix(strings.TrimPrefix(rel, Dir+"/"), path.Ext(rel))
	if path.Base(key) == "index" && key != "index" {
		key = path.Dir(key)
	}
	return Dir + "/" + ArchiveDir + "/" + key
}

// VersionURL is the URL of the version of the page at pageURL (e.g.
// "/legal/cookie-policy/") that takes effect on date.
func VersionURL(pageURL string, date time.Time) string {
	if !strings.HasSuffix(pageURL, "/") {
		pageURL += "/"
	}
	return pageURL + date.Format(DateFormat) + "/"
}

// ChangesURL is the URL of the redline of that version.
func ChangesURL(pageURL string, date time.Time) string {
	return VersionURL(pageURL, date) + "changes/"
}

// Day returns t's UTC calendar day at midnight UTC: effective dates and
// build dates are compared as days.
func Day(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

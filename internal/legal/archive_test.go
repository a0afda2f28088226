package legal

import (
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

const policyV1 = `+++
title = "Test Policy"
lastmod = 2026-01-01
+++

## 1. Data

We keep logs for 30 days.

## 2. Contact

Write to us.
`

func date(s string) time.Time {
	t, err := time.Parse(DateFormat, s)
	if err != nil {
		panic(err)
	}
	return t
}

// release releases the page in fsys and stores the files it plans.
func release(t *testing.T, fsys fstest.MapFS, rel, src, effective, summary string, editorial bool) string {
	t.Helper()
	files, err := Release(fsys, rel, []byte(src), ReleaseOptions{Effective: date(effective), Summary: summary, Editorial: editorial, Released: date("2026-01-01")})
	if err != nil {
		t.Fatalf("Release(%s, %s): %v", rel, effective, err)
	}
	for _, f := range files {
		if !strings.HasPrefix(f.Path, "content/") {
			t.Fatalf("Release wrote %s, outside content/", f.Path)
		}
		fsys[f.Path] = &fstest.MapFile{Data: f.Data}
	}
	return string(files[len(files)-1].Data)
}

func load(t *testing.T, fsys fstest.MapFS, rel string) (*History, string) {
	t.Helper()
	src := fsys["content/"+rel].Data
	h, errs := LoadFS(fsys, rel, src)
	return h, errs.Error()
}

func TestPaths(t *testing.T) {
	tests := []struct {
		rel       string
		page, arc bool
		folder    string
	}{
		{"legal/cookie-policy.md", true, false, "legal/_versions/cookie-policy"},
		{"legal/privacy/index.md", true, false, "legal/_versions/privacy"},
		{"legal/eu/terms.md", true, false, "legal/_versions/eu/terms"},
		{"legal/_index.md", false, false, ""},
		{"legal/eu/_index.md", false, false, ""},
		{"legal/_versions/cookie-policy/2026-11-28.md", false, true, ""},
		{"legal/_versions", false, true, ""},
		{"legal/logo.png", false, false, ""},
		{"about.md", false, false, ""},
		{"legalese/x.md", false, false, ""},
	}
	for _, tt := range tests {
		if got := IsPage(tt.rel); got != tt.page {
			t.Errorf("IsPage(%q) = %v, want %v", tt.rel, got, tt.page)
		}
		if got := InArchive(tt.rel); got != tt.arc {
			t.Errorf("InArchive(%q) = %v, want %v", tt.rel, got, tt.arc)
		}
		if tt.folder != "" {
			if got := Folder(tt.rel); got != tt.folder {
				t.Errorf("Folder(%q) = %q, want %q", tt.rel, got, tt.folder)
			}
		}
	}
	d := date("2026-11-28")
	if got := VersionURL("/legal/cookie-policy/", d); got != "/legal/cookie-policy/2026-11-28/" {
		t.Errorf("VersionURL = %q", got)
	}
	if got := ChangesURL("/legal/cookie-policy", d); got != "/legal/cookie-policy/2026-11-28/changes/" {
		t.Errorf("ChangesURL = %q", got)
	}
}

func TestLoadNoArchive(t *testing.T) {
	fsys := fstest.MapFS{"content/legal/p.md": {Data: []byte(policyV1)}}
	h, errs := load(t, fsys, "legal/p.md")
	if errs != "" || len(h.Versions) != 0 || h.Unreleased != nil {
		t.Fatalf("LoadFS = %d versions, errors %q, unreleased %v; want none", len(h.Versions), errs, h.Unreleased)
	}
	if got := h.Fallback.Format(DateFormat); got != "2026-01-01" {
		t.Errorf("Fallback = %s, want the lastmod 2026-01-01", got)
	}
	tl := h.At(date("2026-05-05"), "/legal/p/")
	if tl.Current != nil || tl.Notice.Value != "2026-01-01" || tl.Notice.URL != "/legal/p/" || tl.Notice.ChangesURL != "" {
		t.Errorf("At: current %v, notice %+v", tl.Current, tl.Notice)
	}
}

func TestLoadReleased(t *testing.T) {
	fsys := fstest.MapFS{"content/legal/p.md": {Data: []byte(policyV1)}}
	page := release(t, fsys, "legal/p.md", policyV1, "2026-02-01", "First version.", false)
	h, errs := load(t, fsys, "legal/p.md")
	if errs != "" || h.Unreleased != nil {
		t.Fatalf("after release: errors %q, unreleased %v", errs, h.Unreleased)
	}
	if len(h.Versions) != 1 {
		t.Fatalf("%d versions, want 1", len(h.Versions))
	}
	v := h.Versions[0]
	if v.Date() != "2026-02-01" || v.Changes != "First version." || v.Editorial || v.Title != "Test Policy" ||
		v.Source != "content/legal/_versions/p/2026-02-01.md" || v.Released.Format(DateFormat) != "2026-01-01" {
		t.Errorf("version = %+v", v)
	}
	if !strings.HasPrefix(string(v.Body), "\n## 1. Data") || v.BodyLine != 7 {
		t.Errorf("body starts %q on line %d, want the page's body on line 7", string(v.Body)[:12], v.BodyLine)
	}
	if got := string(fsys[v.Source].Data); got != page {
		t.Errorf("archived file differs from the released page:\n%s\nwant\n%s", got, page)
	}
}

func TestArchiveEdited(t *testing.T) {
	fsys := fstest.MapFS{"content/legal/p.md": {Data: []byte(policyV1)}}
	release(t, fsys, "legal/p.md", policyV1, "2026-02-01", "First version.", false)
	arc := "content/legal/_versions/p/2026-02-01.md"
	orig := string(fsys[arc].Data)
	tests := []struct {
		name, text string
		line       int
	}{
		{"word changed", strings.Replace(orig, "30 days", "31 days", 1), 10},
		{"line added at the end", orig + "More.\n", 15},
		{"last line removed", strings.TrimSuffix(orig, "Write to us.\n"), 13},
		{"front matter edited", strings.Replace(orig, "Test Policy", "Policy", 1), 2},
		{"final newline removed", strings.TrimSuffix(orig, "\n"), 14},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fstest.MapFS{}
			for k, v := range fsys {
				f[k] = v
			}
			f[arc] = &fstest.MapFile{Data: []byte(tt.text)}
			_, errs := load(t, f, "legal/p.md")
			want := arc + ":" + strconv.Itoa(tt.line) + ":1: released version 2026-02-01 was edited: restore its text and release a new version instead"
			if errs != want {
				t.Errorf("LoadFS errors:\n%s\nwant\n%s", errs, want)
			}
		})
	}
	// Line endings are not text: a checkout with \r\n is the same version.
	f := fstest.MapFS{}
	for k, v := range fsys {
		f[k] = v
	}
	f[arc] = &fstest.MapFile{Data: []byte(strings.ReplaceAll(orig, "\n", "\r\n"))}
	if _, errs := load(t, f, "legal/p.md"); errs != "" {
		t.Errorf("CRLF checkout: %s", errs)
	}
}

func TestUnreleased(t *testing.T) {
	fsys := fstest.MapFS{"content/legal/p.md": {Data: []byte(policyV1)}}
	page := release(t, fsys, "legal/p.md", policyV1, "2026-02-01", "First version.", false)
	tests := []struct {
		name, text string
		line       int // 0: no unreleased changes
	}{
		{"unchanged", page, 0},
		{"final newline added", page + "\n\n", 0},
		{"description added", strings.Replace(page, "lastmod", "description = \"x\"\nlastmod", 1), 0},
		{"body edited", strings.Replace(page, "30 days", "90 days", 1), 10},
		{"title edited", strings.Replace(page, `title = "Test Policy"`, `title = "Policy"`, 1), 2},
		{"line appended", page + "New.\n", 15},
		{"CRLF", strings.ReplaceAll(page, "\n", "\r\n"), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fstest.MapFS{}
			for k, v := range fsys {
				f[k] = v
			}
			f["content/legal/p.md"] = &fstest.MapFile{Data: []byte(tt.text)}
			h, errs := load(t, f, "legal/p.md")
			if errs != "" {
				t.Fatalf("errors: %s", errs)
			}
			if tt.line == 0 {
				if h.Unreleased != nil {
					t.Errorf("Unreleased = %v, want nil", h.Unreleased)
				}
				return
			}
			want := "content/legal/p.md:" + strconv.Itoa(tt.line) + ":1: unreleased changes to a released policy (the text differs from the version effective 2026-02-01): " +
				"run `certiron-site release -effective YYYY-MM-DD -summary \"…\" content/legal/p.md` or undo the edit"
			if h.Unreleased == nil || h.Unreleased.Error() != want {
				t.Errorf("Unreleased = %v\nwant %s", h.Unreleased, want)
			}
			if e := CheckUnreleased("content/legal/p.md", []byte(tt.text), h.Latest()); e == nil || e.Error() != want {
				t.Errorf("CheckUnreleased = %v", e)
			}
		})
	}
}

func TestArchiveProblems(t *testing.T) {
	base := func(t *testing.T) fstest.MapFS {
		fsys := fstest.MapFS{"content/legal/p.md": {Data: []byte(policyV1)}}
		release(t, fsys, "legal/p.md", policyV1, "2026-02-01", "First version.", false)
		return fsys
	}
	const dir = "content/legal/_versions/p/"
	tests := []struct {
		name string
		edit func(f fstest.MapFS)
		want string
	}{
		{"unrecorded version", func(f fstest.MapFS) {
			f[dir+"2026-03-01.md"] = &fstest.MapFile{Data: []byte(policyV1)}
		}, dir + "2026-03-01.md:1:1: not a released version (versions.toml does not record it): versions are added by certiron-site release"},
		{"missing version", func(f fstest.MapFS) {
			delete(f, dir+"2026-02-01.md")
		}, dir + "versions.toml:8:1: released version 2026-02-01 is missing: restore " + dir + "2026-02-01.md"},
		{"missing manifest", func(f fstest.MapFS) {
			delete(f, dir+"versions.toml")
		}, dir + "2026-02-01.md:1:1: not a released version (versions.toml does not record it): versions are added by certiron-site release"},
		{"broken manifest", func(f fstest.MapFS) {
			f[dir+"versions.toml"] = &fstest.MapFile{Data: []byte("[[version]]\neffective = \n")}
		}, dir + "versions.toml:2:13: "},
		{"unknown manifest key", func(f fstest.MapFS) {
			f[dir+"versions.toml"] = &fstest.MapFile{Data: append(f[dir+"versions.toml"].Data, "colour = 1\n"...)}
		}, `unknown key "version.colour" in the manifest of released versions`},
		{"version recorded twice", func(f fstest.MapFS) {
			m := string(f[dir+"versions.toml"].Data)
			f[dir+"versions.toml"] = &fstest.MapFile{Data: []byte(m + m[strings.Index(m, "\n[[version]]"):])}
		}, "version 2026-02-01 is recorded twice"},
		{"editor leftovers are ignored", func(f fstest.MapFS) {
			f[dir+".2026-02-01.md.swp"] = &fstest.MapFile{Data: []byte("x")}
			f[dir+"2026-02-01.md~"] = &fstest.MapFile{Data: []byte("x")}
			f[dir+"notes.txt"] = &fstest.MapFile{Data: []byte("x")}
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := base(t)
			tt.edit(f)
			_, errs := load(t, f, "legal/p.md")
			if tt.want == "" && errs != "" || !strings.Contains(errs, tt.want) {
				t.Errorf("LoadFS errors:\n%s\nwant one containing\n%s", errs, tt.want)
			}
		})
	}
}

func TestManifestFormat(t *testing.T) {
	fsys := fstest.MapFS{"content/legal/p.md": {Data: []byte(policyV1)}}
	release(t, fsys, "legal/p.md", policyV1, "2026-02-01", "First version.", false)
	m := string(fsys["content/legal/_versions/p/versions.toml"].Data)
	sum, lines := Fingerprint(fsys["content/legal/_versions/p/2026-02-01.md"].Data)
	for _, want := range []string{
		"# The released versions of content/legal/p.md",
		"\n[[version]]\neffective = 2026-02-01\nreleased = 2026-01-01\nsha256 = \"" + sum + "\"\nlines = \"\"\"\n" + strings.Join(lines[:8], " ") + "\n",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("manifest:\n%s\nwant it to contain\n%s", m, want)
		}
	}
	parsed, errs := ParseManifest("versions.toml", []byte(m))
	if len(errs) > 0 || len(parsed.Records) != 1 || strings.Join(parsed.Records[0].Lines, " ") != strings.Join(lines, " ") || parsed.Records[0].Line != 8 {
		t.Errorf("ParseManifest = %+v, %v", parsed, errs)
	}
}

func TestOrphans(t *testing.T) {
	fsys := fstest.MapFS{"content/legal/p.md": {Data: []byte(policyV1)}, "content/legal/eu/terms.md": {Data: []byte(policyV1)}}
	release(t, fsys, "legal/p.md", policyV1, "2026-02-01", "First version.", false)
	release(t, fsys, "legal/eu/terms.md", policyV1, "2026-02-01", "First version.", false)
	if errs := Orphans(fsys, []string{"legal/p.md", "legal/eu/terms.md"}); len(errs) > 0 {
		t.Errorf("Orphans = %v, want none", errs)
	}
	want := "content/legal/_versions/eu/terms/versions.toml:1:1: the released versions of content/legal/eu/terms.md have no page: " +
		"restore the page (a released policy keeps its history), or move the folder with the renamed page"
	if errs := Orphans(fsys, []string{"legal/p.md"}); errs.Error() != want {
		t.Errorf("Orphans =\n%v\nwant\n%s", errs, want)
	}
	// A page outside legal/ whose name maps to the same folder is not
	// the released policy's page.
	if errs := Orphans(fsys, []string{"legal/p.md", "eu/terms.md"}); errs.Error() != want {
		t.Errorf("Orphans with eu/terms.md for legal/eu/terms.md =\n%v\nwant\n%s", errs, want)
	}
	if errs := Orphans(fstest.MapFS{}, nil); len(errs) > 0 {
		t.Errorf("Orphans of a site with no archive = %v", errs)
	}
}

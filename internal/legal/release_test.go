package legal

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

func TestReleaseRefusals(t *testing.T) {
	fsys := fstest.MapFS{"content/legal/p.md": {Data: []byte(policyV1)}}
	page := release(t, fsys, "legal/p.md", policyV1, "2026-02-01", "First version.", false)
	edited := strings.Replace(page, "30 days", "90 days", 1)
	tests := []struct {
		name, rel, src, effective, summary string
		fsys                               fstest.MapFS
		want                               string
	}{
		{"same text", "legal/p.md", page, "2026-03-01", "x", fsys,
			"the text of content/legal/p.md is the released version effective 2026-02-01: there is nothing to release"},
		{"same text, only the front matter changed", "legal/p.md", strings.Replace(page, "lastmod = 2026-01-01", "lastmod = 2026-02-02", 1), "2026-03-01", "x", fsys,
			"the text of content/legal/p.md is the released version effective 2026-02-01: there is nothing to release"},
		{"same date", "legal/p.md", edited, "2026-02-01", "x", fsys,
			"the effective date 2026-02-01 is not after 2026-02-01, the date of the latest released version of content/legal/p.md: a new version must take effect later"},
		{"earlier date", "legal/p.md", edited, "2025-12-31", "x", fsys,
			"the effective date 2025-12-31 is not after 2026-02-01"},
		{"not under legal/", "about.md", policyV1, "2026-03-01", "x", fsys,
			"content/about.md is not a legal page"},
		{"a section list", "legal/_index.md", policyV1, "2026-03-01", "x", fsys,
			"content/legal/_index.md is not a legal page"},
		{"an archived version", "legal/_versions/p/2026-02-01.md", page, "2026-03-01", "x", fsys,
			"content/legal/_versions/p/2026-02-01.md is not a legal page"},
		{"broken front matter", "legal/q.md", "+++\ntitle = \n+++\n", "2026-03-01", "x", fsys,
			"content/legal/q.md:2:9: "},
		{"broken front matter, the sentence", "legal/q.md", "+++\ntitle = \n+++\n", "2026-03-01", "x", fsys,
			"content/legal/q.md has errors: fix them, then release it"},
		{"a draft", "legal/q.md", "+++\ndraft = true\n+++\nText\n", "2026-03-01", "x", fsys,
			"content/legal/q.md is a draft: remove draft = true from its front matter, then release it"},
		{"no summary", "legal/p.md", edited, "2026-03-01", " ", fsys,
			"a release needs a summary of what changed (-summary)"},
		{"a broken archive", "legal/p.md", edited, "2026-03-01", "x", fstest.MapFS{
			"content/legal/p.md":                      {Data: []byte(edited)},
			"content/legal/_versions/p/versions.toml": fsys["content/legal/_versions/p/versions.toml"],
			"content/legal/_versions/p/2026-02-01.md": {Data: []byte(edited)},
		}, "released version 2026-02-01 was edited"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files, err := Release(tt.fsys, tt.rel, []byte(tt.src), ReleaseOptions{Effective: date(tt.effective), Summary: tt.summary})
			var r *Refusal
			if !errors.As(err, &r) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Release = %d files, %v; want a refusal containing %q", len(files), err, tt.want)
			}
		})
	}
}

func TestReleaseSequence(t *testing.T) {
	fsys := fstest.MapFS{"content/legal/p.md": {Data: []byte(policyV1)}}
	page := release(t, fsys, "legal/p.md", policyV1, "2026-02-01", "First version.", false)
	page = release(t, fsys, "legal/p.md", strings.Replace(page, "30 days", "90 days", 1), "2026-06-01", "Logs are kept for 90 days.", false)
	page = release(t, fsys, "legal/p.md", strings.Replace(page, "Write to us.", "Write to us at privacy@example.com.", 1), "2027-01-01", "A contact address.", true)
	if !strings.Contains(page, "effective = 2027-01-01\nchanges = \"A contact address.\"\neditorial = true\n") {
		t.Errorf("page front matter after an editorial release:\n%s", page)
	}
	page = release(t, fsys, "legal/p.md", strings.Replace(page, "90 days", "60 days", 1), "2027-02-01", "Logs are kept for 60 days.", false)
	if strings.Contains(page, "editorial") {
		t.Errorf("a material release keeps editorial:\n%s", page)
	}
	h, errs := load(t, fsys, "legal/p.md")
	if errs != "" || h.Unreleased != nil || len(h.Versions) != 4 {
		t.Fatalf("LoadFS: %d versions, errors %q, unreleased %v", len(h.Versions), errs, h.Unreleased)
	}
	var got []string
	for _, v := range h.Versions {
		s := v.Date() + " " + v.Changes
		if v.Editorial {
			s += " (editorial)"
		}
		got = append(got, s)
	}
	want := "2026-02-01 First version.|2026-06-01 Logs are kept for 90 days.|2027-01-01 A contact address. (editorial)|2027-02-01 Logs are kept for 60 days."
	if strings.Join(got, "|") != want {
		t.Errorf("versions = %q, want %q", strings.Join(got, "|"), want)
	}
	// Earlier versions keep their own text.
	if !strings.Contains(string(h.Versions[0].Body), "30 days") || !strings.Contains(string(h.Versions[1].Body), "90 days") {
		t.Error("archived versions do not keep their text")
	}
	// The manifest only grows: each release appends.
	m := string(fsys["content/legal/_versions/p/versions.toml"].Data)
	if n := strings.Count(m, "[[version]]"); n != 4+1 { // +1: the header's mention
		t.Errorf("manifest has %d [[version]], want 4:\n%s", n-1, m)
	}
}

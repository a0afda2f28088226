package legal

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
)

func feedFixture(t *testing.T) []FeedPage {
	t.Helper()
	h, _ := threeVersions(t)
	fsys := fstest.MapFS{"content/legal/terms.md": {Data: []byte(policyV1)}}
	release(t, fsys, "legal/terms.md", policyV1, "2026-06-01", "Terms & <conditions>.", false)
	terms, errs := load(t, fsys, "legal/terms.md")
	if errs != "" {
		t.Fatal(errs)
	}
	return []FeedPage{
		{URL: "/legal/p/", Title: "Test Policy", History: h},
		{URL: "/legal/terms/", Title: "Terms of Service", History: terms},
		{URL: "/legal/empty/", Title: "No versions", History: &History{}},
	}
}

func TestFeedRFC4287(t *testing.T) {
	pages := feedFixture(t)
	opt := FeedOptions{BaseURL: "https://certiron.io/", Title: "CERTIRON legal updates", Author: "CERTIRON", Language: "en", Date: date("2026-07-01")}
	out, err := Feed(pages, opt)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Feed(pages, opt)
	if !bytes.Equal(out, again) {
		t.Error("Feed is not deterministic")
	}
	wellFormed(t, out)

	f, err := (&atom.Parser{}).Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("atom.Parse: %v\n%s", err, out)
	}
	// atom:feed: exactly one id, title, updated (4.1.1), an author since
	// entries have none (4.2.1), a self link (should) and an alternate.
	if f.ID != "https://certiron.io/legal/feed.xml" || f.Title != "CERTIRON legal updates" || f.Language != "en" {
		t.Errorf("feed id %q title %q language %q", f.ID, f.Title, f.Language)
	}
	if f.UpdatedParsed == nil || f.Updated != "2026-01-01T00:00:00Z" {
		t.Errorf("feed updated = %q, want the latest release, 2026-01-01T00:00:00Z", f.Updated)
	}
	if len(f.Authors) != 1 || f.Authors[0].Name != "CERTIRON" {
		t.Errorf("feed authors = %+v", f.Authors)
	}
	links := map[string]string{}
	for _, l := range f.Links {
		links[l.Rel] = l.Href
	}
	if links["self"] != "https://certiron.io/legal/feed.xml" || links["alternate"] != "https://certiron.io/legal/" {
		t.Errorf("feed links = %v", links)
	}
	// atom:entry: id, title, updated, and (no content) a summary and an
	// alternate link (4.1.2); ids unique and absolute IRIs; newest first.
	var got []string
	ids := map[string]bool{}
	for _, e := range f.Entries {
		if e.ID == "" || e.Title == "" || e.UpdatedParsed == nil || e.Summary == "" {
			t.Errorf("entry lacks a required element: %+v", e)
		}
		if u, err := url.Parse(e.ID); err != nil || u.Scheme != "tag" {
			t.Errorf("entry id %q is not a tag: URI", e.ID)
		}
		if ids[e.ID] {
			t.Errorf("duplicate entry id %q", e.ID)
		}
		ids[e.ID] = true
		var alt, related string
		for _, l := range e.Links {
			if u, err := url.Parse(l.Href); err != nil || !u.IsAbs() {
				t.Errorf("entry link %q is not absolute", l.Href)
			}
			switch l.Rel {
			case "alternate":
				alt = l.Href
			case "related":
				related = l.Href
			}
		}
		got = append(got, e.ID+" | "+e.Title+" | "+e.Updated+" | "+e.Summary+" | "+alt+" | "+related)
	}
	want := []string{
		"tag:certiron.io,2026-09-01:/legal/p/2026-09-01/ | Test Policy: version effective 2026-09-01 | 2026-01-01T00:00:00Z | Logs are kept for 90 days. | https://certiron.io/legal/p/2026-09-01/ | https://certiron.io/legal/p/2026-09-01/changes/",
		"tag:certiron.io,2026-06-01:/legal/p/2026-06-01/ | Test Policy: editorial update effective 2026-06-01 | 2026-01-01T00:00:00Z | A typo. | https://certiron.io/legal/p/2026-06-01/ | https://certiron.io/legal/p/2026-06-01/changes/",
		"tag:certiron.io,2026-06-01:/legal/terms/2026-06-01/ | Terms of Service: version effective 2026-06-01 | 2026-01-01T00:00:00Z | Terms & <conditions>. | https://certiron.io/legal/terms/2026-06-01/ | ",
		"tag:certiron.io,2026-02-01:/legal/p/2026-02-01/ | Test Policy: version effective 2026-02-01 | 2026-01-01T00:00:00Z | First version. | https://certiron.io/legal/p/2026-02-01/ | ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("entries:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Any feed reader reads it as Atom 1.0.
	g, err := gofeed.NewParser().Parse(bytes.NewReader(out))
	if err != nil || g.FeedType != "atom" || len(g.Items) != 4 {
		t.Errorf("gofeed.Parse = %v, %v", g, err)
	}
}

func TestFeedBaseURL(t *testing.T) {
	pages := feedFixture(t)[:1]
	out, err := Feed(pages, FeedOptions{BaseURL: "https://example.github.io/site/", Title: "T"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`href="https://example.github.io/site/legal/feed.xml"`,
		`href="https://example.github.io/site/legal/p/2026-09-01/"`,
		`<id>tag:example.github.io,2026-09-01:/site/legal/p/2026-09-01/</id>`,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("feed lacks %s:\n%s", want, out)
		}
	}
	for _, bad := range []string{"", "/legal/", "certiron.io"} {
		if _, err := Feed(pages, FeedOptions{BaseURL: bad}); err == nil {
			t.Errorf("Feed(baseURL %q) succeeded, want an error", bad)
		}
	}
}

func TestFeedEmpty(t *testing.T) {
	out, err := Feed(nil, FeedOptions{BaseURL: "https://certiron.io/", Title: "T", Date: time.Date(2026, 7, 1, 15, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	f, err := (&atom.Parser{}).Parse(bytes.NewReader(out))
	if err != nil || f.Updated != "2026-07-01T00:00:00Z" || len(f.Entries) != 0 || f.ID == "" {
		t.Errorf("empty feed = %+v, %v", f, err)
	}
}

func wellFormed(t *testing.T, b []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, b)
		}
	}
}

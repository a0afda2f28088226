package legal_test

import (
	"fmt"
	"testing/fstest"
	"time"

	"github.com/certiron/certiron-site/internal/legal"
)

// A page released twice, as the site builder sees it on a build date.
func ExampleHistory_At() {
	page := []byte("+++\ntitle = \"Terms\"\n+++\n\nWe keep logs for 30 days.\n")
	site := fstest.MapFS{"content/legal/terms.md": {Data: page}}
	release := func(src []byte, effective, summary string) []byte {
		day, _ := time.Parse(legal.DateFormat, effective)
		files, err := legal.Release(site, "legal/terms.md", src, legal.ReleaseOptions{Effective: day, Summary: summary})
		if err != nil {
			panic(err)
		}
		for _, f := range files {
			site[f.Path] = &fstest.MapFile{Data: f.Data}
		}
		return files[len(files)-1].Data // the page, its front matter updated
	}
	page = release(page, "2026-01-01", "First terms.")
	page = release([]byte(string(page)+"\nOr less.\n"), "2026-09-01", "Logs may be kept for less.")

	h, errs := legal.LoadFS(site, "legal/terms.md", page)
	if len(errs) > 0 || h.Unreleased != nil {
		panic(errs)
	}
	tl := h.At(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), "/legal/terms/")
	fmt.Println("in force:", tl.Current.Date(), tl.Current.Changes)
	for _, e := range tl.Upcoming {
		fmt.Println("upcoming:", e.Date(), e.URL, e.ChangesURL)
	}
	fmt.Println("notice:", tl.Notice.Value)
	// Output:
	// in force: 2026-01-01 First terms.
	// upcoming: 2026-09-01 /legal/terms/2026-09-01/ /legal/terms/2026-09-01/changes/
	// notice: 2026-01-01
}

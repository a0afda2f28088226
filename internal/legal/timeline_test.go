package legal

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// threeVersions is a page released three times: 2026-02-01, 2026-06-01
// (editorial) and 2026-09-01.
func threeVersions(t *testing.T) (*History, fstest.MapFS) {
	t.Helper()
	fsys := fstest.MapFS{"content/legal/p.md": {Data: []byte(policyV1)}}
	page := release(t, fsys, "legal/p.md", policyV1, "2026-02-01", "First version.", false)
	page = release(t, fsys, "legal/p.md", strings.Replace(page, "Write to us.", "Write to us!", 1), "2026-06-01", "A typo.", true)
	release(t, fsys, "legal/p.md", strings.Replace(page, "30 days", "90 days", 1), "2026-09-01", "Logs are kept for 90 days.", false)
	h, errs := load(t, fsys, "legal/p.md")
	if errs != "" {
		t.Fatal(errs)
	}
	return h, fsys
}

// describe prints a timeline in one line per fact, for comparison.
func describe(tl *Timeline) string {
	var b strings.Builder
	cur := "none"
	if tl.Current != nil {
		cur = tl.Current.Date()
	}
	fmt.Fprintf(&b, "date %s current %s\n", tl.Date.Format(DateFormat), cur)
	for _, e := range tl.Entries {
		fmt.Fprintf(&b, "%s %s", e.Date(), e.Status)
		if !e.Until.IsZero() {
			fmt.Fprintf(&b, " until %s", e.Until.Format(DateFormat))
		}
		prev := "-"
		if e.Previous != nil {
			prev = e.Previous.Date()
		}
		fmt.Fprintf(&b, " prev %s %s %s\n", prev, e.URL, e.ChangesURL)
	}
	var past, up []string
	for _, e := range tl.Past {
		past = append(past, e.Date())
	}
	for _, e := range tl.Upcoming {
		up = append(up, e.Date())
	}
	fmt.Fprintf(&b, "past [%s] upcoming [%s]\n", strings.Join(past, " "), strings.Join(up, " "))
	fmt.Fprintf(&b, "notice %q %s %s\n", tl.Notice.Value, tl.Notice.URL, tl.Notice.ChangesURL)
	return b.String()
}

func TestTimeline(t *testing.T) {
	h, _ := threeVersions(t)
	tests := []struct{ date, want string }{
		{"2026-01-15", `date 2026-01-15 current none
2026-09-01 upcoming prev 2026-06-01 /legal/p/2026-09-01/ /legal/p/2026-09-01/changes/
2026-06-01 upcoming prev 2026-02-01 /legal/p/2026-06-01/ /legal/p/2026-06-01/changes/
2026-02-01 upcoming prev - /legal/p/2026-02-01/ 
past [] upcoming [2026-02-01 2026-06-01 2026-09-01]
notice "" /legal/p/ 
`},
		{"2026-07-01", `date 2026-07-01 current 2026-06-01
2026-09-01 upcoming prev 2026-06-01 /legal/p/2026-09-01/ /legal/p/2026-09-01/changes/
2026-06-01 current prev 2026-02-01 /legal/p/2026-06-01/ /legal/p/2026-06-01/changes/
2026-02-01 past until 2026-06-01 prev - /legal/p/2026-02-01/ 
past [2026-02-01] upcoming [2026-09-01]
notice "2026-02-01" /legal/p/2026-02-01/ 
`},
		{"2026-09-01", `date 2026-09-01 current 2026-09-01
2026-09-01 current prev 2026-06-01 /legal/p/2026-09-01/ /legal/p/2026-09-01/changes/
2026-06-01 past until 2026-09-01 prev 2026-02-01 /legal/p/2026-06-01/ /legal/p/2026-06-01/changes/
2026-02-01 past until 2026-06-01 prev - /legal/p/2026-02-01/ 
past [2026-06-01 2026-02-01] upcoming []
notice "2026-09-01" /legal/p/2026-09-01/ /legal/p/2026-09-01/changes/
`},
	}
	for _, tt := range tests {
		got := describe(h.At(date(tt.date), "/legal/p/"))
		if got != tt.want {
			t.Errorf("At(%s) =\n%s\nwant\n%s", tt.date, got, tt.want)
		}
	}
	// A time of day on the build date does not matter: dates are days.
	if got, want := describe(h.At(date("2026-09-01").Add(23*60*60e9), "/legal/p/")), tests[2].want; got != want {
		t.Errorf("At(2026-09-01T23:00) =\n%s\nwant\n%s", got, want)
	}
}

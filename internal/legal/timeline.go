package legal

import "time"

// Status says how a version stands on a build date.
type Status string

// The statuses of a version on a date.
const (
	Past     Status = "past"     // replaced by a later version in force
	Current  Status = "current"  // in force
	Upcoming Status = "upcoming" // takes effect after the date
)

// Entry is a version as published for a build date.
type Entry struct {
	*Version
	Status Status
	// Until is, for a past version, the effective date of the version that
	// replaced it: it applied from Effective until (not including) Until.
	Until time.Time
	// Previous is the version before it (nil for the first), which its
	// redline compares it with.
	Previous *Version
	// URL is the version's own page, e.g. "/legal/cookie-policy/2026-11-28/";
	// ChangesURL its redline, URL+"changes/", or "" for the first version,
	// which has nothing to compare with.
	URL        string
	ChangesURL string
}

// Timeline is a page's history as published on one build date.
type Timeline struct {
	// Date is the build date (midnight UTC).
	Date time.Time
	// Current is the version in force: the latest with Effective <= Date;
	// nil when there is none (no version, or all take effect later).
	Current *Entry
	// Past are the versions Current replaced, newest first; Upcoming those
	// that take effect after Date, soonest first.
	Past     []*Entry
	Upcoming []*Entry
	// Entries are all versions, newest first, for a history table.
	Entries []*Entry
	// Notice is what the banner asks visitors to acknowledge.
	Notice Notice
}

// Notice is the banner's stored value for a policy on a build date: the
// latest material (non-editorial) version in force, so that visitors see
// the notice again when the policy's meaning changes, not for a typo fix.
type Notice struct {
	// Value is the version's effective date as "2006-01-02", the value
	// the banner stores. For a page with no versions it is the page's
	// effective or lastmod date; it is "" when the page has no date, or
	// when every released version takes effect after the build date.
	Value string
	Date  time.Time
	// URL is the version's page (the page's URL for a page with no
	// versions); ChangesURL its redline, "" for a first version or a page
	// with no versions.
	URL        string
	ChangesURL string
}

// At returns the page's history as published on the build date d, for the
// page published at pageURL (e.g. "/legal/cookie-policy/"). A page with no
// versions has no entries and its notice is its Fallback date.
func (h *History) At(d time.Time, pageURL string) *Timeline {
	d = Day(d)
	t := &Timeline{Date: d}
	entries := make([]*Entry, len(h.Versions))
	cur := -1
	for i, v := range h.Versions {
		e := &Entry{Version: v, Status: Upcoming, URL: VersionURL(pageURL, v.Effective)}
		if i > 0 {
			e.Previous = h.Versions[i-1]
			e.ChangesURL = ChangesURL(pageURL, v.Effective)
		}
		if !v.Effective.After(d) {
			cur = i
		}
		entries[i] = e
	}
	for i, e := range entries {
		switch {
		case i < cur:
			e.Status, e.Until = Past, h.Versions[i+1].Effective
		case i == cur:
			e.Status, t.Current = Current, e
		}
	}
	for i := len(entries) - 1; i >= 0; i-- {
		t.Entries = append(t.Entries, entries[i])
		if i < cur {
			t.Past = append(t.Past, entries[i])
		}
	}
	if cur+1 < len(entries) {
		t.Upcoming = entries[cur+1:]
	}
	t.Notice = Notice{URL: pageURL}
	if len(h.Versions) == 0 && !h.Fallback.IsZero() {
		t.Notice.Date, t.Notice.Value = h.Fallback, h.Fallback.Format(DateFormat)
	}
	for i := cur; i >= 0; i-- {
		if e := entries[i]; !e.Editorial || i == 0 {
			t.Notice = Notice{Value: e.Date(), Date: e.Effective, URL: e.URL, ChangesURL: e.ChangesURL}
			break
		}
	}
	return t
}

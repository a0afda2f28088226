package e2e

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/certiron/certiron-site/internal/corpus"
	"github.com/certiron/certiron-site/internal/legal"
	"github.com/certiron/certiron-site/internal/output"
	"github.com/certiron/certiron-site/internal/server"
	"github.com/certiron/certiron-site/internal/site"
)

// releasingSite is a copy of the real site whose Cookie Policy the test
// releases again, built on a fixed date and served at one origin, so a
// visitor's storage carries over from one release to the next.
type releasingSite struct {
	t    *testing.T
	root string
	set  atomic.Pointer[output.Set]
	URL  string
}

func newReleasingSite(t *testing.T) *releasingSite {
	t.Helper()
	rs := &releasingSite{t: t, root: t.TempDir()}
	for _, p := range []string{"config.toml", "content", "themes"} {
		if err := corpus.CopyDir(filepath.Join(repoRoot, p), filepath.Join(rs.root, p)); err != nil {
			t.Fatal(err)
		}
	}
	rs.build()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		server.Static(rs.set.Load()).ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	rs.URL = srv.URL
	return rs
}

// release records the policy's text plus an added sentence as a version.
func (rs *releasingSite) release(sentence, effective string, editorial bool) {
	rs.t.Helper()
	page := filepath.Join(rs.root, "content/legal/cookie-policy.md")
	src, err := os.ReadFile(page)
	if err != nil {
		rs.t.Fatal(err)
	}
	src = append(src, "\n"+sentence+"\n"...)
	day, _ := time.Parse(legal.DateFormat, effective)
	files, err := legal.Release(os.DirFS(rs.root), "legal/cookie-policy.md", src, legal.ReleaseOptions{Effective: day, Summary: sentence, Editorial: editorial, Released: day})
	if err != nil {
		rs.t.Fatal(err)
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(rs.root, filepath.FromSlash(f.Path)), f.Data, 0o644); err != nil {
			rs.t.Fatal(err)
		}
	}
	rs.build()
}

func (rs *releasingSite) build() {
	rs.t.Helper()
	res := site.Build(site.Options{Root: rs.root, Date: time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)})
	if len(res.Errors) > 0 {
		rs.t.Fatal(res.Errors)
	}
	rs.set.Store(res.Files)
}

// TestBannerAfterRelease: a visitor who acknowledged the policy sees the
// notice again after a material release, told what changed with a link
// to the changes, and never after an editorial one.
func TestBannerAfterRelease(t *testing.T) {
	rs := newReleasingSite(t)
	tb := newTab(t)
	tb.addScript(probe)
	tb.do(chromedp.Navigate(rs.URL + "/"))
	if !tb.bannerShown() || eval[bool](tb, `getComputedStyle(document.querySelector('#cookie-notice .notice-changed') || document.body).display !== 'none' && !!document.querySelector('#cookie-notice .notice-changed')`) {
		t.Fatal("first visit: the usual notice is not shown")
	}
	tb.clickGotIt()

	rs.release("We may also store your preferred language.", "2027-01-15", false)
	tb.do(chromedp.Navigate(rs.URL + "/"))
	if !tb.bannerShown() {
		t.Fatal("after a material release: the notice is not shown again")
	}
	changed := eval[string](tb, `(() => { const p = document.querySelector('#cookie-notice .notice-changed'); return p && getComputedStyle(p).display !== 'none' ? p.textContent + ' ' + p.querySelector('a').getAttribute('href') : ''; })()`)
	if changed != "Our Cookie Policy changed on January 15, 2027. See what changed /legal/cookie-policy/2027-01-15/changes/" {
		t.Errorf("after a material release the notice says %q", changed)
	}
	if eval[bool](tb, `getComputedStyle(document.querySelector('#cookie-notice .notice-changed + p')).display !== 'none'`) {
		t.Error("the usual text shows beside the change notice")
	}
	status := eval[int](tb, `(() => { const x = new XMLHttpRequest(); x.open('GET', '/legal/cookie-policy/2027-01-15/changes/', false); x.send(); return x.status; })()`)
	if status != 200 {
		t.Errorf("the changes page answers %d", status)
	}
	tb.clickGotIt()
	tb.do(chromedp.Reload())
	if eval[bool](tb, `window.__drawn`) {
		t.Error("after Got it on the new version, the notice is drawn again")
	}

	rs.release("We may also store your preferred languages.", "2027-02-01", true)
	tb.do(chromedp.Navigate(rs.URL + "/"))
	if eval[bool](tb, `window.__drawn`) {
		t.Error("after an editorial release, the notice is drawn again")
	}
	if got := eval[string](tb, `localStorage.getItem('certiron.cookies_ack')`); got != "2027-01-15" {
		t.Errorf("stored value = %q, want the material version's date", got)
	}
	tb.clean(rs.URL)
}

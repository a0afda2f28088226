package check

import (
	"github.com/certiron/certiron-site/internal/csp"

	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/output"
)

var update = flag.Bool("update", false, "rewrite golden files")

// policyPage is the cookie policy every fixture gets unless it has its own.
const policyPage = `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'self'"><title>Cookie Policy</title></head>` +
	`<body><main><h1 id="cookie-policy">Cookie Policy</h1><h2 id="changes">Changes</h2><p>We store a flag in localStorage (key: certiron.cookies_ack).</p></main></body></html>`

// TestFixtures audits every testdata/*.txtar (a built site: its files,
// plus an optional "allow" file of "origin reason" lines) and compares the
// report with NAME.golden.
func TestFixtures(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, set, opt := fixture(t, file)
			got := reportText(Run(set, opt))
			golden := strings.TrimSuffix(file, ".txtar") + ".golden"
			// A golden written by hand says what the audit must find and
			// does not find yet: -update leaves it alone.
			if *update && !bytes.Contains(ar.Comment, []byte("The golden is written by hand")) {
				if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("Run(%s) =\n%s\nwant\n%s", file, got.Bytes(), want)
			}
			testSnapshot(t, set, opt, got.String())
		})
	}
}

// fixture reads a testdata/*.txtar site and its audit options.
func fixture(t *testing.T, file string) (*txtar.Archive, *output.Set, Options) {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	set := output.NewSet()
	set.Add(&output.File{Path: "legal/cookie-policy/index.html", Data: []byte(policyPage)})
	opt := Options{SiteOrigin: "https://certiron.io", PolicyPath: "legal/cookie-policy/index.html", PolicySource: "content/legal/cookie-policy.md", OutputPrefix: "public/"}
	for _, f := range ar.Files {
		if f.Name == "allow" {
			for _, l := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
				origin, reason, _ := strings.Cut(l, " ")
				opt.AllowOrigins = append(opt.AllowOrigins, Allow{origin, reason})
			}
			continue
		}
		set.Add(&output.File{Path: f.Name, Data: f.Data})
	}
	return ar, set, opt
}

// reportText is a report as its golden file holds it.
func reportText(rep *Report) *bytes.Buffer {
	var got bytes.Buffer
	for _, e := range rep.Errors {
		fmt.Fprintln(&got, e)
	}
	for _, a := range rep.Allowed {
		fmt.Fprintf(&got, "allowed: %s: %s (%s)\n", a.Pos, a.Origin, a.Reason)
	}
	return &got
}

// testSnapshot: an Auditor given the Snapshot of an audit of set (as a
// later build is, through the disk cache) reports exactly want, the
// fresh audit's report, without reading a file again, even though no
// byte slice is shared; under other settings it reads every file; a
// damaged snapshot is refused.
func testSnapshot(t *testing.T, set *output.Set, opt Options, want string) {
	t.Helper()
	first := &Auditor{Persist: true}
	first.Run(set, opt)
	snap, err := first.Snapshot().MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	copied := output.NewSet()
	for _, f := range set.Files() {
		copied.Add(&output.File{Path: f.Path, Data: bytes.Clone(f.Data)})
	}
	var later Auditor
	if err := later.Load(snap); err != nil {
		t.Fatalf("Load: %v", err)
	}
	rep := later.Run(copied, opt)
	if got := reportText(rep).String(); got != want || rep.Scanned != 0 {
		t.Errorf("from the snapshot, %d files read again, report\n%s\nwant none read and\n%s", rep.Scanned, got, want)
	}
	// Nothing changed, so every file's answers stand: no file's links
	// or ids were decoded.
	for p, c := range later.files {
		if c.facts != nil && (c.facts.rest == nil || c.facts.rest.b == nil) {
			t.Errorf("from the snapshot, %s had its links and ids decoded (rest %v), with every answer standing", p, c.facts.rest)
		}
	}
	// The snapshot of an audit from a snapshot is the same.
	if again, err := later.Snapshot().MarshalBinary(); err != nil || !bytes.Equal(again, snap) {
		t.Errorf("the snapshot of an audit from the snapshot differs (%v)", err)
	}
	other := opt
	other.SiteOrigin = "https://other.example"
	var elsewhere Auditor
	elsewhere.Load(snap)
	if rep := elsewhere.Run(copied, other); rep.Scanned != copied.Len() {
		t.Errorf("under another origin, %d of %d files read", rep.Scanned, copied.Len())
	}
	for _, n := range []int{0, 1, len(snap) / 2, len(snap) - 1} {
		var damaged Auditor
		if damaged.Load(snap[:n]) == nil {
			t.Errorf("a snapshot cut to %d of %d bytes was loaded", n, len(snap))
		}
		if rep := damaged.Run(copied, opt); rep.Scanned != copied.Len() {
			t.Errorf("after a damaged snapshot, %d of %d files read", rep.Scanned, copied.Len())
		}
	}
}

func TestClassify(t *testing.T) {
	const site = "https://certiron.io"
	tests := []struct {
		raw    string
		kind   Kind
		origin string
	}{
		{"", Empty, ""},
		{"#top", Fragment, ""},
		{"/legal/", Internal, ""},
		{"../x.png", Internal, ""},
		{"x.png?v=1#a", Internal, ""},
		{"https://certiron.io/legal/", Internal, ""},
		{"HTTPS://CERTIRON.IO/x", Internal, ""},
		{"//certiron.io/x", Internal, ""},
		{"https://dashboard.certiron.io/", External, "https://dashboard.certiron.io"},
		{"HTTPS://Evil.Example/x.js", External, "https://evil.example"},
		{"//cdn.example.com/a.js", External, "//cdn.example.com"},
		{"/\\evil.example/a.png", External, "//evil.example"},
		{"\\\\evil.example/a.png", External, "//evil.example"},
		{" \t//evil.example/a.png", External, "//evil.example"},
		{"http://127.0.0.1:8080/x", External, "http://127.0.0.1:8080"},
		{"ftp://files.example/x", External, "ftp://files.example"},
		{"data:image/png;base64,AAAA", Data, ""},
		{"DATA:text/html,<b>", Data, ""},
		{"javascript:alert(1)", JavaScript, ""},
		{"JaVaScRiPt:alert(1)", JavaScript, ""},
		{"java\tscript:alert(1)", JavaScript, ""},
		{"mailto:privacy@certiron.io", NoFetch, ""},
		{"tel:+1555", NoFetch, ""},
		{"https://", Invalid, ""},
		{"http://[::1", Invalid, ""},
	}
	for _, tt := range tests {
		kind, origin, _ := Classify(tt.raw, site)
		if kind != tt.kind || origin != tt.origin {
			t.Errorf("Classify(%q) = %v %q, want %v %q", tt.raw, kind, origin, tt.kind, tt.origin)
		}
	}
}

func FuzzClassify(f *testing.F) {
	for _, s := range []string{"/a", "//x.com/a", "https://certiron.io/", "javascript:x", "data:,x", "/\\x", "HTTP://X", "#a", "mailto:a", "%2f%2fx", "http://[::1]:80/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		kind, origin, err := Classify(raw, "https://certiron.io")
		if kind == External && origin == "" {
			t.Fatalf("Classify(%q) = external with no origin", raw)
		}
		if kind == External && strings.EqualFold(host(origin), "certiron.io") && strings.HasPrefix(strings.ToLower(origin), "https://") {
			t.Fatalf("Classify(%q) = the site's own origin as external", raw)
		}
		if kind == Invalid && err == nil {
			t.Fatalf("Classify(%q) = invalid without an error", raw)
		}
		if kind == Internal {
			// An internal URL must never name another host, however written.
			norm := strings.NewReplacer("\\", "/", "\t", "", "\n", "", "\r", "").Replace(strings.TrimSpace(raw))
			if strings.HasPrefix(norm, "//") && !strings.HasPrefix(strings.ToLower(norm), "//certiron.io") {
				t.Fatalf("Classify(%q) = internal, but it names another host", raw)
			}
		}
	})
}

// FuzzRun audits random pages: it must never panic.
func FuzzRun(f *testing.F) {
	for _, s := range []string{
		`<img src="//x.com/a.png"><a href="#nope">x</a>`,
		`<script>localStorage.setItem(k+"x",1);document.cookie="a"</script>`,
		`<style>@import "https://x.com/a.css";p{background:url(/a.png)}</style>`,
		`<div style="background:url(https://x.com/p.gif)" onclick="x()">`,
		`<meta http-equiv="refresh" content="0; url=https://x.com">`,
		`<script>/re/.test(a)/b</script>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, page string) {
		set := output.NewSet()
		set.Add(&output.File{Path: "index.html", Data: []byte(page)})
		set.Add(&output.File{Path: "a.css", Data: []byte(page)})
		set.Add(&output.File{Path: "a.js", Data: []byte(page)})
		rep := Run(set, Options{SiteOrigin: "https://certiron.io", PolicyPath: "index.html"})
		for _, e := range rep.Errors {
			if e.Rule == "" || e.Pos.File == "" {
				t.Fatalf("finding without rule or file: %v", e)
			}
		}
	})
}

func BenchmarkRun(b *testing.B) {
	set, opt := benchSet(1000)
	b.ReportAllocs()
	for b.Loop() {
		if rep := Run(set, opt); len(rep.Errors) > 0 {
			b.Fatal(rep.Errors[0])
		}
	}
}

// BenchmarkLoad measures reading a 1,000-page site's snapshot, as a
// warm build does before its audit.
func BenchmarkLoad(b *testing.B) {
	set, opt := benchSet(1000)
	au := &Auditor{Persist: true}
	au.Run(set, opt)
	snap, err := au.Snapshot().MarshalBinary()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(snap)))
	for b.Loop() {
		if err := (&Auditor{}).Load(snap); err != nil {
			b.Fatal(err)
		}
	}
}

// benchSet is an n-page site whose pages link to each other.
func benchSet(n int) (*output.Set, Options) {
	set := output.NewSet()
	for i := range n {
		page := fmt.Sprintf(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' %s"><link rel="stylesheet" href="/css/site.css"><script>(function(c){c.add("js");try{localStorage.getItem("certiron.cookies_ack")==="1"&&c.add("ack")}catch(e){}})(document.documentElement.classList)</script></head><body><main>`,
			csp.Hash([]byte(`(function(c){c.add("js");try{localStorage.getItem("certiron.cookies_ack")==="1"&&c.add("ack")}catch(e){}})(document.documentElement.classList)`)))
		for j := range 25 {
			page += fmt.Sprintf(`<p>Some text with <a href="/p/%d/#h-2">a link</a>, <a href="https://example.com/x">an external one</a> and <code>code</code>.</p><h2 id="h-%d">Heading</h2>`, (i+j)%n, j)
		}
		page += `</main></body></html>`
		set.Add(&output.File{Path: fmt.Sprintf("p/%d/index.html", i), Data: []byte(page)})
	}
	set.Add(&output.File{Path: "css/site.css", Data: []byte("body{margin:0}")})
	set.Add(&output.File{Path: "legal/cookie-policy/index.html", Data: []byte(policyPage)})
	return set, Options{SiteOrigin: "https://certiron.io", PolicyPath: "legal/cookie-policy/index.html"}
}

// TestAuditorReuse audits a site, changes one page, and expects the
// reusing Auditor to report exactly what a fresh audit reports.
func TestAuditorReuse(t *testing.T) {
	page := func(body string) []byte {
		return []byte(`<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'self'"></head><body>` + body + `</body></html>`)
	}
	set := output.NewSet()
	set.Add(&output.File{Path: "index.html", Data: page(`<a href="/a/#x">a</a>`)})
	set.Add(&output.File{Path: "a/index.html", Data: page(`<h2 id="x">X</h2>`)})
	opt := Options{SiteOrigin: "https://certiron.io"}
	var au Auditor
	if rep := au.Run(set, opt); len(rep.Errors) != 0 {
		t.Fatalf("first run: %v", rep.Errors)
	}
	// The target loses its anchor; the unchanged linking page is reused
	// but its link is checked again.
	next := edit(set, &output.File{Path: "a/index.html", Data: page(`<h2 id="y">Y</h2><img src="https://x.example/p.gif">`)})
	got, want := au.Run(next, opt).Errors.Error(), Run(next, opt).Errors.Error()
	if got != want || !strings.Contains(got, `there is no id="x"`) || !strings.Contains(got, "x.example") {
		t.Errorf("reusing audit =\n%s\nfresh audit =\n%s", got, want)
	}
	if again := au.Run(next, opt).Errors.Error(); again != want {
		t.Errorf("third run =\n%s\nwant\n%s", again, want)
	}
	// A link to a page that appears later is fixed without its own page
	// changing; one to a page that goes away breaks.
	next = edit(next, &output.File{Path: "index.html", Data: page(`<a href="/b/">b</a><a href="/a/">a</a>`)})
	au.Run(next, opt)
	fixed := edit(next, &output.File{Path: "b/index.html", Data: page(`B`)}, &output.File{Path: "a/index.html"})
	got, want = au.Run(fixed, opt).Errors.Error(), Run(fixed, opt).Errors.Error()
	if got != want || strings.Contains(got, "/b/") || !strings.Contains(got, "/a/ does not exist") {
		t.Errorf("after adding /b/ and removing /a/: reusing audit =\n%s\nfresh audit =\n%s", got, want)
	}
}

// edit returns a copy of s with the files given put in (replacing those
// at their paths); a file without data removes its path.
func edit(s *output.Set, files ...*output.File) *output.Set {
	by := map[string]*output.File{}
	for _, f := range s.Files() {
		by[f.Path] = f
	}
	for _, f := range files {
		if f.Data == nil {
			delete(by, f.Path)
		} else {
			by[f.Path] = f
		}
	}
	out := output.NewSet()
	for _, f := range by {
		out.Add(f)
	}
	return out
}

// TestSnapshotReuse: TestAuditorReuse's steps, each in a new Auditor
// given the last one's Snapshot (a build after the last, in a new
// process): the report is a fresh audit's every time, and a file whose
// links depend on nothing that changed is not checked again.
func TestSnapshotReuse(t *testing.T) {
	page := func(body string) []byte {
		return []byte(`<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'self'"></head><body>` + body + `</body></html>`)
	}
	opt := Options{SiteOrigin: "https://certiron.io"}
	var snap []byte
	step := func(what string, s *output.Set) *Report {
		t.Helper()
		au := &Auditor{Persist: true}
		if snap != nil {
			if err := au.Load(snap); err != nil {
				t.Fatal(err)
			}
		}
		rep := au.Run(s, opt)
		if got, want := rep.Errors.Error(), Run(s, opt).Errors.Error(); got != want {
			t.Errorf("%s: from the snapshot\n%s\nfresh\n%s", what, got, want)
		}
		var err error
		if snap, err = au.Snapshot().MarshalBinary(); err != nil {
			t.Fatal(err)
		}
		return rep
	}
	set := output.NewSet()
	set.Add(&output.File{Path: "index.html", Data: page(`<a href="/a/#x">a</a>`)})
	set.Add(&output.File{Path: "a/index.html", Data: page(`<h2 id="x">X</h2>`)})
	if rep := step("first", set); len(rep.Errors) != 0 {
		t.Fatalf("first: %v", rep.Errors)
	}
	next := edit(set, &output.File{Path: "a/index.html", Data: page(`<h2 id="y">Y</h2>`)})
	// The target is read again; its own links and the page's linking to
	// it are checked again.
	if rep := step("target lost its anchor", next); rep.Scanned != 1 || rep.Rechecked != 2 || !strings.Contains(rep.Errors.Error(), `there is no id="x"`) {
		t.Errorf("target lost its anchor: %d read, %d rechecked (want 1 and 2), %v", rep.Scanned, rep.Rechecked, rep.Errors)
	}
	if rep := step("nothing changed", next); rep.Scanned != 0 || rep.Rechecked != 0 {
		t.Errorf("nothing changed: %d files read again, %d rechecked", rep.Scanned, rep.Rechecked)
	}
	next = edit(next, &output.File{Path: "index.html", Data: page(`<a href="/b/">b</a><a href="/a/">a</a>`)})
	step("the links changed", next)
	fixed := edit(next, &output.File{Path: "b/index.html", Data: page(`B`)}, &output.File{Path: "a/index.html"})
	if rep := step("/b/ added, /a/ removed", fixed); strings.Contains(rep.Errors.Error(), "/b/") || !strings.Contains(rep.Errors.Error(), "/a/ does not exist") {
		t.Errorf("after adding /b/ and removing /a/: %v", rep.Errors)
	}
}

// TestHostPolicyJudgedEachRun: a page without a <meta> policy is judged
// against the host's _headers at every audit, so a page reused from the
// last audit is judged against the _headers of this one, as a fresh
// audit judges it.
func TestHostPolicyJudgedEachRun(t *testing.T) {
	script := `<script>go()</script>`
	page := []byte(`<!doctype html><html><head><title>x</title></head><body>` + script + `</body></html>`)
	headers := func(policy string) *output.File {
		return &output.File{Path: "_headers", Data: []byte("/*\n  Content-Security-Policy: " + policy + "\n")}
	}
	hash := csp.Hash([]byte("go()"))
	allows := headers("default-src 'self'; script-src " + hash + "; style-src 'self'")
	lacks := headers("default-src 'self'; script-src 'self'; style-src 'self'")
	set := output.NewSet()
	set.Add(&output.File{Path: "index.html", Data: page})
	set.Add(allows)
	opt := Options{SiteOrigin: "https://certiron.io"}
	var au Auditor
	if rep := au.Run(set, opt); len(rep.Errors) != 0 {
		t.Fatalf("with the hash in _headers: %v", rep.Errors)
	}
	next := edit(set, lacks)
	got, want := au.Run(next, opt).Errors.Error(), Run(next, opt).Errors.Error()
	if got != want || !strings.Contains(got, "script-src lacks "+hash) {
		t.Errorf("after _headers lost the hash: reusing audit =\n%s\nfresh audit =\n%s", got, want)
	}
	// Only _headers itself is read again: the page's facts stand.
	if rep := au.Run(edit(next, allows), opt); len(rep.Errors) != 0 || rep.Scanned != 1 {
		t.Errorf("with the hash back: %d files scanned, want 1; %v", rep.Scanned, rep.Errors)
	}
}

// TestPrepare: facts made by Prepare while a file's bytes were held
// stand for it in the next Run, which then need not read it; they are
// not taken for other bytes at that path, nor under other settings.
func TestPrepare(t *testing.T) {
	page := func(body string) []byte {
		return []byte(`<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'self'"></head><body>` + body + `</body></html>`)
	}
	data := page(`<a href="/nowhere/">x</a><img src="https://x.example/p.gif">`)
	// Findings are placed without the page's bytes, as a build places
	// them (through its marks).
	locate := func(_ string, _ func() ([]byte, error), off int) (diag.Pos, bool) {
		return diag.Pos{File: "x.md", Line: off}, true
	}
	opt := Options{SiteOrigin: "https://certiron.io", Locate: locate}
	want := Run(func() *output.Set {
		s := output.NewSet()
		s.Add(&output.File{Path: "index.html", Data: data})
		return s
	}(), opt).Errors.Error()
	var au Auditor
	reads := 0
	standIn := func(data []byte) *output.File {
		return output.Lazy("index.html", len(data), sha256.Sum256(data), func() ([]byte, error) { reads++; return data, nil })
	}
	au.Prepare(&output.File{Path: "index.html", Data: data}, opt)
	set := output.NewSet()
	set.Add(standIn(data))
	rep := au.Run(set, opt)
	if reads != 0 || rep.Scanned != 1 || rep.Errors.Error() != want || len(rep.Errors) != 2 {
		t.Errorf("a prepared file: %d reads, %d scanned, errors\n%v\nwant\n%s", reads, rep.Scanned, rep.Errors, want)
	}
	for _, tt := range []struct {
		name     string
		prepared []byte
		opt      Options
	}{
		{"other bytes", page(`fine`), opt},
		{"another origin allowed", data, Options{SiteOrigin: opt.SiteOrigin, Locate: locate, AllowOrigins: []Allow{{Origin: "https://x.example", Reason: "r"}}}},
	} {
		var au Auditor
		reads = 0
		au.Prepare(&output.File{Path: "index.html", Data: tt.prepared}, tt.opt)
		set := output.NewSet()
		set.Add(standIn(data))
		if got := au.Run(set, opt).Errors.Error(); got != want || reads != 1 {
			t.Errorf("%s: %d reads, errors\n%s\nwant\n%s", tt.name, reads, got, want)
		}
	}
}

// TestFindingsReadOnce: the findings of a lazy file are placed with its
// bytes read back once, however many there are.
func TestFindingsReadOnce(t *testing.T) {
	data := []byte(`<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'self'"></head><body><a href="/a/">a</a><a href="/b/">b</a><a href="/c/">c</a></body></html>`)
	reads := 0
	set := output.NewSet()
	set.Add(output.Lazy("index.html", len(data), sha256.Sum256(data), func() ([]byte, error) { reads++; return data, nil }))
	locate := func(_ string, bytes func() ([]byte, error), off int) (diag.Pos, bool) {
		b, err := bytes()
		line, col := diag.LineCol(b, off)
		return diag.Pos{File: "x.md", Line: line, Col: col}, err == nil
	}
	rep := new(Auditor).Run(set, Options{SiteOrigin: "https://certiron.io", Locate: locate})
	if len(rep.Errors) != 3 || reads != 2 { // once to audit it, once to place its findings
		t.Errorf("%d findings, %d reads of the file; want 3 and 2", len(rep.Errors), reads)
	}
}

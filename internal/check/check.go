// Package check audits a built site the way a reviewer would: it reads the
// output files, not the generator's internals, and reports every request
// to another origin, every known tracker, every script that sets a cookie,
// fingerprints or uses a storage key the Cookie Policy does not name,
// every broken internal link or anchor, and every inline script or style
// the page's Content-Security-Policy would block.
package check

import (
	"bytes"
	"fmt"
	"github.com/certiron/certiron-site/internal/csp"
	"net/url"
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/output"
	"github.com/certiron/certiron-site/internal/wire"
)

// Allow is an exception to the third-party rule, from config.toml.
type Allow struct {
	Origin string
	Reason string
}

// Options describe the site being audited.
type Options struct {
	// SiteOrigin is the site's own origin, e.g. "https://certiron.io":
	// absolute URLs to it are internal.
	SiteOrigin string
	// PolicyPath is the output path of the cookie policy page, whose
	// text must name every storage key; PolicySource its source file.
	PolicyPath   string
	PolicySource string
	AllowOrigins []Allow
	// OutputPrefix is put before output paths in positions, e.g. "public/".
	OutputPrefix string
	// BasePath is the path the site is published under ("/" or, for
	// baseURL https://example.com/docs/, "/docs/"): root-relative links
	// must start with it.
	BasePath string
	// Locate maps the byte at off of output file outPath to the source
	// that made it (the builder knows, from the marks its templates and
	// Markdown put on every element); data gives the file's bytes, read
	// once for all its findings, if Locate needs them. Without it (or
	// when it returns false) findings point into the output file.
	Locate func(outPath string, data func() ([]byte, error), off int) (diag.Pos, bool)
	// Missing are output paths known to be missing for a reason reported
	// elsewhere (a page that did not build): references to them are not
	// findings.
	Missing map[string]bool
}

// AllowedUse is a request to an origin config.toml allows.
type AllowedUse struct {
	Pos    diag.Pos
	Origin string
	Reason string
}

// Report is what an audit found.
type Report struct {
	// Errors are the findings, each with its Rule, sorted.
	Errors  diag.List
	Allowed []AllowedUse
	// Scanned is the number of files read afresh: not the same bytes as
	// in the last Run or the loaded snapshot.
	Scanned int
	// Rechecked is the number of files whose links were checked again:
	// those scanned, and those linking to a file that changed. A
	// snapshot saves the next Run both.
	Rechecked int
}

// The rules.
const (
	RuleThirdParty = "third-party"
	RuleTracker    = "tracker"
	RuleScript     = "script"
	RuleStorage    = "storage"
	RuleLink       = "link"
	RuleAnchor     = "anchor"
	RuleCSP        = "csp"
	RuleURL        = "url"
	RuleRead       = "read"
)

// finding is a problem at a byte offset of an output file.
type finding struct {
	rule, msg string
	off       int
}

// allowedRef is a request to an origin config.toml allows.
type allowedRef struct {
	off    int
	origin string
}

// ref is an internal reference to check once every file is known.
type ref struct {
	url string
	off int
}

// storageUse is a storage key a script uses.
type storageUse struct {
	key     string // "" when built dynamically
	area    string // localStorage or sessionStorage
	off     int
	dynamic string // the expression, when key is ""
}

// facts are what one file's audit found.
type facts struct {
	findings []finding
	allowed  []allowedRef
	refs     []ref
	// ids are the page's ids while it is scanned; idList the same,
	// sorted, once it is (nil for a file that is not a page).
	ids     map[string]bool
	idList  []string
	storage []storageUse
	// hostCSP is set for a page without a <meta> policy, which each
	// audit judges against the host's (nil otherwise).
	hostCSP *hostCSP
	// rest are refs and idList as a snapshot holds them, for facts Load
	// made: decoded the first time they are asked for (full). They are
	// most of a snapshot's bytes, and a build from one needs them only
	// for a file whose answers went stale, or a page such a file's links
	// point into.
	rest *undecoded
}

// undecoded are the refs and ids of facts from a snapshot, checked
// when the snapshot was loaded and decoded once, on demand (b is nil
// once they are).
type undecoded struct {
	once  sync.Once
	b     []byte
	table []string
	page  bool // the file is a page (its idList is not nil)
}

// full returns fa with its refs and idList decoded: nothing else may
// read them of facts Load made.
func (fa *facts) full() *facts {
	if u := fa.rest; u != nil {
		u.once.Do(func() {
			fa.refs, fa.idList = readRest(wire.NewReader(u.b), u.table, u.page, true)
			u.b = nil
		})
	}
	return fa
}

// isPage reports whether fa are a page's facts (which have ids).
func (fa *facts) isPage() bool {
	return fa.idList != nil || fa.rest != nil && fa.rest.page
}

// idsOf is the sorted ids of the page whose facts are fa (nil for none).
func idsOf(fa *facts) []string {
	if fa == nil {
		return nil
	}
	return fa.full().idList
}

// Run audits every file of set.
func Run(set *output.Set, opt Options) *Report { return new(Auditor).Run(set, opt) }

// Auditor audits a site again and again (the dev server's rebuilds),
// reusing what it found in each file whose bytes did not change: only
// the cross-file checks (links, anchors, storage keys) run in full.
// Its Run must not be called concurrently.
type Auditor struct {
	// Persist has Run hash every file's bytes, for Snapshot.
	Persist bool
	sig     string
	files   map[string]*cachedFile
	// ids are the facts of every page, for its ids (idsOf).
	ids map[string]*facts
	// prep are the facts Prepare made since the last Run, by path, with
	// the auditor it made them with (its memos shared by every file).
	prepMu  sync.Mutex
	prep    map[string]prepared
	prepSig string
	prepA   *auditor
	// prepFor are the options prepSig and prepA were made for.
	prepFor Options
	// loaded is the snapshot Load took, for the next Run.
	loaded *snapshot
}

// fileSum is a file's SHA-256, when it was taken.
type fileSum struct {
	sum    [32]byte
	summed bool
}

type cachedFile struct {
	data   []byte // nil for a lazy file (lazy)
	lazy   bool
	sum    [32]byte // of data, when summed
	summed bool
	facts  *facts
	// ans are the answers to facts.refs from the last audit.
	ans *answers
}

// answers are what a file's cross-file checks found: the references
// that failed, and every file the answers depended on. They stand as
// long as none of those changes.
type answers struct {
	deps  []string
	fails []finding
}

func answersOf(refs []refResult) *answers {
	a := &answers{}
	seen := map[string]bool{}
	for _, rr := range refs {
		if !seen[rr.dep] {
			seen[rr.dep] = true
			a.deps = append(a.deps, rr.dep)
		}
		if !rr.ok {
			a.fails = append(a.fails, rr.fd)
		}
	}
	return a
}

type refResult struct {
	fd  finding
	ok  bool
	dep string
}

// holds reports whether c was made from the bytes f holds: compared by
// hash when either is a lazy file, whose bytes are not in memory.
func (c *cachedFile) holds(f *output.File) bool {
	if c.lazy || f.IsLazy() {
		return c.summed && c.sum == f.Sum()
	}
	return same(c.data, f.Data) || bytes.Equal(c.data, f.Data)
}

// same reports whether a and b are the same bytes in memory: the builder
// hands over the very same slice for a file it did not render again, so
// most files are recognised without comparing their bytes.
func same(a, b []byte) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// Run audits every file of set, reusing earlier work where it can.
func (au *Auditor) Run(set *output.Set, opt Options) *Report {
	a := &auditor{opt: opt, set: set, allow: allowed(opt)}
	a.headers = headerRules(set)
	// What a file's facts depend on besides its own bytes.
	missing := make([]string, 0, len(opt.Missing))
	for p := range opt.Missing {
		missing = append(missing, p)
	}
	sort.Strings(missing)
	// (The host's _headers is not among them: a page it governs keeps
	// its inline code's hashes, judged at each audit.)
	fsig := factsSig(opt.SiteOrigin, a.allow)
	sig := fsig + fmt.Sprint(missing, "|")
	if au.sig != sig || au.files == nil {
		au.sig, au.files, au.ids = sig, map[string]*cachedFile{}, map[string]*facts{}
	}
	files := set.Files()
	results := make([]*facts, len(files))
	reused := make([]bool, len(files))
	var todo []int
	// changed holds every output file added, removed or rewritten since
	// the last audit, under the names references resolve to.
	changed := map[string]bool{}
	loaded := au.loaded
	if loaded != nil && loaded.sig != sig {
		loaded = nil
	}
	au.loaded = nil
	// Nothing kept, in memory or in a snapshot, whose answers could go
	// stale: no need to say what changed.
	first := len(au.files) == 0 && loaded == nil
	var mu sync.Mutex
	mark := func(p string) {
		if first {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		changed[p] = true
		if d, ok := strings.CutSuffix(p, "index.html"); ok {
			changed[d] = true
			changed[strings.TrimSuffix(d, "/")] = true
		}
	}
	sums := make([]fileSum, len(files))
	// kept is each file's entry from the last audit (nil for none),
	// which this audit updates; prevAns its answers then.
	kept := make([]*cachedFile, len(files))
	prevAns := make([]*answers, len(files))
	for i, f := range files {
		c := au.files[f.Path]
		if c != nil {
			kept[i], prevAns[i] = c, c.ans
		}
		if c != nil && c.holds(f) {
			results[i], reused[i], sums[i] = c.facts, true, fileSum{c.sum, c.summed}
		} else {
			todo = append(todo, i)
			if loaded == nil {
				mark(f.Path)
			}
		}
	}
	var removed []string
	for p := range au.files {
		if set.Get(p) == nil {
			mark(p)
			removed = append(removed, p)
		}
	}
	if loaded != nil {
		for p := range loaded.files {
			if set.Get(p) == nil {
				mark(p)
			}
		}
	}
	au.prepMu.Lock()
	prep := au.prep
	au.prep = nil
	au.prepMu.Unlock()
	var scanned atomic.Int64
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), max(len(todo), 1)) {
		wg.Go(func() {
			for i := range next {
				f := files[i]
				if au.Persist || loaded != nil {
					sums[i].sum, sums[i].summed = f.Sum(), true
				}
				if loaded != nil {
					if sf, ok := loaded.files[f.Path]; ok && sf.sum == sums[i].sum {
						// The same bytes, audited by an earlier build.
						results[i], reused[i] = sf.facts, true
						continue
					}
					mark(f.Path)
				}
				if pf, ok := prep[f.Path]; ok && pf.sig == fsig && pf.sum == f.Sum() {
					results[i] = pf.facts // audited as it was made (Prepare)
				} else {
					results[i] = a.file(f)
				}
				scanned.Add(1)
			}
		})
	}
	for _, i := range todo {
		next <- i
	}
	close(next)
	wg.Wait()
	// The answers of the last audit's cross-file checks, in memory or
	// from the snapshot, stand for a file read again from neither as
	// long as no file they depended on changed.
	if loaded != nil {
		for i, f := range files {
			if sf, ok := loaded.files[f.Path]; ok && kept[i] == nil {
				prevAns[i] = sf.ans
			}
		}
	}
	// What this audit leaves for the next: the last audit's entries,
	// updated where a file changed, and the ids of every file.
	for _, p := range removed {
		delete(au.files, p)
		delete(au.ids, p)
	}
	entries := make([]*cachedFile, len(files))
	for i, f := range files {
		c := kept[i]
		switch {
		case c == nil:
			c = &cachedFile{}
			au.files[f.Path] = c
		case reused[i] && c.facts == results[i]:
			// The same file: only its bytes' place may differ.
			if !c.lazy && !f.IsLazy() {
				c.data = f.Data
				entries[i] = c
				continue
			}
		}
		*c = cachedFile{data: f.Data, sum: sums[i].sum, summed: sums[i].summed, facts: results[i]}
		if f.IsLazy() {
			c.data, c.lazy, c.sum, c.summed = nil, true, f.Sum(), true
		}
		entries[i] = c
	}
	ids := au.ids
	for _, i := range todo {
		if results[i] != nil && results[i].isPage() {
			ids[files[i].Path] = results[i]
		} else {
			delete(ids, files[i].Path)
		}
	}
	policyText := ""
	if p := set.Get(opt.PolicyPath); p != nil {
		data, _ := p.Bytes() // a file that cannot be read has its finding
		policyText = textOf(data)
	}
	rep := &Report{Scanned: int(scanned.Load())}
	// The cross-file checks, file by file, on every core. Each worker
	// checks a root-relative reference (the header's and footer's links,
	// on every page), which resolves the same from anywhere, once, and a
	// storage key once.
	type outcome struct {
		ans     *answers
		errs    diag.List
		allowed []AllowedUse
	}
	outcomes := make([]outcome, len(files))
	workers := min(runtime.GOMAXPROCS(0), max(len(files)/256, 1))
	var cross sync.WaitGroup
	var rechecked atomic.Int64
	for w := range workers {
		cross.Go(func() {
			memo := map[string]refResult{}
			stored := map[storageUse]refResult{}
			checkRef := func(from string, r ref) refResult {
				if !strings.HasPrefix(r.url, "/") || strings.HasPrefix(r.url, "//") {
					fd, ok, dep := a.checkRef(from, r, ids)
					return refResult{fd, ok, dep}
				}
				if rr, ok := memo[r.url]; ok {
					rr.fd.off = r.off
					return rr
				}
				fd, ok, dep := a.checkRef(from, r, ids)
				memo[r.url] = refResult{fd, ok, dep}
				return refResult{fd, ok, dep}
			}
			for i := w; i < len(files); i += workers {
				f, fa := files[i], results[i]
				if fa == nil {
					continue
				}
				// The file's own findings, then the cross-file ones (kept
				// apart: the facts may be reused by the next run).
				findings := append([]finding(nil), fa.findings...)
				if fa.hostCSP != nil {
					findings = append(findings, a.hostFindings(f.Path, fa.hostCSP)...)
				}
				// An unchanged file's references keep their answers unless
				// a file they depend on changed.
				var ans *answers
				if prev := prevAns[i]; reused[i] && prev != nil {
					ans = prev
					for _, dep := range ans.deps {
						if changed[dep] {
							ans = nil
							break
						}
					}
				}
				if ans == nil {
					rechecked.Add(1)
					fa.full()
					refs := make([]refResult, len(fa.refs))
					for j, r := range fa.refs {
						refs[j] = checkRef(f.Path, r)
					}
					ans = answersOf(refs)
				}
				findings = append(findings, ans.fails...)
				for _, su := range fa.storage {
					at := su.off
					su.off = 0
					rr, ok := stored[su]
					if !ok {
						rr.fd, rr.ok = a.checkStorage(su, policyText)
						stored[su] = rr
					}
					if !rr.ok {
						rr.fd.off = at
						findings = append(findings, rr.fd)
					}
				}
				o := outcome{ans: ans}
				if len(findings)+len(fa.allowed) == 0 {
					outcomes[i] = o
					continue
				}
				// Placing a finding may need the file's bytes (a lazy
				// file's are read back): read once for all of them.
				data := sync.OnceValues(f.Bytes)
				for _, fd := range findings {
					o.errs = append(o.errs, &diag.Error{Pos: a.pos(f, data, fd.off), Rule: fd.rule, Msg: fd.msg})
				}
				for _, al := range fa.allowed {
					o.allowed = append(o.allowed, AllowedUse{Pos: a.pos(f, data, al.off), Origin: al.origin, Reason: a.allow[al.origin]})
				}
				outcomes[i] = o
			}
		})
	}
	cross.Wait()
	rep.Rechecked = int(rechecked.Load())
	for i := range files {
		o := outcomes[i]
		if results[i] != nil {
			entries[i].ans = o.ans
		}
		rep.Errors = append(rep.Errors, o.errs...)
		rep.Allowed = append(rep.Allowed, o.allowed...)
	}
	rep.Errors.Sort()
	sort.Slice(rep.Allowed, func(i, j int) bool { return rep.Allowed[i].Pos.String() < rep.Allowed[j].Pos.String() })
	return rep
}

// allowed is opt's allowed origins, as the audit compares them, with
// their reasons.
func allowed(opt Options) map[string]string {
	m := map[string]string{}
	for _, al := range opt.AllowOrigins {
		m[strings.ToLower(strings.TrimSuffix(al.Origin, "/"))] = al.Reason
	}
	return m
}

// factsSig names what a file's own facts depend on besides its bytes.
func factsSig(origin string, allow map[string]string) string {
	return fmt.Sprint(origin, "|", allow, "|")
}

// prepared are a file's facts from Prepare.
type prepared struct {
	sig   string
	sum   [32]byte
	facts *facts
}

// Prepare audits f's own bytes now, while the caller still holds them,
// for the next Run with the same SiteOrigin and AllowOrigins: that Run
// takes these facts for the file at f's path with f's SHA-256 instead
// of reading it (a build that writes each page as it is made, and lets
// its bytes go, need not read it back). It may be called from many
// goroutines.
func (au *Auditor) Prepare(f *output.File, opt Options) {
	au.prepMu.Lock()
	// The auditor and the signature are made when the options change,
	// not for every page.
	if au.prep == nil || au.prepFor.SiteOrigin != opt.SiteOrigin || !slices.Equal(au.prepFor.AllowOrigins, opt.AllowOrigins) {
		allow := allowed(opt)
		if sig := factsSig(opt.SiteOrigin, allow); au.prep == nil || au.prepSig != sig {
			au.prep, au.prepSig = map[string]prepared{}, sig
			au.prepA = &auditor{opt: Options{SiteOrigin: opt.SiteOrigin}, allow: allow}
		}
		au.prepFor = Options{SiteOrigin: opt.SiteOrigin, AllowOrigins: slices.Clone(opt.AllowOrigins)}
	}
	a, sig := au.prepA, au.prepSig
	au.prepMu.Unlock()
	fa := a.file(f)
	sum := f.Sum()
	au.prepMu.Lock()
	if au.prepSig == sig {
		au.prep[f.Path] = prepared{sig, sum, fa}
	}
	au.prepMu.Unlock()
}

type auditor struct {
	opt     Options
	set     *output.Set
	allow   map[string]string
	headers csp.Rules
	// Every page carries the same few inline scripts and the same
	// policy: each is audited or parsed once.
	scripts  sync.Map // script text → *facts, offsets from the script's start
	policies sync.Map // policy text → csp.Policy
}

// scriptMemo audits an inline script at offset base, reusing the result
// for a script already seen.
func (a *auditor) scriptMemo(body []byte, base int, fa *facts) {
	v, ok := a.scripts.Load(string(body))
	if !ok {
		sf := &facts{}
		a.script(body, 0, sf)
		v, _ = a.scripts.LoadOrStore(string(body), sf)
	}
	sf := v.(*facts)
	for _, f := range sf.findings {
		f.off += base
		fa.findings = append(fa.findings, f)
	}
	for _, s := range sf.storage {
		s.off += base
		fa.storage = append(fa.storage, s)
	}
}

func (a *auditor) policy(text string) csp.Policy {
	if v, ok := a.policies.Load(text); ok {
		return v.(csp.Policy)
	}
	p := csp.Parse(text)
	a.policies.Store(text, p)
	return p
}

// pos places the byte at off of f, whose bytes data gives.
func (a *auditor) pos(f *output.File, data func() ([]byte, error), off int) diag.Pos {
	if a.opt.Locate != nil {
		if p, ok := a.opt.Locate(f.Path, data, off); ok {
			return p
		}
	}
	b, _ := data() // a file that cannot be read has its finding
	line, col := diag.LineCol(b, off)
	return diag.Pos{File: a.opt.OutputPrefix + f.Path, Line: line, Col: col}
}

// file audits one output file.
func (a *auditor) file(f *output.File) *facts {
	fa := &facts{}
	ext := path.Ext(f.Path)
	switch ext {
	case ".html", ".htm", ".css", ".js", ".mjs":
	default:
		return nil
	}
	data, err := f.Bytes()
	if err != nil {
		fa.findings = append(fa.findings, finding{RuleRead, fmt.Sprintf("cannot audit it: %v", err), 0})
		return fa
	}
	switch ext {
	case ".html", ".htm":
		a.html(f, data, fa)
	case ".css":
		a.css(data, 0, f.Path, fa)
	case ".js", ".mjs":
		a.script(data, 0, fa)
	}
	return fa
}

// request judges a URL the page makes the browser fetch. image says data:
// URLs are fine (an inline picture), what names the element for messages.
func (a *auditor) request(fa *facts, raw string, off int, what fmt.Stringer, image bool) {
	kind, origin, err := Classify(raw, a.opt.SiteOrigin)
	switch kind {
	case Invalid:
		fa.findings = append(fa.findings, finding{RuleURL, fmt.Sprintf("%s has a malformed URL %q: %v", what, raw, err), off})
	case JavaScript:
		fa.findings = append(fa.findings, finding{RuleScript, fmt.Sprintf("%s runs a javascript: URL; scripts belong in the theme, where the build can hash and audit them", what), off})
	case Data:
		if !image {
			fa.findings = append(fa.findings, finding{RuleThirdParty, fmt.Sprintf("%s loads a data: URL; data: is allowed for images only, because inline code or frames escape the Content-Security-Policy", what), off})
		}
	case External:
		h := host(origin)
		if t, ok := trackerFor(h); ok {
			fa.findings = append(fa.findings, finding{RuleTracker, fmt.Sprintf("%s loads %s (%s), %s; the Cookie Policy says %q", what, t.name, short(raw), t.kind, t.promise), off})
			return
		}
		if _, ok := a.allow[origin]; ok {
			fa.allowed = append(fa.allowed, allowedRef{off, origin})
			return
		}
		fa.findings = append(fa.findings, finding{RuleThirdParty, fmt.Sprintf("%s loads %s from another origin (%s); the Cookie Policy promises no third-party requests: host the file under static/ or remove it (or allow the origin in config.toml [audit] allow_origins, with a reason)", what, short(raw), h), off})
	case Internal, Fragment:
		fa.refs = append(fa.refs, ref{raw, off})
	}
}

// link judges a plain link: other sites are fine (a link is not a
// request), but internal targets must exist.
func (a *auditor) link(fa *facts, raw string, off int, what fmt.Stringer) {
	kind, _, err := Classify(raw, a.opt.SiteOrigin)
	switch kind {
	case Invalid:
		fa.findings = append(fa.findings, finding{RuleURL, fmt.Sprintf("%s has a malformed URL %q: %v", what, raw, err), off})
	case JavaScript:
		fa.findings = append(fa.findings, finding{RuleScript, fmt.Sprintf("%s is a javascript: link; use a button with a script in the theme instead", what), off})
	case Internal, Fragment:
		fa.refs = append(fa.refs, ref{raw, off})
	}
}

// checkRef resolves an internal reference against the built files. dep
// names the output file the answer depends on ("legal/" stands for
// "legal/index.html" too), so a later audit knows when to ask again.
func (a *auditor) checkRef(from string, r ref, ids map[string]*facts) (fd finding, ok bool, dep string) {
	fd, ok, dep = a.resolveRef(from, r, ids)
	return fd, ok, dep
}

func (a *auditor) resolveRef(from string, r ref, ids map[string]*facts) (finding, bool, string) {
	raw := strings.TrimSpace(r.url)
	frag := ""
	if i := strings.IndexByte(raw, '#'); i >= 0 {
		raw, frag = raw[:i], raw[i+1:]
	}
	if i := strings.IndexByte(raw, '?'); i >= 0 {
		raw = raw[:i]
	}
	target := from
	if raw != "" {
		p := raw
		if !simplePath(raw) || strings.Contains(raw, `\`) {
			u, err := url.Parse(strings.ReplaceAll(raw, `\`, "/"))
			if err != nil {
				return finding{RuleURL, fmt.Sprintf("malformed URL %q: %v", r.url, err), r.off}, false, ""
			}
			p = u.Path
		}
		if strings.HasPrefix(p, "/") && a.opt.BasePath != "" && a.opt.BasePath != "/" {
			rest, ok := strings.CutPrefix(p, a.opt.BasePath)
			if !ok && p+"/" != a.opt.BasePath {
				return finding{RuleLink, fmt.Sprintf("%s is outside the site, which is published under %s", r.url, a.opt.BasePath), r.off}, false, ""
			}
			p = "/" + rest
		}
		if !strings.HasPrefix(p, "/") {
			base := "/" + path.Dir(from) + "/"
			if from == "404.html" || path.Dir(from) == "." {
				base = "/"
			}
			p = base + p
		}
		clean := p
		if strings.Contains(p, "/.") || strings.Contains(p, "//") {
			clean = path.Clean(p)
			if strings.HasSuffix(p, "/") && clean != "/" {
				clean += "/"
			}
		}
		name := strings.TrimPrefix(clean, "/")
		dep := name
		switch {
		case name == "" || strings.HasSuffix(name, "/"):
			name += "index.html"
		case a.set.Get(name) == nil && a.set.Get(name+"/index.html") != nil:
			name += "/index.html"
		}
		if a.set.Get(name) == nil && a.opt.Missing[name] {
			return finding{}, true, dep
		}
		if a.set.Get(name) == nil {
			return finding{RuleLink, fmt.Sprintf("%s does not exist in the built site (no %s)", r.url, name), r.off}, false, dep
		}
		target = name
	}
	dep := strings.TrimSuffix(target, "index.html")
	if frag == "" || frag == "top" {
		return finding{}, true, dep
	}
	if dec, err := url.PathUnescape(frag); err == nil {
		frag = dec
	}
	if !strings.HasSuffix(target, ".html") {
		return finding{}, true, dep
	}
	if !hasID(idsOf(ids[target]), frag) {
		return finding{RuleAnchor, fmt.Sprintf("%s: there is no id=%q on /%s", r.url, frag, strings.TrimSuffix(target, "index.html")), r.off}, false, dep
	}
	return finding{}, true, dep
}

// checkStorage holds a storage key up against the cookie policy.
func (a *auditor) checkStorage(s storageUse, policyText string) (finding, bool) {
	src := a.opt.PolicySource
	if src == "" {
		src = a.opt.PolicyPath
	}
	if s.key == "" {
		return finding{RuleStorage, fmt.Sprintf("%s key built at run time (%s); every key must be a literal the Cookie Policy (%s) names, so the audit can hold it to the policy", s.area, s.dynamic, src), s.off}, false
	}
	if policyText == "" {
		return finding{RuleStorage, fmt.Sprintf("%s key %q is used but there is no cookie policy page (%s) to declare it", s.area, s.key, src), s.off}, false
	}
	if !containsWord(policyText, s.key) {
		return finding{RuleStorage, fmt.Sprintf("%s key %q is not named in the Cookie Policy (%s); add it to the policy's \"What we store\" section or remove it from the script", s.area, s.key, src), s.off}, false
	}
	return finding{}, true
}

// containsWord reports whether text holds key with no identifier
// character either side.
func containsWord(text, key string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], key)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(key)
		if (start == 0 || !wordByte(text[start-1])) && (end == len(text) || !wordByte(text[end]) || text[end] == '.' && (end+1 == len(text) || !wordByte(text[end+1]))) {
			return true
		}
		i = start + 1
	}
}

func wordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
}

func short(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

// hasID reports whether the sorted list holds id.
func hasID(list []string, id string) bool {
	i := sort.SearchStrings(list, id)
	return i < len(list) && list[i] == id
}

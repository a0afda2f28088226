package site

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/certiron/certiron-site/internal/check"
	"github.com/certiron/certiron-site/internal/content"
	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/output"
)

// audit runs the privacy and link audits on the built files, pointing
// every finding at the Markdown, template or config line that made the
// element it is about. It runs even when other steps failed, on what was
// built, so one run lists every problem; outputs missing because of an
// error already reported are not reported again as broken links.
func (b *build) audit() bool {
	if b.files == nil || b.theme == nil {
		return false
	}
	au := b.cache.auditor
	if b.cache.disk != nil {
		au.Persist = true
		b.cache.loadAudit()
	}
	rep := au.Run(b.files, check.Options{
		SiteOrigin:   b.origin,
		PolicyPath:   strings.TrimPrefix(b.bannerData.PolicyURL, b.basePath) + "index.html",
		PolicySource: content.Dir + "/" + PolicyPage,
		AllowOrigins: b.allowOrigins(),
		OutputPrefix: "public/",
		BasePath:     b.basePath,
		Missing:      b.missing,
		Locate:       b.locate,
	})
	b.res.Audited, b.res.Rechecked = rep.Scanned, rep.Rechecked
	// Worth saving for the files read afresh, and for those whose links
	// were checked again: after an edit to a page every page links to,
	// each later build would check them all again.
	if b.cache.disk != nil && worthSaving(max(rep.Scanned, rep.Rechecked), b.files.Len()) {
		b.cache.put("audit", auditKey(b.opt.Root), au.Snapshot())
	}
	// A finding at the very place of an error already reported (a link to
	// a missing page, reported when the Markdown was converted) is that
	// error again.
	at := map[diag.Pos]bool{}
	for _, e := range b.res.Errors {
		at[e.Pos] = true
	}
	for _, e := range rep.Errors {
		if !at[e.Pos] {
			b.res.Errors = append(b.res.Errors, e)
		}
	}
	for _, a := range rep.Allowed {
		b.res.Allowed = append(b.res.Allowed, fmt.Sprintf("%s: %s is allowed by config.toml: %s", a.Pos, a.Origin, a.Reason))
	}
	return len(rep.Errors) == 0
}

// allowOrigins are config.toml's [audit] allow_origins.
func (b *build) allowOrigins() []check.Allow {
	var allow []check.Allow
	for _, a := range b.cfg.Audit.AllowOrigins {
		allow = append(allow, check.Allow{Origin: a.Origin, Reason: a.Reason})
	}
	return allow
}

// prepareAudit audits a page's own bytes as it is made, for a build that
// lets them go once written: the audit then need not read it back.
func (b *build) prepareAudit(f *output.File) {
	b.auditOnce.Do(func() { b.auditAs = check.Options{SiteOrigin: b.origin, AllowOrigins: b.allowOrigins()} })
	b.cache.auditor.Prepare(f, b.auditAs)
}

// locate returns the source of the byte at off of an output file: the
// line its marks name for a page (to the character in the text of an
// inline script or style, which pages publish as the theme writes them),
// the file's own line for a file copied as it is.
func (b *build) locate(outPath string, bytesOf func() ([]byte, error), off int) (diag.Pos, bool) {
	f := b.files.Get(outPath)
	if f == nil || len(f.Sources) == 0 {
		return diag.Pos{}, false
	}
	data, err := bytesOf()
	if err != nil {
		return diag.Pos{}, false
	}
	b.lazyMu.Lock()
	key, held := b.lazyKeys[outPath]
	b.lazyMu.Unlock()
	if held {
		// A page the destination held: its marks are in its record.
		var rec pageRecord
		if !b.cache.disk.Get("page", key, &rec) || !bytes.Equal(rec.Data, data) {
			return diag.Pos{}, false
		}
		return rec.Marks.At(data, off)
	}
	if f.Marks.Len() == 0 {
		src := f.Sources[0]
		if css, ok := b.minified[outPath]; ok {
			return cssPos(src, css, data, off), true
		}
		line, col := diag.LineCol(data, off)
		return diag.Pos{File: src, Line: line, Col: col}, true
	}
	return f.Marks.At(data, off)
}

// cssPos maps an offset of a minified stylesheet to its source: the
// minifier keeps every url( and @import in order, so the n-th of them in
// the output is the n-th in the source.
func cssPos(file string, src, out []byte, off int) diag.Pos {
	n := cssRefs(out[:min(off+1, len(out))])
	i := nthRef(src, n)
	if i < 0 {
		return diag.Pos{File: file}
	}
	line, col := diag.LineCol(src, i)
	return diag.Pos{File: file, Line: line, Col: col}
}

var cssRefTokens = [][]byte{[]byte("url("), []byte("@import")}

// cssRefs counts the url( and @import tokens that start in b.
func cssRefs(b []byte) int {
	n := 0
	low := bytes.ToLower(b)
	for _, t := range cssRefTokens {
		n += bytes.Count(low, t)
	}
	return n
}

// nthRef returns the offset of the n-th (1-based) url( or @import in b.
func nthRef(b []byte, n int) int {
	low := bytes.ToLower(b)
	for i := range low {
		for _, t := range cssRefTokens {
			if bytes.HasPrefix(low[i:], t) {
				if n--; n == 0 {
					return i
				}
			}
		}
	}
	return -1
}

// worthSaving says whether a site-wide snapshot in the disk cache (the
// audit's facts, the page index, parsed front matter) is worth writing
// again after a build that redid changed of its total entries: not for
// a handful, which the next build just redoes, so that an edit to one
// page of thousands does not rewrite megabytes. The count the next build
// redoes grows with each skipped save, until it is worth one.
func worthSaving(changed, total int) bool {
	return changed > 0 && (changed >= 64 || changed*100 >= total)
}

// worthSavingMap is worthSaving for a snapshot read with before entries
// and made again with after, changed of them redone: entries gone or
// added count as redone.
func worthSavingMap(changed, before, after int) bool {
	return worthSaving(changed+max(before-after, after-before), after)
}

// auditKey names the audit's facts of the site at root in the disk
// cache: its last build's, reused file by file where the bytes hash the
// same.
func auditKey(root string) [32]byte { return siteFileKey("audit", root) }

// siteFileKey names a disk cache entry that holds what the last build of
// the site at root left of one kind.
func siteFileKey(kind, root string) [32]byte {
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	return sha256.Sum256([]byte(kind + "\x00" + root))
}

// loadAudit gives a fresh auditor the facts the last build of the site
// kept in the disk cache, once: startAudit began reading them while the
// build ran, and this waits for it.
func (c *cache) loadAudit() {
	c.startAudit()
	<-c.auditDone
}

// startAudit starts reading the audit's facts from the disk cache, in
// the background: decoding them takes a while, and the build does not
// need them before its audit.
func (c *cache) startAudit() {
	c.auditOnce.Do(func() {
		c.auditDone = make(chan struct{})
		go func() {
			defer close(c.auditDone)
			var b blob
			if c.disk.Get("audit", auditKey(c.root), &b) {
				_ = c.auditor.Load(b) // one that does not decode is not used
			}
		}()
	})
}

// blob is bytes stored as they are.
type blob []byte

func (b blob) MarshalBinary() ([]byte, error) { return b, nil }

func (b *blob) UnmarshalBinary(data []byte) error {
	*b = data // the store reads each entry into memory of its own
	return nil
}

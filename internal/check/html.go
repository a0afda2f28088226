package check

import (
	"bytes"
	"fmt"
	"github.com/certiron/certiron-site/internal/csp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/tdewolff/parse/v2"
	thtml "github.com/tdewolff/parse/v2/html"
	"golang.org/x/net/html"

	"github.com/certiron/certiron-site/internal/output"
)

// requestAttrs are the attributes that make a browser fetch something,
// by element; image says a data: URL is fine there.
var requestAttrs = map[string][]struct {
	attr  string
	image bool
}{
	"script":  {{"src", false}},
	"img":     {{"src", true}, {"srcset", true}},
	"source":  {{"src", true}, {"srcset", true}},
	"video":   {{"src", false}, {"poster", true}},
	"audio":   {{"src", false}},
	"track":   {{"src", false}},
	"iframe":  {{"src", false}},
	"frame":   {{"src", false}},
	"embed":   {{"src", false}},
	"object":  {{"data", false}},
	"form":    {{"action", false}},
	"image":   {{"href", true}, {"xlink:href", true}},
	"use":     {{"href", true}, {"xlink:href", true}},
	"feimage": {{"href", true}, {"xlink:href", true}},
	// The legacy background attribute still loads an image.
	"body":  {{"background", true}},
	"table": {{"background", true}},
	"td":    {{"background", true}},
	"th":    {{"background", true}},
}

// fetchingRels are the link relations that make a request.
var fetchingRels = map[string]bool{
	"stylesheet": true, "preload": true, "prefetch": true, "preconnect": true, "dns-prefetch": true,
	"modulepreload": true, "icon": true, "shortcut": true, "apple-touch-icon": true,
	"apple-touch-icon-precomposed": true, "manifest": true, "mask-icon": true, "prerender": true,
}

// attr is an attribute as lexed; its bytes point into the page's copy.
type attr struct{ key, val []byte }

// elem names where a URL was found, for messages: <img src>.
type elem struct{ tag, attr string }

func (e elem) String() string {
	if strings.HasPrefix(e.tag, "CSS ") {
		return e.tag
	}
	if e.attr == "" {
		return "<" + e.tag + ">"
	}
	return "<" + e.tag + " " + e.attr + ">"
}

// html audits one page. It reads the page with tdewolff's HTML lexer,
// which works on the bytes directly and is several times faster than a
// tokenizer reading through an io.Reader.
func (a *auditor) html(f *output.File, data []byte, fa *facts) {
	fa.ids = map[string]bool{}
	p := &pageScan{a: a, f: f, fa: fa}
	// The lexer lowercases names in place and writes a NUL after the
	// input, so it reads a pooled copy of the page, never the page.
	buf := copyPool.Get().(*[]byte)
	page := append((*buf)[:0], data...)
	p.scan(page[:len(page):cap(page)], 0)
	p.finish()
	*buf = page
	copyPool.Put(buf)
	fa.idList = make([]string, 0, len(fa.ids))
	for id := range fa.ids {
		fa.idList = append(fa.idList, id)
	}
	sort.Strings(fa.idList)
	fa.ids = nil
}

var copyPool = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// pageScan is the state of one page's audit.
type pageScan struct {
	a      *auditor
	f      *output.File
	fa     *facts
	pol    []csp.Policy // the page's <meta> policy
	inline []inlineCode
}

type inlineCode struct {
	tag  string
	body []byte
	off  int
}

// scan lexes b, found at offset base of the page; b is the scan's own
// copy, which the lexer may change.
func (p *pageScan) scan(b []byte, base int) {
	in := parse.NewInputBytes(b)
	l := thtml.NewLexer(in)
	var attrs []attr
	var tag []byte
	tagOff := 0
	rawTag := ""
	for {
		tt, data := l.Next()
		off := base + in.Offset() - len(data)
		switch tt {
		case thtml.ErrorToken:
			return
		case thtml.StartTagToken:
			tag, tagOff = l.Text(), off
			attrs = attrs[:0]
		case thtml.AttributeToken:
			v := l.AttrVal()
			if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
				v = v[1 : len(v)-1]
			}
			if bytes.IndexByte(v, '&') >= 0 {
				v = []byte(html.UnescapeString(string(v)))
			}
			attrs = append(attrs, attr{l.AttrKey(), v})
		case thtml.StartTagCloseToken, thtml.StartTagVoidToken:
			if tt == thtml.StartTagCloseToken && (string(tag) == "script" || string(tag) == "style") {
				rawTag = string(tag)
			}
			if interesting(tag, attrs) {
				p.element(string(tag), attrs, tagOff)
			}
		case thtml.TextToken:
			if rawTag != "" {
				p.code(rawTag, attrs, bytes.Clone(data), off)
				rawTag = ""
			}
		case thtml.EndTagToken:
			if rawTag != "" {
				p.code(rawTag, attrs, nil, off) // an empty script or style
				rawTag = ""
			}
		case thtml.SVGToken, thtml.MathToken:
			// The lexer returns inline SVG whole: read everything inside
			// it (a full slice, so the inner lexer cannot write past it).
			if i := bytes.IndexByte(data, '>'); i > 0 {
				inner := data[i+1:]
				p.scan(inner[:len(inner):len(inner)], off+i+1)
			}
		}
	}
}

// interesting reports whether a start tag needs a look: it makes a
// request, links, declares a policy or an id, or has a style or handler.
func interesting(tag []byte, attrs []attr) bool {
	switch string(tag) {
	case "a", "area", "link", "base", "meta", "input", "script", "style":
		return true
	}
	if _, ok := requestAttrs[string(tag)]; ok {
		return true
	}
	for _, at := range attrs {
		k := at.key
		if string(k) == "id" || string(k) == "style" || len(k) > 2 && k[0] == 'o' && k[1] == 'n' {
			return true
		}
	}
	return false
}

// element judges one start tag.
func (p *pageScan) element(tag string, attrs []attr, tagOff int) {
	a, fa := p.a, p.fa
	get := func(k string) (string, bool) {
		for _, at := range attrs {
			if string(at.key) == k {
				return string(at.val), true
			}
		}
		return "", false
	}
	if doc, ok := get("srcdoc"); ok && tag == "iframe" {
		p.srcdoc([]byte(doc), tagOff)
	}
	for _, at := range attrs {
		key := string(at.key)
		switch {
		case key == "id" || key == "name" && tag == "a":
			fa.ids[string(at.val)] = true
		case key == "style":
			fa.findings = append(fa.findings, finding{RuleCSP, fmt.Sprintf("<%s style=%q> needs 'unsafe-inline' under the Content-Security-Policy; move the rule to the theme's CSS", tag, short(string(at.val))), tagOff})
			a.css(at.val, tagOff, p.f.Path, fa)
		case strings.HasPrefix(key, "on") && len(key) > 2:
			fa.findings = append(fa.findings, finding{RuleCSP, fmt.Sprintf("<%s %s> is an inline event handler, which the Content-Security-Policy blocks; attach it from a script", tag, key), tagOff})
		}
	}
	for _, ra := range requestAttrs[tag] {
		v, ok := get(ra.attr)
		if !ok {
			continue
		}
		if ra.attr == "srcset" {
			for _, u := range srcset(v) {
				a.request(fa, u, tagOff, elem{tag, ra.attr}, ra.image)
			}
			continue
		}
		a.request(fa, v, tagOff, elem{tag, ra.attr}, ra.image)
	}
	switch tag {
	case "input":
		if t, _ := get("type"); strings.EqualFold(t, "image") {
			if v, ok := get("src"); ok {
				a.request(fa, v, tagOff, elem{"input type=image", "src"}, true)
			}
		}
	case "link":
		rel, _ := get("rel")
		href, ok := get("href")
		fetch := false
		for _, r := range strings.Fields(strings.ToLower(rel)) {
			fetch = fetch || fetchingRels[r]
		}
		if ok && fetch {
			a.request(fa, href, tagOff, elem{"link rel=" + strconv.Quote(rel), "href"}, strings.Contains(strings.ToLower(rel), "icon"))
		} else if ok {
			a.link(fa, href, tagOff, elem{"link", "href"})
		}
	case "a", "area":
		if href, ok := get("href"); ok {
			a.link(fa, href, tagOff, elem{tag, "href"})
		}
		// ping sends a request to each URL when the link is followed.
		if ping, ok := get("ping"); ok {
			for _, u := range strings.Fields(ping) {
				a.request(fa, u, tagOff, elem{tag, "ping"}, false)
			}
		}
	case "base":
		if href, ok := get("href"); ok {
			if k, _, _ := Classify(href, a.opt.SiteOrigin); k == External {
				fa.findings = append(fa.findings, finding{RuleThirdParty, fmt.Sprintf("<base href=%q> points every relative URL of the page at another origin", href), tagOff})
			}
		}
	case "meta":
		equiv, _ := get("http-equiv")
		content, _ := get("content")
		switch strings.ToLower(equiv) {
		case "refresh":
			if u := refreshURL(content); u != "" {
				if k, origin, _ := Classify(u, a.opt.SiteOrigin); k == External {
					fa.findings = append(fa.findings, finding{RuleThirdParty, fmt.Sprintf("<meta http-equiv=refresh> sends visitors to %s (%s) without a click", short(u), host(origin)), tagOff})
				} else {
					a.link(fa, u, tagOff, elem{"meta http-equiv=refresh", ""})
				}
			}
		case "content-security-policy":
			p.pol = []csp.Policy{a.policy(content)}
		}
	}
}

// srcdoc audits the document an iframe's srcdoc holds: it inherits the
// page's policy and origin, so its code and requests are the page's own.
// Everything found in it is placed at the iframe.
func (p *pageScan) srcdoc(doc []byte, tagOff int) {
	fa := p.fa
	ni, nf, nr, ns, na := len(p.inline), len(fa.findings), len(fa.refs), len(fa.storage), len(fa.allowed)
	ids := fa.ids
	fa.ids = map[string]bool{} // its ids are its own document's
	p.scan(doc[:len(doc):len(doc)], 0)
	fa.ids = ids
	for i := ni; i < len(p.inline); i++ {
		p.inline[i].off = tagOff
	}
	for i := nf; i < len(fa.findings); i++ {
		fa.findings[i].off = tagOff
	}
	for i := nr; i < len(fa.refs); i++ {
		fa.refs[i].off = tagOff
	}
	for i := ns; i < len(fa.storage); i++ {
		fa.storage[i].off = tagOff
	}
	for i := na; i < len(fa.allowed); i++ {
		fa.allowed[i].off = tagOff
	}
}

// code audits an inline script or style and records it for the CSP check.
func (p *pageScan) code(tag string, attrs []attr, body []byte, off int) {
	typ, hasSrc := "", false
	for _, at := range attrs {
		switch string(at.key) {
		case "src":
			hasSrc = true
		case "type":
			typ = string(at.val)
		}
	}
	if !csp.Executable(tag, typ, hasSrc) {
		return
	}
	p.inline = append(p.inline, inlineCode{tag, body, off})
	if tag == "script" {
		p.a.scriptMemo(body, off, p.fa)
	} else {
		p.a.css(body, off, p.f.Path, p.fa)
	}
}

// finish checks every inline script and style against the page's own
// <meta> policy. A page without one is judged against the policies the
// host's _headers file sends with it, at each audit (see hostCSP): its
// facts keep its inline code's hashes for that, so that they hold
// whatever _headers says.
func (p *pageScan) finish() {
	hashes := make([]inlineHash, len(p.inline))
	for i, in := range p.inline {
		hashes[i] = inlineHash{in.tag, csp.Hash(in.body), in.off}
	}
	if p.pol == nil {
		p.fa.hostCSP = &hostCSP{inline: hashes}
		return
	}
	p.fa.findings = append(p.fa.findings, judgeCSP(p.pol, hashes)...)
}

// inlineHash is an inline script's or style's hash, at its offset.
type inlineHash struct {
	tag, hash string
	off       int
}

// hostCSP is what a page without a <meta> policy leaves for the audit
// to judge against the host's policies: its inline code.
type hostCSP struct {
	inline []inlineHash
}

// hostFindings judges a page without a <meta> policy against the
// policies the host's _headers file sends with it.
func (a *auditor) hostFindings(name string, h *hostCSP) []finding {
	pols := a.headerPolicies(name)
	if pols == nil {
		return []finding{{RuleCSP, "the page has no Content-Security-Policy (neither a <meta http-equiv> nor a _headers rule)", 0}}
	}
	return judgeCSP(pols, h.inline)
}

// judgeCSP checks a page's inline code against the policies it is
// served with.
func judgeCSP(pols []csp.Policy, inline []inlineHash) []finding {
	var out []finding
	for _, pol := range pols {
		for _, bad := range []string{"'unsafe-inline'", "'unsafe-eval'"} {
			if pol.Has(bad) {
				out = append(out, finding{RuleCSP, fmt.Sprintf("the Content-Security-Policy allows %s, which would let injected code run; hash inline code instead", bad), 0})
			}
		}
	}
	for _, in := range inline {
		dir := "script-src"
		if in.tag == "style" {
			dir = "style-src"
		}
		for _, pol := range pols {
			// A policy that does not govern dir is not strict enough
			// for the site, whatever a browser would run under it.
			if !pol.Restricts(dir) || !pol.Allows(dir, in.hash) {
				out = append(out, finding{RuleCSP, fmt.Sprintf("inline <%s> is not allowed by the page's Content-Security-Policy: %s lacks %s", in.tag, dir, in.hash), in.off})
				break
			}
		}
	}
	return out
}

// srcset splits "a.png 1x, b.png 2x" into its URLs.
func srcset(v string) []string {
	var urls []string
	for _, part := range strings.Split(v, ",") {
		if f := strings.Fields(part); len(f) > 0 {
			urls = append(urls, f[0])
		}
	}
	return urls
}

// refreshURL reads the URL of "5; url=https://x".
func refreshURL(content string) string {
	_, rest, ok := strings.Cut(content, ";")
	if !ok {
		_, rest, ok = strings.Cut(content, ",")
		if !ok {
			return ""
		}
	}
	rest = strings.TrimSpace(rest)
	if len(rest) >= 4 && strings.EqualFold(rest[:3], "url") {
		rest = strings.TrimSpace(rest[3:])
		rest = strings.TrimSpace(strings.TrimPrefix(rest, "="))
	}
	return strings.Trim(rest, `'"`)
}

// textOf is a page's text with tags removed, for matching storage keys.
func textOf(page []byte) string {
	z := html.NewTokenizer(bytes.NewReader(page))
	var b strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.StartTagToken:
			if n, _ := z.TagName(); string(n) == "script" || string(n) == "style" {
				skip++
			}
		case html.EndTagToken:
			if n, _ := z.TagName(); (string(n) == "script" || string(n) == "style") && skip > 0 {
				skip--
			}
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
				b.WriteByte(' ')
			}
		}
	}
}

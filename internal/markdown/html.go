package markdown

import (
	"bytes"
	"fmt"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"

	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/mark"
)

// Settings of Options.HTML: what becomes of raw HTML written in the
// Markdown. Whatever the setting, a <script> or <style> element, a style
// attribute, an inline event handler (on…=) or a javascript: URL in raw
// HTML is an error at its line, and the piece of HTML holding it is left
// out: the site's Content-Security-Policy trusts only the theme's code.
const (
	// HTMLNone leaves raw HTML out, with a warning at each piece.
	HTMLNone = "none"
	// HTMLSafe keeps what a legal text needs (br, sub, sup, abbr, kbd,
	// mark, small, details, summary, dl, dt, dd, ins and del), with no
	// attribute but abbr's title. Any other tag or attribute is removed
	// with a warning at its line; the text between tags stays. HTML
	// comments go silently, as nobody reads them.
	HTMLSafe = "safe"
	// HTMLAll keeps raw HTML as written.
	HTMLAll = "all"
)

// safeElements are the elements HTMLSafe keeps.
var safeElements = []string{"br", "sub", "sup", "abbr", "kbd", "mark", "small", "details", "summary", "dl", "dt", "dd", "ins", "del"}

// safeList names safeElements in a message.
var safeList = strings.Join(safeElements[:len(safeElements)-1], ", ") + " and " + safeElements[len(safeElements)-1]

// safePolicy is bluemonday's allowlist for HTMLSafe.
func safePolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements(safeElements...)
	p.AllowAttrs("title").OnElements("abbr")
	return p
}

// urlAttrs are the attributes whose value a browser may follow or load
// as a URL: a javascript: one runs a script.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "action": true, "formaction": true, "xlink:href": true,
	"data": true, "poster": true, "cite": true, "background": true, "codebase": true,
}

// fragment is one piece of raw HTML as the browser gets it: an inline
// tag, or an HTML block's lines without the Markdown container's
// markers.
type fragment struct {
	text   []byte
	segs   []text.Segment
	starts []int // offset in text of each segment
}

func newFragment(src []byte, segs []text.Segment) *fragment {
	f := &fragment{segs: segs}
	for _, s := range segs {
		f.starts = append(f.starts, len(f.text))
		f.text = append(f.text, s.Value(src)...)
	}
	return f
}

// off maps an offset in f.text to the body.
func (f *fragment) off(i int) int {
	for k := len(f.segs) - 1; k >= 0; k-- {
		if i >= f.starts[k] {
			s := f.segs[k]
			j := i - f.starts[k]
			if j < s.Padding {
				return s.Start
			}
			return min(s.Start+j-s.Padding, s.Stop)
		}
	}
	return 0
}

// inlineVerdict is what filter made of one inline tag: the HTML to
// publish and the errors and warnings, all at the tag's start.
type inlineVerdict struct {
	html        []byte
	errs, warns []string
}

// memo remembers a value by the text it was made from, for at most
// maxMemo texts of at most maxMemoKey bytes each; safe for concurrent
// use. It is looked up far more often than added to, and a lookup by
// the text's bytes takes no copy of them.
type memo[V any] struct {
	mu sync.RWMutex
	m  map[string]V
}

const (
	maxMemo    = 4096
	maxMemoKey = 1024
)

func (m *memo[V]) load(key []byte) (V, bool) {
	m.mu.RLock()
	v, ok := m.m[string(key)]
	m.mu.RUnlock()
	return v, ok
}

func (m *memo[V]) store(key []byte, v V) {
	if len(key) > maxMemoKey {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[string]V{}
	}
	if _, ok := m.m[string(key)]; !ok && len(m.m) < maxMemo {
		m.m[string(key)] = v
	}
}

// rawHTML filters an inline tag (goldmark gives each one its own node:
// <sub> and </sub> are two).
func (st *state) rawHTML(n *ast.RawHTML) {
	var segs []text.Segment
	for i := range n.Segments.Len() {
		segs = append(segs, n.Segments.At(i))
	}
	out := &htmlInline{html: st.filterInline(newFragment(st.src, segs))}
	out.SetPos(n.Pos())
	n.Parent().ReplaceChild(n.Parent(), n, out)
}

// filterInline is filter for an inline tag, remembering its verdict for
// the next time the same tag is written (anywhere in the site): its
// errors and warnings are then reported at this tag. Under "all", ids
// and marks belong to each tag's place, so nothing is remembered.
func (st *state) filterInline(f *fragment) []byte {
	c := st.c
	if c.opt.HTML == HTMLAll || len(f.text) > 256 {
		return st.filter(f)
	}
	at := st.pos(f.off(0))
	if iv, ok := c.inline.load(f.text); ok {
		for _, m := range iv.errs {
			st.errs.Add(at, "%s", m)
		}
		for _, m := range iv.warns {
			st.warns.Add(at, "%s", m)
		}
		return iv.html
	}
	ne, nw := len(st.errs), len(st.warns)
	html := st.filter(f)
	iv := &inlineVerdict{html: html}
	for _, e := range st.errs[ne:] {
		if e.Pos != at {
			return html // a position inside the tag: not the same at another place
		}
		iv.errs = append(iv.errs, e.Msg)
	}
	for _, e := range st.warns[nw:] {
		if e.Pos != at {
			return html
		}
		iv.warns = append(iv.warns, e.Msg)
	}
	c.inline.store(f.text, iv)
	return html
}

// htmlBlock filters an HTML block.
func (st *state) htmlBlock(n *ast.HTMLBlock) {
	var segs []text.Segment
	for i := range n.Lines().Len() {
		segs = append(segs, n.Lines().At(i))
	}
	if n.HasClosure() {
		segs = append(segs, n.ClosureLine)
	}
	out := &htmlBlock{html: st.filterBlock(newFragment(st.src, segs))}
	out.SetPos(n.Pos())
	out.SetBlankPreviousLines(n.HasBlankPreviousLines())
	n.Parent().ReplaceChild(n.Parent(), n, out)
}

// filterBlock is filter for an HTML block, remembering what it made of
// a block it had nothing to say about, for the next time the same block
// is written (anywhere in the site): the same text then says nothing
// again. Under "all", ids belong to each block's place, so nothing is
// remembered.
func (st *state) filterBlock(f *fragment) []byte {
	c := st.c
	if c.opt.HTML == HTMLAll {
		return st.filter(f)
	}
	if out, ok := c.quiet.load(f.text); ok {
		return out
	}
	ne, nw := len(st.errs), len(st.warns)
	out := st.filter(f)
	if len(st.errs) == ne && len(st.warns) == nw {
		c.quiet.store(f.text, out)
	}
	return out
}

// filter applies Options.HTML to one piece of raw HTML, reports what it
// removes and what the CSP would block, claims its ids (HTMLAll), and
// returns what to publish.
func (st *state) filter(f *fragment) []byte {
	mode := st.c.opt.HTML
	z := html.NewTokenizer(bytes.NewReader(f.text))
	blocked := false    // something the CSP would block: leave it all out
	shown := false      // anything but comments and white space
	cut := len(f.text)  // where a tag or comment starts that is not closed
	var marks []rawMark // where each start tag's name ends, and its position
	for off := 0; off < cut; {
		tt := z.Next()
		raw := bytes.Clone(z.Raw()) // before Token, which may reuse it
		start := f.off(off)
		p := st.pos(start)
		if tt == html.ErrorToken || (tt == html.CommentToken || tt == html.DoctypeToken) && !closed(raw) {
			if len(raw) > 0 {
				// Published, it would swallow the page after it.
				shown, cut = true, off
				if mode != HTMLNone {
					st.warns.Add(p, "raw HTML %q left out: it is not closed", short(string(raw)))
				}
			}
			break
		}
		off += len(raw)
		t := z.Token()
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			shown = true
			if st.blocked(t, p) {
				blocked = true
				continue
			}
			switch mode {
			case HTMLAll:
				st.htmlIDs(t, start)
				if st.opt.Marks {
					marks = append(marks, rawMark{off - len(raw) + tagNameEnd(raw), p})
				}
			case HTMLSafe:
				st.explain(t, raw, p)
			}
		case html.EndTagToken:
			shown = true
			blocked = blocked || t.Data == "script" || t.Data == "style"
		case html.CommentToken, html.DoctypeToken:
			if bytes.HasPrefix(raw, []byte("<!--")) {
				continue
			}
			// <?…?>, <!X…> and <![CDATA[…]]>: what browsers read as
			// comments in HTML.
			shown = true
			if mode == HTMLSafe {
				st.warns.Add(p, "raw HTML %q left out: the %q HTML setting keeps only %s", short(string(raw)), HTMLSafe, safeList)
			}
		case html.TextToken:
			shown = shown || len(bytes.TrimSpace([]byte(t.Data))) > 0
		}
	}
	switch {
	case blocked:
		return nil
	case mode == HTMLNone:
		if shown {
			st.warns.Add(st.pos(f.off(0)), "raw HTML left out: the HTML setting is %q", HTMLNone)
		}
		return nil
	case mode == HTMLAll:
		return bytes.ReplaceAll(markRaw(f.text[:cut], marks), []byte{0}, []byte("\uFFFD"))
	}
	text := f.text[:cut]
	if out, ok := st.c.sanitized.load(text); ok {
		return out
	}
	out := st.c.safe.SanitizeBytes(text)
	st.c.sanitized.store(text, out)
	return out
}

// rawMark is where a mark goes in a piece of raw HTML kept as written:
// after a start tag's name, naming the tag's position in the Markdown.
type rawMark struct {
	at  int
	pos diag.Pos
}

// markRaw puts a mark.Attr on every start tag of raw HTML kept as
// written (see ConvertOptions.Marks), so the audit places what it finds
// in it at the tag's own line.
func markRaw(text []byte, marks []rawMark) []byte {
	if len(marks) == 0 {
		return text
	}
	out := make([]byte, 0, len(text)+len(marks)*40)
	last := 0
	for _, m := range marks {
		out = append(out, text[last:m.at]...)
		out = append(out, mark.Encode(m.pos)...)
		last = m.at
	}
	return append(out, text[last:]...)
}

// tagNameEnd is the offset in a start tag's raw text where its name ends.
func tagNameEnd(raw []byte) int {
	i := 1
	for i < len(raw) && !bytes.ContainsRune([]byte(" \t\n\r\f/>"), rune(raw[i])) {
		i++
	}
	return i
}

// closed reports whether a comment or doctype token ends where the
// browser would end it, rather than at the end of its piece of HTML.
func closed(raw []byte) bool {
	if bytes.HasPrefix(raw, []byte("<!--")) {
		return bytes.Equal(raw, []byte("<!-->")) || bytes.Equal(raw, []byte("<!--->")) ||
			bytes.HasSuffix(raw[4:], []byte("-->")) || bytes.HasSuffix(raw[4:], []byte("--!>"))
	}
	return bytes.HasSuffix(raw, []byte(">"))
}

// blocked reports, as errors, what in a tag the site's CSP would not
// run: a script or style element, a style attribute, an inline event
// handler or a javascript: URL.
func (st *state) blocked(t html.Token, p diag.Pos) bool {
	bad := false
	switch t.Data {
	case "script":
		st.errs.Add(p, "<script> in content is blocked by the site's Content-Security-Policy, which trusts only the theme's scripts")
		bad = true
	case "style":
		st.errs.Add(p, "<style> in content is blocked by the site's Content-Security-Policy; put the rules in the theme's CSS")
		bad = true
	}
	for _, a := range t.Attr {
		switch {
		case a.Key == "style":
			st.errs.Add(p, "<%s style=…> is blocked by the site's Content-Security-Policy; use a class from the theme's CSS", t.Data)
		case strings.HasPrefix(a.Key, "on") && len(a.Key) > 2:
			st.errs.Add(p, "<%s %s=…> is an inline event handler, which the site's Content-Security-Policy blocks", t.Data, a.Key)
		case urlAttrs[a.Key] && isJavaScript(a.Val):
			st.errs.Add(p, "<%s %s=\"javascript:…\"> is blocked by the site's Content-Security-Policy", t.Data, a.Key)
		case a.Key == "srcdoc":
			st.errs.Add(p, "<%s srcdoc=…> embeds a document that runs under the site's Content-Security-Policy; publish it as a page and link to it", t.Data)
		default:
			continue
		}
		bad = true
	}
	return bad
}

// isJavaScript reports whether a browser would run URL u as a script:
// it drops leading spaces and controls, and tabs and newlines anywhere.
func isJavaScript(u string) bool {
	u = strings.TrimLeft(u, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\v\f\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
	u = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(u)
	return len(u) >= len("javascript:") && strings.EqualFold(u[:len("javascript:")], "javascript:")
}

// explain warns of what the HTMLSafe policy removes from one tag.
func (st *state) explain(t html.Token, tag []byte, p diag.Pos) {
	msgs, ok := st.c.explained.load(tag)
	if !ok {
		msgs = st.c.explanation(t, tag)
		st.c.explained.store(tag, msgs)
	}
	for _, m := range msgs {
		st.warns.Add(p, "%s", m)
	}
}

// explanation is what explain warns of tag, t as tokenized.
func (c *Converter) explanation(t html.Token, tag []byte) []string {
	out := c.safe.SanitizeBytes(tag)
	if len(out) == 0 {
		return []string{fmt.Sprintf("raw HTML <%s> left out: the %q HTML setting keeps only %s", t.Data, HTMLSafe, safeList)}
	}
	kept := map[string]bool{}
	z := html.NewTokenizer(bytes.NewReader(out))
	z.Next()
	for _, a := range z.Token().Attr {
		kept[a.Key] = true
	}
	var msgs []string
	for _, a := range t.Attr {
		if !kept[a.Key] {
			msgs = append(msgs, fmt.Sprintf("attribute %q of <%s> left out: the %q HTML setting keeps no attribute but abbr's title", a.Key, t.Data, HTMLSafe))
		}
	}
	return msgs
}

// htmlIDs claims the ids a kept tag gives: id, and name on <a>.
func (st *state) htmlIDs(t html.Token, off int) {
	for _, a := range t.Attr {
		if a.Val != "" && (a.Key == "id" || a.Key == "name" && t.Data == "a") {
			st.claimAt(a.Val, owner{what: htmlOwner, tag: t.Data, off: off})
		}
	}
}

// short shortens s for a message.
func short(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:39]) + "…"
	}
	return s
}

// htmlInline is an inline tag as published, after Options.HTML.
type htmlInline struct {
	ast.BaseInline
	html []byte
}

var kindHTMLInline = ast.NewNodeKind("PublishedRawHTML")

func (n *htmlInline) Kind() ast.NodeKind { return kindHTMLInline }

func (n *htmlInline) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"HTML": string(n.html)}, nil)
}

// htmlBlock is an HTML block as published, after Options.HTML.
type htmlBlock struct {
	ast.BaseBlock
	html []byte
}

var kindHTMLBlock = ast.NewNodeKind("PublishedHTMLBlock")

func (n *htmlBlock) Kind() ast.NodeKind { return kindHTMLBlock }

func (n *htmlBlock) IsRaw() bool { return true }

func (n *htmlBlock) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"HTML": string(n.html)}, nil)
}

// htmlRenderer writes raw HTML as filtered.
type htmlRenderer struct{}

func (htmlRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindHTMLInline, renderHTML)
	reg.Register(kindHTMLBlock, renderHTML)
	reg.Register(east.KindTaskCheckBox, renderTaskCheckBox)
}

// renderTaskCheckBox writes a task's box with its boolean attributes
// bare, as the published page has them: pages are not minified whole.
func renderTaskCheckBox(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		if node.(*east.TaskCheckBox).IsChecked {
			_, _ = w.WriteString(`<input checked disabled type="checkbox"> `)
		} else {
			_, _ = w.WriteString(`<input disabled type="checkbox"> `)
		}
	}
	return ast.WalkContinue, nil
}

func renderHTML(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	switch n := node.(type) {
	case *htmlInline:
		_, _ = w.Write(n.html)
	case *htmlBlock:
		_, _ = w.Write(n.html)
	}
	return ast.WalkSkipChildren, nil
}

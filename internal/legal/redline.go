package legal

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/markdown"
)

// The classes of a redline's markup, for the theme's stylesheet. Without
// any style the browser's own underline (ins) and line-through (del)
// already show the changes without colour.
const (
	// ClassBlock marks an <ins> or <del> around whole blocks (paragraphs,
	// headings, lists, tables).
	ClassBlock = "redline-block"
	// ClassInserted and ClassDeleted mark a list item, table row or cell
	// (which cannot be wrapped in <ins> or <del>) inserted or deleted as
	// a whole; its content is wrapped inside it.
	ClassInserted = "redline-ins"
	ClassDeleted  = "redline-del"
	// ClassSR marks the visually hidden text ("[inserted: " … "]") that
	// announces each change to screen readers; the theme must hide it
	// visually (the usual clip pattern), not with display: none.
	ClassSR = "redline-sr"
)

// The words announcing a change to screen readers.
const (
	srInserted = "[inserted: "
	srDeleted  = "[deleted: "
	srEnd      = "]"
)

// Redline compares two rendered documents (HTML fragments such as
// markdown.Doc.HTML of two versions) and returns the new one with its
// changes marked: whole blocks inserted or deleted are wrapped in <ins> or
// <del> (class ClassBlock), and inside a changed paragraph, heading, list
// item or table cell the changed words are. Headings, lists, tables and
// links keep their markup; attributes (heading ids) are the new
// document's; ids inside deleted text are dropped and links to anchors
// that no longer exist are unlinked, so the result has no duplicate ids
// and no broken fragment links. The output is balanced HTML, the same
// bytes for the same input.
func Redline(old, new []byte) ([]byte, error) {
	a, err := parseFragment(old)
	if err != nil {
		return nil, err
	}
	b, err := parseFragment(new)
	if err != nil {
		return nil, err
	}
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0 // the optimal diff, never one cut short by the clock
	r := &redliner{dmp: dmp}
	out := r.children(units(a), units(b), "body")
	fixIDs(out)
	var buf bytes.Buffer
	for i, n := range out {
		if i > 0 {
			buf.WriteByte('\n')
		}
		if err := html.Render(&buf, n); err != nil {
			return nil, err
		}
	}
	if len(out) > 0 {
		buf.WriteByte('\n')
	}
	return buf.Bytes(), nil
}

func parseFragment(b []byte) ([]*html.Node, error) {
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	return html.ParseFragment(bytes.NewReader(b), body)
}

// blocks are the elements compared as blocks rather than as words.
var blocks = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true,
	atom.Details: true, atom.Dialog: true, atom.Dd: true, atom.Div: true, atom.Dl: true,
	atom.Dt: true, atom.Fieldset: true, atom.Figcaption: true, atom.Figure: true,
	atom.Footer: true, atom.Form: true, atom.H1: true, atom.H2: true, atom.H3: true,
	atom.H4: true, atom.H5: true, atom.H6: true, atom.Header: true, atom.Hgroup: true,
	atom.Hr: true, atom.Li: true, atom.Main: true, atom.Nav: true, atom.Ol: true,
	atom.P: true, atom.Pre: true, atom.Section: true, atom.Table: true, atom.Thead: true,
	atom.Tbody: true, atom.Tfoot: true, atom.Tr: true, atom.Td: true, atom.Th: true,
	atom.Caption: true, atom.Colgroup: true, atom.Col: true, atom.Ul: true, atom.Summary: true,
}

// structural elements may not be wrapped in <ins> or <del> (a list item
// must stay the list's child); they are marked with a class instead.
var structural = map[atom.Atom]bool{
	atom.Li: true, atom.Dt: true, atom.Dd: true, atom.Tr: true, atom.Td: true, atom.Th: true,
	atom.Thead: true, atom.Tbody: true, atom.Tfoot: true, atom.Caption: true,
	atom.Colgroup: true, atom.Col: true, atom.Summary: true, atom.Figcaption: true,
	atom.Legend: true, atom.Option: true, atom.Optgroup: true,
}

// inPlace elements are never shown deleted and inserted whole when
// their content changes, which would add a table cell or a second caption.
var inPlace = map[atom.Atom]bool{
	atom.Td: true, atom.Th: true, atom.Caption: true, atom.Summary: true,
	atom.Figcaption: true, atom.Legend: true, atom.Dt: true,
}

func isBlock(n *html.Node) bool { return n.Type == html.ElementNode && blocks[n.DataAtom] }

// unit is what a block-level comparison compares: one block element, or a
// run of inline nodes between blocks.
type unit struct {
	nodes []*html.Node
	block bool
	key   string // the nodes' HTML: equal keys are equal units
}

// shape is what pairs a deleted unit with an inserted one for a closer
// comparison: the same element, or both inline runs.
func (u unit) shape() string {
	if u.block {
		return u.nodes[0].Data
	}
	return "#inline"
}

func units(nodes []*html.Node) []unit {
	var out []unit
	var run []*html.Node
	flush := func() {
		if len(run) > 0 && !blank(run) {
			out = append(out, unit{nodes: run, key: render(run)})
		}
		run = nil
	}
	for _, n := range nodes {
		switch {
		case n.Type == html.CommentNode:
		case isBlock(n):
			flush()
			out = append(out, unit{nodes: []*html.Node{n}, block: true, key: render([]*html.Node{n})})
		default:
			run = append(run, n)
		}
	}
	flush()
	return out
}

func childList(n *html.Node) []*html.Node {
	var out []*html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		out = append(out, c)
	}
	return out
}

func blank(nodes []*html.Node) bool {
	for _, n := range nodes {
		if n.Type != html.TextNode || strings.TrimSpace(n.Data) != "" {
			return false
		}
	}
	return true
}

func render(nodes []*html.Node) string {
	var b strings.Builder
	for _, n := range nodes {
		_ = html.Render(&b, n)
	}
	return b.String()
}

// hasBlocks reports whether n holds blocks (a loose list item, a quote)
// rather than only inline content (a paragraph, a tight list item).
func hasBlocks(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if isBlock(c) {
			return true
		}
	}
	return false
}

type redliner struct {
	dmp *diffmatchpatch.DiffMatchPatch
}

// op is one step of an alignment of two sequences: the items a[i:j]
// deleted, b[k:l] inserted, or both equal.
type op struct {
	kind       diffmatchpatch.Operation
	a, b       int // start indexes in the old and new sequences
	length     int // items of a (delete, equal) or b (insert)
	onlySpaces bool
}

// align aligns two sequences of keys with diffmatchpatch, each distinct
// key standing for one rune.
func (r *redliner) align(a, b []string) []op {
	dict := map[string]rune{}
	enc := func(keys []string) []rune {
		out := make([]rune, len(keys))
		for i, k := range keys {
			c, ok := dict[k]
			if !ok {
				c = rune(0x100 + len(dict))
				if c >= 0xD800 { // skip the surrogates, which are not runes
					c += 0x800
				}
				dict[k] = c
			}
			out[i] = c
		}
		return out
	}
	ra, rb := enc(a), enc(b)
	var ops []op
	i, j := 0, 0
	for _, d := range r.dmp.DiffMainRunes(ra, rb, false) {
		n := utf8.RuneCountInString(d.Text)
		o := op{kind: d.Type, a: i, b: j, length: n}
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			i, j = i+n, j+n
		case diffmatchpatch.DiffDelete:
			i += n
		case diffmatchpatch.DiffInsert:
			j += n
		}
		ops = append(ops, o)
	}
	return ops
}

// children compares two sequences of units, the children of two paired
// elements (or the two documents) named parent.
func (r *redliner) children(a, b []unit, parent string) []*html.Node {
	ka, kb := make([]string, len(a)), make([]string, len(b))
	for i, u := range a {
		ka[i] = u.key
	}
	for i, u := range b {
		kb[i] = u.key
	}
	var out []*html.Node
	var dels, inss []unit
	flush := func() {
		if len(dels)+len(inss) > 0 {
			out = append(out, r.region(dels, inss)...)
		}
		dels, inss = nil, nil
	}
	for _, o := range r.align(ka, kb) {
		switch o.kind {
		case diffmatchpatch.DiffEqual:
			flush()
			for _, u := range b[o.b : o.b+o.length] {
				out = append(out, cloneAll(u.nodes)...)
			}
		case diffmatchpatch.DiffDelete:
			dels = append(dels, a[o.a:o.a+o.length]...)
		case diffmatchpatch.DiffInsert:
			inss = append(inss, b[o.b:o.b+o.length]...)
		}
	}
	flush()
	return out
}

// region compares the units deleted and inserted between two equal ones:
// a deleted and an inserted unit of the same shape are compared closely,
// the others are marked deleted or inserted as a whole.
func (r *redliner) region(dels, inss []unit) []*html.Node {
	sa, sb := make([]string, len(dels)), make([]string, len(inss))
	for i, u := range dels {
		sa[i] = u.shape()
	}
	for i, u := range inss {
		sb[i] = u.shape()
	}
	var out []*html.Node
	for _, o := range r.align(sa, sb) {
		for k := 0; k < o.length; k++ {
			switch o.kind {
			case diffmatchpatch.DiffEqual:
				out = append(out, r.pair(dels[o.a+k], inss[o.b+k])...)
			case diffmatchpatch.DiffDelete:
				out = append(out, mark(dels[o.a+k], diffmatchpatch.DiffDelete)...)
			case diffmatchpatch.DiffInsert:
				out = append(out, mark(inss[o.b+k], diffmatchpatch.DiffInsert)...)
			}
		}
	}
	return out
}

// pair compares two units of the same shape.
func (r *redliner) pair(a, b unit) []*html.Node {
	whole := func() []*html.Node {
		return append(mark(a, diffmatchpatch.DiffDelete), mark(b, diffmatchpatch.DiffInsert)...)
	}
	if !a.block {
		if out, ok := r.words(a.nodes, b.nodes); ok {
			return out
		}
		return whole()
	}
	na, nb := a.nodes[0], b.nodes[0]
	ca, cb := hasBlocks(na), hasBlocks(nb)
	switch {
	case ca && cb:
		el := shallow(nb)
		for _, c := range r.children(units(childList(na)), units(childList(nb)), nb.Data) {
			el.AppendChild(c)
		}
		return []*html.Node{el}
	case !ca && !cb && (na.FirstChild != nil || nb.FirstChild != nil):
		out, ok := r.words(childList(na), childList(nb))
		if !ok && !inPlace[nb.DataAtom] {
			return whole()
		}
		el := shallow(nb)
		if !ok { // a table cell stays one cell: its old and new content inside
			out = nil
			if kids := childList(na); !blank(kids) {
				out = append(out, change(diffmatchpatch.DiffDelete, cloneAll(kids), false))
			}
			if kids := childList(nb); !blank(kids) {
				out = append(out, change(diffmatchpatch.DiffInsert, cloneAll(kids), false))
			}
		}
		for _, c := range out {
			el.AppendChild(c)
		}
		return []*html.Node{el}
	}
	return whole()
}

// mark marks a unit inserted or deleted as a whole.
func mark(u unit, kind diffmatchpatch.Operation) []*html.Node {
	if !u.block {
		return []*html.Node{change(kind, cloneAll(u.nodes), false)}
	}
	n := u.nodes[0]
	if !structural[n.DataAtom] {
		return []*html.Node{change(kind, []*html.Node{clone(n)}, true)}
	}
	el := shallow(n)
	class := ClassInserted
	if kind == diffmatchpatch.DiffDelete {
		class = ClassDeleted
	}
	addClass(el, class)
	if hasBlocks(n) {
		for _, c := range units(childList(n)) {
			for _, m := range mark(c, kind) {
				el.AppendChild(m)
			}
		}
	} else if kids := childList(n); !blank(kids) {
		el.AppendChild(change(kind, cloneAll(kids), false))
	}
	return []*html.Node{el}
}

// change wraps nodes in <ins> or <del> with the words that announce it.
func change(kind diffmatchpatch.Operation, nodes []*html.Node, block bool) *html.Node {
	el := newChange(kind)
	if block {
		addClass(el, ClassBlock)
	}
	el.AppendChild(srText(openWords(kind)))
	for _, n := range nodes {
		el.AppendChild(n)
	}
	el.AppendChild(srText(srEnd))
	return el
}

func newChange(kind diffmatchpatch.Operation) *html.Node {
	if kind == diffmatchpatch.DiffDelete {
		return &html.Node{Type: html.ElementNode, Data: "del", DataAtom: atom.Del}
	}
	return &html.Node{Type: html.ElementNode, Data: "ins", DataAtom: atom.Ins}
}

func openWords(kind diffmatchpatch.Operation) string {
	if kind == diffmatchpatch.DiffDelete {
		return srDeleted
	}
	return srInserted
}

func srText(s string) *html.Node {
	span := &html.Node{Type: html.ElementNode, Data: "span", DataAtom: atom.Span, Attr: []html.Attribute{{Key: "class", Val: ClassSR}}}
	span.AppendChild(&html.Node{Type: html.TextNode, Data: s})
	return span
}

// token is a word, a run of spaces or an atomic inline element (an image,
// a line break, an empty link) of a block's inline content, with the
// inline elements it sits in.
type token struct {
	text  string     // a word or spaces, or "" for an element
	node  *html.Node // the atomic element
	path  []*html.Node
	key   string
	space bool
}

// atomic inline elements are compared whole.
func atomic(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Br, atom.Img, atom.Input, atom.Wbr, atom.Svg, atom.Math:
		return true
	}
	if attr(n, "aria-hidden") == "true" {
		return true
	}
	return strings.TrimSpace(textOf(n)) == ""
}

func tokens(nodes []*html.Node) []token {
	var out []token
	var walk func(n *html.Node, path []*html.Node, pathKey string)
	walk = func(n *html.Node, path []*html.Node, pathKey string) {
		switch n.Type {
		case html.TextNode:
			for _, w := range splitWords(n.Data) {
				sp := strings.TrimSpace(w) == ""
				key := pathKey + "\x00" + w
				if sp {
					key = pathKey + "\x00 " // any run of spaces is one space
				}
				out = append(out, token{text: w, path: path, key: key, space: sp})
			}
		case html.ElementNode:
			if atomic(n) {
				key := render([]*html.Node{n})
				if attr(n, "aria-hidden") == "true" {
					// Decoration, such as a heading's self-link: the new
					// document's always stands.
					key = "aria-hidden " + n.Data
				}
				out = append(out, token{node: n, path: path, key: pathKey + "\x01" + key})
				return
			}
			p := append(path[:len(path):len(path)], n)
			k := pathKey + startTag(n)
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c, p, k)
			}
		}
	}
	for _, n := range nodes {
		walk(n, nil, "")
	}
	return out
}

// splitWords splits text into words (letters, digits and marks), runs of
// white space, and single other characters (punctuation), so that "Two"
// and "Two," share a word.
func splitWords(s string) []string {
	class := func(r rune) int {
		switch {
		case unicode.IsSpace(r):
			return 0
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			return 1
		}
		return 2
	}
	var out []string
	start, prev := 0, -1
	for i, r := range s {
		c := class(r)
		if i > start && (c != prev || c == 2) {
			out = append(out, s[start:i])
			start = i
		}
		prev = c
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// words compares two blocks' inline content word by word. ok is false
// when they have too little in common for a word-level redline to read
// well: then the block is shown deleted and inserted whole.
func (r *redliner) words(a, b []*html.Node) ([]*html.Node, bool) {
	ta, tb := tokens(a), tokens(b)
	ka, kb := make([]string, len(ta)), make([]string, len(tb))
	for i, t := range ta {
		ka[i] = t.key
	}
	for i, t := range tb {
		kb[i] = t.key
	}
	ops := r.align(ka, kb)
	same, total := 0, 0
	for _, t := range ta {
		total += weight(t)
	}
	for _, t := range tb {
		total += weight(t)
	}
	for _, o := range ops {
		if o.kind == diffmatchpatch.DiffEqual {
			for _, t := range tb[o.b : o.b+o.length] {
				same += 2 * weight(t)
			}
		}
	}
	if total > 0 && same*3 < total { // less than a third in common
		return nil, false
	}
	// Spaces alone between two changes join them into one change.
	for i := range ops {
		o := &ops[i]
		if o.kind != diffmatchpatch.DiffEqual || i == 0 || i == len(ops)-1 {
			continue
		}
		o.onlySpaces = true
		for _, t := range tb[o.b : o.b+o.length] {
			if !t.space {
				o.onlySpaces = false
				break
			}
		}
	}
	e := &emitter{}
	var dels, inss []token
	flush := func() {
		e.run(dels, diffmatchpatch.DiffDelete)
		e.run(inss, diffmatchpatch.DiffInsert)
		dels, inss = nil, nil
	}
	for _, o := range ops {
		switch {
		case o.kind == diffmatchpatch.DiffEqual && o.onlySpaces:
			dels = append(dels, ta[o.a:o.a+o.length]...)
			inss = append(inss, tb[o.b:o.b+o.length]...)
		case o.kind == diffmatchpatch.DiffEqual:
			flush()
			e.run(tb[o.b:o.b+o.length], diffmatchpatch.DiffEqual)
		case o.kind == diffmatchpatch.DiffDelete:
			dels = append(dels, ta[o.a:o.a+o.length]...)
		case o.kind == diffmatchpatch.DiffInsert:
			inss = append(inss, tb[o.b:o.b+o.length]...)
		}
	}
	flush()
	return e.root, true
}

// weight is how much a token counts when judging how alike two blocks are.
func weight(t token) int {
	switch {
	case t.space:
		return 0
	case t.node != nil:
		return 1
	}
	return utf8.RuneCountInString(t.text)
}

// emitter rebuilds inline content from tokens, reopening the inline
// elements each token sits in and putting <ins> and <del> innermost, so
// the markup always nests.
type emitter struct {
	root  []*html.Node
	open  []*html.Node // clones of the open inline elements, outermost first
	sigs  []string     // their start tags
	cur   *html.Node   // the open <ins> or <del>
	where *html.Node   // the element cur was opened in
}

func (e *emitter) parent() *html.Node {
	if len(e.open) == 0 {
		return nil
	}
	return e.open[len(e.open)-1]
}

func (e *emitter) add(n *html.Node, to *html.Node) {
	if to == nil {
		if k := len(e.root); k > 0 && n.Type == html.TextNode && e.root[k-1].Type == html.TextNode {
			e.root[k-1].Data += n.Data
			return
		}
		e.root = append(e.root, n)
		return
	}
	if n.Type == html.TextNode && to.LastChild != nil && to.LastChild.Type == html.TextNode {
		to.LastChild.Data += n.Data
		return
	}
	to.AppendChild(n)
}

// enter makes path the open inline elements.
func (e *emitter) enter(path []*html.Node) {
	k := 0
	for k < len(path) && k < len(e.sigs) && e.sigs[k] == startTag(path[k]) {
		k++
	}
	if k < len(e.open) {
		e.open, e.sigs = e.open[:k], e.sigs[:k]
		e.cur = nil
	}
	for _, n := range path[k:] {
		el := shallow(n)
		e.add(el, e.parent())
		e.open, e.sigs = append(e.open, el), append(e.sigs, startTag(n))
		e.cur = nil
	}
}

// run emits a run of tokens, all equal, deleted or inserted.
func (e *emitter) run(ts []token, kind diffmatchpatch.Operation) {
	if len(ts) == 0 {
		return
	}
	var last *html.Node
	for i, t := range ts {
		e.enter(t.path)
		n := &html.Node{Type: html.TextNode, Data: t.text}
		if t.node != nil {
			n = clone(t.node)
		}
		if kind == diffmatchpatch.DiffEqual {
			e.add(n, e.parent())
			continue
		}
		if e.cur == nil || e.where != e.parent() {
			e.cur, e.where = newChange(kind), e.parent()
			e.add(e.cur, e.parent())
			if i == 0 {
				e.cur.AppendChild(srText(openWords(kind)))
			}
		}
		e.add(n, e.cur)
		last = e.cur
	}
	if last != nil {
		last.AppendChild(srText(srEnd))
	}
	e.cur = nil
}

func startTag(n *html.Node) string {
	var b strings.Builder
	b.WriteString("<" + n.Data)
	for _, a := range n.Attr {
		b.WriteString(" " + a.Namespace + ":" + a.Key + "=" + a.Val)
	}
	b.WriteString(">")
	return b.String()
}

func textOf(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(textOf(c))
	}
	return b.String()
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

func addClass(n *html.Node, class string) {
	for i, a := range n.Attr {
		if a.Namespace == "" && a.Key == "class" {
			n.Attr[i].Val = strings.TrimSpace(a.Val + " " + class)
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: "class", Val: class})
}

func shallow(n *html.Node) *html.Node {
	return &html.Node{Type: n.Type, DataAtom: n.DataAtom, Data: n.Data, Namespace: n.Namespace, Attr: append([]html.Attribute(nil), n.Attr...)}
}

func clone(n *html.Node) *html.Node {
	c := shallow(n)
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		c.AppendChild(clone(ch))
	}
	return c
}

func cloneAll(nodes []*html.Node) []*html.Node {
	out := make([]*html.Node, len(nodes))
	for i, n := range nodes {
		out[i] = clone(n)
	}
	return out
}

// fixIDs drops the ids of deleted text and any id already used, then
// unlinks links to anchors that no longer exist (a deleted heading's
// self-link is removed).
func fixIDs(forest []*html.Node) {
	ids := map[string]bool{}
	var strip func(n *html.Node, deleted bool)
	strip = func(n *html.Node, deleted bool) {
		if n.Type != html.ElementNode {
			return
		}
		deleted = deleted || n.DataAtom == atom.Del || hasClass(n, ClassDeleted)
		for i := 0; i < len(n.Attr); i++ {
			a := n.Attr[i]
			if a.Namespace == "" && a.Key == "id" {
				if deleted || ids[a.Val] {
					n.Attr = append(n.Attr[:i], n.Attr[i+1:]...)
					i--
					continue
				}
				ids[a.Val] = true
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			strip(c, deleted)
		}
	}
	for _, n := range forest {
		strip(n, false)
	}
	var links func(n *html.Node)
	links = func(n *html.Node) {
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			links(c)
			c = next
		}
		if n.Type != html.ElementNode || n.DataAtom != atom.A {
			return
		}
		href := attr(n, "href")
		if !strings.HasPrefix(href, "#") || ids[href[1:]] {
			return
		}
		if hasClass(n, "anchor") && n.Parent != nil {
			n.Parent.RemoveChild(n)
			return
		}
		for i, a := range n.Attr {
			if a.Namespace == "" && a.Key == "href" {
				n.Attr = append(n.Attr[:i], n.Attr[i+1:]...)
				break
			}
		}
	}
	for _, n := range forest {
		links(n)
	}
}

func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}

// Convert renders the version's Markdown body as its page would render
// it: opt's File and LineOffset are set to the archived file's, and
// Typographer to its front matter's typographer when it sets one. Resolve
// should resolve links as for the page itself (an archived version is the
// page's text, its links relative to the page's folder), so errors point
// at the archived file's lines.
func (v *Version) Convert(conv *markdown.Converter, opt markdown.ConvertOptions) (*markdown.Doc, diag.List) {
	opt.File, opt.LineOffset = v.Source, v.BodyLine-1
	if v.Meta.Typographer != nil {
		opt.Typographer = *v.Meta.Typographer
	}
	return conv.Convert(v.Body, opt)
}

// RedlineVersions renders two versions with Convert and returns the
// redline of v against prev (its Previous).
func RedlineVersions(conv *markdown.Converter, prev, v *Version, opt markdown.ConvertOptions) ([]byte, diag.List) {
	a, errs := prev.Convert(conv, opt)
	b, more := v.Convert(conv, opt)
	errs = append(errs, more...)
	out, err := Redline(a.HTML, b.HTML)
	if err != nil {
		errs.Add(diag.Pos{File: v.Source}, "redline against %s: %v", prev.Date(), err)
	}
	return out, errs
}

// Package markdown converts a page's Markdown to HTML. It is the one
// package that imports goldmark; it knows nothing of pages or URLs and asks
// its caller to resolve links.
//
// Every fact it returns carries the position that produced it: links,
// ids, and each problem, which is an error (the page must not be
// published as it is) or a warning (something the writer wrote was left
// out).
package markdown

import (
	"bufio"
	"bytes"
	"fmt"
	"html"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/mark"
)

// Options configure a Converter.
type Options struct {
	// HTML says what becomes of raw HTML written in the Markdown:
	// HTMLNone, HTMLSafe (the default, also when empty) or HTMLAll. It
	// replaces the former Unsafe option: Unsafe: true is HTML: HTMLAll.
	// Any other value is taken as HTMLSafe; the caller validates its
	// configuration.
	HTML string
	// TOCStart and TOCEnd are the heading levels the table of contents
	// lists (default 2 and 3).
	TOCStart, TOCEnd int
	// ReservedIDs are ids the page's layout already uses ("main"): a
	// heading that would get one is numbered instead, and an explicit
	// {#id} or raw HTML id equal to one is an error.
	ReservedIDs []string
}

// Converter turns Markdown into HTML. Build one per site and share it: it
// is safe for concurrent use.
type Converter struct {
	opt  Options
	safe *bluemonday.Policy // the HTMLSafe allowlist
	// inline remembers what filter made of each inline tag ("<sub>",
	// "</sub>"): they repeat all over a site, and tokenizing and
	// sanitizing each again is most of the cost of raw HTML.
	inline memo[*inlineVerdict] // tag text → verdict
	// explained and sanitized remember, under "safe", what the policy
	// says of one tag (the warnings of explain) and what it makes of one
	// piece of raw HTML: both depend on the text alone, and the same
	// tags and blocks repeat across a site's pages.
	explained memo[[]string]
	sanitized memo[[]byte]
	// quiet remembers what filter made of each HTML block it had
	// nothing to say about.
	quiet memo[[]byte]
	plain goldmark.Markdown // without typographic quotes
	typo  goldmark.Markdown // with typographic quotes
	// bufPool holds renderBufs.
	bufPool sync.Pool
}

// renderBuf is where a document is rendered: the renderer writes
// through it (a bufio.Writer it would otherwise make for each document)
// into buf. The block renderers that mark their element (markedBlock)
// find the conversion's state in it, and render goldmark's start tag
// into tag first.
type renderBuf struct {
	*bufio.Writer
	buf bytes.Buffer
	st  *state
	tag struct {
		w   *bufio.Writer
		buf bytes.Buffer
		val []byte // the mark's value
	}
}

// New builds a Converter.
func New(opt Options) *Converter {
	if opt.TOCStart == 0 {
		opt.TOCStart = 2
	}
	if opt.TOCEnd == 0 {
		opt.TOCEnd = 3
	}
	if opt.HTML != HTMLNone && opt.HTML != HTMLAll {
		opt.HTML = HTMLSafe
	}
	c := &Converter{opt: opt, safe: safePolicy()}
	c.plain = c.build(false)
	c.typo = c.build(true)
	c.bufPool.New = func() any {
		rb := new(renderBuf)
		rb.Writer = bufio.NewWriter(&rb.buf)
		rb.tag.w = bufio.NewWriter(&rb.tag.buf)
		return rb
	}
	return c
}

func (c *Converter) build(typographer bool) goldmark.Markdown {
	return c.buildWith(typographer, ourParts())
}

// ourParts are the converter's own parts.
func ourParts() parts {
	return parts{linkify: linkify, rawHTML: quickRawHTML{parser.NewRawHTMLParser()}}
}

// parts are what the tests build a converter with instead of ours, to
// hold ours to it: Linkify (quickLinkify, against goldmark's own), the
// inline raw HTML parser (quickRawHTML, against goldmark's) and more
// extensions (marks as node attributes, against markedBlocks).
type parts struct {
	linkify goldmark.Extender
	rawHTML parser.InlineParser
	more    []goldmark.Extender
}

// buildWith builds the Markdown converter with p.
func (c *Converter) buildWith(typographer bool, p parts) goldmark.Markdown {
	exts := []goldmark.Extender{
		// GFM, with table alignment as classes: a style attribute
		// would need 'unsafe-inline' under the site's CSP.
		p.linkify,
		extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignNone)),
		extension.Strikethrough,
		extension.TaskList,
		extension.Footnote,
		extension.DefinitionList,
	}
	if typographer {
		exts = append(exts, extension.Typographer)
	}
	exts = append(exts, p.more...)
	return goldmark.New(
		goldmark.WithParser(newParser(p.rawHTML)),
		goldmark.WithExtensions(exts...),
		goldmark.WithParserOptions(
			parser.WithAttribute(), // {#id} on headings
			// After the footnote transformer (999), so footnotes are
			// numbered and the unused ones gone.
			parser.WithASTTransformers(util.Prioritized(transformer{}, 1000)),
		),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(
			util.Prioritized(headingRenderer{}, 100),
			util.Prioritized(htmlRenderer{}, 100),
			util.Prioritized(markedBlocks{}, 100),
		)),
	)
}

// Link is a link or image destination as written in the Markdown.
type Link struct {
	Dest string
	// URL is the destination published, after Resolve.
	URL string
	// Pos is where Dest is written: in the link itself, or in the link
	// reference definition it uses.
	Pos   diag.Pos
	Image bool
}

// Heading is a heading of the document.
type Heading struct {
	Level int
	ID    string
	Text  string // plain text
	Line  int    // line in the file
}

// ID is an id attribute the document's HTML carries: a heading's
// (explicit or generated), a footnote's or its reference's ("fn:1",
// "fnref:1"), or one written in raw HTML (HTMLAll only), with where it
// comes from.
type ID struct {
	ID  string
	Pos diag.Pos
}

// Doc is a converted document.
type Doc struct {
	HTML     []byte
	Links    []Link
	Headings []Heading
	// IDs are every id in HTML, in source order; none repeats unless
	// Convert reported an error.
	IDs []ID
	// TOC is the table of contents as an HTML list (nil when the document
	// has no headings at the TOC levels or none was asked for).
	TOC []byte
	// Warnings are what the writer wrote but the HTML leaves out (raw
	// HTML the Options.HTML setting removes, heading attributes that are
	// not rendered). The page can be published; errors, returned by
	// Convert beside the Doc, say it must not be.
	Warnings diag.List
}

// ConvertOptions are per-document settings.
type ConvertOptions struct {
	// File names the source in positions; LineOffset is the file line the
	// Markdown body starts on, minus one.
	File       string
	LineOffset int
	// Typographer turns straight quotes, dashes and ellipses into their
	// typographic forms.
	Typographer bool
	// TOC asks for a table of contents.
	TOC bool
	// Resolve, when set, is given every link and image destination and
	// returns what to publish instead. An error is reported at the link.
	// Autolinks (<https://…>, www.…) always have a scheme and are not
	// given to it.
	Resolve func(dest string, image bool) (string, error)
	// Marks puts a mark.Attr on every link, image and block the HTML
	// has, naming its line and column in File, so that what an audit
	// finds in the finished page points back at the Markdown.
	Marks bool
}

var stateKey = parser.NewContextKey()

// state is what one conversion collects.
type state struct {
	c     *Converter
	opt   *ConvertOptions
	src   []byte
	lines []int // offsets of line starts in the body
	// dests holds, for each link and image the link parser made, the
	// offsets of its closing ']' and of the end of the link.
	dests    map[ast.Node][2]int
	links    []Link
	headings []Heading
	ids      ids
	errs     diag.List
	warns    diag.List
}

// Convert converts one document's Markdown body. The errors returned
// mean the page must not be published as it is; Doc.Warnings are
// reported but do not stop it.
func (c *Converter) Convert(src []byte, opt ConvertOptions) (*Doc, diag.List) {
	md := c.plain
	if opt.Typographer {
		md = c.typo
	}
	st := &state{c: c, opt: &opt, src: src, lines: lineStarts(src), dests: map[ast.Node][2]int{}}
	ctx := parser.NewContext(parser.WithIDs(noIDs{}))
	ctx.Set(stateKey, st)
	doc := md.Parser().Parse(text.NewReader(src), parser.WithContext(ctx))
	rb := c.bufPool.Get().(*renderBuf)
	rb.buf.Reset()
	rb.Writer.Reset(&rb.buf)
	rb.st = st
	defer func() { rb.st = nil; c.bufPool.Put(rb) }()
	if err := md.Renderer().Render(rb, src, doc); err != nil { // it flushes rb
		st.errs.Add(diag.Pos{File: opt.File}, "rendering Markdown: %v", err)
	}
	// (Empty HTML is nil, whether the pooled buffer was new or used.)
	out := &Doc{Links: st.links, Headings: st.headings, IDs: st.idList()}
	if rb.buf.Len() > 0 {
		out.HTML = bytes.Clone(rb.buf.Bytes())
	}
	if opt.TOC {
		out.TOC = toc(st.headings, c.opt.TOCStart, c.opt.TOCEnd)
	}
	st.warns.Sort()
	st.errs.Sort()
	out.Warnings = st.warns
	return out, st.errs
}

func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, b := range src {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// pos converts a body offset to a file position; the column counts
// characters, as editors do.
func (st *state) pos(off int) diag.Pos {
	off = max(0, min(off, len(st.src)))
	lo, hi := 0, len(st.lines)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if st.lines[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	col := utf8.RuneCount(st.src[st.lines[lo]:off]) + 1
	return diag.Pos{File: st.opt.File, Line: lo + 1 + st.opt.LineOffset, Col: col}
}

// line is the file line of a body offset.
func (st *state) line(off int) int { return st.pos(off).Line }

// transformer gives headings GitHub's ids, filters raw HTML, marks table
// alignment, and collects and resolves links.
type transformer struct{}

func (transformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	st, _ := pc.Get(stateKey).(*state)
	if st == nil {
		return
	}
	var (
		nodes     []ast.Node // headings, links and raw HTML, in source order
		footnotes []ast.Node
		defs      = map[string]*ast.LinkReferenceDefinition{}
	)
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading, *ast.Link, *ast.Image, *ast.AutoLink, *ast.RawHTML, *ast.HTMLBlock:
			nodes = append(nodes, n)
		case *east.Footnote, *east.FootnoteLink:
			footnotes = append(footnotes, n)
		case *east.TableCell:
			alignClass(n)
		case *ast.LinkReferenceDefinition:
			// The first definition of a label is the one links use.
			if k := util.ToLinkReference(n.Label); defs[k] == nil {
				defs[k] = n
			}
		}
		return ast.WalkContinue, nil
	})

	// Ids: the layout's, then the footnotes' (goldmark fixes them), then
	// the writer's explicit ones and raw HTML's in source order; the
	// generated ones go around all of them.
	for _, id := range st.c.opt.ReservedIDs {
		st.ids.claim(id, owner{what: layoutOwner, off: -1})
	}
	for _, n := range footnotes {
		st.footnoteID(n)
	}
	var headings []*ast.Heading
	for _, n := range nodes {
		switch n := n.(type) {
		case *ast.Heading:
			headings = append(headings, n)
			st.explicitID(n)
		case *ast.RawHTML:
			st.rawHTML(n)
		case *ast.HTMLBlock:
			st.htmlBlock(n)
		}
	}
	for _, h := range headings {
		st.markBlock(h)
		id := st.headingID(h)
		line := st.line(h.Pos())
		if h.Lines().Len() > 0 {
			line = st.line(h.Lines().At(0).Start)
		}
		st.headings = append(st.headings, Heading{Level: h.Level, ID: id, Text: plainText(h, st.src), Line: line})
	}

	for _, n := range nodes {
		switch n := n.(type) {
		case *ast.Link:
			n.Destination = st.link(n, n.Destination, n.Reference, defs, false)
		case *ast.Image:
			n.Destination = st.link(n, n.Destination, n.Reference, defs, true)
		case *ast.AutoLink:
			st.autoLink(n)
		}
	}
}

// alignClass marks an aligned table cell with a class the theme styles:
// al, ac or ar.
func alignClass(cell *east.TableCell) {
	var class string
	switch cell.Alignment {
	case east.AlignLeft:
		class = "al"
	case east.AlignCenter:
		class = "ac"
	case east.AlignRight:
		class = "ar"
	default:
		return
	}
	cell.SetAttributeString("class", []byte(class))
}

// link records a link or image and returns the destination to publish.
func (st *state) link(n ast.Node, dest []byte, ref *ast.ReferenceLink, defs map[string]*ast.LinkReferenceDefinition, image bool) []byte {
	p := st.destPos(n, dest, ref, defs)
	st.mark(n, p)
	st.links = append(st.links, Link{Dest: string(dest), URL: string(dest), Pos: p, Image: image})
	if st.opt.Resolve == nil {
		return dest
	}
	to, err := st.opt.Resolve(string(dest), image)
	if err != nil {
		st.errs = append(st.errs, &diag.Error{Pos: p, Msg: err.Error()})
		return dest
	}
	st.links[len(st.links)-1].URL = to
	return []byte(to)
}

// autoLink records an autolink: <https://…>, <a@b.c> or a bare URL.
func (st *state) autoLink(n *ast.AutoLink) {
	label := n.Label(st.src)
	off := n.Pos()
	// A bare URL's node starts at the character before it.
	for i := off; i >= 0 && i <= off+1 && i < len(st.src); i++ {
		if bytes.HasPrefix(st.src[i:], label) {
			off = i
			break
		}
	}
	url := string(n.URL(st.src))
	if n.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(url), "mailto:") {
		url = "mailto:" + url
	}
	st.links = append(st.links, Link{Dest: string(label), URL: url, Pos: st.pos(off)})
	st.mark(n, st.pos(off))
}

// mark names an element's position for the audit (see ConvertOptions.Marks).
// Goldmark renders data- attributes on every element that takes
// attributes, whatever its filter.
func (st *state) mark(n ast.Node, p diag.Pos) {
	if st.opt.Marks {
		n.SetAttributeString(mark.Attr, mark.Value(p)) // a string is rendered as it is, without a copy
	}
}

// markBlock marks a block at the start of its first line's text (a
// heading: the other blocks are marked as they are rendered, see
// markedBlocks).
func (st *state) markBlock(n ast.Node) {
	if p, ok := st.blockPos(n); ok && st.opt.Marks {
		st.mark(n, p)
	}
}

// blockPos is where a block starts: its first line's text (after a
// list's or a quote's marker).
func (st *state) blockPos(n ast.Node) (diag.Pos, bool) {
	off := -1
	for c := n; c != nil && off < 0; c = c.FirstChild() {
		if c.Type() == ast.TypeBlock && c.Lines().Len() > 0 {
			off = c.Lines().At(0).Start
		}
	}
	if off < 0 {
		if off = n.Pos(); off < 0 {
			return diag.Pos{}, false
		}
	}
	return st.pos(off), true
}

// markedBlocks renders the blocks a page marks for the audit (but
// headings, whose renderer is headingRenderer): goldmark's own
// renderers for them, with the mark written into the start tag, where
// goldmark would have written it from the node's attributes, which
// they have no other of. A mark as an attribute made a 400-byte slice
// for each block (goldmark's room for ten attributes).
type markedBlocks struct{}

func (markedBlocks) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	for kind, render := range blockRenderers {
		reg.Register(kind, markedBlock(render))
	}
}

// blockRenderers are goldmark's renderers of the blocks markedBlocks
// marks, made as goldmark.New makes them for the Converter (no renderer
// options; the table's cells aligned with no attribute).
var blockRenderers = func() renderFuncs {
	fs := renderFuncs{}
	ghtml.NewRenderer().RegisterFuncs(fs)
	extension.NewTableHTMLRenderer(extension.WithTableCellAlignMethod(extension.TableCellAlignNone)).RegisterFuncs(fs)
	extension.NewDefinitionListHTMLRenderer().RegisterFuncs(fs)
	marked := renderFuncs{}
	for _, k := range []ast.NodeKind{ast.KindParagraph, ast.KindBlockquote, ast.KindList, ast.KindListItem, ast.KindThematicBreak,
		east.KindTable, east.KindTableRow, east.KindTableHeader, east.KindDefinitionList, east.KindDefinitionTerm, east.KindDefinitionDescription} {
		marked[k] = fs[k]
	}
	return marked
}()

// renderFuncs collects renderers by the kind they render.
type renderFuncs map[ast.NodeKind]renderer.NodeRendererFunc

func (fs renderFuncs) Register(k ast.NodeKind, f renderer.NodeRendererFunc) { fs[k] = f }

// markedBlock is render with the block's mark in its start tag: the tag
// is rendered aside, and the mark goes before its '>'.
func markedBlock(render renderer.NodeRendererFunc) renderer.NodeRendererFunc {
	return func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		// Unmarked: when leaving, without marks, and for a block that
		// already has its mark as an attribute (goldmark writes it).
		rb, ok := w.(*renderBuf)
		_, marked := n.AttributeString(mark.Attr)
		if !entering || !ok || !rb.st.opt.Marks || marked {
			return render(w, src, n, entering)
		}
		p, ok := rb.st.blockPos(n)
		if !ok {
			return render(w, src, n, entering)
		}
		rb.tag.buf.Reset()
		rb.tag.w.Reset(&rb.tag.buf)
		status, err := render(rb.tag.w, src, n, entering)
		_ = rb.tag.w.Flush()
		tag := rb.tag.buf.Bytes()
		if n.Kind() == ast.KindBlockquote {
			// goldmark ends the tag with a newline only when it has no
			// attributes.
			tag = bytes.TrimSuffix(tag, []byte("\n"))
		}
		if i := bytes.IndexByte(tag, '>'); i >= 0 {
			_, _ = w.Write(tag[:i])
			_, _ = w.WriteString(" " + mark.Attr + `="`)
			rb.tag.val = mark.AppendValue(rb.tag.val[:0], p)
			_, _ = w.Write(util.EscapeHTML(rb.tag.val))
			_ = w.WriteByte('"')
			tag = tag[i:]
		}
		_, _ = w.Write(tag)
		return status, err
	}
}

// headingSource is a heading's text as GitHub sees it when it computes
// the heading's id: inline syntax gone, typographic dashes turned back
// into the hyphens they were written as.
func headingSource(h *ast.Heading, src []byte) string { return inlineText(h, src, true) }

// plainText is a heading's text as a reader sees it.
func plainText(h ast.Node, src []byte) string { return strings.TrimSpace(inlineText(h, src, false)) }

// inlineText collects the text of n's inlines. forID keeps what GitHub's
// ids are computed from instead of the typographer's output.
func inlineText(n ast.Node, src []byte, forID bool) string {
	var b strings.Builder
	_ = ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := n.(type) {
		case *ast.Text:
			// The text as a reader sees it: backslash escapes and
			// character references decoded, as goldmark's renderer does
			// (GitHub computes ids from that text: "Caf&eacute;" is
			// "café").
			v := t.Segment.Value(src)
			if !t.IsRaw() {
				v = util.UnescapePunctuations(v)
				v = util.ResolveNumericReferences(v)
				v = util.ResolveEntityNames(v)
			}
			b.Write(v)
			if t.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			v := html.UnescapeString(string(t.Value))
			if !forID {
				b.WriteString(v)
				break
			}
			// Ids drop punctuation anyway, but keep dashes as hyphens.
			switch v {
			case "–":
				b.WriteString("--")
			case "—":
				b.WriteString("---")
			}
		case *ast.RawHTML, *htmlInline, *east.FootnoteLink:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// Slug computes a heading id as GitHub does: lower case, letters, digits,
// marks, '-' and '_' kept, each space turned into '-', everything else
// dropped, nothing trimmed. "1. What we store" → "1-what-we-store";
// "Your Complaint Must ..." → "your-complaint-must-".
func Slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.M, r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// noIDs satisfies goldmark's parser.IDs; heading ids are given by the
// transformer, and footnotes name their own.
type noIDs struct{}

func (noIDs) Generate(value []byte, kind ast.NodeKind) []byte { return nil }
func (noIDs) Put(value []byte)                                {}

// toc renders the headings between levels lo and hi as nested lists.
func toc(hs []Heading, lo, hi int) []byte {
	var b bytes.Buffer
	depth := 0 // open <ol> levels, relative to lo
	open := []bool{}
	count := 0
	for _, h := range hs {
		if h.Level < lo || h.Level > hi {
			continue
		}
		want := h.Level - lo + 1
		if depth == 0 {
			b.WriteString("<ol>")
			depth, open = 1, append(open, false)
		}
		for depth < want {
			b.WriteString("<ol>")
			depth++
			open = append(open, false)
		}
		for depth > want {
			b.WriteString("</li></ol>")
			depth--
			open = open[:len(open)-1]
		}
		if open[depth-1] {
			b.WriteString("</li>")
		}
		fmt.Fprintf(&b, `<li><a href="#%s">%s</a>`, html.EscapeString(h.ID), html.EscapeString(h.Text))
		open[depth-1] = true
		count++
	}
	for depth > 0 {
		b.WriteString("</li></ol>")
		depth--
	}
	if count == 0 {
		return nil
	}
	return b.Bytes()
}

// headingAttrs are the attributes a heading's {…} may give it: goldmark's
// global attributes but style, which the site's CSP would block (data-*
// are always kept).
var headingAttrs = util.NewBytesFilterString(`accesskey,autocapitalize,autofocus,class,contenteditable,dir,draggable,enterkeyhint,hidden,id,inert,inputmode,is,itemid,itemprop,itemref,itemscope,itemtype,lang,part,role,slot,spellcheck,tabindex,title,translate`)

// headingRenderer renders headings with a self-link, so readers can copy
// a link to any section.
type headingRenderer struct{}

func (headingRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHeading, renderHeading)
}

func renderHeading(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Heading)
	if entering {
		fmt.Fprintf(w, "<h%d", n.Level)
		if n.Attributes() != nil {
			ghtml.RenderAttributes(w, node, headingAttrs)
		}
		_ = w.WriteByte('>')
		return ast.WalkContinue, nil
	}
	if id, ok := attrString(n, "id"); ok && n.Level > 1 {
		fmt.Fprintf(w, `<a class="anchor" href="#%s" aria-hidden="true" tabindex="-1"></a>`, html.EscapeString(id))
	}
	fmt.Fprintf(w, "</h%d>\n", n.Level)
	return ast.WalkContinue, nil
}

// attrString is a node's attribute as goldmark renders it: text, or
// empty for a value of another type.
func attrString(n ast.Node, name string) (string, bool) {
	v, ok := n.AttributeString(name)
	if !ok {
		return "", false
	}
	switch v := v.(type) {
	case []byte:
		return string(v), true
	case string:
		return v, true
	}
	return "", true
}

// Package markdown converts a page's Markdown to HTML. It is the one
// package that imports goldmark; it knows nothing of pages or URLs and asks
// its caller to resolve links.
package markdown

import (
	"bytes"
	"fmt"
	"html"
	"strings"
	"sync"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/certiron/certiron-site/internal/diag"
)

// Options configure a Converter.
type Options struct {
	// Unsafe renders raw HTML written in Markdown; otherwise it is omitted.
	Unsafe bool
	// TOCStart and TOCEnd are the heading levels the table of contents
	// lists (default 2 and 3).
	TOCStart, TOCEnd int
	// ReservedIDs are ids the page's layout already uses ("main"): a
	// heading that would get one is numbered instead, so no id repeats.
	ReservedIDs []string
}

// Converter turns Markdown into HTML. Build one per site and share it: it
// is safe for concurrent use.
type Converter struct {
	opt     Options
	plain   goldmark.Markdown // without typographic quotes
	typo    goldmark.Markdown // with typographic quotes
	bufPool sync.Pool
}

// New builds a Converter.
func New(opt Options) *Converter {
	if opt.TOCStart == 0 {
		opt.TOCStart = 2
	}
	if opt.TOCEnd == 0 {
		opt.TOCEnd = 3
	}
	c := &Converter{opt: opt}
	c.plain = c.build(false)
	c.typo = c.build(true)
	c.bufPool.New = func() any { return new(bytes.Buffer) }
	return c
}

func (c *Converter) build(typographer bool) goldmark.Markdown {
	exts := []goldmark.Extender{extension.GFM, extension.Footnote}
	if typographer {
		exts = append(exts, extension.Typographer)
	}
	var rOpts []renderer.Option
	if c.opt.Unsafe {
		rOpts = append(rOpts, ghtml.WithUnsafe())
	}
	rOpts = append(rOpts, renderer.WithNodeRenderers(util.Prioritized(headingRenderer{}, 100)))
	return goldmark.New(
		goldmark.WithExtensions(exts...),
		goldmark.WithParserOptions(
			parser.WithAttribute(), // {#id} on headings
			parser.WithASTTransformers(util.Prioritized(transformer{}, 100)),
		),
		goldmark.WithRendererOptions(rOpts...),
	)
}

// Link is a link or image destination as written in the Markdown.
type Link struct {
	Dest string
	// URL is the destination published, after Resolve.
	URL   string
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

// Doc is a converted document.
type Doc struct {
	HTML     []byte
	Links    []Link
	Headings []Heading
	// TOC is the table of contents as an HTML list (nil when the document
	// has no headings at the TOC levels or none was asked for).
	TOC []byte
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
	Resolve func(dest string, image bool) (string, error)
}

var stateKey = parser.NewContextKey()

type state struct {
	opt      *ConvertOptions
	reserved []string
	lines    []int // offsets of line starts in the body
	links    []Link
	headings []Heading
	errs     diag.List
}

// Convert converts one document's Markdown body.
func (c *Converter) Convert(src []byte, opt ConvertOptions) (*Doc, diag.List) {
	md := c.plain
	if opt.Typographer {
		md = c.typo
	}
	st := &state{opt: &opt, reserved: c.opt.ReservedIDs, lines: lineStarts(src)}
	ctx := parser.NewContext(parser.WithIDs(&ids{}))
	ctx.Set(stateKey, st)
	doc := md.Parser().Parse(text.NewReader(src), parser.WithContext(ctx))
	buf := c.bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer c.bufPool.Put(buf)
	if err := md.Renderer().Render(buf, src, doc); err != nil {
		st.errs.Add(diag.Pos{File: opt.File}, "rendering Markdown: %v", err)
	}
	out := &Doc{HTML: bytes.Clone(buf.Bytes()), Links: st.links, Headings: st.headings}
	if opt.TOC {
		out.TOC = toc(st.headings, c.opt.TOCStart, c.opt.TOCEnd)
	}
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

// pos converts a body offset to a file position.
func (st *state) pos(off int) diag.Pos {
	lo, hi := 0, len(st.lines)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if st.lines[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return diag.Pos{File: st.opt.File, Line: lo + 1 + st.opt.LineOffset, Col: off - st.lines[lo] + 1}
}

// transformer gives headings GitHub's ids, and collects and resolves links.
type transformer struct{}

func (transformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	st, _ := pc.Get(stateKey).(*state)
	if st == nil {
		return
	}
	src := reader.Source()
	used := map[string]bool{}
	for _, id := range st.reserved {
		used[id] = true
	}
	var headings []*ast.Heading
	// Explicit {#id}s are claimed first; generated ids go around them.
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			headings = append(headings, h)
			if id, ok := h.AttributeString("id"); ok {
				if b, ok := id.([]byte); ok {
					used[string(b)] = true
				}
			}
		}
		return ast.WalkContinue, nil
	})
	for _, h := range headings {
		var id string
		if v, ok := h.AttributeString("id"); ok {
			b, _ := v.([]byte)
			id = string(b)
		} else {
			base := Slug(headingSource(h, src))
			id = base
			for n := 1; used[id] || id == ""; n++ {
				if base == "" {
					id = fmt.Sprintf("section-%d", n)
				} else {
					id = fmt.Sprintf("%s-%d", base, n)
				}
			}
			used[id] = true
			h.SetAttributeString("id", []byte(id))
		}
		line := 0
		if h.Lines().Len() > 0 {
			line = st.pos(h.Lines().At(0).Start).Line
		}
		st.headings = append(st.headings, Heading{Level: h.Level, ID: id, Text: plainText(h, src), Line: line})
	}

	cursor := map[ast.Node]int{} // per block: where the last link was found
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		var dest []byte
		image := false
		switch l := n.(type) {
		case *ast.Link:
			dest = l.Destination
		case *ast.Image:
			dest, image = l.Destination, true
		default:
			return ast.WalkContinue, nil
		}
		p := st.locate(n, dest, src, cursor)
		st.links = append(st.links, Link{Dest: string(dest), URL: string(dest), Pos: p, Image: image})
		if st.opt.Resolve == nil {
			return ast.WalkContinue, nil
		}
		to, err := st.opt.Resolve(string(dest), image)
		if err != nil {
			st.errs = append(st.errs, &diag.Error{Pos: p, Msg: err.Error()})
			return ast.WalkContinue, nil
		}
		st.links[len(st.links)-1].URL = to
		switch l := n.(type) {
		case *ast.Link:
			l.Destination = []byte(to)
		case *ast.Image:
			l.Destination = []byte(to)
		}
		return ast.WalkContinue, nil
	})
}

// locate finds where a link's destination is written: inlines carry no
// positions, so search the enclosing block's lines from after the previous
// link of the same block.
func (st *state) locate(n ast.Node, dest, src []byte, cursor map[ast.Node]int) diag.Pos {
	block := n.Parent()
	for block != nil && (block.Type() != ast.TypeBlock || block.Lines().Len() == 0) {
		block = block.Parent()
	}
	if block == nil {
		return diag.Pos{File: st.opt.File, Line: st.opt.LineOffset + 1}
	}
	lines := block.Lines()
	from := cursor[block]
	if from == 0 {
		from = lines.At(0).Start
	}
	end := lines.At(lines.Len() - 1).Stop
	if len(dest) > 0 && from < end {
		if i := bytes.Index(src[from:end], dest); i >= 0 {
			cursor[block] = from + i + len(dest)
			return st.pos(from + i)
		}
	}
	return st.pos(lines.At(0).Start)
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
			b.Write(t.Segment.Value(src))
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
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// Slug computes a heading id as GitHub does: lower case, letters, digits,
// marks, '-' and '_' kept, each space turned into '-', everything else
// dropped. "1. What we store" → "1-what-we-store".
func Slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.M, r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// ids satisfies goldmark's parser.IDs; heading ids are given by the
// transformer, and footnotes name their own.
type ids struct{}

func (*ids) Generate(value []byte, kind ast.NodeKind) []byte { return nil }
func (*ids) Put(value []byte)                                {}

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
			ghtml.RenderAttributes(w, node, ghtml.HeadingAttributeFilter)
		}
		_ = w.WriteByte('>')
		return ast.WalkContinue, nil
	}
	if id, ok := n.AttributeString("id"); ok {
		if b, ok := id.([]byte); ok && n.Level > 1 {
			fmt.Fprintf(w, `<a class="anchor" href="#%s" aria-hidden="true" tabindex="-1"></a>`, html.EscapeString(string(b)))
		}
	}
	fmt.Fprintf(w, "</h%d>\n", n.Level)
	return ast.WalkContinue, nil
}

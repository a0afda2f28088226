package markdown

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/certiron/certiron-site/internal/diag"
)

// newParser is goldmark's default parser with its link parser wrapped,
// so each link knows where its destination is written.
func newParser(rawHTML parser.InlineParser) parser.Parser {
	inlines := parser.DefaultInlineParsers()
	for i, v := range inlines {
		switch v.Value {
		case parser.NewLinkParser():
			inlines[i].Value = linkParser{parser.NewLinkParser()}
		case parser.NewRawHTMLParser():
			inlines[i].Value = rawHTML
		}
	}
	return parser.NewParser(
		parser.WithBlockParsers(parser.DefaultBlockParsers()...),
		parser.WithInlineParsers(inlines...),
		parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
	)
}

// linkParser is goldmark's link parser, noting for each link and image
// it makes the offsets of its closing ']' and of its end: the node
// itself only knows where it starts.
type linkParser struct{ parser.InlineParser }

func (p linkParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	n := p.InlineParser.Parse(parent, block, pc)
	if n == nil || len(line) == 0 || line[0] != ']' {
		return n
	}
	if st, _ := pc.Get(stateKey).(*state); st != nil {
		_, end := block.Position()
		st.dests[n] = [2]int{seg.Start, end.Start}
	}
	return n
}

// CloseBlock passes the end of a block to goldmark's link parser.
func (p linkParser) CloseBlock(parent ast.Node, block text.Reader, pc parser.Context) {
	if cb, ok := p.InlineParser.(parser.CloseBlocker); ok {
		cb.CloseBlock(parent, block, pc)
	}
}

// destPos is where a link's destination is written: after "](" in an
// inline link, in its definition for a reference link.
func (st *state) destPos(n ast.Node, dest []byte, ref *ast.ReferenceLink, defs map[string]*ast.LinkReferenceDefinition) diag.Pos {
	if d, ok := st.dests[n]; ok && ref == nil {
		lo, hi := d[0], min(d[1], len(st.src))
		if lo+1 < hi && st.src[lo+1] == '(' {
			if i := bytes.Index(st.src[lo:hi], dest); len(dest) > 0 && i >= 0 {
				return st.pos(lo + i)
			}
			return st.pos(lo + 2)
		}
	}
	if ref != nil {
		if def := defs[util.ToLinkReference(ref.Value)]; def != nil && def.Lines().Len() > 0 {
			lines := def.Lines()
			lo, hi := lines.At(0).Start, lines.At(lines.Len()-1).Stop
			// The label ends at the first unescaped "]:".
			for i := lo; i+1 < hi; i++ {
				if st.src[i] == '\\' {
					i++
					continue
				}
				if st.src[i] == ']' && st.src[i+1] == ':' {
					if j := bytes.Index(st.src[i+2:hi], dest); len(dest) > 0 && j >= 0 {
						return st.pos(i + 2 + j)
					}
					break
				}
			}
			return st.pos(lo)
		}
	}
	return st.pos(n.Pos())
}

// linkify is goldmark's Linkify extension (GFM's extended autolinks:
// www., http:, https:, ftp: and e-mail addresses in text), its parser
// behind quickLinkify.
var linkify goldmark.Extender = linkifyExt{}

type linkifyExt struct{}

func (linkifyExt) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithInlineParsers(
		util.Prioritized(quickLinkify{extension.NewLinkifyParser()}, 999), // Linkify's own priority
	))
}

// quickLinkify is goldmark's linkify parser, asked only where it may
// find a link. goldmark asks it at every space of the text (a link may
// start after any), where it looks for its prefixes and scans for an
// e-mail address: 9% of converting a page (BenchmarkConvert's
// profile), for the one or two links a page has. quickLinkify turns
// away, as Linkify would (FuzzQuickLinkify holds it to that), every
// place that starts with none of its prefixes and has no '@' where an
// address's could be: 5%.
type quickLinkify struct{ parser.InlineParser }

func (q quickLinkify) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, _ := block.PeekLine()
	if !mayLinkify(line) {
		return nil
	}
	return q.InlineParser.Parse(parent, block, pc)
}

// mayLinkify reports whether Linkify's parser may find a link at the
// start of line: after the character that triggered it, one of its
// prefixes, or an '@' after one to 64 characters (an address's local
// part is at least one character, and Linkify reads at most 64).
func mayLinkify(line []byte) bool {
	if len(line) == 0 {
		return false
	}
	switch line[0] {
	case ' ', '*', '_', '~', '(':
		line = line[1:]
	}
	if len(line) == 0 {
		return false
	}
	switch line[0] {
	case 'h':
		if bytes.HasPrefix(line, []byte("http:")) || bytes.HasPrefix(line, []byte("https:")) {
			return true
		}
	case 'f':
		if bytes.HasPrefix(line, []byte("ftp:")) {
			return true
		}
	case 'w':
		if bytes.HasPrefix(line, []byte("www.")) {
			return true
		}
	}
	return bytes.IndexByte(line[:min(len(line), 65)], '@') >= 1
}

// quickRawHTML is goldmark's inline raw HTML parser, but for a start or
// end tag that ends on its line, with no line break inside: that one is
// read here, as goldmark's tag patterns read it, without their regular
// expressions (which goldmark runs over a rune reader of the paragraph,
// at every '<'). Anything else, a comment, a tag spanning lines or
// anything not a tag, goes to goldmark's parser.
type quickRawHTML struct{ parser.InlineParser }

func (q quickRawHTML) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	if n := tagLen(line); n > 0 && decodes(line[:n]) {
		node := ast.NewRawHTML()
		node.Segments.Append(text.NewSegment(seg.Start, seg.Start+n))
		block.Advance(n)
		return node
	}
	return q.InlineParser.Parse(parent, block, pc)
}

// tagLen is the length of the start or end tag at the start of line, as
// goldmark's patterns match it (CommonMark's open and closing tags), if
// it ends on line with no line break or carriage return before its end;
// else 0, for goldmark's parser to decide.
func tagLen(line []byte) int {
	if len(line) < 3 || line[0] != '<' {
		return 0
	}
	i := 1
	closing := line[1] == '/'
	if closing {
		i = 2
	}
	if i >= len(line) || !isASCIILetter(line[i]) {
		return 0
	}
	for i++; i < len(line) && (util.IsAlphaNumeric(line[i]) || line[i] == '-'); i++ {
	}
	blank := func(i int) int {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		return i
	}
	if closing {
		if i = blank(i); i < len(line) && line[i] == '>' {
			return i + 1
		}
		return 0
	}
	for {
		start := i
		if i = blank(i); i >= len(line) {
			return 0
		}
		switch c := line[i]; {
		case c == '>':
			return i + 1
		case c == '/':
			if i+1 < len(line) && line[i+1] == '>' {
				return i + 2
			}
			return 0
		case i == start || !(isASCIILetter(c) || c == '_' || c == ':'):
			return 0 // an attribute's name, after white space, or no tag
		}
		for i++; i < len(line) && (util.IsAlphaNumeric(line[i]) || strings.IndexByte(":._-", line[i]) >= 0); i++ {
		}
		// Its value, if it has one.
		j := blank(i)
		if j >= len(line) || line[j] != '=' {
			continue
		}
		if j = blank(j + 1); j >= len(line) {
			return 0
		}
		switch q := line[j]; q {
		case '"', '\'':
			k := bytes.IndexByte(line[j+1:], q)
			if k < 0 {
				return 0 // it ends on another line, if anywhere
			}
			i = j + 1 + k + 1
		default:
			k := j
			for k < len(line) && line[k] > ' ' && strings.IndexByte("\"'=<>`", line[k]) < 0 {
				k++
			}
			if k == j {
				return 0
			}
			i = k
		}
	}
}

// decodes reports whether b is UTF-8 without U+FFFD: goldmark's reader
// ends where it finds either, and its patterns with it.
func decodes(b []byte) bool { return utf8.Valid(b) && !bytes.ContainsRune(b, utf8.RuneError) }

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

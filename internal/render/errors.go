package render

import (
	"errors"
	"html/template"
	"sort"
	"strconv"
	"strings"
	texttemplate "text/template"
	"text/template/parse"

	"github.com/certiron/certiron-site/internal/diag"
)

// parseError turns the error of parsing file f into a diag.Error at its
// line. text/template/parse gives parse errors only as text.
func (t *Theme) parseError(err error, f file) *diag.Error {
	path := t.path(f.path)
	loc, ok := splitLocation(err.Error(), []string{f.name})
	if !ok {
		return diag.Errorf(diag.Pos{File: path}, "%s", strings.TrimPrefix(err.Error(), "template: "))
	}
	return diag.Errorf(diag.Pos{File: path, Line: loc.line}, "%s", loc.msg)
}

// execError turns an error of executing top in layout's set into a
// diag.Error in the file and at the line and column it comes from.
func (t *Theme) execError(err error, layout, top string) *diag.Error {
	var he *template.Error
	if errors.As(err, &he) {
		return diag.Errorf(t.escapePos(he, layout, top), "%s", he.Description)
	}
	var ee texttemplate.ExecError
	if errors.As(err, &ee) {
		msg := ee.Err.Error()
		// Most execution errors are located at a node: "NAME:LINE:COL",
		// NAME being the name its file was parsed under.
		if loc, ok := splitLocation(msg, t.parseNames(layout)); ok && loc.line > 0 {
			if path := t.fileOf(layout, loc.name); path != "" {
				return diag.Errorf(t.atLineCol(path, loc.line, loc.col), "%s", loc.msg)
			}
		}
		// The others name only the template being executed.
		if path := t.defined[layout][ee.Name]; path != "" {
			msg = strings.TrimPrefix(msg, "template: ")
			msg = strings.TrimPrefix(msg, ee.Name+": ")
			return diag.Errorf(diag.Pos{File: path}, "%s", msg)
		}
	}
	return diag.Errorf(diag.Pos{File: t.path(layout + ".html")}, "%s", strings.TrimPrefix(err.Error(), "template: "))
}

// location is what splitLocation reads.
type location struct {
	name      string
	line, col int // 0 when absent
	msg       string
}

// splitLocation reads the location text/template writes at the start of
// its messages, the one place where the standard library gives a position
// only as text:
//
//	template: NAME:LINE: msg        a parse error (text/template/parse)
//	template: NAME:LINE:COL: msg    an execution error at a node (ExecError.Err)
//	template: NAME: msg             an execution error at no node
//	NAME:LINE:COL                   parse.Tree.ErrorContext's location
//
// NAME is matched against names, the templates the message can be about,
// longest first, so a name holding ':' or digits is never misread. COL is
// text/template's: bytes from the start of the line, counted from 0. A
// "template: " repeated at the start of msg is dropped. ok is false when
// s names none of names.
func splitLocation(s string, names []string) (loc location, ok bool) {
	s = strings.TrimPrefix(s, "template: ")
	best := -1
	for i, n := range names {
		if strings.HasPrefix(s, n+":") && (best < 0 || len(n) > len(names[best])) {
			best = i
		}
	}
	if best < 0 {
		return location{}, false
	}
	loc.name = names[best]
	rest := s[len(loc.name)+1:]
	num := func() (int, bool) {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 {
			return 0, false
		}
		n, err := strconv.Atoi(rest[:i])
		if err != nil {
			return 0, false
		}
		rest = rest[i:]
		return n, true
	}
	if n, isNum := num(); isNum {
		loc.line = n
		if len(rest) > 1 && rest[0] == ':' && rest[1] >= '0' && rest[1] <= '9' {
			rest = rest[1:]
			loc.col, _ = num()
		}
	}
	switch {
	case rest == "":
	case strings.HasPrefix(rest, " ") && loc.line == 0:
		rest = rest[1:]
	case strings.HasPrefix(rest, ": "):
		rest = rest[2:]
	default:
		return location{}, false
	}
	loc.msg = strings.TrimPrefix(rest, "template: ")
	return loc, true
}

// escapePos finds where an html/template escaping error comes from.
// With a node, the error names it: its file is the one its parse tree
// was read from, its offset the node's. Errors found in the text between
// actions (bad HTML, a template ending inside a tag, attribute or script)
// come with no node; those are traced by escaping the templates again,
// cut short (see trace).
func (t *Theme) escapePos(he *template.Error, layout, top string) diag.Pos {
	if he.Node != nil {
		if l, ok := splitLocation(errorContext(he.Node), t.parseNames(layout)); ok {
			if path := t.fileOf(layout, l.name); path != "" {
				return t.at(path, int(he.Node.Position()))
			}
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if pos, ok := t.located[he]; ok {
		return pos
	}
	pos, ok := t.trace(he, layout, top)
	if !ok {
		pos = diag.Pos{File: t.defined[layout][he.Name], Line: he.Line}
		if pos.File == "" {
			pos.File = t.path(layout + ".html")
		}
	}
	t.located[he] = pos
	return pos
}

// errorContext is parse.Tree.ErrorContext's location of n, "NAME:LINE:COL",
// NAME being the name n's file was parsed under; "" for a node of no tree
// (ErrorContext panics on those).
func errorContext(n parse.Node) (loc string) {
	defer func() {
		if recover() != nil {
			loc = ""
		}
	}()
	loc, _ = (*parse.Tree)(nil).ErrorContext(n)
	return loc
}

// trace finds the text an escaping error without a node comes from. The
// escaper reads the text between actions to learn the context (HTML text,
// a tag, an attribute, a script) of each action; such errors arise there,
// and html/template does not say where. trace escapes fresh copies of the
// layout's set with one template's text cut short, until one byte of one
// file is to blame:
//
//   - for bad text (a quote in an unquoted attribute, an unfinished
//     escape): the first byte whose cut fails the same way (firstError);
//   - for a set that ends inside a tag, attribute or script: the byte that
//     opened what is never closed (lastEntry).
//
// It runs only for a broken theme, at most once per error.
func (t *Theme) trace(he *template.Error, layout, top string) (diag.Pos, bool) {
	base, err := t.stubSet(layout)
	if err != nil {
		return diag.Pos{}, false
	}
	p := &prober{base: base, top: top, want: he, budget: 2000}
	if !p.fails(nil) {
		return diag.Pos{}, false // the fresh copy does not fail the same way
	}
	type cand struct {
		name, path string
		tree       *parse.Tree
	}
	var cands []cand
	for _, tm := range base.Templates() {
		if tm.Tree == nil || textLen(tm.Tree) == 0 {
			continue
		}
		if path := t.fileOf(layout, tm.Tree.ParseName); path != "" {
			cands = append(cands, cand{tm.Name(), path, tm.Tree})
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		return a.path < b.path || a.path == b.path && a.name < b.name
	})
	for _, c := range cands {
		var off int
		var ok bool
		if he.ErrorCode == template.ErrEndContext {
			off, ok = p.lastEntry(c.name, c.tree)
		} else {
			off, ok = p.firstError(c.name, c.tree)
		}
		if ok {
			return t.at(c.path, off), true
		}
	}
	return diag.Pos{}, false
}

// stubSet parses layout's set again, with functions that do nothing, so
// that probing it runs none of the site's code.
func (t *Theme) stubSet(layout string) (*template.Template, error) {
	funcs := template.FuncMap{}
	for _, n := range t.funcNames {
		funcs[n] = func(...any) any { return nil }
	}
	common, errs := t.parseCommon(funcs, t.marked)
	if len(errs) > 0 {
		return nil, errs
	}
	set, e := t.parseLayout(common, file{layout, layout + ".html"}, t.marked)
	if e != nil {
		return nil, e
	}
	return set, nil
}

// prober escapes copies of base with one template changed.
type prober struct {
	base   *template.Template
	top    string
	want   *template.Error
	budget int // probes left
}

// escape escapes a copy of the set, with template name's tree replaced,
// and returns the escaping error.
func (p *prober) escape(name string, tree *parse.Tree) *template.Error {
	if p.budget <= 0 {
		return nil
	}
	p.budget--
	set, err := p.base.Clone()
	if err != nil {
		return nil
	}
	if tree != nil {
		if _, err := set.AddParseTree(name, tree); err != nil {
			return nil
		}
	}
	var he *template.Error
	if errors.As(set.ExecuteTemplate(stop{}, p.top, nil), &he) {
		return he
	}
	return nil
}

// fails reports whether escaping with tree in place of its template
// fails exactly like want; nil changes nothing.
func (p *prober) fails(c *change) bool {
	var he *template.Error
	if c == nil {
		he = p.escape("", nil)
	} else {
		he = p.escape(c.name, c.tree)
	}
	return he != nil && he.ErrorCode == p.want.ErrorCode && he.Description == p.want.Description
}

// change is a template's name and a tree to put in its place.
type change struct {
	name string
	tree *parse.Tree
}

// firstError finds the byte of the template's text the escaper fails at.
// It escapes the template in a world where every other template has lost
// its text, so that cutting this one's text short cannot make the others'
// text fail: when the template fails the same way there, the shortest cut
// of its text that fails with the same code ends at the byte to blame
// (escaping errors in text are sticky: every longer cut fails too).
func (p *prober) firstError(name string, tree *parse.Tree) (off int, ok bool) {
	world, err := p.base.Clone()
	if err != nil {
		return 0, false
	}
	for _, tm := range world.Templates() {
		if tm.Name() != name && tm.Tree != nil {
			if _, err := world.AddParseTree(tm.Name(), cut(tm.Tree, 0)); err != nil {
				return 0, false
			}
		}
	}
	q := &prober{base: world, top: p.top, want: p.want, budget: p.budget}
	defer func() { p.budget = q.budget }()
	if !q.fails(nil) {
		return 0, false
	}
	lo, hi := 0, textLen(tree) // the cut at lo does not fail, the one at hi does
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if he := q.escape(name, cut(tree, mid)); he != nil && he.ErrorCode == p.want.ErrorCode {
			hi = mid
		} else {
			lo = mid
		}
	}
	return textOffset(tree, hi-1)
}

// lastEntry finds the byte of the template's text that opened the tag,
// attribute or script the set ends in: the last byte of the shortest cut
// of the text after which every longer cut still ends in that context.
// ok is false when the template's text is not to blame: without it, the
// set still fails the same way.
func (p *prober) lastEntry(name string, tree *parse.Tree) (off int, ok bool) {
	if p.fails(&change{name, cut(tree, 0)}) {
		return 0, false
	}
	nodes := textNodes(tree)
	start := 0
	starts := make([]int, len(nodes))
	for i, n := range nodes {
		starts[i] = start
		start += len(n.Text)
	}
	for i := len(nodes) - 1; i >= 0; i-- {
		if p.fails(&change{name, cut(tree, starts[i])}) {
			continue
		}
		for j := starts[i] + len(nodes[i].Text) - 1; j > starts[i]; j-- {
			if !p.fails(&change{name, cut(tree, j)}) {
				return int(nodes[i].Pos) + j - starts[i], true
			}
		}
		return int(nodes[i].Pos), true
	}
	return 0, false
}

// stop is a writer that ends an execution at its first byte: probes only
// escape.
type stop struct{}

func (stop) Write([]byte) (int, error) { return 0, errStop }

var errStop = errors.New("stop")

// textNodes returns the template's text nodes that hold text, in the
// order the escaper meets them.
func textNodes(tree *parse.Tree) []*parse.TextNode {
	var nodes []*parse.TextNode
	texts(tree.Root, func(t *parse.TextNode) {
		if len(t.Text) > 0 {
			nodes = append(nodes, t)
		}
	})
	return nodes
}

// texts calls f for every text node under n, in the order the escaper
// meets them.
func texts(n parse.Node, f func(*parse.TextNode)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			texts(c, f)
		}
	case *parse.TextNode:
		f(n)
	case *parse.IfNode:
		texts(n.List, f)
		texts(n.ElseList, f)
	case *parse.RangeNode:
		texts(n.List, f)
		texts(n.ElseList, f)
	case *parse.WithNode:
		texts(n.List, f)
		texts(n.ElseList, f)
	}
}

// textOffset returns the file offset of byte k (from 0) of a template's
// text.
func textOffset(tree *parse.Tree, k int) (off int, ok bool) {
	n := 0
	texts(tree.Root, func(t *parse.TextNode) {
		if !ok && k >= n && k < n+len(t.Text) {
			off, ok = int(t.Pos)+k-n, true
		}
		n += len(t.Text)
	})
	return off, ok
}

// textLen is the number of bytes of text in a template.
func textLen(tree *parse.Tree) int {
	n := 0
	texts(tree.Root, func(t *parse.TextNode) { n += len(t.Text) })
	return n
}

// cut returns a copy of tree keeping only the first k bytes of its text.
func cut(tree *parse.Tree, k int) *parse.Tree {
	c := tree.Copy()
	n := 0
	texts(c.Root, func(t *parse.TextNode) {
		keep := min(max(k-n, 0), len(t.Text))
		n += len(t.Text)
		t.Text = t.Text[:keep]
	})
	return c
}

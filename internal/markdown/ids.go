package markdown

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// Who an id belongs to.
const (
	layoutOwner   = "the theme's layout"
	headingOwner  = "the heading"
	footnoteOwner = "footnote"
	noteRefOwner  = "the reference to footnote"
	htmlOwner     = "raw HTML"
)

// owner is what gave an id: its kind, the footnote's number or raw HTML
// tag, and the body offset it is written at (-1 for the layout).
type owner struct {
	what string
	n    int    // footnote number
	tag  string // raw HTML element
	off  int
}

// ids are the ids of one document, each with its first owner.
type ids struct {
	owners map[string]owner
	order  []idAt // in the order claimed
}

type idAt struct {
	id  string
	off int
}

// claim gives id to o and records it; when id was taken, it returns
// the earlier owner.
func (s *ids) claim(id string, o owner) (owner, bool) {
	if s.owners == nil {
		s.owners = map[string]owner{}
	}
	if o.what != layoutOwner {
		s.order = append(s.order, idAt{id, o.off})
	}
	if prev, ok := s.owners[id]; ok {
		return prev, false
	}
	s.owners[id] = o
	return owner{}, true
}

// taken reports whether id has an owner.
func (s *ids) taken(id string) bool {
	_, ok := s.owners[id]
	return ok
}

// claimAt claims id for o and reports a clash at o's position.
func (st *state) claimAt(id string, o owner) {
	prev, ok := st.ids.claim(id, o)
	if ok {
		return
	}
	p := st.pos(o.off)
	switch prev.what {
	case layoutOwner:
		st.errs.Add(p, "id %q is used by the theme's layout; choose another", id)
	default:
		word := "already"
		if prev.off > o.off {
			word = "also"
		}
		st.errs.Add(p, "duplicate id %q: %s used by %s", id, word, st.describe(prev))
	}
}

// describe names an id's owner for a message.
func (st *state) describe(o owner) string {
	line := st.line(o.off)
	switch o.what {
	case footnoteOwner, noteRefOwner:
		return fmt.Sprintf("%s %d at line %d", o.what, o.n, line)
	case htmlOwner:
		return fmt.Sprintf("<%s> at line %d", o.tag, line)
	}
	return fmt.Sprintf("%s at line %d", o.what, line)
}

// footnoteID claims the id goldmark gives a footnote ("fn:1") or a
// reference to one ("fnref:1", then "fnref1:1" for the second).
func (st *state) footnoteID(n ast.Node) {
	switch n := n.(type) {
	case *east.Footnote:
		if n.Index > 0 {
			st.claimAt("fn:"+strconv.Itoa(n.Index), owner{what: footnoteOwner, n: n.Index, off: n.Pos()})
		}
	case *east.FootnoteLink:
		if n.Index > 0 {
			id := "fnref:" + strconv.Itoa(n.Index)
			if n.RefIndex > 0 {
				id = "fnref" + strconv.Itoa(n.RefIndex) + ":" + strconv.Itoa(n.Index)
			}
			st.claimAt(id, owner{what: noteRefOwner, n: n.Index, off: n.Pos()})
		}
	}
}

// attrsPos is where a heading's {…} is written, or the heading's start.
func (st *state) attrsPos(h *ast.Heading) int {
	if h.Lines().Len() == 0 {
		return h.Pos()
	}
	from := h.Lines().At(h.Lines().Len() - 1).Stop
	end := len(st.src)
	if i := bytes.IndexByte(st.src[from:], '\n'); i >= 0 {
		end = from + i
	}
	if i := bytes.IndexByte(st.src[from:end], '{'); i >= 0 {
		return from + i
	}
	return h.Pos()
}

// explicitID checks a heading's {…} attributes and claims its {#id}.
func (st *state) explicitID(h *ast.Heading) {
	if h.Attributes() == nil {
		return
	}
	off := st.attrsPos(h)
	p := st.pos(off)
	for _, a := range h.Attributes() {
		name := strings.ToLower(string(a.Name))
		switch {
		case name == "style":
			st.errs.Add(p, "a style attribute is blocked by the site's Content-Security-Policy; use a class from the theme's CSS")
		case strings.HasPrefix(name, "on") && len(name) > 2:
			st.errs.Add(p, "%s is an inline event handler, which the site's Content-Security-Policy blocks", name)
		case name == "id" || headingAttrs.Contains(a.Name) || strings.HasPrefix(name, "data-"):
		default:
			st.warns.Add(p, "heading attribute %q is left out", name)
		}
	}
	id, ok := attrString(h, "id")
	if !ok {
		return
	}
	if id == "" { // {#} or {id=1}
		st.errs.Add(p, "the id must be a name, as in {#name}")
		dropAttr(h, "id")
		return
	}
	if strings.ContainsAny(id, " \t\n\r\f") {
		st.errs.Add(p, "id %q has a space in it", id)
	}
	st.claimAt(id, owner{what: headingOwner, off: off})
}

// dropAttr removes a node's attribute.
func dropAttr(n ast.Node, name string) {
	attrs := n.Attributes()
	n.RemoveAttributes()
	for _, a := range attrs {
		if string(a.Name) != name {
			n.SetAttribute(a.Name, a.Value)
		}
	}
}

// headingID returns a heading's id, giving it GitHub's when it has none:
// its slug, numbered "-1", "-2" when taken.
func (st *state) headingID(h *ast.Heading) string {
	if id, ok := attrString(h, "id"); ok {
		return id
	}
	base := Slug(headingSource(h, st.src))
	id := base
	for n := 1; id == "" || st.ids.taken(id); n++ {
		if base == "" {
			id = fmt.Sprintf("section-%d", n)
		} else {
			id = fmt.Sprintf("%s-%d", base, n)
		}
	}
	st.ids.claim(id, owner{what: headingOwner, off: h.Pos()})
	h.SetAttributeString("id", []byte(id))
	return id
}

// idList returns the document's ids in source order.
func (st *state) idList() []ID {
	list := st.ids.order
	sort.SliceStable(list, func(i, j int) bool { return list[i].off < list[j].off })
	out := make([]ID, len(list))
	for i, a := range list {
		out[i] = ID{ID: a.id, Pos: st.pos(a.off)}
	}
	return out
}

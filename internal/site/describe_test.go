package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/certiron/certiron-site/internal/diag"
)

// describe renders a build result for a golden file. A failed build is
// its error list (and warnings). A built site is its warnings, the inline
// scripts and styles of its pages (once, each with a letter), then every
// output file: for a page, its <head> and its CSP with each hash named
// by the inline code it approves, the cookie banner, and the markup of
// <main>; _headers, _redirects, robots.txt, the sitemap and text files in full.
func describe(res *Result) []byte {
	var b bytes.Buffer
	if len(res.Errors) > 0 {
		fmt.Fprintf(&b, "errors:\n%s\n", res.Errors.Error())
		writeWarnings(&b, res.Warnings)
		return b.Bytes()
	}
	writeWarnings(&b, res.Warnings)
	in := newInline()
	pages := map[string]*html.Node{}
	for _, f := range res.Files.Files() {
		if strings.HasSuffix(f.Path, ".html") {
			doc, err := html.Parse(bytes.NewReader(f.Data))
			if err != nil {
				fmt.Fprintf(&b, "%s: does not parse: %v\n", f.Path, err)
				continue
			}
			pages[f.Path] = doc
			in.collect(doc)
		}
	}
	in.write(&b)
	for _, f := range res.Files.Files() {
		fmt.Fprintf(&b, "== %s\n", f.Path)
		switch {
		case pages[f.Path] != nil:
			describePage(&b, pages[f.Path], f.Data, in)
		case f.Path == "_headers" || f.Path == "_redirects":
			b.WriteString(in.name(string(f.Data)))
		case f.Path == "sitemap.xml" || strings.HasSuffix(f.Path, ".txt"):
			b.Write(f.Data)
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

func writeWarnings(b *bytes.Buffer, w diag.List) {
	if len(w) > 0 {
		fmt.Fprintf(b, "warnings:\n%s\n", w.Error())
	}
}

// inline numbers the site's inline scripts and styles by first
// appearance, so that a CSP's hashes read as the code they approve.
type inline struct {
	label map[string]string // text → "script A"
	hash  map[string]string // base64 sha256 → label
	order []string          // texts, by first appearance
}

func newInline() *inline {
	return &inline{label: map[string]string{}, hash: map[string]string{}}
}

func (in *inline) collect(doc *html.Node) {
	for n := range doc.Descendants() {
		if text, ok := inlineCode(n); ok {
			in.add(n.Data, text)
		}
	}
}

// inlineCode is the text of an inline <script> or <style>.
func inlineCode(n *html.Node) (string, bool) {
	if n.Type != html.ElementNode || (n.DataAtom != atom.Script && n.DataAtom != atom.Style) || attr(n, "src") != "" {
		return "", false
	}
	var t strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		t.WriteString(c.Data)
	}
	return t.String(), true
}

func (in *inline) add(kind, text string) {
	if _, ok := in.label[text]; ok {
		return
	}
	n := 0
	for _, t := range in.order {
		if strings.HasPrefix(in.label[t], kind+" ") {
			n++
		}
	}
	l := fmt.Sprintf("%s %c", kind, 'A'+n)
	in.label[text] = l
	sum := sha256.Sum256([]byte(text))
	in.hash[base64.StdEncoding.EncodeToString(sum[:])] = l
	in.order = append(in.order, text)
}

func (in *inline) write(b *bytes.Buffer) {
	if len(in.order) == 0 {
		return
	}
	b.WriteString("inline code of the pages, as the CSPs below name it:\n")
	for _, t := range in.order {
		fmt.Fprintf(b, "%s (%d bytes): %s\n", in.label[t], len(t), t)
	}
}

var hashSource = regexp.MustCompile(`'sha256-([A-Za-z0-9+/=]+)'`)

// name replaces each hash source of a policy with the inline code it
// approves; a hash of no inline code on any page stays as it is.
func (in *inline) name(policy string) string {
	return hashSource.ReplaceAllStringFunc(policy, func(s string) string {
		if l, ok := in.hash[hashSource.FindStringSubmatch(s)[1]]; ok {
			return "'sha256(" + l + ")'"
		}
		return s
	})
}

// describePage writes a page's <head>, CSP, banner and <main>.
func describePage(b *bytes.Buffer, doc *html.Node, data []byte, in *inline) {
	root := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Html })
	head := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Head })
	body := find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Body })
	if root == nil || head == nil || body == nil {
		fmt.Fprintf(b, "no <html>, <head> or <body>:\n%s\n", data)
		return
	}
	var parts []string
	var csp []string
	for n := head.FirstChild; n != nil; n = n.NextSibling {
		if n.Type != html.ElementNode {
			continue
		}
		switch {
		case n.DataAtom == atom.Meta && strings.EqualFold(attr(n, "http-equiv"), "Content-Security-Policy"):
			parts = append(parts, "csp")
			csp = append(csp, in.name(attr(n, "content")))
		default:
			parts = append(parts, headElement(n, in))
		}
	}
	fmt.Fprintf(b, "head: <html lang=%q> %s\n", attr(root, "lang"), strings.Join(parts, " | "))
	for _, c := range csp {
		fmt.Fprintf(b, "csp: %s\n", c)
	}
	var scripts []string
	for n := range body.Descendants() {
		if t, ok := inlineCode(n); ok {
			scripts = append(scripts, in.label[t])
		}
	}
	fmt.Fprintf(b, "body: class=%q, inline: %s\n", attr(body, "class"), orNone(scripts))
	banners := 0
	for n := range body.Descendants() {
		if isNotice(n) {
			banners++
			fmt.Fprintf(b, "banner: <%s aria-label=%q> %s\n", n.Data, attr(n, "aria-label"), readable(n))
		}
	}
	if banners == 0 {
		b.WriteString("banner: none\n")
	}
	b.WriteString(mainOf(data))
	b.WriteByte('\n')
}

// headElement is one element of <head>, compact: meta name=content, a
// link's rel=href, the title's text, an inline script's label.
func headElement(n *html.Node, in *inline) string {
	switch n.DataAtom {
	case atom.Meta:
		switch {
		case attr(n, "charset") != "":
			return "charset=" + attr(n, "charset")
		case attr(n, "name") != "":
			return fmt.Sprintf("%s=%q", attr(n, "name"), attr(n, "content"))
		case attr(n, "http-equiv") != "":
			return fmt.Sprintf("http-equiv %s=%q", attr(n, "http-equiv"), attr(n, "content"))
		}
	case atom.Title:
		return fmt.Sprintf("title %q", text(n))
	case atom.Link:
		s := attr(n, "rel") + "=" + attr(n, "href")
		for _, a := range n.Attr {
			if a.Key != "rel" && a.Key != "href" {
				s += fmt.Sprintf(" %s=%q", a.Key, a.Val)
			}
		}
		return s
	case atom.Script, atom.Style:
		if t, ok := inlineCode(n); ok {
			return in.label[t]
		}
	}
	var r bytes.Buffer
	html.Render(&r, n)
	return r.String()
}

// isNotice reports whether n is the cookie notice: a landmark (<aside> or
// role="region") whose accessible name speaks of cookies.
func isNotice(n *html.Node) bool {
	if n.Type != html.ElementNode || (n.DataAtom != atom.Aside && attr(n, "role") != "region") {
		return false
	}
	return strings.Contains(strings.ToLower(attr(n, "aria-label")), "cookie")
}

// readable is n's text with each link's target and each button shown:
// "words [link text](href) [button: Got it]".
func readable(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
		case n.DataAtom == atom.A:
			fmt.Fprintf(&b, "[%s](%s)", text(n), attr(n, "href"))
		case n.DataAtom == atom.Button:
			fmt.Fprintf(&b, " [<button type=%q>%s</button>]", attr(n, "type"), text(n))
		default:
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
	}
	walk(n)
	return strings.TrimSpace(ws.ReplaceAllString(b.String(), " "))
}

func text(n *html.Node) string {
	var b strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return strings.TrimSpace(ws.ReplaceAllString(b.String(), " "))
}

func find(n *html.Node, ok func(*html.Node) bool) *html.Node {
	for c := range n.Descendants() {
		if c.Type == html.ElementNode && ok(c) {
			return c
		}
	}
	return nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

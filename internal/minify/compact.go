package minify

import "bytes"

// isBlock reports whether white space around the element name is never
// shown (under white-space: normal): the block-level elements the HTML
// minifier takes white space out around, by the same list.
func isBlock(name string) bool {
	switch name {
	case "address", "article", "aside", "blockquote", "br", "caption", "col", "colgroup",
		"dd", "details", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
		"form", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup", "hr", "html",
		"legend", "li", "main", "menu", "nav", "noscript", "ol", "option", "p", "pre",
		"section", "style", "summary", "table", "tbody", "td", "tfoot", "th", "thead",
		"title", "tr", "ul":
		return true
	}
	return false
}

// isRaw reports whether the element's text is kept exactly as written.
func isRaw(name string) bool {
	switch name {
	case "pre", "textarea", "script", "style":
		return true
	}
	return false
}

// Compact takes out of an HTML page or fragment the white space a
// browser never shows and the whole-page minifier took out: next to a
// block-level tag (between </p> and <ul>, after <li>, before
// </blockquote>: what a Markdown renderer puts between its blocks, and
// what is left where a template action's output meets the template's
// text), between the elements of <head>, and inside a start tag (the
// space an {{ if }} between attributes leaves when it writes nothing);
// and it writes html/template's "&#43;" back as '+'. It keeps every other
// byte as it is: the text of <pre>, <textarea>, <script> and <style>,
// comments and doctypes, attribute values, white space between words and
// inline elements. Minified whole again, its output is what the minifier
// makes of its input (FuzzCompact), at a fraction of the cost. It works
// in place: the result is a prefix of b's array.
func Compact(b []byte) []byte {
	w := 0
	afterBlock := false // the last thing kept is a block-level tag
	inHead := false     // between <head> and </head> or <body>
	// A tag with no '>' after it is never closed (and a browser drops
	// it). b is rewritten only before where it is read, so the last '>'
	// stays where it is.
	lastGT := bytes.LastIndexByte(b, '>')
	for r := 0; r < len(b); {
		if b[r] != '<' {
			// Text, to the next '<': only its white space next to a
			// block-level tag goes.
			k := bytes.IndexByte(b[r:], '<')
			if k < 0 {
				k = len(b)
			} else {
				k += r
			}
			i, j := r, k
			if afterBlock {
				for i < j && isSpace(b[i]) {
					i++
				}
			}
			if j < len(b) && j > i && isSpace(b[j-1]) && j < lastGT && blockTagAt(b[j:]) {
				for j > i && isSpace(b[j-1]) {
					j--
				}
			}
			if inHead && onlySpace(b[i:j]) {
				// Nothing of a head's white space is shown.
				i = j
			}
			w += put(b[w:], b[i:j])
			r = k
			if i < j {
				afterBlock = false
			}
			continue
		}
		if bytes.HasPrefix(b[r:], []byte("<!--")) {
			end := len(b)
			if k := bytes.Index(b[r+4:], []byte("-->")); k >= 0 {
				end = r + 4 + k + 3
			}
			w += copy(b[w:], b[r:end])
			r, afterBlock = end, false
			continue
		}
		if r+1 < len(b) && (b[r+1] == '!' || b[r+1] == '?' || b[r+1] == '/' && r+2 < len(b) && !isLetter(b[r+2])) {
			// A doctype, or what a browser reads as a comment, to its '>'.
			end := len(b)
			if k := bytes.IndexByte(b[r+1:], '>'); k >= 0 {
				end = r + 1 + k + 1
			}
			w += copy(b[w:], b[r:end])
			r, afterBlock = end, false
			continue
		}
		name, closing, ok := tagName(b[r:])
		if !ok {
			b[w] = '<'
			w, r, afterBlock = w+1, r+1, false
			continue
		}
		end := tagEnd(b, r)
		if closing {
			w += put(b[w:], b[r:end])
		} else {
			w += putTag(b[w:], b[r:end])
		}
		switch {
		case !closing && name.is("head"):
			inHead = true
		case closing && name.is("head"), !closing && name.is("body"):
			inHead = false
		}
		raw := !closing && isRaw(name.String())
		if raw {
			// The element's text, up to its end tag, is kept.
			text := end
			end = rawEnd(b, end, name)
			w += copy(b[w:], b[text:end])
		}
		// Whether the tag is block-level matters only to white space
		// right after it.
		r, afterBlock = end, !raw && end < len(b) && isSpace(b[end]) && isBlock(name.String())
	}
	return b[:w]
}

// plus is how html/template writes '+' (against UTF-7): the minifier
// wrote it back as '+', which means the same in text and in attribute
// values, and so does Compact.
var plus = []byte("&#43;")

// put copies src into dst, each plus as '+', and returns the bytes
// written. dst may be src's array at or before src: it only shrinks.
func put(dst, src []byte) int {
	w := 0
	for {
		i := bytes.Index(src, plus)
		if i < 0 {
			return w + copy(dst[w:], src)
		}
		w += copy(dst[w:], src[:i])
		dst[w] = '+'
		w++
		src = src[i+len(plus):]
	}
}

// putTag is put for a tag, with its white space outside attribute
// values made one space, and none before its '>' (the space a template's
// {{ if }} between attributes leaves when it writes nothing).
func putTag(dst, tag []byte) int {
	if !bytes.Contains(tag, []byte("  ")) && !bytes.HasSuffix(tag, []byte(" >")) && !bytes.Contains(tag, []byte("\n")) {
		return put(dst, tag)
	}
	// A tag the page ends inside (a browser drops it whole), or one with
	// a name no element has, is left as it is.
	if !bytes.HasSuffix(tag, []byte(">")) {
		return put(dst, tag)
	}
	for i := 1; i < len(tag) && !isSpace(tag[i]) && tag[i] != '>' && tag[i] != '/'; i++ {
		if c := tag[i]; !isLetter(c) && !(c >= '0' && c <= '9') && c != '-' {
			return put(dst, tag)
		}
	}
	w := 0
	var q quotes
	for i := 0; i < len(tag); i++ {
		c := tag[i]
		switch {
		case q.in(c):
		case isSpace(c):
			j := i + 1
			for j < len(tag) && isSpace(tag[j]) {
				j++
			}
			if j < len(tag) && (tag[j] != '>' || dst[w-1] == '/') {
				dst[w] = ' '
				w++
			}
			i = j - 1
			continue
		}
		dst[w] = c
		w++
	}
	return put(dst[:w], dst[:w])
}

func onlySpace(b []byte) bool {
	for _, c := range b {
		if !isSpace(c) {
			return false
		}
	}
	return true
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' }

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// tagNameBuf is a tag's lower-case name, up to 10 bytes (longer than
// any name the lists hold: a longer one is cut, and found in none).
type tagNameBuf struct {
	b [11]byte
	n int
}

// String is the name; the lists are looked up with it without a copy.
func (t *tagNameBuf) String() string { return string(t.b[:t.n]) }

func (t *tagNameBuf) is(name string) bool { return string(t.b[:t.n]) == name }

// tagName reads the name of the tag starting at b[0] == '<', and whether
// it is an end tag; ok is false for a '<' that starts no tag. The name
// runs to white space, '/' or '>', as a browser reads it.
func tagName(b []byte) (name tagNameBuf, closing, ok bool) {
	i := 1
	if i < len(b) && b[i] == '/' {
		closing = true
		i++
	}
	if i >= len(b) || !isLetter(b[i]) {
		return name, false, false
	}
	for j := i; j < len(b) && !isSpace(b[j]) && b[j] != '/' && b[j] != '>'; j++ {
		if name.n == len(name.b) {
			break
		}
		c := b[j]
		if c >= 'A' && c <= 'Z' {
			c |= 0x20
		}
		name.b[name.n] = c
		name.n++
	}
	return name, closing, true
}

// blockTagAt reports whether b starts with a block-level tag.
func blockTagAt(b []byte) bool {
	name, _, ok := tagName(b)
	return ok && isBlock(name.String())
}

// tagEnd returns the offset after the '>' that ends the tag starting at
// b[i], past quoted attribute values.
func tagEnd(b []byte, i int) int {
	// Most tags hold no quote before their '>'.
	if k := bytes.IndexByte(b[i:], '>'); k >= 0 && bytes.IndexByte(b[i:i+k], '"') < 0 && bytes.IndexByte(b[i:i+k], '\'') < 0 {
		return i + k + 1
	}
	var q quotes
	for j := i + 1; j < len(b); j++ {
		if !q.in(b[j]) {
			if b[j] == '>' {
				return j + 1
			}
			continue
		}
		if q.quote != 0 {
			// A value just opened: passed over to its closing quote.
			k := bytes.IndexByte(b[j+1:], q.quote)
			if k < 0 {
				return len(b)
			}
			j, q.quote = j+1+k, 0
		}
	}
	return len(b)
}

// quotes follows a tag byte by byte, as a browser reads it: a quote
// opens a value only right after '=' (and white space).
type quotes struct {
	quote   byte
	afterEq bool
}

// in reports whether c is part of a quoted value (its quotes included).
func (q *quotes) in(c byte) bool {
	switch {
	case q.quote != 0:
		if c == q.quote {
			q.quote = 0
		}
		return true
	case q.afterEq && (c == '"' || c == '\''):
		q.quote, q.afterEq = c, false
		return true
	case c == '=':
		q.afterEq = true
	case !isSpace(c):
		q.afterEq = false
	}
	return false
}

// rawEnd returns the offset of the end tag of the raw-text element name
// whose text starts at b[i], or len(b).
func rawEnd(b []byte, i int, name tagNameBuf) int {
	for j := i; j < len(b); j++ {
		j0 := bytes.Index(b[j:], []byte("</"))
		if j0 < 0 {
			return len(b)
		}
		j += j0
		if n, closing, ok := tagName(b[j:]); ok && closing && n.is(name.String()) {
			return j
		}
	}
	return len(b)
}

package csp

import (
	"bytes"
	"html"
	"strings"
)

// Executable reports whether an inline element runs as script or applies
// as style, and so needs a hash in the policy: every <style>, and a
// <script> without src whose type is empty, "module" or a JavaScript MIME
// type. typ is the raw value of the type attribute ("" when absent);
// hasSrc says whether the element has a src attribute. Data blocks
// (application/ld+json, text/template, …) never run and need no hash.
func Executable(tag, typ string, hasSrc bool) bool {
	switch strings.ToLower(tag) {
	case "style":
		return true
	case "script":
	default:
		return false
	}
	if hasSrc {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(typ)) {
	case "", "module", "text/javascript", "application/javascript":
		return true
	}
	return false
}

// Code is one executable inline <script> or <style> of a page.
type Code struct {
	// Tag is "script" or "style".
	Tag string
	// Start is the offset of the start tag's '<'; Body and End delimit
	// the element's text, page[Body:End].
	Start, Body, End int
	// Hash is the element's CSP source expression, Hash(page[Body:End]).
	Hash string
}

// Inline returns a page's executable inline scripts and styles, in page
// order. Elements inside comments are not elements and are skipped.
func Inline(page []byte) (scripts, styles []Code) {
	return InlineFunc(page, nil)
}

// InlineFunc is Inline keeping only the elements for which keep(Start)
// is true; a nil keep keeps all. The builder passes a keep that knows
// which bytes of the page came from the theme's own files, so that only
// theme code is hashed into the policy and inline code written in
// content is not.
//
// It scans for the tags directly (quoted attribute values and comments
// are respected), which is much cheaper than tokenizing the whole page.
func InlineFunc(page []byte, keep func(off int) bool) (scripts, styles []Code) {
	for i := 0; i < len(page); {
		j := bytes.IndexByte(page[i:], '<')
		if j < 0 {
			break
		}
		i += j
		if bytes.HasPrefix(page[i:], []byte("<!--")) {
			end := bytes.Index(page[i+4:], []byte("-->"))
			if end < 0 {
				break
			}
			i += 4 + end + 3
			continue
		}
		tag := ""
		switch {
		case hasTagPrefix(page[i+1:], "script"):
			tag = "script"
		case hasTagPrefix(page[i+1:], "style"):
			tag = "style"
		default:
			i++
			continue
		}
		start := i
		attrs, bodyStart, ok := scanTag(page, i+1+len(tag))
		if !ok {
			break
		}
		end := indexFold(page[bodyStart:], "</"+tag)
		if end < 0 {
			end = len(page) - bodyStart
		}
		i = bodyStart + end
		typ := attrs["type"]
		_, hasSrc := attrs["src"]
		if !Executable(tag, typ, hasSrc) || keep != nil && !keep(start) {
			continue
		}
		c := Code{Tag: tag, Start: start, Body: bodyStart, End: bodyStart + end, Hash: Hash(page[bodyStart : bodyStart+end])}
		if tag == "script" {
			scripts = append(scripts, c)
		} else {
			styles = append(styles, c)
		}
	}
	return scripts, styles
}

// Hashes returns the hashes of codes, sorted and without duplicates: the
// sources a policy lists for them.
func Hashes(codes []Code) []string {
	h := make([]string, len(codes))
	for i, c := range codes {
		h[i] = c.Hash
	}
	return Sorted(h)
}

// hasTagPrefix reports whether b starts with name (any case) followed by
// the end of a tag name.
func hasTagPrefix(b []byte, name string) bool {
	if len(b) <= len(name) || !bytes.EqualFold(b[:len(name)], []byte(name)) {
		return false
	}
	switch b[len(name)] {
	case '>', ' ', '\t', '\n', '\r', '\f', '/':
		return true
	}
	return false
}

// scanTag reads a start tag's attributes from i (just after its name) to
// its closing '>', and returns them and the offset after the tag.
func scanTag(page []byte, i int) (map[string]string, int, bool) {
	attrs := map[string]string{}
	for i < len(page) {
		c := page[i]
		switch {
		case c == '>':
			return attrs, i + 1, true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '/':
			i++
		default:
			start := i
			for i < len(page) && !strings.ContainsRune(" \t\n\r\f/>=", rune(page[i])) {
				i++
			}
			name := strings.ToLower(string(page[start:i]))
			val := ""
			if i < len(page) && page[i] == '=' {
				i++
				if i < len(page) && (page[i] == '"' || page[i] == '\'') {
					q := page[i]
					end := bytes.IndexByte(page[i+1:], q)
					if end < 0 {
						return nil, 0, false
					}
					val = string(page[i+1 : i+1+end])
					i += end + 2
				} else {
					start := i
					for i < len(page) && !strings.ContainsRune(" \t\n\r\f>", rune(page[i])) {
						i++
					}
					val = string(page[start:i])
				}
			}
			if _, dup := attrs[name]; !dup { // the first of repeated attributes counts, as in a browser
				attrs[name] = html.UnescapeString(val)
			}
		}
	}
	return nil, 0, false
}

// indexFold returns the index of the first '<' in b that starts s, any
// case, or -1.
func indexFold(b []byte, s string) int {
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			return -1
		}
		i += j
		if len(b)-i >= len(s) && bytes.EqualFold(b[i:i+len(s)], []byte(s)) {
			return i
		}
		i++
	}
}

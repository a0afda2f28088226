package render

import (
	"bytes"
	"strconv"

	"github.com/certiron/certiron-site/internal/minify"
)

// Placeholders stand in for a template's actions while its text is
// minified: private-use characters and digits, which the minifier keeps
// as they are in text, in attribute names and in attribute values.
const (
	phOpen  = "\ue000"
	phClose = "\ue001"
	phEdge  = "\ue002" // at both ends of the file: it is not a document alone
)

// compactTemplate minifies the HTML a template file writes, once, as the
// theme loads, so the pages made with it need not be minified whole:
// each action ({{ … }}) stands in as a placeholder the minifier keeps,
// and goes back in its place after. The white space left where an
// action's output meets the file's own text is what the minifier keeps
// next to text it cannot see into: a page comes out as the whole-page
// minifier would make it, but for a space or newline at such a join.
//
// ok is false, and the file is to be used as written, when an action
// stands where the minifier could misread the text around it (right
// after "<", "</" or "&", or in a comment, which it drops), or when the
// placeholders did not come back once each, in order.
func compactTemplate(src []byte) ([]byte, bool) {
	var (
		text    bytes.Buffer
		actions [][]byte
	)
	text.Grow(len(src) + 8)
	text.WriteString(phEdge)
	last := 0
	for {
		k := bytes.Index(src[last:], []byte("{{"))
		if k < 0 {
			break
		}
		i := last + k
		end := actionEnd(src, i)
		if end < 0 {
			return nil, false // the parser reports it, from the file as written
		}
		before := src[last:i]
		if bytes.HasSuffix(before, []byte("<")) || bytes.HasSuffix(before, []byte("</")) || bytes.HasSuffix(before, []byte("&")) {
			return nil, false
		}
		text.Write(before)
		text.WriteString(placeholder(len(actions)))
		actions = append(actions, src[i:end])
		last = end
	}
	text.Write(src[last:])
	text.WriteString(phEdge)
	min, err := minify.Page(text.Bytes())
	if err != nil {
		return nil, false
	}
	if !bytes.HasPrefix(min, []byte(phEdge)) || !bytes.HasSuffix(min, []byte(phEdge)) {
		return nil, false
	}
	min = min[len(phEdge) : len(min)-len(phEdge)]
	out := make([]byte, 0, len(min)+len(src)/2)
	for k, a := range actions {
		ph := []byte(placeholder(k))
		i := bytes.Index(min, ph)
		if i < 0 || bytes.Contains(min[:i], []byte(phOpen)) {
			return nil, false
		}
		out = append(append(out, min[:i]...), a...)
		min = min[i+len(ph):]
	}
	if bytes.Contains(min, []byte(phOpen)) || bytes.Contains(min, []byte(phEdge)) {
		return nil, false
	}
	return append(out, min...), true
}

// placeholder is what stands in for the k-th action.
func placeholder(k int) string { return phOpen + strconv.Itoa(k) + phClose }

// actionEnd returns the offset after the "}}" closing the action that
// starts at src[i] ("{{"), as text/template reads it: a "}}" inside a
// quoted string, a raw string, a character constant or a comment does
// not close it. It is -1 for an action never closed.
func actionEnd(src []byte, i int) int {
	j := i + 2
	if bytes.HasPrefix(src[j:], []byte("- ")) {
		j += 2
	}
	if bytes.HasPrefix(src[j:], []byte("/*")) {
		k := bytes.Index(src[j+2:], []byte("*/"))
		if k < 0 {
			return -1
		}
		j += 2 + k + 2
		if bytes.HasPrefix(src[j:], []byte(" -")) {
			j += 2
		}
		if !bytes.HasPrefix(src[j:], []byte("}}")) {
			return -1
		}
		return j + 2
	}
	for j < len(src) {
		switch c := src[j]; c {
		case '"', '\'':
			j++
			for j < len(src) && src[j] != c && src[j] != '\n' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			j++
		case '`':
			k := bytes.IndexByte(src[j+1:], '`')
			if k < 0 {
				return -1
			}
			j += 1 + k + 1
		case '}':
			if j+1 < len(src) && src[j+1] == '}' {
				return j + 2
			}
			j++
		default:
			j++
		}
	}
	return -1
}

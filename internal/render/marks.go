package render

import (
	"bytes"

	"github.com/certiron/certiron-site/internal/mark"
)

// insertion is a marker put into a template's source: at byte off of the
// original, n bytes long.
type insertion struct{ off, n int }

// markTemplate puts a mark.Attr on every start tag the template's own
// text writes, naming the tag's file, line and column, so the audit can point its findings at the template line.
// It knows enough HTML to stay out of the places where an attribute
// cannot go: actions ({{ … }}), comments, the inside of tags, and the
// raw text of <script> and <style>. A tag whose name is not written out
// whole (<h{{ .Level }}>) is left unmarked. It returns the marked
// source and where the markers went, to map positions in it back.
func markTemplate(src []byte, file string) ([]byte, []insertion) {
	var out bytes.Buffer
	out.Grow(len(src) + len(src)/8)
	var ins []insertion
	line, col := 1, 1
	last := 0 // bytes of src copied to out
	advance := func(to int) {
		for _, c := range src[last:to] {
			if c == '\n' {
				line, col = line+1, 1
			} else if c&0xC0 != 0x80 {
				col++
			}
		}
		out.Write(src[last:to])
		last = to
	}
	i := 0
	skipAction := func(i int) int {
		if end := bytes.Index(src[i+2:], []byte("}}")); end >= 0 {
			return i + 2 + end + 2
		}
		return len(src)
	}
	for i < len(src) {
		switch {
		case bytes.HasPrefix(src[i:], []byte("{{")):
			i = skipAction(i)
		case bytes.HasPrefix(src[i:], []byte("<!--")):
			if end := bytes.Index(src[i+4:], []byte("-->")); end >= 0 {
				i += 4 + end + 3
			} else {
				i = len(src)
			}
		case src[i] == '<' && i+1 < len(src) && isLetter(src[i+1]):
			j := i + 1
			for j < len(src) && (isLetter(src[j]) || src[j] >= '0' && src[j] <= '9' || src[j] == '-') {
				j++
			}
			name := string(bytes.ToLower(src[i+1 : j]))
			if j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\n' || src[j] == '\r' || src[j] == '>' || src[j] == '/') {
				advance(i)
				m := mark.Encode(mark.Ref{File: file, Line: line, Col: col})
				advance(j)
				out.WriteString(m)
				ins = append(ins, insertion{j, len(m)})
			}
			i = skipTag(src, j, skipAction)
			if name == "script" || name == "style" {
				i = skipRaw(src, i, name, skipAction)
			}
		default:
			i++
		}
	}
	advance(len(src))
	return out.Bytes(), ins
}

// skipTag returns the offset after the '>' that ends the tag whose
// attributes start at i; quoted values and actions may hold '>'.
func skipTag(src []byte, i int, skipAction func(int) int) int {
	for i < len(src) {
		switch c := src[i]; {
		case c == '>':
			return i + 1
		case c == '"' || c == '\'':
			end := i + 1
			for end < len(src) && src[end] != c {
				if bytes.HasPrefix(src[end:], []byte("{{")) {
					end = skipAction(end)
					continue
				}
				end++
			}
			i = end + 1
		case bytes.HasPrefix(src[i:], []byte("{{")):
			i = skipAction(i)
		default:
			i++
		}
	}
	return i
}

// skipRaw returns the offset of the end tag of the raw text element name
// (<script>, <style>) whose text starts at i.
func skipRaw(src []byte, i int, name string, skipAction func(int) int) int {
	end := []byte("</" + name)
	for i < len(src) {
		if bytes.HasPrefix(src[i:], []byte("{{")) {
			i = skipAction(i)
			continue
		}
		if len(src)-i >= len(end) && bytes.EqualFold(src[i:i+len(end)], end) {
			return i
		}
		i++
	}
	return i
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// unmarkCol maps a column on line of the marked source back to the
// column in the original file: markers add bytes, never lines.
func unmarkCol(marked []byte, ins []insertion, line, col int) int {
	if col <= 0 || len(ins) == 0 {
		return col
	}
	// The byte offset of (line, col) in the marked source.
	off := 0
	for l := 1; l < line; l++ {
		j := bytes.IndexByte(marked[off:], '\n')
		if j < 0 {
			return col
		}
		off += j + 1
	}
	lineStart := off
	for c := 1; c < col && off < len(marked) && marked[off] != '\n'; off++ {
		if marked[off]&0xC0 != 0x80 {
			c++
		}
	}
	// The markers that start on this line before off (all ASCII, so
	// their bytes are columns).
	removed, shift := 0, 0
	for _, in := range ins {
		at := in.off + shift // where the marker starts in the marked source
		if at >= off {
			break
		}
		if at >= lineStart {
			removed += in.n
		}
		shift += in.n
	}
	return col - removed
}

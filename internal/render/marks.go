package render

import (
	"bytes"

	"github.com/certiron/certiron-site/internal/diag"
	"github.com/certiron/certiron-site/internal/mark"
)

// insertion is a marker put into a template's source: at byte off of the
// original, n bytes long.
type insertion struct{ off, n int }

// markTemplate puts a mark.Attr on every start tag the template's own
// text writes, naming the tag's file, line and column, so the audit can
// point its findings at the template line; in the raw text of <script>
// and <style> it puts a mark.Raw marker where the text starts and after
// every action, so a finding inside the code is placed exactly too. It
// knows enough HTML to stay out of the places where a mark cannot go:
// actions ({{ … }}), comments and the inside of tags. A tag whose name is
// not written out whole (<h{{ .Level }}>) is left unmarked. It returns
// the marked source and where the markers went, to map positions in it
// back.
func markTemplate(src []byte, file string) ([]byte, []insertion) {
	type point struct {
		off int  // where the marker goes
		at  int  // the byte whose position it names
		raw bool // a raw-text marker, not an attribute
	}
	var points []point
	// An action ends where text/template ends it (a "}}" in a string
	// does not), as compactTemplate reads it too.
	skipAction := func(i int) int {
		if end := actionEnd(src, i); end >= 0 {
			return end
		}
		return len(src)
	}
	for i := 0; i < len(src); {
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
				points = append(points, point{off: j, at: i})
			}
			i = skipTag(src, j, skipAction)
			if name == "script" || name == "style" {
				end := skipRaw(src, i, name, skipAction)
				points = append(points, point{off: i, at: i, raw: true})
				for k := i; k < end; {
					if bytes.HasPrefix(src[k:], []byte("{{")) {
						k = skipAction(k)
						if k < end {
							points = append(points, point{off: k, at: k, raw: true})
						}
						continue
					}
					k++
				}
				i = end
			}
		default:
			i++
		}
	}
	var out bytes.Buffer
	out.Grow(len(src) + len(points)*48)
	ins := make([]insertion, 0, len(points))
	last := 0
	for _, p := range points {
		line, col := diag.LineCol(src, p.at)
		r := mark.Ref{File: file, Line: line, Col: col}
		m := mark.Encode(r)
		if p.raw {
			m = mark.EncodeRaw(r)
		}
		out.Write(src[last:p.off])
		out.WriteString(m)
		ins = append(ins, insertion{p.off, len(m)})
		last = p.off
	}
	out.Write(src[last:])
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

// unmarkOff maps a byte offset of the marked source back to the file's
// own; an offset inside a marker maps to where the marker was put.
func unmarkOff(ins []insertion, off int) int {
	shift := 0
	for _, in := range ins {
		at := in.off + shift // where the marker starts in the marked source
		if at >= off {
			break
		}
		if off < at+in.n {
			return in.off
		}
		shift += in.n
	}
	return off - shift
}

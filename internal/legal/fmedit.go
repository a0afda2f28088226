package legal

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	yaml "go.yaml.in/yaml/v3"
)

// field is one front-matter field to set: Value is a time.Time (a date),
// a string or a bool; a nil Value removes the field.
type field struct {
	Key   string
	Value any
}

// fmBlock is a file's front matter as lines (each with its line ending).
type fmBlock struct {
	format string   // "toml" or "yaml"
	lines  []string // every line of the file
	open   int      // index of the opening delimiter line
	close  int      // index of the closing delimiter line
	nl     string   // the file's line ending
}

func splitFile(src string) (*fmBlock, bool) {
	b := &fmBlock{nl: "\n"}
	if strings.Contains(src, "\r\n") {
		b.nl = "\r\n"
	}
	b.lines = strings.SplitAfter(src, "\n")
	if len(b.lines) > 0 && b.lines[len(b.lines)-1] == "" {
		b.lines = b.lines[:len(b.lines)-1]
	}
	if len(b.lines) == 0 {
		return b, false
	}
	switch strings.TrimSpace(b.lines[0]) {
	case "+++":
		b.format = "toml"
	case "---":
		b.format = "yaml"
	default:
		return b, false
	}
	delim := strings.TrimSpace(b.lines[0])
	for i := 1; i < len(b.lines); i++ {
		if strings.TrimRight(b.lines[i], " \t\r\n") == delim {
			b.close = i
			return b, true
		}
	}
	return b, false
}

// find returns the lines [start, end) holding the top-level key's field,
// or ok false. limit is where new top-level fields may be inserted (before
// the first TOML table, else the closing delimiter).
func (b *fmBlock) find(key string) (start, end, limit int, ok bool) {
	limit = b.close
	for i := b.open + 1; i < b.close; i++ {
		l := strings.TrimRight(b.lines[i], "\r\n")
		switch b.format {
		case "toml":
			t := strings.TrimSpace(l)
			if strings.HasPrefix(t, "[") {
				return start, end, i, ok
			}
			if ok || !keyIs(t, key, '=') {
				continue
			}
			start, end, ok = i, b.tomlEnd(i), true
		case "yaml":
			if ok || !keyIs(l, key, ':') {
				continue
			}
			start, end, ok = i, b.yamlEnd(i), true
		}
	}
	return start, end, limit, ok
}

// keyIs reports whether line l starts with key (bare or quoted, any case)
// followed by sep.
func keyIs(l, key string, sep byte) bool {
	for _, q := range []string{"", `"`, "'"} {
		k := q + key + q
		if len(l) > len(k) && strings.EqualFold(l[:len(k)], k) {
			rest := strings.TrimLeft(l[len(k):], " \t")
			if rest != "" && rest[0] == sep && (sep != ':' || len(rest) == 1 || rest[1] == ' ' || rest[1] == '\t') {
				return true
			}
		}
	}
	return false
}

// tomlEnd is the line after the TOML field starting on line i (a
// multi-line string runs to its closing quotes).
func (b *fmBlock) tomlEnd(i int) int {
	l := b.lines[i]
	v := strings.TrimSpace(l[strings.IndexByte(l, '=')+1:])
	for _, q := range []string{`"""`, `'''`} {
		if !strings.HasPrefix(v, q) {
			continue
		}
		if strings.Contains(v[3:], q) {
			return i + 1
		}
		for j := i + 1; j < b.close; j++ {
			if strings.Contains(b.lines[j], q) {
				return j + 1
			}
		}
	}
	return i + 1
}

// yamlEnd is the line after the YAML field starting on line i: its
// indented (or list) continuation lines, without trailing blank lines.
func (b *fmBlock) yamlEnd(i int) int {
	end := i + 1
	for j := i + 1; j < b.close; j++ {
		l := strings.TrimRight(b.lines[j], "\r\n")
		if strings.TrimSpace(l) == "" {
			continue
		}
		if l[0] != ' ' && l[0] != '\t' && !strings.HasPrefix(l, "- ") && l != "-" {
			break
		}
		end = j + 1
	}
	return end
}

// setFields returns src with the front-matter fields set, every other
// byte of the file unchanged. A file with no front matter gets a TOML
// block. The result is parsed again and compared with the original, so a
// front matter this cannot edit safely is an error, never a broken file.
func setFields(src []byte, fields []field) ([]byte, error) {
	bom := ""
	s := string(src)
	if strings.HasPrefix(s, "\ufeff") {
		bom, s = "\ufeff", s[len("\ufeff"):]
	}
	b, ok := splitFile(s)
	if !ok {
		if strings.HasPrefix(s, "+++") || strings.HasPrefix(s, "---") {
			return nil, fmt.Errorf("its front matter is never closed")
		}
		b = &fmBlock{format: "toml", nl: b.nl, lines: append([]string{"+++" + b.nl, "+++" + b.nl}, b.lines...), close: 1}
	}
	after := "lastmod" // new fields go after lastmod, in the order given
	for _, f := range fields {
		start, end, limit, found := b.find(f.Key)
		var repl []string
		if f.Value != nil {
			v, err := formatValue(b.format, f.Value)
			if err != nil {
				return nil, err
			}
			sep, sepChar := " = ", byte('=')
			if b.format == "yaml" {
				sep, sepChar = ": ", ':'
			}
			key := f.Key
			if found { // keep the key as the writer spelled it
				l := b.lines[start]
				key = strings.TrimRight(l[:strings.IndexByte(l, sepChar)], " \t")
			}
			repl = []string{key + sep + v + b.nl}
		}
		if !found {
			if f.Value == nil {
				continue
			}
			start = limit
			if _, e, _, ok := b.find(after); ok && e <= limit {
				start = e
			}
			end = start
		}
		b.lines = append(b.lines[:start], append(repl, b.lines[end:]...)...)
		b.close += len(repl) - (end - start)
		if f.Value != nil {
			after = f.Key
		}
	}
	out := bom + strings.Join(b.lines, "")
	if err := verify(s, out[len(bom):], b.format, fields); err != nil {
		return nil, err
	}
	return []byte(out), nil
}

// verify checks that edited is orig with the fields set: the same body
// byte for byte, every other field unchanged.
func verify(orig, edited, format string, fields []field) error {
	ob, ok1 := splitFile(orig)
	eb, ok2 := splitFile(edited)
	if !ok2 {
		return fmt.Errorf("the edited front matter does not close")
	}
	var origFM, origBody string
	if ok1 {
		origFM = strings.Join(ob.lines[ob.open+1:ob.close], "")
		origBody = strings.Join(ob.lines[ob.close+1:], "")
	} else {
		origBody = orig
	}
	if strings.Join(eb.lines[eb.close+1:], "") != origBody {
		return fmt.Errorf("editing the front matter would change the body")
	}
	before, err := decodeFM(format, origFM)
	if err != nil {
		return err
	}
	after, err := decodeFM(format, strings.Join(eb.lines[eb.open+1:eb.close], ""))
	if err != nil {
		return fmt.Errorf("the edited front matter does not parse: %v", err)
	}
	for _, f := range fields {
		for k := range before {
			if strings.EqualFold(k, f.Key) {
				delete(before, k)
			}
		}
		got, found := any(nil), false
		for k, v := range after {
			if strings.EqualFold(k, f.Key) {
				got, found = v, true
				delete(after, k)
			}
		}
		if f.Value == nil {
			if found {
				return fmt.Errorf("could not remove %s", f.Key)
			}
			continue
		}
		if !found || !sameValue(got, f.Value) {
			return fmt.Errorf("could not set %s", f.Key)
		}
	}
	if !reflect.DeepEqual(before, after) {
		return fmt.Errorf("editing %s would change other fields", fieldNames(fields))
	}
	return nil
}

func fieldNames(fields []field) string {
	var names []string
	for _, f := range fields {
		names = append(names, f.Key)
	}
	return strings.Join(names, ", ")
}

func decodeFM(format, fm string) (map[string]any, error) {
	m := map[string]any{}
	if strings.TrimSpace(fm) == "" {
		return m, nil
	}
	if format == "yaml" {
		return m, yaml.Unmarshal([]byte(fm), &m)
	}
	_, err := toml.Decode(fm, &m)
	return m, err
}

func sameValue(got, want any) bool {
	switch w := want.(type) {
	case time.Time:
		switch g := got.(type) {
		case time.Time:
			return g.Format(DateFormat) == w.Format(DateFormat)
		case string:
			return g == w.Format(DateFormat)
		}
		return false
	default:
		return reflect.DeepEqual(got, want)
	}
}

// formatValue writes a value in the front matter's syntax.
func formatValue(format string, v any) (string, error) {
	switch x := v.(type) {
	case time.Time:
		return x.Format(DateFormat), nil
	case bool:
		return fmt.Sprint(x), nil
	case string:
		return QuoteTOML(x), nil // a TOML basic string is a valid YAML double-quoted one
	}
	return "", fmt.Errorf("cannot write %T in front matter", v)
}

// QuoteTOML quotes s as a TOML basic string, which is also a valid YAML
// double-quoted string.
func QuoteTOML(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// fieldLine is the 1-based line of a top-level front-matter field in a
// page's text, or 1.
func fieldLine(text []byte, key string) int {
	b, ok := splitFile(string(text))
	if !ok {
		return 1
	}
	if start, _, _, found := b.find(key); found {
		return start + 1
	}
	return 1
}

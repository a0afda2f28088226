package content

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	yaml "go.yaml.in/yaml/v3"

	"github.com/certiron/certiron-site/internal/config"
	"github.com/certiron/certiron-site/internal/diag"
)

// FrontMatter is a page's metadata as written by its author.
type FrontMatter struct {
	Title       string
	Description string
	Date        time.Time
	Lastmod     time.Time
	Draft       bool
	Slug        string
	URL         string
	Layout      string
	Weight      int
	// TOC is nil when the page does not say; the site then decides.
	TOC     *bool
	Aliases []string
	// Typographer is nil unless the page turns typographic quotes on or
	// off for itself (legal text reproduced character for character).
	Typographer *bool
	// Effective, Changes and Editorial describe a version of a legal page
	// (package legal): the date it takes effect, what changed, and whether
	// the change is editorial (recorded, but no renewed notice).
	Effective time.Time
	Changes   string
	Editorial bool
	// Params holds every field not listed above, for templates.
	Params map[string]any
	// Keys is where each key of the front matter is written in the
	// page's file (the file's own lines, not the front matter's): the
	// lower-cased key ("title"; a nested key dotted, "hero.image") → the
	// line and column of its first character, File set. A key written
	// twice in different case is at its first place.
	Keys map[string]diag.Pos
}

// known front-matter fields and the Go kind each must have.
var known = map[string]string{
	"title": "string", "description": "string", "date": "date", "lastmod": "date",
	"draft": "bool", "slug": "string", "url": "string", "layout": "string",
	"weight": "int", "toc": "bool", "aliases": "strings", "typographer": "bool",
	"effective": "date", "changes": "string", "editorial": "bool",
}

// Split separates a file into its front matter and body. It returns the
// front matter's format ("toml", "yaml" or "" for none), its text, the body
// and the 1-based line the front matter text starts on and the body starts
// on. An unterminated block is an error at its opening line.
func Split(name string, src []byte) (format string, fm, body []byte, fmLine, bodyLine int, err *diag.Error) {
	var delim string
	switch {
	case hasDelimLine(src, "+++"):
		format, delim = "toml", "+++"
	case hasDelimLine(src, "---"):
		format, delim = "yaml", "---"
	default:
		return "", nil, src, 0, 1, nil
	}
	rest := src[len(delim):]
	rest = bytes.TrimLeft(rest, " \t")
	if len(rest) > 0 && rest[0] == '\r' {
		rest = rest[1:]
	}
	if len(rest) > 0 && rest[0] == '\n' {
		rest = rest[1:]
	}
	start := len(src) - len(rest)
	// Find the closing delimiter on a line of its own.
	off := 0
	line := 2
	for off <= len(rest) {
		end := bytes.IndexByte(rest[off:], '\n')
		var l []byte
		if end < 0 {
			l = rest[off:]
		} else {
			l = rest[off : off+end]
		}
		if string(bytes.TrimRight(l, " \t\r")) == delim {
			fm = rest[:off]
			bodyStart := start + off + len(l)
			if end >= 0 {
				bodyStart++
			}
			return format, fm, src[bodyStart:], 2, line + 1, nil
		}
		if end < 0 {
			break
		}
		off += end + 1
		line++
	}
	return "", nil, nil, 0, 0, diag.Errorf(diag.Pos{File: name, Line: 1, Col: 1}, "front matter opened with %s is never closed; add a line with only %s after the last field", delim, delim)
}

func hasDelimLine(src []byte, delim string) bool {
	if !bytes.HasPrefix(src, []byte(delim)) {
		return false
	}
	rest := src[len(delim):]
	i := bytes.IndexByte(rest, '\n')
	if i < 0 {
		i = len(rest)
	}
	return len(bytes.TrimSpace(rest[:i])) == 0
}

// ParseFrontMatter parses a page's front matter. name is used in errors;
// fmLine is the file line the front matter text starts on, so positions
// point into the user's file.
func ParseFrontMatter(name, format string, fm []byte, fmLine int) (*FrontMatter, diag.List) {
	out := &FrontMatter{Params: map[string]any{}, Keys: map[string]diag.Pos{}}
	if format == "" {
		return out, nil
	}
	var raw map[string]any
	switch format {
	case "toml":
		if _, err := toml.Decode(string(fm), &raw); err != nil {
			return nil, diag.List{config.TOMLError(name, fmLine-1, fm, err)}
		}
		for k, p := range config.KeyPositions(fm) {
			out.Keys[k] = diag.Pos{File: name, Line: p.Line + fmLine - 1, Col: p.Col}
		}
	case "yaml":
		var doc yaml.Node
		if err := yaml.Unmarshal(fm, &doc); err != nil {
			return nil, yamlError(name, fmLine, fm, err)
		}
		if len(doc.Content) == 0 {
			return out, nil
		}
		root := doc.Content[0]
		at := func(n *yaml.Node) diag.Pos { return diag.Pos{File: name, Line: n.Line + fmLine - 1, Col: n.Column} }
		if root.Kind != yaml.MappingNode {
			return nil, diag.List{diag.Errorf(at(root), "front matter must be a mapping of field: value")}
		}
		if errs := yamlKeys(root, "", at, out.Keys); len(errs) > 0 {
			return nil, errs
		}
		if err := root.Decode(&raw); err != nil {
			return nil, yamlError(name, fmLine, fm, err)
		}
	}
	var errs diag.List
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := raw[k]
		lk := strings.ToLower(k)
		kind, ok := known[lk]
		if !ok {
			out.Params[k] = normalize(v)
			continue
		}
		if err := out.set(lk, kind, v); err != "" {
			at := out.Keys[lk]
			if at.File == "" {
				at = diag.Pos{File: name, Line: fmLine}
			}
			errs.Add(at, "front matter %q: %s", k, err)
		}
	}
	return out, errs
}

// yamlKeys records in keys where each key of the mapping node m is
// written, prefix being the dotted path of m, and reports what the
// decoder would report without a column or with the front matter's own
// lines: a key that is not a name, a key written twice.
func yamlKeys(m *yaml.Node, prefix string, at func(*yaml.Node) diag.Pos, keys map[string]diag.Pos) diag.List {
	var errs diag.List
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			if prefix == "" {
				errs.Add(at(k), "front matter keys must be names, not a %s", kindName(k.Kind))
			}
			continue
		}
		if k.Tag == "!!merge" {
			continue
		}
		if first, ok := seen[k.Value]; ok {
			errs.Add(at(k), "front matter key %q is already defined at line %d", prefix+k.Value, at(first).Line)
			continue
		}
		seen[k.Value] = k
		path := prefix + k.Value
		if lk := strings.ToLower(path); keys[lk].File == "" {
			keys[lk] = at(k)
		}
		if v.Kind == yaml.MappingNode {
			errs = append(errs, yamlKeys(v, path+".", at, keys)...)
		}
	}
	return errs
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.SequenceNode:
		return "list"
	case yaml.MappingNode:
		return "mapping"
	case yaml.AliasNode:
		return "alias"
	}
	return "value"
}

// set stores one known field, returning a message when v has the wrong type.
func (f *FrontMatter) set(key, kind string, v any) string {
	switch kind {
	case "string":
		s, ok := v.(string)
		if !ok {
			return fmt.Sprintf("want a string, got %s", describe(v))
		}
		switch key {
		case "title":
			f.Title = s
		case "description":
			f.Description = s
		case "slug":
			f.Slug = s
		case "url":
			f.URL = s
		case "layout":
			f.Layout = s
		case "changes":
			f.Changes = s
		}
	case "bool":
		b, ok := v.(bool)
		if !ok {
			return fmt.Sprintf("want true or false, got %s", describe(v))
		}
		switch key {
		case "draft":
			f.Draft = b
		case "toc":
			f.TOC = &b
		case "typographer":
			f.Typographer = &b
		case "editorial":
			f.Editorial = b
		}
	case "int":
		switch n := v.(type) {
		case int64:
			f.Weight = int(n)
		case int:
			f.Weight = n
		default:
			return fmt.Sprintf("want a whole number, got %s", describe(v))
		}
	case "date":
		t, err := parseDate(v)
		if err != "" {
			return err
		}
		switch key {
		case "date":
			f.Date = t
		case "lastmod":
			f.Lastmod = t
		case "effective":
			f.Effective = t
		}
	case "strings":
		list, ok := v.([]any)
		if !ok {
			if s, isStr := v.(string); isStr {
				f.Aliases = []string{s}
				return ""
			}
			return fmt.Sprintf("want a list of strings, got %s", describe(v))
		}
		for _, e := range list {
			s, ok := e.(string)
			if !ok {
				return fmt.Sprintf("want a list of strings, got an element that is %s", describe(e))
			}
			f.Aliases = append(f.Aliases, s)
		}
	}
	return ""
}

// parseDate accepts 2006-01-02 and RFC 3339 (as strings or native TOML and
// YAML dates).
func parseDate(v any) (time.Time, string) {
	switch d := v.(type) {
	case time.Time:
		if strings.Contains(d.Location().String(), "local") {
			// A TOML local date or date-time: keep the wall clock.
			return time.Date(d.Year(), d.Month(), d.Day(), d.Hour(), d.Minute(), d.Second(), d.Nanosecond(), time.UTC), ""
		}
		return d.UTC(), ""
	case string:
		s := strings.TrimSpace(d)
		if t, err := time.Parse("2006-01-02", s); err == nil {
			return t, ""
		}
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t.UTC(), ""
		}
		return time.Time{}, fmt.Sprintf("unknown date format %q; write 2006-01-02 or RFC 3339 (2006-01-02T15:04:05Z)", s)
	default:
		return time.Time{}, fmt.Sprintf("want a date like 2006-01-02, got %s", describe(v))
	}
}

func describe(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case bool:
		return fmt.Sprintf("%t", x)
	case int64, int, float64:
		return fmt.Sprintf("the number %v", x)
	case []any:
		return "a list"
	case map[string]any:
		return "a table"
	case nil:
		return "nothing"
	default:
		return fmt.Sprintf("%v", x)
	}
}

// normalize makes TOML and YAML values look alike to templates: native
// dates become time.Time, nested maps map[string]any.
func normalize(v any) any {
	switch x := v.(type) {
	case time.Time:
		t, _ := parseDate(x)
		return t
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = normalize(e)
		}
		return m
	case []map[string]any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = normalize(e)
		}
		return l
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = normalize(e)
		}
		return l
	case int:
		return int64(x)
	default:
		return v
	}
}

// yamlError turns a go.yaml.in/yaml/v3 error into diag errors at the
// file's lines. fmLine is the file line the front matter fm starts on.
func yamlError(name string, fmLine int, fm []byte, err error) diag.List {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		var errs diag.List
		for _, e := range te.Errors {
			line, msg := yamlLocation(e)
			errs.Add(diag.Pos{File: name, Line: max(line, 1) + fmLine - 1}, "front matter: %s", msg)
		}
		return errs
	}
	line, msg := yamlLocation(err.Error())
	if msg == "found unexpected end of stream" {
		// An unclosed quote: the library names the line where it ran out
		// of text (or, for a quote on the first line, the last line), so
		// find the quote that is still open at the end.
		if l, col, q := unclosedQuote(fm); l > 0 {
			return diag.List{diag.Errorf(diag.Pos{File: name, Line: l + fmLine - 1, Col: col}, "front matter: this %c is never closed; end the value with %c", q, q)}
		}
	}
	if msg == "found character that cannot start any token" {
		// Most often a tab where YAML allows only spaces. An error on
		// the first line comes with no line (yamlLocation).
		l := max(line, 1)
		if lines := strings.Split(string(fm), "\n"); l <= len(lines) {
			text := lines[l-1]
			if i := strings.IndexByte(text, '\t'); i >= 0 && strings.TrimLeft(text[:i], " ") == "" {
				return diag.List{diag.Errorf(diag.Pos{File: name, Line: l + fmLine - 1, Col: i + 1}, "front matter: a tab in the indentation; YAML indents with spaces only")}
			}
		}
	}
	return diag.List{diag.Errorf(diag.Pos{File: name, Line: max(line, 1) + fmLine - 1}, "front matter: %s", msg)}
}

// unclosedQuote returns the 1-based line and column (in characters) of
// the quote that opens a YAML scalar in fm and is still open at its end,
// and the quote; line is 0 when every quoted scalar is closed. A quote
// opens a scalar where a value starts: at a line's indentation, or after
// ": ", "- ", "[", "{" or ",". In a "…" scalar a backslash escapes the
// next character, in a '…' scalar a doubled quote stands for one; a #
// after a space outside quotes starts a comment. It reads only as much YAML as finding an unclosed quote needs.
func unclosedQuote(fm []byte) (line, col int, quote byte) {
	var open byte // the quote of the scalar being read, or 0
	var openLine, openCol int
	for i, text := range strings.Split(string(fm), "\n") {
		prev := byte(0) // the last non-space byte outside quotes on this line
		for j := 0; j < len(text); j++ {
			c := text[j]
			if open != 0 {
				switch {
				case open == '"' && c == '\\':
					j++ // an escape: the next byte is not the end
				case open == '\'' && c == '\'' && j+1 < len(text) && text[j+1] == '\'':
					j++ // '' is a quote inside the scalar
				case c == open:
					open, prev = 0, c
				}
				continue
			}
			switch {
			case c == ' ' || c == '\t':
				continue
			case c == '#' && (j == 0 || text[j-1] == ' ' || text[j-1] == '\t'):
				j = len(text) // a comment to the end of the line
				continue
			case (c == '"' || c == '\'') && (prev == 0 || prev == ':' || prev == '-' || prev == '[' || prev == '{' || prev == ','):
				open, openLine, openCol = c, i+1, utf8.RuneCountInString(text[:j])+1
				continue
			}
			prev = c
		}
	}
	if open == 0 {
		return 0, 0, 0
	}
	return openLine, openCol, open
}

// yamlLocation reads the line go.yaml.in/yaml/v3 (v3.0.6) writes at the
// start of its messages, the one place it gives a position, and only as
// text: "yaml: line N: msg" for a syntax error, "line N: msg" for each
// of a TypeError's Errors. Syntax errors on the first line come with no
// line ("yaml: msg"), as do a few others (an unknown anchor): line is then
// 0. The library gives no column.
func yamlLocation(s string) (line int, msg string) {
	s = strings.TrimPrefix(s, "yaml: ")
	rest, ok := strings.CutPrefix(s, "line ")
	if !ok {
		return 0, s
	}
	num, msg, ok := strings.Cut(rest, ": ")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n <= 0 {
		return 0, s
	}
	return n, msg
}

// checkUTF8 reports the position of the first invalid UTF-8 byte in src.
func checkUTF8(name string, src []byte) *diag.Error {
	if utf8.Valid(src) {
		return nil
	}
	for off := 0; off < len(src); {
		r, size := utf8.DecodeRune(src[off:])
		if r == utf8.RuneError && size <= 1 {
			line, col := diag.LineCol(src, off)
			return diag.Errorf(diag.Pos{File: name, Line: line, Col: col}, "invalid UTF-8 (byte 0x%02x); save the file as UTF-8", src[off])
		}
		off += size
	}
	return nil
}

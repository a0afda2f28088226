// Package diag holds the position and error types every user-facing
// problem is reported with: "file:line:col: message".
package diag

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Pos is a position in a user's file. Line and Col are 1-based; zero means
// unknown and is left out when printed.
type Pos struct {
	File string
	Line int
	Col  int
}

// String formats p as "file:line:col", "file:line" or "file".
func (p Pos) String() string {
	switch {
	case p.Line <= 0:
		return p.File
	case p.Col <= 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	default:
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
	}
}

// Error is one problem in a user's file. Rule, when set, names the audit
// rule that found it.
type Error struct {
	Pos  Pos
	Rule string
	Msg  string
}

// Error formats e as "file:line:col: rule: message".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Pos.String())
	b.WriteString(": ")
	if e.Rule != "" {
		b.WriteString(e.Rule)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errorf returns an *Error at pos.
func Errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// List is every problem found by one build.
type List []*Error

// Add appends an error at pos.
func (l *List) Add(pos Pos, format string, args ...any) {
	*l = append(*l, Errorf(pos, format, args...))
}

// Append appends err: a List is flattened, an *Error kept, any other error
// is attached to file with no position.
func (l *List) Append(file string, err error) {
	if err == nil {
		return
	}
	var list List
	var one *Error
	switch {
	case errors.As(err, &list):
		*l = append(*l, list...)
	case errors.As(err, &one):
		*l = append(*l, one)
	default:
		*l = append(*l, &Error{Pos: Pos{File: file}, Msg: err.Error()})
	}
}

// Sort orders the list by file, line, column and message, and drops exact
// duplicates, so a report reads top to bottom and is deterministic.
func (l *List) Sort() {
	s := *l
	sort.SliceStable(s, func(i, j int) bool {
		a, b := s[i], s[j]
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Col != b.Pos.Col {
			return a.Pos.Col < b.Pos.Col
		}
		return a.Error() < b.Error()
	})
	out := s[:0]
	for i, e := range s {
		if i > 0 && e.Error() == s[i-1].Error() {
			continue
		}
		out = append(out, e)
	}
	*l = out
}

// Err returns l as an error, or nil when it is empty.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Error joins the errors one per line.
func (l List) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// LineCol returns the 1-based line and column (counted in characters, as
// editors count them) of byte offset off in src. An offset outside src
// is taken as its nearest end (a parser's position can be -1 or past
// the end), so no position ever crashes a report.
func LineCol(src []byte, off int) (line, col int) {
	off = min(max(off, 0), len(src))
	line = 1
	start := 0
	for i := 0; i < off; i++ {
		if src[i] == '\n' {
			line++
			start = i + 1
		}
	}
	return line, utf8.RuneCount(src[start:off]) + 1
}

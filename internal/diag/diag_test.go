package diag

import (
	"errors"
	"fmt"
	"testing"
)

func TestPos(t *testing.T) {
	tests := []struct {
		pos  Pos
		want string
	}{
		{Pos{"content/a.md", 3, 7}, "content/a.md:3:7"},
		{Pos{"content/a.md", 3, 0}, "content/a.md:3"},
		{Pos{"config.toml", 0, 0}, "config.toml"},
	}
	for _, tt := range tests {
		if got := tt.pos.String(); got != tt.want {
			t.Errorf("Pos%v.String() = %q, want %q", tt.pos, got, tt.want)
		}
	}
	e := &Error{Pos: Pos{"a.md", 1, 2}, Rule: "tracker", Msg: "bad"}
	if e.Error() != "a.md:1:2: tracker: bad" {
		t.Errorf("Error() = %q", e.Error())
	}
}

func TestLineCol(t *testing.T) {
	src := []byte("ab\ncafé x\n\nz")
	tests := []struct{ off, line, col int }{
		{-1, 1, 1}, {0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {9, 2, 6}, {11, 3, 1}, {12, 4, 1}, {99, 4, 2},
	}
	for _, tt := range tests {
		if l, c := LineCol(src, tt.off); l != tt.line || c != tt.col {
			t.Errorf("LineCol(%d) = %d:%d, want %d:%d", tt.off, l, c, tt.line, tt.col)
		}
	}
}

func TestList(t *testing.T) {
	var l List
	l.Add(Pos{"b.md", 2, 1}, "second")
	l.Add(Pos{"a.md", 9, 1}, "first")
	l.Add(Pos{"b.md", 2, 1}, "second") // a duplicate
	l.Append("x.md", errors.New("plain"))
	l.Append("y.md", List{Errorf(Pos{"a.md", 1, 1}, "nested")})
	l.Sort()
	want := "a.md:1:1: nested\na.md:9:1: first\nb.md:2:1: second\nx.md: plain"
	if got := l.Error(); got != want {
		t.Errorf("sorted list =\n%s\nwant\n%s", got, want)
	}
	if (List{}).Err() != nil || l.Err() == nil {
		t.Error("Err() wrong")
	}
	var target List
	if !errors.As(fmt.Errorf("wrapped: %w", l), &target) || len(target) != 4 {
		t.Error("a List does not unwrap")
	}
}

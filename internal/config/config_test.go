package config

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	c, err := Parse("config.toml", []byte(`title = "S"
baseURL = "https://example.org"
[params]
anything = { nested = true }
[[menus.main]]
name = "Legal"
url = "legal/_index.md"
[[audit.allow_origins]]
origin = "https://cdn.example.org"
reason = "our own CDN"
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL != "https://example.org/" || c.Origin() != "https://example.org" || c.BasePath() != "/" || c.Theme != "certiron" || c.LanguageCode != "en" {
		t.Errorf("Parse = %+v", c)
	}
	if len(c.Menus.Main) != 1 || len(c.Audit.AllowOrigins) != 1 || c.Markup.TOCStart != 2 {
		t.Errorf("Parse = %+v", c)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"unknown key", "title = \"x\"\n\n[markup]\nunsafe = true\nsmartypants = false\n", `config.toml:5:1: unknown config key "markup.smartypants"`},
		{"syntax", "title = \"x\"\nbaseURL = \n", "config.toml:2:"},
		{"no title", "baseURL = \"https://x.org/\"\n", "config.toml: title is required"},
		{"bad base", "title = \"x\"\nbaseURL = \"example.org\"\n", `config.toml:2:1: baseURL "example.org" must be an absolute http(s) URL`},
		{"theme escapes", "title = \"x\"\ntheme = \"../x\"\n", `config.toml:2:1: theme "../x" must be a folder name`},
		{"allow without reason", "title = \"x\"\n[[audit.allow_origins]]\norigin = \"https://a.org\"\n", "needs a reason"},
	}
	for _, tt := range tests {
		_, err := Parse("config.toml", []byte(tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Parse(%q) = %v, want %q", tt.name, tt.src, err, tt.want)
		}
	}
}

func TestKeyPos(t *testing.T) {
	src := []byte("title = \"x\"\n[markup]\n  unsafe = true\n[[menus.main]]\nname = \"a\"\n")
	tests := []struct {
		key  []string
		line int
		col  int
	}{
		{[]string{"title"}, 1, 1},
		{[]string{"markup", "unsafe"}, 3, 3},
		{[]string{"markup"}, 2, 1},
		{[]string{"menus", "main", "name"}, 5, 1},
		{[]string{"missing"}, 0, 0},
	}
	for _, tt := range tests {
		if l, c := KeyPos(src, tt.key...); l != tt.line || c != tt.col {
			t.Errorf("KeyPos(%v) = %d:%d, want %d:%d", tt.key, l, c, tt.line, tt.col)
		}
	}
}

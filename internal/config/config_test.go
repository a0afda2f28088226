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
	if c.Markup.HTML != "safe" || c.Markup.Unsafe || c.Deploy.Target != "cloudflare" || c.Ignore != nil || c.Warnings != nil {
		t.Errorf("Parse defaults = %+v", c)
	}
}

func TestParseNewKeys(t *testing.T) {
	tests := []struct {
		src      string
		html     string
		unsafe   bool
		target   string
		ignore   string
		warnings int
	}{
		{"title = \"x\"\n", "safe", false, "cloudflare", "", 0},
		{"title = \"x\"\n[markup]\nhtml = \"none\"\n", "none", false, "cloudflare", "", 0},
		{"title = \"x\"\n[markup]\nhtml = \"all\"\n", "all", true, "cloudflare", "", 0},
		{"title = \"x\"\n[markup]\nunsafe = true\n", "all", true, "cloudflare", "", 1},
		{"title = \"x\"\n[markup]\nunsafe = false\n", "none", false, "cloudflare", "", 1},
		{"title = \"x\"\nignore = [\"drafts/**\", \"*.psd\"]\n[deploy]\ntarget = \"netlify\"\n", "safe", false, "netlify", "drafts/**,*.psd", 0},
	}
	for _, tt := range tests {
		c, err := Parse("config.toml", []byte(tt.src))
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.src, err)
			continue
		}
		if c.Markup.HTML != tt.html || c.Markup.Unsafe != tt.unsafe || c.Deploy.Target != tt.target ||
			strings.Join(c.Ignore, ",") != tt.ignore || len(c.Warnings) != tt.warnings {
			t.Errorf("Parse(%q) = html %q unsafe %t target %q ignore %q warnings %v, want %q %t %q %q %d",
				tt.src, c.Markup.HTML, c.Markup.Unsafe, c.Deploy.Target, c.Ignore, c.Warnings, tt.html, tt.unsafe, tt.target, tt.ignore, tt.warnings)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"unknown key", "title = \"x\"\n\n[markup]\nunsafe = true\nsmartypants = false\n", `config.toml:5:1: unknown config key "markup.smartypants"`},
		{"syntax", "title = \"x\"\nbaseURL = \n", "config.toml:2:"},
		{"no title", "baseURL = \"https://x.org/\"\n", "config.toml: title is required"},
		{"bad base", "title = \"x\"\nbaseURL = \"example.org\"\n", `config.toml:2:1: baseURL "example.org" must be an absolute http(s) URL`},
		{"syntax column in characters", "title = \"x\"\n\"ü\" = = 1\n", "config.toml:2:7: "},
		{"control character", "title = \"x\"\n\x02\n", "config.toml:2:1: "},
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
		{[]string{"markup"}, 2, 2},
		{[]string{"Markup", "UNSAFE"}, 3, 3},
		{[]string{"menus", "main", "name", "deeper"}, 5, 1},
		{[]string{"menus", "main", "name"}, 5, 1},
		{[]string{"missing"}, 0, 0},
	}
	for _, tt := range tests {
		if l, c := KeyPos(src, tt.key...); l != tt.line || c != tt.col {
			t.Errorf("KeyPos(%v) = %d:%d, want %d:%d", tt.key, l, c, tt.line, tt.col)
		}
	}
}

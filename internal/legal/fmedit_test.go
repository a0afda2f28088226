package legal

import (
	"strings"
	"testing"
)

func TestSetFields(t *testing.T) {
	fields := []field{{"effective", date("2026-11-28")}, {"changes", `Say "hi".`}, {"editorial", nil}}
	tests := []struct {
		name, in, want string
	}{
		{"toml after lastmod",
			"+++\ntitle = \"P\"\nlastmod = 2026-11-28\nweight = 1\n+++\n\nBody\n",
			"+++\ntitle = \"P\"\nlastmod = 2026-11-28\neffective = 2026-11-28\nchanges = \"Say \\\"hi\\\".\"\nweight = 1\n+++\n\nBody\n"},
		{"toml without lastmod, before a table",
			"+++\ntitle = \"P\"\n[params]\nx = 1\n+++\nBody\n",
			"+++\ntitle = \"P\"\neffective = 2026-11-28\nchanges = \"Say \\\"hi\\\".\"\n[params]\nx = 1\n+++\nBody\n"},
		{"toml fields replaced in place, editorial removed, spelling kept",
			"+++\nEffective = 2025-01-01 # old\nchanges = \"\"\"\nold\ntext\"\"\"\neditorial = true\ntitle = \"P\"\n+++\nBody",
			"+++\nEffective = 2026-11-28\nchanges = \"Say \\\"hi\\\".\"\ntitle = \"P\"\n+++\nBody"},
		{"toml with CRLF and a byte-order mark",
			"\ufeff+++\r\ntitle = \"P\"\r\n+++\r\nBody\r\n",
			"\ufeff+++\r\ntitle = \"P\"\r\neffective = 2026-11-28\r\nchanges = \"Say \\\"hi\\\".\"\r\n+++\r\nBody\r\n"},
		{"no front matter",
			"# Title\n\nBody\n",
			"+++\neffective = 2026-11-28\nchanges = \"Say \\\"hi\\\".\"\n+++\n# Title\n\nBody\n"},
		{"yaml",
			"---\ntitle: P\nlastmod: 2026-11-28\ntags:\n  - a\n---\nBody\n",
			"---\ntitle: P\nlastmod: 2026-11-28\neffective: 2026-11-28\nchanges: \"Say \\\"hi\\\".\"\ntags:\n  - a\n---\nBody\n"},
		{"yaml block scalar replaced",
			"---\nchanges: >\n  old\n  text\n\neditorial: true\ntitle: P\n---\nBody\n",
			"---\nchanges: \"Say \\\"hi\\\".\"\n\ntitle: P\neffective: 2026-11-28\n---\nBody\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := setFields([]byte(tt.in), fields)
			if err != nil {
				t.Fatalf("setFields(%q): %v", tt.in, err)
			}
			if string(got) != tt.want {
				t.Errorf("setFields(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSetFieldsRefuses(t *testing.T) {
	fields := []field{{"effective", date("2026-11-28")}}
	for _, in := range []string{
		"+++\ntitle = \"P\"\n",               // never closed
		"+++\neffective = [\n  1,\n]\n+++\n", // an array this does not edit
		"+++\ntitle = \"P\n+++\n",            // does not parse
	} {
		if got, err := setFields([]byte(in), fields); err == nil {
			t.Errorf("setFields(%q) = %q, want an error", in, got)
		}
	}
}

func TestQuoteTOML(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:        `"plain"`,
		"a \"b\" \\ c": `"a \"b\" \\ c"`,
		"line\nbreak":  `"line\nbreak"`,
		"bell\a":       `"bell\u0007"`,
		"café — ok":    `"café — ok"`,
	} {
		if got := QuoteTOML(in); got != want {
			t.Errorf("QuoteTOML(%q) = %s, want %s", in, got, want)
		}
	}
	if !strings.HasPrefix(QuoteTOML(""), `"`) {
		t.Error("QuoteTOML(\"\") is not quoted")
	}
}

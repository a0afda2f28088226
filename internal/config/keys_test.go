package config

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

func TestKeyPositions(t *testing.T) {
	tests := []struct {
		name, src string
		want      string // "key line:col", one per line, sorted
	}{
		{"top level and tables", "title = \"x\"\n[markup]\n  unsafe = true\n[[menus.main]]\nname = \"a\"\n",
			"markup 2:2\nmarkup.unsafe 3:3\nmenus 4:3\nmenus.main 4:9\nmenus.main.name 5:1\ntitle 1:1"},
		{"dotted and quoted keys", "a . \"b.c\" . 'd' = 1\n\"é\" = 2\nx.y = 3\n",
			"\"é\" 2:1\na 1:1\na.\"b.c\" 1:5\na.\"b.c\".d 1:13\nx 3:1\nx.y 3:3"},
		{"column in characters", "[params]\np = { \"çà\" = 1, b = 2 }\n", "params 1:2\nparams.p 2:1\nparams.p.\"çà\" 2:7\nparams.p.b 2:17"},
		{"multi-line strings", "a = \"\"\"\nurl = \"x\"\n\\\"\"\" not = the end\n\"\"\"\nb = '''\n[table]\nc = 1'''\nd = \"\"\"x\"\"\"\"\"\n", "a 1:1\nb 5:1\nd 8:1"},
		{"strings holding key-like text", "a = \"url = 1 # [x]\"\nb = 'slug = 2'\nc = 3 # d = 4\n", "a 1:1\nb 2:1\nc 3:1"},
		{"multi-line arrays", "a = [\n  1, # url = 2\n  \"[x]\",\n  [ 3, 4 ],\n]\nb = 5\n", "a 1:1\nb 6:1"},
		{"inline tables", "p = { q = 1, r = { s = \"}\" } }\narr = [ { name = \"x\" }, { name = \"y\" } ]\n",
			"arr 2:1\narr.name 2:11\np 1:1\np.q 1:7\np.r 1:14\np.r.s 1:20"},
		{"array tables", "[[audit.allow_origins]]\norigin = \"a\"\n[[audit.allow_origins]]\norigin = \"b\"\n[audit.other]\nk = 1\n",
			"audit 1:3\naudit.allow_origins 1:9\naudit.allow_origins.origin 2:1\naudit.other 5:8\naudit.other.k 6:1"},
		{"dates", "d = 1979-05-27 07:32:00Z\ne = 1979-05-27\n[t]\nf = 07:32:00\n", "d 1:1\ne 2:1\nt 3:2\nt.f 4:1"},
		{"crlf and comments", "# c = 1\r\ntitle = \"x\" # y = 2\r\n\r\n  [ t ] # [u]\r\nk = 1\r\n", "t 4:5\nt.k 5:1\ntitle 2:1"},
		{"case kept lower", "BaseURL = \"x\"\n[Markup]\nHTML = \"all\"\n", "baseurl 1:1\nmarkup 2:2\nmarkup.html 3:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for k, p := range KeyPositions([]byte(tt.src)) {
				got = append(got, fmt.Sprintf("%s %d:%d", k, p.Line, p.Col))
			}
			sort.Strings(got)
			if g := strings.Join(got, "\n"); g != tt.want {
				t.Errorf("KeyPositions(%q) =\n%s\nwant\n%s", tt.src, g, tt.want)
			}
		})
	}
}

func TestArrayPositions(t *testing.T) {
	src := []byte("ignore = [\"a\",\n  'b', \"c\"]\n[[audit.allow_origins]]\norigin = \"x\"\n[[audit.allow_origins]]\n reason = \"y\"\n origin = \"z\"\n")
	keys := scanKeys(src)
	var got []string
	for _, p := range arrayElems(keys, "ignore") {
		got = append(got, fmt.Sprintf("%d:%d", p.Line, p.Col))
	}
	for _, p := range elements(keys, "audit.allow_origins") {
		got = append(got, fmt.Sprintf("%d:%d", p.Line, p.Col))
	}
	for i := range 3 {
		p, ok := inElement(keys, []string{"audit", "allow_origins"}, i, "origin")
		got = append(got, fmt.Sprintf("%d:%d:%t", p.Line, p.Col, ok))
	}
	want := "1:11 2:3 2:8 3:9 5:9 4:1:true 7:2:true 0:0:false"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("positions = %s, want %s", g, want)
	}
}

// FuzzKeyPositions checks that the locator never fails and that every
// position it gives is inside the source.
func FuzzKeyPositions(f *testing.F) {
	for _, s := range []string{"a = 1\n[b]\nc = \"\"\"\nd = 2\"\"\"\n", "[[x]]\ny = [{z = 1}]\n", "'a' = '''", "\"a", "a = [", "a = {", "[", "a.b.c"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		lines := strings.Count(string(src), "\n") + 1
		for k, p := range KeyPositions(src) {
			if p.Line < 1 || p.Line > lines || p.Col < 1 {
				t.Fatalf("key %q at %d:%d outside %d lines", k, p.Line, p.Col, lines)
			}
		}
	})
}

// FuzzKeyPositionsAgree checks the locator against BurntSushi/toml: every
// key of a document it parses is found.
func FuzzKeyPositionsAgree(f *testing.F) {
	for _, s := range []string{
		"a = 1\n[b]\nc = \"\"\"\nd = 2\"\"\"\n", "[[x]]\ny = [{z = 1}]\n[[x]]\ny = 2\n", "'a' = '''x'''",
		"a.b.c = 1\n[d.'e']\n\"f\" = { g = [1, {h = 2}] }\n", "t = 1979-05-27 07:32:00Z # c\n",
		"s = \"\"\"\n[x]\n\"\"\"\n[y]\n", "a = [\n# x = 1\n1,\n]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		var v map[string]any
		md, err := toml.Decode(string(src), &v)
		if err != nil {
			return
		}
		got := KeyPositions(src)
		for _, k := range md.Keys() {
			if _, ok := got[strings.ToLower(k.String())]; !ok {
				t.Fatalf("KeyPositions(%q) has no %q; has %v", src, k.String(), got)
			}
		}
	})
}

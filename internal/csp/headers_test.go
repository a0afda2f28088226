package csp

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func TestParseHeaders(t *testing.T) {
	rules, _ := ParseHeaders([]byte("# comment\r\n/*\r\n  A: 1\r\n  B: x: y\r\n  # indented comment\r\n  not a header\r\n/legal/*\n  C: 2\n  A: 3\n/exact\n  D: 4\n\n/:lang/about\n  E: 5\n/drafts/*\n  ! A\n  F: 6\nhttps://example.com/*\n  G: 7\n"))
	tests := []struct {
		path string
		want string
	}{
		{"/", "A=1 B=x: y"},
		{"/legal/cookie-policy/", "A=1, 3 B=x: y C=2"},
		{"/legal/", "A=1, 3 B=x: y C=2"},
		{"/legal", "A=1 B=x: y"},
		{"/exact", "A=1 B=x: y D=4"},
		{"/exact/more", "A=1 B=x: y"},
		{"/de/about", "A=1 B=x: y E=5"},
		{"/de/fr/about", "A=1 B=x: y"},
		{"/drafts/x/", "B=x: y F=6"},
	}
	for _, tt := range tests {
		h := http.Header{}
		rules.Apply(h, tt.path)
		var got []string
		for _, k := range []string{"A", "B", "C", "D", "E", "F", "G"} {
			if v := h.Get(k); v != "" {
				got = append(got, k+"="+v)
			}
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("Apply(%s) = %s, want %s", tt.path, strings.Join(got, " "), tt.want)
		}
	}
	if len(rules) != 6 || len(rules[0].Headers) != 2 {
		t.Errorf("ParseHeaders = %+v", rules)
	}
}

func TestParseHeadersErrors(t *testing.T) {
	src := "A: 1\n/*\n  B: 2\n  not a header\n  C:\n  : x\n  Bad Name: 1\n  !D\n/empty\n/ok\n  ! E\n"
	rules, errs := ParseHeaders([]byte(src))
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	want := []string{
		"line 1: expected a path starting with '/' before header A",
		`line 4: expected "Name: value" or "! Name"`,
		"line 5: no value for C",
		"line 6: no header name",
		"line 7: a header name cannot hold spaces",
		`line 8: expected "Name: value" or "! Name"`,
		"line 9: no headers for /empty",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseHeaders errors =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(rules) != 2 || rules[0].Line != 2 || rules[1].Pattern != "/ok" || rules[1].Detach[0] != "E" {
		t.Errorf("ParseHeaders rules = %+v", rules)
	}
}

func TestWriteHeadersRoundTrip(t *testing.T) {
	rules := Rules{
		{Comment: "two\nlines", Pattern: "/*", Headers: [][2]string{{"A", "1"}, {"B", "x: y"}}},
		{Pattern: "/css/site.1234abcd.css", Detach: []string{"Cache-Control"}, Headers: [][2]string{{"Cache-Control", "public, max-age=31536000, immutable"}}},
	}
	got := string(WriteHeaders(rules))
	want := "# two\n# lines\n/*\n  A: 1\n  B: x: y\n\n/css/site.1234abcd.css\n  ! Cache-Control\n  Cache-Control: public, max-age=31536000, immutable\n"
	if got != want {
		t.Fatalf("WriteHeaders =\n%s\nwant\n%s", got, want)
	}
	back, errs := ParseHeaders([]byte(got))
	if len(errs) > 0 {
		t.Fatalf("ParseHeaders(WriteHeaders) errors: %v", errs)
	}
	for i := range back {
		back[i].Line, rules[i].Comment = 0, ""
	}
	if !reflect.DeepEqual(back, rules) {
		t.Errorf("ParseHeaders(WriteHeaders(r)) = %+v, want %+v", back, rules)
	}
}

// The hosts merge matching blocks differently: Cloudflare joins a header
// set twice and honours "! Name"; Netlify lets the later block win.
func TestApplyOnHosts(t *testing.T) {
	rules, _ := ParseHeaders([]byte("/*\n  Cache-Control: public, max-age=0, must-revalidate\n  X-A: 1\n/css/*\n  ! Cache-Control\n  Cache-Control: public, max-age=31536000, immutable\n/legal/*\n  X-A: 2\n/twice\n  X-B: first\n/twice\n  X-B: second\n"))
	tests := []struct {
		host             Host
		path, name, want string
	}{
		{Cloudflare, "/css/site.css", "Cache-Control", "public, max-age=31536000, immutable"},
		{Netlify, "/css/site.css", "Cache-Control", "public, max-age=31536000, immutable"},
		{Cloudflare, "/", "Cache-Control", "public, max-age=0, must-revalidate"},
		{Cloudflare, "/legal/x/", "X-A", "1, 2"},
		{Netlify, "/legal/x/", "X-A", "2"},
		{Cloudflare, "/legal", "X-A", "1"},
		{Netlify, "/legal", "X-A", "2"},
		{Netlify, "/LEGAL/x", "X-A", "2"},
		{Cloudflare, "/LEGAL/x", "X-A", "1"},
		{Cloudflare, "/twice", "X-B", "second"},
		{Netlify, "/twice", "X-B", "second"},
		{Netlify, "/twice/", "X-B", "second"},
		{Cloudflare, "/twice/", "X-B", ""},
	}
	for _, tt := range tests {
		h := http.Header{}
		rules.ApplyOn(tt.host, h, tt.path)
		if got := h.Get(tt.name); got != tt.want {
			t.Errorf("ApplyOn(%v, %s) %s = %q, want %q", tt.host, tt.path, tt.name, got, tt.want)
		}
	}
}

func TestMatchOn(t *testing.T) {
	tests := []struct {
		pattern, path string
		cf, nf        bool
	}{
		{"/*", "/", true, true},
		{"/*", "/a/b.css", true, true},
		{"/a/*", "/a", false, true},
		{"/a/*", "/a/", true, true},
		{"/a", "/a/", false, true},
		{"/:lang/about", "/de/about", true, true},
		{"/:lang/about", "/de/fr/about", false, false},
		{"/css/site.*.css", "/css/site.1234.css", true, true},
		{"/css/site.*.css", "/css/site.css", false, false},
		{"/a.b", "/aXb", false, false},
		{"https://example.com/*", "/", false, false},
	}
	for _, tt := range tests {
		r := Rule{Pattern: tt.pattern}
		if got := r.MatchOn(Cloudflare, tt.path); got != tt.cf {
			t.Errorf("MatchOn(cloudflare, %q, %q) = %v, want %v", tt.pattern, tt.path, got, tt.cf)
		}
		if got := r.MatchOn(Netlify, tt.path); got != tt.nf {
			t.Errorf("MatchOn(netlify, %q, %q) = %v, want %v", tt.pattern, tt.path, got, tt.nf)
		}
	}
}

// FuzzHeaders: whatever a _headers file holds, the rules read from it
// are written back to a file that reads as the same rules.
func FuzzHeaders(f *testing.F) {
	for _, s := range []string{
		"/*\n  A: 1\n",
		"# c\n/legal/*\n  ! X\n  B: x: y\n/:lang/*\n  C: 2\n  C: 3\n",
		"A: 1\n/x\n\n/y\n  !  Z\n  bad line\nhttps://h/*\n  D: d\n",
		"/a b\n  K:\tv v \r\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		rules, _ := ParseHeaders([]byte(src))
		out := WriteHeaders(rules)
		back, errs := ParseHeaders(out)
		if len(errs) > 0 {
			t.Fatalf("WriteHeaders output does not parse: %v\n%s", errs, out)
		}
		for i := range back {
			back[i].Line = 0
		}
		for i := range rules {
			rules[i].Line = 0
		}
		if len(rules) == 0 && len(back) == 0 {
			return
		}
		if !reflect.DeepEqual(back, rules) {
			t.Fatalf("round trip changed the rules:\n%+v\n%+v", rules, back)
		}
	})
}

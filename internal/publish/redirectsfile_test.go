package publish

import (
	"strings"
	"testing"
)

func TestParseRedirects(t *testing.T) {
	rules, errs := ParseRedirects([]byte("# c\n/a /b 301\n/a /c 301\n/x\n/y /z 404\nrel /z\n/p /q\n/blog/* /news/:splat 308\n/:lang/about /about/?l=:lang 302\n/static /s 301\n"))
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	want := []string{
		"line 3: a second rule for /a is ignored",
		"line 4: expected from, to and an optional status",
		"line 5: the status 404 is not 200, 301, 302, 303, 307 or 308",
		"line 6: from must be a path starting with /",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("ParseRedirects errors =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	tests := []struct {
		path, to string
		status   int
	}{
		{"/a", "/b", 301},
		{"/a/", "", 0},
		{"/p", "/q", 302},
		{"/blog/2024/x", "/news/2024/x", 308},
		{"/de/about", "/about/?l=de", 302},
		{"/static", "/s", 301}, // after a dynamic rule, matched in order
	}
	for _, tt := range tests {
		to, status, _ := rules.Match(tt.path)
		if to != tt.to || status != tt.status {
			t.Errorf("Match(%s) = %s %d, want %s %d", tt.path, to, status, tt.to, tt.status)
		}
	}
}

// What Make writes, the host reads back as meant.
func TestRedirectsRoundTrip(t *testing.T) {
	res, err := Make(site(Cloudflare))
	if err != nil {
		t.Fatal(err)
	}
	var data []byte
	for _, f := range res.Files {
		if f.Path == "_redirects" {
			data = f.Data
		}
	}
	rules, errs := ParseRedirects(data)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for path, want := range map[string]string{"/cookies/": "/legal/cookie-policy/", "/cookies": "/legal/cookie-policy/", "/privacy/": "/legal/", "/status": "https://status.example.com/"} {
		if to, _, ok := rules.Match(path); !ok || to != want {
			t.Errorf("Match(%s) = %s, want %s", path, to, want)
		}
	}
}

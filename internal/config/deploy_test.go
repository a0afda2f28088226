package config

import (
	"reflect"
	"testing"

	"github.com/certiron/certiron-site/internal/diag"
)

func TestHeadersAndRedirects(t *testing.T) {
	src := `title = "x"

[[headers]]
  for = "/legal/*"
  [headers.values]
  X-Robots-Tag = "noarchive"
  Cache-Control = '''
    public,
    max-age=60'''
  Link = ["</a>; rel=preload", "</b>; rel=preload"]

[[headers]]
for = "/a"
values = { B = "2", A = "1" }

[[redirects]]
from = "/old/"
to = "/legal/"

[[redirects]]
  from = "/tmp/"
  to = "https://example.com/"
  status = 302

redirects = []
`
	// The last line is inside the second [[redirects]] table; drop it.
	src = src[:len(src)-len("redirects = []\n")]
	c, err := Parse("config.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	at := func(line, col int) diag.Pos { return diag.Pos{File: "config.toml", Line: line, Col: col} }
	want := []Header{
		{For: "/legal/*", Pos: at(3, 3), ForPos: at(4, 3), Values: []HeaderValue{
			{"X-Robots-Tag", "noarchive", at(6, 3)},
			{"Cache-Control", "public, max-age=60", at(7, 3)},
			{"Link", "</a>; rel=preload, </b>; rel=preload", at(10, 3)},
		}},
		{For: "/a", Pos: at(12, 3), ForPos: at(13, 1), Values: []HeaderValue{
			{"B", "2", at(14, 12)},
			{"A", "1", at(14, 21)},
		}},
	}
	for i := range c.Headers {
		c.Headers[i].Raw = nil
	}
	if !reflect.DeepEqual(c.Headers, want) {
		t.Errorf("Headers =\n%+v\nwant\n%+v", c.Headers, want)
	}
	wantR := []Redirect{
		{From: "/old/", To: "/legal/", Status: 301, Pos: at(16, 3), FromPos: at(17, 1), ToPos: at(18, 1), StatusPos: at(16, 3)},
		{From: "/tmp/", To: "https://example.com/", Status: 302, Pos: at(20, 3), FromPos: at(21, 3), ToPos: at(22, 3), StatusPos: at(23, 3)},
	}
	if !reflect.DeepEqual(c.Redirects, wantR) {
		t.Errorf("Redirects =\n%+v\nwant\n%+v", c.Redirects, wantR)
	}
}

package minify

import (
	"bytes"
	"strings"
	"testing"
)

func TestMinify(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"page.html", "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<title> T </title>\n</head>\n<body>\n<p class=\"a\">  Hello   <b>world</b> </p>\n<input type=\"text\">\n</body>\n</html>\n",
			`<!doctype html><html lang="en"><head><title>T</title></head><body><p class="a">Hello <b>world</b></p><input type="text"></body></html>`},
		{"site.css", "a {\n  color: #ff0000;\n  margin: 0px;\n}\n", "a{color:red;margin:0}"},
		{"x.js", "function add(a, b) {\n  // sum\n  return a + b;\n}\n", "function add(e,t){return e+t}"},
		{"d.json", "{ \"a\" : [ 1, 2 ] }", `{"a":[1,2]}`},
		{"s.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" >\n  <!-- c -->\n  <path d=\"M 0 0 L 10 10\" />\n</svg>", `<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0 10 10"/></svg>`},
		{"notes.txt", "  kept  as is ", "  kept  as is "},
	}
	for _, tt := range tests {
		got, err := File(tt.name, []byte(tt.in))
		if err != nil {
			t.Fatalf("File(%q) error: %v", tt.name, err)
		}
		if string(got) != tt.want {
			t.Errorf("File(%q, %q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
		// Idempotent: minifying again changes nothing.
		again, _ := File(tt.name, got)
		if !bytes.Equal(again, got) {
			t.Errorf("File(%q) is not idempotent: %q then %q", tt.name, got, again)
		}
	}
}

func BenchmarkHTML(b *testing.B) {
	page := []byte("<!DOCTYPE html><html lang=\"en\"><head><title>T</title></head><body>" + strings.Repeat("<p class=\"x\">  Some   <a href=\"/a/\">text</a> here. </p>\n", 300) + "</body></html>")
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Bytes("text/html", page); err != nil {
			b.Fatal(err)
		}
	}
}

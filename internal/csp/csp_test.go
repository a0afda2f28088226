package csp

import (
	"reflect"
	"strings"
	"testing"
)

func TestHash(t *testing.T) {
	// echo -n 'alert(1)' | openssl dgst -sha256 -binary | base64
	if got, want := Hash([]byte("alert(1)")), "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"; got != want {
		t.Errorf("Hash(alert(1)) = %s, want %s", got, want)
	}
}

func TestExecutable(t *testing.T) {
	tests := []struct {
		tag, typ string
		src      bool
		want     bool
	}{
		{"script", "", false, true},
		{"SCRIPT", " Module ", false, true},
		{"script", "text/javascript", false, true},
		{"script", "application/javascript", false, true},
		{"script", "", true, false},
		{"script", "application/ld+json", false, false},
		{"script", "text/template", false, false},
		{"script", "importmap", false, false},
		{"style", "", false, true},
		{"style", "text/css", false, true},
		{"p", "", false, false},
	}
	for _, tt := range tests {
		if got := Executable(tt.tag, tt.typ, tt.src); got != tt.want {
			t.Errorf("Executable(%q, %q, %v) = %v, want %v", tt.tag, tt.typ, tt.src, got, tt.want)
		}
	}
}

func TestInline(t *testing.T) {
	page := `<!-- <script>commented()</script> --><SCRIPT TYPE="text/javascript">up()</SCRIPT>` +
		`<script data-x="a>b" nonce='n'>q()</script><script type="text/template"><b></b></script><script src="/x.js"></script>` +
		`<style media="print">p{}</style><script type="application/ld+json" type="">{}</script><style></style>`
	scripts, styles := Inline([]byte(page))
	var got []string
	for _, c := range append(scripts, styles...) {
		got = append(got, c.Tag+":"+page[c.Body:c.End]+":"+page[c.Start:c.Start+3])
		if c.Hash != Hash([]byte(page[c.Body:c.End])) {
			t.Errorf("Code %+v: hash is not of its body", c)
		}
	}
	want := []string{"script:up():<SC", "script:q():<sc", "style:p{}:<st", "style::<st"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Inline = %q, want %q", got, want)
	}
	if h := Hashes(scripts); len(h) != 2 || h[0] > h[1] {
		t.Errorf("Hashes = %v, want two, sorted", h)
	}
}

func TestInlineFunc(t *testing.T) {
	page := []byte(`<script>theme()</script><p><script>content()</script>`)
	theme := len(`<script>theme()</script>`)
	scripts, _ := InlineFunc(page, func(off int) bool { return off < theme })
	if len(scripts) != 1 || scripts[0].Hash != Hash([]byte("theme()")) {
		t.Errorf("InlineFunc kept %+v, want only theme()", scripts)
	}
}

func TestPolicy(t *testing.T) {
	p := Parse("  Default-Src 'self' ;; script-src 'self' 'sha256-A'; script-src *; img-src data:")
	if got, want := p.String(), "default-src 'self'; script-src 'self' 'sha256-A'; script-src *; img-src data:"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	tests := []struct {
		dir, src string
		want     bool
	}{
		{"script-src", "'sha256-A'", true},
		{"script-src", "'sha256-a'", false},        // hashes are exact
		{"script-src", "https://x.example", false}, // the first script-src counts
		{"style-src", "'SELF'", true},              // default-src, any case
		{"img-src", "'self'", false},
		{"img-src", "data:", true},
	}
	for _, tt := range tests {
		if got := p.Allows(tt.dir, tt.src); got != tt.want {
			t.Errorf("Allows(%s, %s) = %v, want %v", tt.dir, tt.src, got, tt.want)
		}
	}
	if open := Parse("img-src 'self'"); !open.Allows("script-src", "'sha256-X'") || open.Restricts("script-src") {
		t.Error("a policy without script-src or default-src restricts scripts")
	}
	if !Parse("style-src 'unsafe-inline'").Allows("style-src", "'sha256-X'") {
		t.Error("'unsafe-inline' does not allow inline style")
	}
	if !p.Has("DATA:") || p.Has("'unsafe-inline'") {
		t.Error("Has is wrong")
	}
	if ps := ParseList("script-src 'self', default-src 'none'"); len(ps) != 2 || ps[1].String() != "default-src 'none'" {
		t.Errorf("ParseList = %+v", ps)
	}
}

func TestAllow(t *testing.T) {
	tests := []struct{ policy, dir, src, want string }{
		{"default-src 'self'", "script-src", "'sha256-X'", "default-src 'self'; script-src 'self' 'sha256-X'"},
		{"default-src 'self'", "connect-src", "'self'", "default-src 'self'"},
		{"img-src 'self'", "script-src", "'sha256-X'", "img-src 'self'"},
		{"script-src 'none'", "script-src", "'sha256-X'", "script-src 'sha256-X'"},
		{"script-src 'self' 'unsafe-inline'", "script-src", "'sha256-X'", "script-src 'self' 'unsafe-inline'"},
		{"script-src 'unsafe-inline' 'nonce-a'", "script-src", "'sha256-X'", "script-src 'unsafe-inline' 'nonce-a' 'sha256-X'"},
		{"connect-src https://a.example", "connect-src", "'self'", "connect-src https://a.example 'self'"},
	}
	for _, tt := range tests {
		p := Parse(tt.policy)
		p.Allow(tt.dir, tt.src)
		if got := p.String(); got != tt.want {
			t.Errorf("Parse(%q).Allow(%s, %s) = %q, want %q", tt.policy, tt.dir, tt.src, got, tt.want)
		}
	}
}

func TestStrict(t *testing.T) {
	meta := Strict([]string{"'sha256-B'", "'sha256-A'", "'sha256-B'"}, nil).String()
	want := "default-src 'self'; script-src 'self' 'sha256-A' 'sha256-B'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
	if meta != want {
		t.Errorf("Strict = %q\nwant %q", meta, want)
	}
	header := StrictHeader(nil, nil)
	if src, ok := header.Directive("frame-ancestors"); !ok || strings.Join(src, " ") != "'none'" {
		t.Errorf("StrictHeader lacks frame-ancestors 'none': %s", header)
	}
	if strings.Contains(header.Without(HeaderOnly...).String(), "frame-ancestors") {
		t.Error("Without(HeaderOnly...) kept frame-ancestors")
	}
	if header.Has("'unsafe-inline'") || header.Has("'unsafe-eval'") {
		t.Error("the strict policy allows unsafe code")
	}
}

package banner

import (
	"github.com/certiron/certiron-site/internal/csp"

	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestHash(t *testing.T) {
	// echo -n 'alert(1)' | openssl dgst -sha256 -binary | base64
	if got, want := Hash([]byte("alert(1)")), "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"; got != want {
		t.Errorf("Hash(alert(1)) = %s, want %s", got, want)
	}
}

func TestInline(t *testing.T) {
	page := `<html><head><script>a()</script><script src="/x.js"></script><script type="application/ld+json">{"a":1}</script>` +
		`<style>b{}</style></head><body><script type="module">c()</script><script>a()</script><style></style></body></html>`
	scripts, styles := Inline([]byte(page))
	want := []string{Hash([]byte("a()")), Hash([]byte("c()"))}
	if strings.Join(scripts, " ") != strings.Join(sorted(want), " ") {
		t.Errorf("Inline scripts = %v, want %v", scripts, sorted(want))
	}
	wantStyles := sorted([]string{Hash([]byte("b{}")), Hash([]byte(""))})
	if strings.Join(styles, " ") != strings.Join(wantStyles, " ") {
		t.Errorf("Inline styles = %v, want %v", styles, wantStyles)
	}
}

func TestInlineEdgeCases(t *testing.T) {
	page := `<!-- <script>commented()</script> --><SCRIPT TYPE="text/javascript">up()</SCRIPT>` +
		`<script data-x="a>b" nonce='n'>q()</script><script type="text/template"><b></b></script><style media="print">p{}</style>`
	scripts, styles := Inline([]byte(page))
	if want := sorted([]string{Hash([]byte("up()")), Hash([]byte("q()"))}); strings.Join(scripts, " ") != strings.Join(want, " ") {
		t.Errorf("Inline scripts = %v, want %v", scripts, want)
	}
	if want := []string{Hash([]byte("p{}"))}; strings.Join(styles, " ") != strings.Join(want, " ") {
		t.Errorf("Inline styles = %v, want %v", styles, want)
	}
}

func sorted(s []string) []string { return csp.Sorted(s) }

func TestHeadersFileGolden(t *testing.T) {
	got := HeadersFile([]string{"'sha256-B'", "'sha256-A'", "'sha256-B'"}, nil)
	const golden = "testdata/_headers.golden"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("HeadersFile =\n%s\nwant\n%s", got, want)
	}
	if strings.Contains(string(got), "unsafe-inline") {
		t.Error("policy allows 'unsafe-inline'")
	}
}

func TestPolicy(t *testing.T) {
	meta := Policy([]string{"'sha256-X'"}, nil, false)
	if strings.Contains(meta, "frame-ancestors") {
		t.Error("meta policy has frame-ancestors, which browsers ignore in <meta>")
	}
	for _, want := range []string{"default-src 'self'", "script-src 'self' 'sha256-X'", "style-src 'self';", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "img-src 'self' data:"} {
		if !strings.Contains(meta, want) {
			t.Errorf("Policy lacks %q: %s", want, meta)
		}
	}
}

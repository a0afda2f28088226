package site

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestTargets: the real site's host files for each target, with an alias
// and a config [[headers]] rule added, against golden files; GitHub
// Pages gets redirect pages instead of _redirects, and a CNAME.
func TestTargets(t *testing.T) {
	root := t.TempDir()
	copyTree(t, repoRoot+"/content", root+"/content")
	copyTree(t, repoRoot+"/themes", root+"/themes")
	cfg, _ := os.ReadFile(repoRoot + "/config.toml")
	cfg = append(cfg, "\n[[headers]]\nfor = \"/legal/*\"\n[headers.values]\nX-Robots-Tag = \"noarchive\"\n\n[[redirects]]\nfrom = \"/privacy/\"\nto = \"/legal/\"\nstatus = 302\n"...)
	writeFile(t, root+"/config.toml", cfg)
	legal, _ := os.ReadFile(root + "/content/legal/_index.md")
	writeFile(t, root+"/content/legal/_index.md", bytes.Replace(legal, []byte("+++\n"), []byte("+++\naliases = [\"/policies/\"]\n"), 1))
	for _, target := range []string{"cloudflare", "netlify", "github-pages"} {
		t.Run(target, func(t *testing.T) {
			res := Build(Options{Root: root, Target: target})
			if len(res.Errors) > 0 {
				t.Fatal(res.Errors)
			}
			var b bytes.Buffer
			for _, p := range res.Files.Paths() {
				switch {
				case p == "_headers" || p == "_redirects" || p == "CNAME" || p == ".nojekyll":
					fmt.Fprintf(&b, "== %s\n%s\n", p, res.Files.Get(p).Data)
				case p == "policies/index.html" || p == "privacy/index.html":
					fmt.Fprintf(&b, "== %s\n%s\n", p, mainOf(res.Files.Get(p).Data))
				}
			}
			if len(res.Unprotected) > 0 {
				fmt.Fprintf(&b, "== not protected on this host\n%s\n", strings.Join(res.Unprotected, "\n"))
			}
			golden := "testdata/targets/" + target + ".golden"
			if *update {
				os.MkdirAll("testdata/targets", 0o755)
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if b.String() != string(want) {
				t.Errorf("%s host files =\n%s\nwant\n%s", target, b.String(), want)
			}
		})
	}
}

// Package corpus writes deterministic synthetic sites for benchmarks: N
// pages of realistic Markdown (4–8 KB each, with headings, lists, tables,
// code, emphasis and valid links to other pages) spread over sections.
package corpus

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// Options describe a corpus.
type Options struct {
	Pages int
	// Seed makes the text; the same seed gives the same bytes.
	Seed uint64
}

var words = strings.Fields(`certificate issue renew expire domain account dashboard api request token
session policy storage browser visitor privacy secure signed chain authority key rotation audit log
team member role access billing invoice checkout webhook event retry timeout region endpoint status
report export import schedule notice update change version release build deploy monitor alert rule
service customer support contact response latency record history detail summary option setting
default custom limit quota usage metric graph window period daily weekly monthly value field`)

// SectionCount is how many sections a corpus of n pages has.
func SectionCount(n int) int { return max(1, min(50, n/100)) }

// PagePath returns the content path of page i ("s03/page-0042.md").
func PagePath(i, n int) string {
	return fmt.Sprintf("s%02d/page-%04d.md", i%SectionCount(n), i)
}

// Write generates the corpus's content/ under dir and a config.toml. The
// theme is not written: copy or link one into dir/themes.
func Write(dir string, opt Options) error {
	n := opt.Pages
	r := rand.New(rand.NewPCG(opt.Seed, 0x5eed))
	files := map[string]string{
		"config.toml":       "title = \"Bench\"\nbaseURL = \"https://bench.example/\"\ntheme = \"certiron\"\n\n[[menus.main]]\nname = \"Home\"\nurl = \"/\"\n",
		"content/_index.md": "+++\ntitle = \"Bench\"\n+++\n# Bench\n\nA synthetic site.\n",
		"content/legal/cookie-policy.md": "+++\ntitle = \"Cookie Policy\"\nlastmod = 2026-01-01\n+++\n" +
			"We store one thing in localStorage (key: certiron.cookies_ack) when you click \"Got it\".\n",
	}
	for s := range SectionCount(n) {
		files[fmt.Sprintf("content/s%02d/_index.md", s)] = fmt.Sprintf("+++\ntitle = \"Section %d\"\ndescription = \"Pages of section %d.\"\n+++\nEverything about section %d.\n", s, s, s)
	}
	for i := range n {
		files["content/"+PagePath(i, n)] = pageText(r, i, n)
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Sample returns one page of a corpus (the same bytes Write gives page 3
// of a 100-page corpus with seed 1), for benchmarks of a single page.
func Sample() []byte {
	r := rand.New(rand.NewPCG(1, 0x5eed))
	var page string
	for i := range 4 {
		page = pageText(r, i, 100)
	}
	return []byte(page)
}

func sentence(r *rand.Rand, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = words[r.IntN(len(words))]
	}
	w[0] = strings.ToUpper(w[0][:1]) + w[0][1:]
	return strings.Join(w, " ") + "."
}

func title(r *rand.Rand) string {
	s := sentence(r, 2+r.IntN(4))
	return strings.TrimSuffix(s, ".")
}

// link returns a Markdown link from page i to another page, written as a
// relative path to its Markdown file.
func link(r *rand.Rand, i, n int) string {
	j := r.IntN(n)
	from := filepath.Dir(PagePath(i, n))
	rel, _ := filepath.Rel(from, PagePath(j, n))
	return fmt.Sprintf("[%s](%s)", words[r.IntN(len(words))], filepath.ToSlash(rel))
}

func pageText(r *rand.Rand, i, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "+++\ntitle = %q\ndescription = %q\ndate = 2025-%02d-%02d\nweight = %d\n", title(r), sentence(r, 10), 1+r.IntN(12), 1+r.IntN(28), r.IntN(20))
	if r.IntN(3) == 0 {
		fmt.Fprintf(&b, "lastmod = 2026-%02d-%02d\n", 1+r.IntN(12), 1+r.IntN(28))
	}
	b.WriteString("+++\n\n")
	fmt.Fprintf(&b, "%s *%s* **%s** See %s and %s.\n\n", sentence(r, 14), words[r.IntN(len(words))], words[r.IntN(len(words))], link(r, i, n), link(r, i, n))
	target := 4096 + r.IntN(4096)
	for h := 1; b.Len() < target; h++ {
		fmt.Fprintf(&b, "## %d. %s\n\n", h, title(r))
		for range 2 + r.IntN(2) {
			fmt.Fprintf(&b, "%s %s `%s` %s\n\n", sentence(r, 12), sentence(r, 9), words[r.IntN(len(words))], sentence(r, 11))
		}
		switch h % 4 {
		case 0:
			for k := range 3 + r.IntN(3) {
				fmt.Fprintf(&b, "- %s %s\n", sentence(r, 7), map[bool]string{true: link(r, i, n), false: ""}[k == 0])
			}
		case 1:
			b.WriteString("| Field | Value | Notes |\n| --- | --- | --- |\n")
			for range 3 + r.IntN(3) {
				fmt.Fprintf(&b, "| %s | %d | %s |\n", words[r.IntN(len(words))], r.IntN(1000), sentence(r, 5))
			}
		case 2:
			fmt.Fprintf(&b, "```go\nfunc %s() error {\n\treturn check(%q)\n}\n```\n", words[r.IntN(len(words))], words[r.IntN(len(words))])
		case 3:
			for k := range 3 {
				fmt.Fprintf(&b, "%d. %s\n", k+1, sentence(r, 8))
			}
			fmt.Fprintf(&b, "\n> %s\n", sentence(r, 12))
		}
		b.WriteString("\n")
		fmt.Fprintf(&b, "### %s\n\n%s Back to [the top](#top).\n\n", title(r), sentence(r, 15))
	}
	return b.String()
}

// CopyDir copies the tree at from to to (a theme into a corpus, a site
// into a temp folder). A missing from copies nothing.
func CopyDir(from, to string) error {
	return filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == from && os.IsNotExist(err) {
				return fs.SkipDir
			}
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
}

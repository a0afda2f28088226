// Package corpus writes deterministic synthetic sites for benchmarks: N
// pages of realistic Markdown (4–9 KB each) spread over sections, using
// every construct the renderer supports, so that a benchmark also proves
// the whole of it builds:
//
//   - headings, numbered as legal texts number them ("## 4. Key rotation",
//     whose id is computed as GitHub computes it) and with explicit
//     {#ids}, never repeated on a page and never one the theme's layout
//     uses ("main", "cookie-notice", "toc-title");
//   - paragraphs with emphasis, inline code, straight quotes, apostrophes,
//     dashes and ellipses for the typographer, strikethrough, hard line
//     breaks and footnotes;
//   - links to other pages' Markdown files, some with an #anchor to a
//     heading that exists there, links to headings of the same page, and
//     GFM autolinks (<https://…>, www.…, e-mail);
//   - bullet, ordered and task lists, block quotes, fenced code, GFM
//     tables with every column alignment (:---, :---:, ---: and none) and
//     definition lists;
//   - the raw HTML a legal writer may use under html = "safe": br, sub,
//     sup, abbr with a title, kbd, mark, small, ins, del, details with
//     summary, and dl/dt/dd;
//   - page bundles (content/sNN/bundle-NNNN/index.md) with an SVG and a
//     PNG image beside the page, shown from its Markdown;
//   - aliases on a few pages, tables of contents on a quarter of them;
//   - a legal section with a few plain legal pages carrying effective
//     dates (no version archives).
//
// The same Markdown builds with Hugo (with raw HTML allowed), which is
// how the bench compares the two.
package corpus

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
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

// anchors are the explicit ids every generated page gives its first
// headings, so that any page can link to them. No title made of words
// can produce them, so they never clash with a computed id.
var anchors = []string{"scope", "retention", "obligations"}

// SectionCount is how many sections a corpus of n pages has.
func SectionCount(n int) int { return max(1, min(50, n/100)) }

// bundle reports whether page i is a page bundle: one page in twenty,
// never page 7 (the page the serve benchmarks edit) nor page 3 (Sample).
func bundle(i int) bool { return i%20 == 9 }

// PagePath returns the content path of page i of an n-page corpus:
// "s03/page-0042.md", or "s09/bundle-0009/index.md" for a page bundle.
func PagePath(i, n int) string {
	if bundle(i) {
		return fmt.Sprintf("s%02d/bundle-%04d/index.md", i%SectionCount(n), i)
	}
	return fmt.Sprintf("s%02d/page-%04d.md", i%SectionCount(n), i)
}

// PageURL returns the URL path page i is published at ("/s03/page-0042/").
func PageURL(i, n int) string {
	p := strings.TrimSuffix(PagePath(i, n), ".md")
	p = strings.TrimSuffix(p, "/index")
	return "/" + p + "/"
}

// aliased reports whether page i has an alias (one page in fifty).
func aliased(i int) bool { return i%50 == 11 }

func aliasURL(i int) string { return fmt.Sprintf("/old/page-%04d/", i) }

// legalPages are the legal section's pages, by file name, with their
// titles and effective dates. The Cookie Policy is the one the site's
// banner points at and must name the storage key the banner uses.
var legalPages = []struct{ file, title, effective string }{
	{"cookie-policy.md", "Cookie Policy", "2026-01-01"},
	{"privacy.md", "Privacy Policy", "2026-02-01"},
	{"terms.md", "Terms of Service", "2026-03-01"},
	{"data-processing.md", "Data Processing Addendum", "2026-04-15"},
}

// Layout is what a corpus publishes, as URL paths ("/s03/page-0042/"):
// every page, section and the home page, and the aliases that redirect
// to pages. Aliases are not pages.
type Layout struct {
	Pages   []string
	Aliases []string
}

// Plan returns what the corpus of opt publishes, without writing it.
func Plan(opt Options) Layout {
	n := opt.Pages
	l := Layout{Pages: []string{"/", "/legal/"}}
	for s := range SectionCount(n) {
		l.Pages = append(l.Pages, fmt.Sprintf("/s%02d/", s))
	}
	for _, lp := range legalPages {
		l.Pages = append(l.Pages, "/legal/"+strings.TrimSuffix(lp.file, ".md")+"/")
	}
	for i := range n {
		l.Pages = append(l.Pages, PageURL(i, n))
		if aliased(i) {
			l.Aliases = append(l.Aliases, aliasURL(i))
		}
	}
	return l
}

// Files returns the corpus's files, by slash-separated path under the
// site's root: config.toml and content/. The theme is not included.
func Files(opt Options) map[string][]byte {
	n := opt.Pages
	files := map[string][]byte{
		"config.toml": []byte(`title = "Bench"
baseURL = "https://bench.example/"
theme = "certiron"

[[menus.main]]
name = "Home"
url = "/"
weight = 1

[[menus.main]]
name = "Legal"
url = "legal/_index.md"
weight = 2

[[menus.footer]]
name = "Cookie Policy"
url = "legal/cookie-policy.md"
weight = 1

[markup]
html = "safe"
`),
		"content/_index.md": []byte("+++\ntitle = \"Bench\"\n+++\n# Bench\n\nA synthetic site: see [the legal pages](legal/_index.md).\n"),
		"content/legal/_index.md": []byte("+++\ntitle = \"Legal\"\ndescription = \"The policies that apply to the bench site.\"\n+++\n" +
			"The policies that apply to this site: the [Cookie Policy](cookie-policy.md), the [Privacy Policy](privacy.md#retention) and the [Terms](terms.md).\n"),
	}
	for s := range SectionCount(n) {
		files[fmt.Sprintf("content/s%02d/_index.md", s)] = fmt.Appendf(nil, "+++\ntitle = \"Section %d\"\ndescription = \"Pages of section %d.\"\n+++\nEverything about section %d.\n", s, s, s)
	}
	for k := range legalPages {
		files["content/legal/"+legalPages[k].file] = legalText(opt, k)
	}
	for i := range n {
		files["content/"+PagePath(i, n)] = pageText(opt, i)
		if bundle(i) {
			dir := "content/" + path.Dir(PagePath(i, n)) + "/"
			files[dir+"diagram.svg"] = diagram(i)
			files[dir+"chart.png"] = chart(i)
		}
	}
	return files
}

// Write generates the corpus's content/ under dir and a config.toml. The
// theme is not written: copy or link one into dir/themes.
func Write(dir string, opt Options) error {
	for name, data := range Files(opt) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Sample returns one page of a corpus (the same bytes Write gives page 3
// of a 100-page corpus with seed 1), for benchmarks of a single page.
func Sample() []byte {
	return pageText(Options{Pages: 100, Seed: 1}, 3)
}

// gen writes one page's Markdown. Each page has its own random stream,
// so a page's text depends only on the seed, its number and the corpus
// size, not on the order pages are written in.
type gen struct {
	r    *rand.Rand
	b    bytes.Buffer
	opt  Options
	i    int
	from string // the page's folder in content/, for relative links
	// notes are the footnotes referenced so far, written at the end.
	notes []string
	// h2 are the ids of the numbered headings written so far.
	h2 []string
	// sub counts the explicit ids given to subheadings.
	sub int
}

// newGen starts page i's text; stream picks its random stream.
func newGen(opt Options, i int, stream uint64, from string) *gen {
	return &gen{r: rand.New(rand.NewPCG(opt.Seed, 0x5eed+stream)), opt: opt, i: i, from: from}
}

func (g *gen) word() string { return words[g.r.IntN(len(words))] }

func (g *gen) sentence(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = g.word()
	}
	w[0] = strings.ToUpper(w[0][:1]) + w[0][1:]
	return strings.Join(w, " ") + "."
}

func (g *gen) title() string {
	return strings.TrimSuffix(g.sentence(2+g.r.IntN(4)), ".")
}

// slug is the id GitHub gives a heading made of words, digits, spaces
// and full stops.
func slug(s string) string {
	s = strings.ToLower(strings.ReplaceAll(s, ".", ""))
	return strings.ReplaceAll(s, " ", "-")
}

// link returns a Markdown link to another page, written as a relative
// path to its Markdown file, with an anchor one time in three.
func (g *gen) link() string {
	n := g.opt.Pages
	j := g.r.IntN(n)
	rel, _ := filepath.Rel(g.from, PagePath(j, n))
	rel = filepath.ToSlash(rel)
	if g.r.IntN(3) == 0 {
		rel += "#" + anchors[g.r.IntN(len(anchors))]
	}
	return fmt.Sprintf("[%s](%s)", g.word(), rel)
}

// legalLink links to a legal page, sometimes to one of its headings.
func (g *gen) legalLink() string {
	lp := legalPages[g.r.IntN(len(legalPages))]
	rel, _ := filepath.Rel(g.from, "legal/"+lp.file)
	rel = filepath.ToSlash(rel)
	if g.r.IntN(2) == 0 {
		rel += "#" + anchors[g.r.IntN(len(anchors))]
	}
	return fmt.Sprintf("[the %s](%s)", lp.title, rel)
}

// note references a new footnote and returns its marker.
func (g *gen) note() string {
	g.notes = append(g.notes, g.sentence(6+g.r.IntN(6)))
	if len(g.notes)%2 == 0 {
		return fmt.Sprintf("[^n%d]", len(g.notes))
	}
	return fmt.Sprintf("[^%d]", len(g.notes))
}

// typo is a sentence with straight quotes, an apostrophe, dashes and an
// ellipsis, which the typographer turns into their typographic forms.
func (g *gen) typo() string {
	switch g.r.IntN(4) {
	case 0:
		return fmt.Sprintf("The %s's %s is \"%s\" -- not '%s' --- until the %s ends...", g.word(), g.word(), g.word(), g.word(), g.word())
	case 1:
		return fmt.Sprintf("Pages %d--%d say \"%s %s\"; we don't %s them...", 1+g.r.IntN(9), 10+g.r.IntN(9), g.word(), g.word(), g.word())
	case 2:
		return fmt.Sprintf("'%s' and \"%s\" --- both %s's --- can't %s.", g.word(), g.word(), g.word(), g.word())
	default:
		return fmt.Sprintf("A %s -- or two -- is \"%s\", isn't it?", g.word(), g.word())
	}
}

func (g *gen) intro() {
	g.printf("%s *%s* **%s** See %s and %s. %s%s\n\n", g.sentence(14), g.word(), g.word(), g.link(), g.link(), g.typo(), g.note())
	g.printf("%s ~~%s~~ %s Questions go to <support@bench.example> or <https://help.example.com/%s>, also at www.example.org.\n\n", g.sentence(9), g.word(), g.sentence(6), g.word())
}

func (g *gen) printf(format string, args ...any) { fmt.Fprintf(&g.b, format, args...) }

// block writes one of the block constructs, chosen by k.
func (g *gen) block(k int) {
	switch k % 10 {
	case 0:
		for j := range 3 + g.r.IntN(3) {
			extra := ""
			if j == 0 {
				extra = " " + g.link()
			}
			g.printf("- %s%s\n", g.sentence(7), extra)
		}
	case 1:
		// Every alignment GFM has: left, centre, right and none.
		g.printf("| Field | Count | Share | Notes |\n| :--- | :---: | ---: | --- |\n")
		for range 3 + g.r.IntN(3) {
			g.printf("| %s | %d | %d.%d%% | %s `%s` |\n", g.word(), g.r.IntN(1000), g.r.IntN(100), g.r.IntN(10), g.sentence(4), g.word())
		}
	case 2:
		g.printf("```go\nfunc %s() error {\n\treturn check(%q) // %s\n}\n```\n", g.word(), g.word(), g.sentence(4))
	case 3:
		for j := range 3 {
			g.printf("%d. %s\n", j+1, g.sentence(8))
		}
		g.printf("\n> %s\n> %s %s\n", g.sentence(12), g.typo(), g.note())
	case 4:
		for j := range 3 + g.r.IntN(2) {
			mark := " "
			if j%2 == 0 {
				mark = "x"
			}
			g.printf("- [%s] %s\n", mark, g.sentence(6))
		}
	case 5:
		// A definition list (goldmark's and Hugo's extension).
		for range 2 + g.r.IntN(2) {
			g.printf("%s\n: %s\n\n", g.title(), g.sentence(10))
		}
	case 6:
		g.printf("<details>\n<summary>%s</summary>\n\n%s %s\n\n</details>\n", g.title(), g.sentence(12), g.typo())
	case 7:
		g.printf("<dl>\n<dt>%s</dt>\n<dd>%s</dd>\n<dt>%s</dt>\n<dd>%s</dd>\n</dl>\n", g.title(), g.sentence(9), g.title(), g.sentence(8))
	case 8:
		g.printf("Press <kbd>Ctrl</kbd>+<kbd>S</kbd> to save the <abbr title=\"Transport Layer Security\">TLS</abbr> %s.<br>\n", g.word())
		g.printf("CO<sub>2</sub> per 10<sup>%d</sup> requests is <mark>%s</mark>, <small>%s</small> <ins>%s</ins> <del>%s</del>\n", 3+g.r.IntN(4), g.word(), g.sentence(4), g.word(), g.word())
	case 9:
		g.printf("%s  \n%s %s\n", g.sentence(8), g.typo(), g.sentence(7))
	}
	g.b.WriteString("\n")
}

// body writes numbered sections until the page is about target bytes
// long, the first ones with the explicit ids other pages link to.
func (g *gen) body(target int) {
	for h := 1; h <= len(anchors) || g.b.Len() < target; h++ {
		t := fmt.Sprintf("%d. %s", h, g.title())
		if h <= len(anchors) {
			g.printf("## %s {#%s}\n\n", t, anchors[h-1])
			g.h2 = append(g.h2, anchors[h-1])
		} else {
			g.printf("## %s\n\n", t)
			g.h2 = append(g.h2, slug(t))
		}
		for range 2 + g.r.IntN(2) {
			g.printf("%s %s `%s` %s\n\n", g.sentence(12), g.sentence(9), g.word(), g.sentence(11))
		}
		g.block(g.i + h)
		if h%3 == 0 {
			g.block(g.i + h + 5)
		}
		sub := g.title()
		if h%2 == 0 {
			g.sub++
			sub += fmt.Sprintf(" {#note-%d}", g.sub)
		}
		back := "[the top](#top)"
		if h > 1 {
			k := g.r.IntN(h - 1)
			back = fmt.Sprintf("[section %d](#%s)", k+1, g.h2[k])
		}
		g.printf("### %s\n\n%s Back to %s.\n\n", sub, g.sentence(15), back)
	}
}

func (g *gen) footnotes() {
	for k, text := range g.notes {
		if (k+1)%2 == 0 {
			g.printf("[^n%d]: %s\n", k+1, text)
		} else {
			g.printf("[^%d]: %s\n", k+1, text)
		}
	}
}

func pageText(opt Options, i int) []byte {
	n := opt.Pages
	g := newGen(opt, i, uint64(i), path.Dir(PagePath(i, n)))
	g.printf("+++\ntitle = %q\ndescription = %q\ndate = 2025-%02d-%02d\nweight = %d\n", g.title(), g.sentence(10), 1+g.r.IntN(12), 1+g.r.IntN(28), g.r.IntN(20))
	if g.r.IntN(3) == 0 {
		g.printf("lastmod = 2026-%02d-%02d\n", 1+g.r.IntN(12), 1+g.r.IntN(28))
	}
	if i%4 == 1 {
		g.printf("toc = true\n")
	}
	if aliased(i) {
		g.printf("aliases = [%q]\n", aliasURL(i))
	}
	g.printf("+++\n\n")
	g.intro()
	if bundle(i) {
		g.printf("![How a %s is renewed](diagram.svg)\n\n%s ![Monthly %s](chart.png \"Monthly %s\")\n\n", g.word(), g.sentence(8), g.word(), g.word())
	}
	g.body(3400 + g.r.IntN(4600))
	g.printf("%s See %s.\n\n", g.sentence(10), g.legalLink())
	g.footnotes()
	return g.b.Bytes()
}

// legalText writes legal page k: plain (no version archive), with an
// effective date, a table of contents and no typographic quotes, as the
// legal writers keep their text.
func legalText(opt Options, k int) []byte {
	lp := legalPages[k]
	g := newGen(opt, k, 1<<32+uint64(k), "legal")
	g.printf("+++\ntitle = %q\ndescription = %q\nlastmod = %s\neffective = %s\nchanges = %q\nweight = %d\ntoc = true\ntypographer = false\n+++\n\n",
		lp.title, g.sentence(10), lp.effective, lp.effective, "First published version.", k+1)
	if k == 0 {
		g.printf("We store one thing in localStorage (key: certiron.cookies_ack) when you click \"Got it\". No cookie is set.\n\n")
	}
	g.intro()
	g.body(6144 + g.r.IntN(2048))
	g.printf("See also %s.\n\n", g.legalLink())
	g.footnotes()
	return g.b.Bytes()
}

// diagram is a bundle's small SVG picture.
func diagram(i int) []byte {
	return fmt.Appendf(nil, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40" width="120" height="40">
  <title>Renewal flow %d</title>
  <rect x="1" y="1" width="50" height="38" rx="4" fill="#e8eef7" stroke="#345"/>
  <path d="M55 20 H 70" stroke="#345" stroke-width="2"/>
  <rect x="70" y="1" width="49" height="38" rx="4" fill="#f7efe8" stroke="#543"/>
  <text x="26" y="24" font-size="10" text-anchor="middle">step %d</text>
</svg>
`, i, i%7)
}

// chart is a bundle's small PNG picture.
func chart(i int) []byte {
	img := image.NewPaletted(image.Rect(0, 0, 16, 16), color.Palette{color.White, color.RGBA{0x33, 0x44, 0x55, 0xff}})
	for x := range 16 {
		h := (x*7 + i) % 16
		for y := 16 - h; y < 16; y++ {
			img.SetColorIndex(x, y, 1)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err) // encoding an in-memory image cannot fail
	}
	return b.Bytes()
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

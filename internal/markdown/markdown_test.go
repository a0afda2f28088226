package markdown

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
	"golang.org/x/tools/txtar"

	"github.com/certiron/certiron-site/internal/diag"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestGolden converts every "-- NAME.md --" case of testdata/convert.txtar
// and compares the HTML (and TOC, links, ids, warnings and errors) with
// "-- NAME.html --". NAME picks the HTML setting: "none-…", "all-…", or
// else "safe"; the layout reserves the id "main".
func TestGolden(t *testing.T) {
	const file = "testdata/convert.txtar"
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	convs := map[string]*Converter{}
	for _, mode := range []string{HTMLNone, HTMLSafe, HTMLAll} {
		convs[mode] = New(Options{HTML: mode, ReservedIDs: []string{"main"}})
	}
	var out []txtar.File
	for _, f := range ar.Files {
		name, ok := strings.CutSuffix(f.Name, ".md")
		if !ok {
			continue
		}
		c := convs[HTMLSafe]
		for mode, conv := range convs {
			if strings.HasPrefix(name, mode+"-") {
				c = conv
			}
		}
		got := convertCase(c, name, f.Data)
		out = append(out, f, txtar.File{Name: name + ".html", Data: got})
		if *update {
			continue
		}
		want := findFile(ar, name+".html")
		t.Run(name, func(t *testing.T) {
			if want == nil {
				t.Fatalf("no %s.html in %s; run go test -update", name, file)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Convert(%q) =\n%s\nwant\n%s", f.Data, got, want)
			}
		})
	}
	if *update {
		ar.Files = out
		if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func findFile(ar *txtar.Archive, name string) []byte {
	for _, f := range ar.Files {
		if f.Name == name {
			return f.Data
		}
	}
	return nil
}

// convertCase renders one case: the HTML, then the TOC, links, ids,
// warnings and errors.
func convertCase(c *Converter, name string, src []byte) []byte {
	opt := ConvertOptions{File: name + ".md", Typographer: !strings.HasPrefix(name, "plain"), TOC: true, Resolve: resolve}
	doc, errs := c.Convert(src, opt)
	var b bytes.Buffer
	b.Write(doc.HTML)
	if len(doc.TOC) > 0 {
		fmt.Fprintf(&b, "toc: %s\n", doc.TOC)
	}
	for _, l := range doc.Links {
		fmt.Fprintf(&b, "link: %s %s image=%v\n", l.Pos, l.Dest, l.Image)
	}
	for _, id := range doc.IDs {
		fmt.Fprintf(&b, "id: %s %s\n", id.Pos, id.ID)
	}
	for _, w := range doc.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	for _, e := range errs {
		fmt.Fprintf(&b, "error: %s\n", e)
	}
	return b.Bytes()
}

// resolve maps x.md to /x/ and fails on links starting "missing".
func resolve(dest string, image bool) (string, error) {
	if strings.HasPrefix(dest, "missing") {
		return "", fmt.Errorf("link to missing page %q", dest)
	}
	if d, ok := strings.CutSuffix(dest, ".md"); ok {
		return "/" + d + "/", nil
	}
	return dest, nil
}

func TestSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1. What we store", "1-what-we-store"},
		{"a) Session token — dashboard only", "a-session-token--dashboard-only"},
		{"2. What we do NOT use", "2-what-we-do-not-use"},
		{"Stripe's own Cookie Policy", "stripes-own-cookie-policy"},
		{"snake_case and kebab-case", "snake_case-and-kebab-case"},
		{"Ünïcödé Überschrift", "ünïcödé-überschrift"},
		{"  trimmed  ", "--trimmed--"}, // as GitHub: nothing trimmed (goldmark trims a heading's text itself),
		{"C++ & Go!", "c--go"},
		{"日本語の見出し", "日本語の見出し"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Slug(tt.in); got != tt.want {
			t.Errorf("Slug(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestConcurrent converts from many goroutines with one Converter (run
// with -race).
func TestConcurrent(t *testing.T) {
	c := New(Options{})
	src := []byte("# A\n\n## B\n\n[x](y.md) \"q\" H<sub>2</sub>O <span>s</span>\n\n<details><summary>S</summary></details>\n\n## B\n")
	want, _ := c.Convert(src, ConvertOptions{Typographer: true, TOC: true})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				got, _ := c.Convert(src, ConvertOptions{Typographer: true, TOC: true})
				if !bytes.Equal(got.HTML, want.HTML) || !bytes.Equal(got.TOC, want.TOC) {
					t.Errorf("concurrent Convert differs:\n%s\nwant\n%s", got.HTML, want.HTML)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestRawHTML converts raw HTML under each setting: what a legal
// writer needs comes through "safe" intact, what the CSP would block
// never does. want is part of the HTML.
func TestRawHTML(t *testing.T) {
	tests := []struct {
		mode, in, want string
		warnings, errs int
	}{
		{HTMLSafe, "Line one<br>line two", "<p>Line one<br>line two</p>\n", 0, 0},
		{HTMLSafe, "H<sub>2</sub>O", "<p>H<sub>2</sub>O</p>\n", 0, 0},
		{HTMLSafe, `<abbr title="General Data Protection Regulation">GDPR</abbr>`, `<p><abbr title="General Data Protection Regulation">GDPR</abbr></p>` + "\n", 0, 0},
		{HTMLSafe, "<details><summary>More</summary>text</details>", "<details><summary>More</summary>text</details>", 0, 0},
		{HTMLSafe, "<br/> and <BR>", "<p><br/> and <br></p>\n", 0, 0},
		{HTMLSafe, "Hi <span>there</span>\n\n<div>block</div>\n", "<p>Hi there</p>\nblock\n", 2, 0},
		{HTMLSafe, `<abbr title="t" class="c">x</abbr>`, `<p><abbr title="t">x</abbr></p>` + "\n", 1, 0},
		{HTMLSafe, "a <!-- note --> b", "<p>a  b</p>\n", 0, 0},
		{HTMLSafe, "<script>alert(1)</script>", "", 0, 1},
		{HTMLSafe, `<a href="javascript:alert(1)">x</a>`, "", 0, 1},
		{HTMLSafe, `<abbr title="JavaScript: a language">JS</abbr>`, `<abbr title="JavaScript: a language">JS</abbr>`, 0, 0},
		{HTMLNone, "H<sub>2</sub>O", "<p>H2O</p>\n", 2, 0},
		{HTMLNone, "<details><summary>More</summary>text</details>", "", 1, 0},
		{HTMLNone, "<!-- note -->", "", 0, 0},
		{HTMLNone, "<style>p{}</style>", "", 0, 1},
		{HTMLAll, "Hi <span>there</span>\n\n<div>block</div>\n", "<p>Hi <span>there</span></p>\n<div>block</div>\n", 0, 0},
		{HTMLAll, `<b onmouseover="x()">b</b>`, "<p>b", 0, 1},
		{HTMLAll, `<i style="color:red">i</i>`, "<p>i", 0, 1},
		{HTMLAll, "<div>\n<script>x()</script>\n</div>\n", "", 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.mode+" "+tt.in, func(t *testing.T) {
			doc, errs := New(Options{HTML: tt.mode}).Convert([]byte(tt.in), ConvertOptions{})
			if got := string(doc.HTML); !strings.Contains(got, tt.want) {
				t.Errorf("Convert(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if len(doc.Warnings) != tt.warnings || len(errs) != tt.errs {
				t.Errorf("Convert(%q): warnings %v, errors %v; want %d and %d", tt.in, doc.Warnings, errs, tt.warnings, tt.errs)
			}
			if bad := unsafeMarkup(doc.HTML); bad != "" {
				t.Errorf("Convert(%q) = %q, which has %s", tt.in, doc.HTML, bad)
			}
		})
	}
}

// TestRawHTMLRemembered: what the "safe" policy makes of a block and
// says of its tags is remembered by the text, and told again at each
// place it is written: the same block in two files, and twice in one,
// is published the same and warned of at each of its own tags.
func TestRawHTMLRemembered(t *testing.T) {
	c := New(Options{})
	block := "<details open>\n<summary lang=\"en\">More</summary>\ntext\n</details>\n"
	a, _ := c.Convert([]byte(block), ConvertOptions{File: "a.md"})
	b, _ := c.Convert([]byte("Intro.\n\n"+block+"\nMiddle.\n\n"+block), ConvertOptions{File: "b.md"})
	again, _ := c.Convert([]byte(block), ConvertOptions{File: "a.md"})
	var got []string
	for _, d := range []*Doc{a, b, again} {
		for _, w := range d.Warnings {
			got = append(got, w.Pos.String())
		}
	}
	want := []string{"a.md:1:1", "a.md:2:1", "b.md:3:1", "b.md:4:1", "b.md:10:1", "b.md:11:1", "a.md:1:1", "a.md:2:1"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("warnings at %v, want %v", got, want)
	}
	kept := "<details>\n<summary>More</summary>\ntext\n</details>"
	if !strings.Contains(string(a.HTML), kept) || strings.Count(string(b.HTML), kept) != 2 || string(again.HTML) != string(a.HTML) {
		t.Errorf("published %q, %q and %q", a.HTML, b.HTML, again.HTML)
	}
	// A block with nothing to say is published the same each time, and
	// stays quiet; a tag the policy drops, written after it, still warns.
	quiet := "<details>\n<summary>Quiet</summary>\nok\n</details>\n"
	for i, file := range []string{"c.md", "d.md"} {
		d, errs := c.Convert([]byte(quiet+"\n<div>x</div>\n"), ConvertOptions{File: file})
		if len(errs) > 0 || len(d.Warnings) != 1 || d.Warnings[0].Pos.String() != file+":6:1" || !strings.Contains(string(d.HTML), "<summary>Quiet</summary>") {
			t.Errorf("conversion %d: %q, warnings %v, errors %v", i, d.HTML, d.Warnings, errs)
		}
	}
}

// TestPositions checks that every finding is at its file line (the body
// starts on line 11) and column, counted in characters.
func TestPositions(t *testing.T) {
	src := "Ünïcödé <span>x</span> [a](missing.md)\n\n## Über {#main}\n\n<div onclick=\"x()\">\n</div>\n"
	doc, errs := New(Options{ReservedIDs: []string{"main"}}).Convert([]byte(src), ConvertOptions{
		File: "p.md", LineOffset: 10,
		Resolve: func(dest string, _ bool) (string, error) { return "", fmt.Errorf("link to missing page %q", dest) },
	})
	var got []string
	for _, w := range doc.Warnings {
		got = append(got, "warning "+w.Pos.String())
	}
	for _, e := range errs {
		got = append(got, "error "+e.Pos.String())
	}
	for _, l := range doc.Links {
		got = append(got, "link "+l.Pos.String())
	}
	for _, id := range doc.IDs {
		got = append(got, "id "+id.Pos.String())
	}
	want := []string{"warning p.md:11:9", "error p.md:11:28", "error p.md:13:9", "error p.md:15:1", "link p.md:11:28", "id p.md:13:9"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Convert(%q) positions:\n%s\nwant\n%s", src, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestLinkPositions: a link repeated in one paragraph is found at each of
// its places, even when its text is its destination.
func TestLinkPositions(t *testing.T) {
	tests := []string{
		"[a](x.md) [a](x.md) [a](x.md)",
		"[https://x.test/a](https://x.test/a), [https://x.test/a](https://x.test/a)\nand [https://x.test/a](https://x.test/a)",
		"See x.md: [x.md](x.md \"x.md\") [x.md](<x.md>) [`x.md`](  x.md  )",
		"> quoted [**x.md**](x.md) [![x.md](x.md)](x.md)\n> [x.md](\n> x.md)",
	}
	c := New(Options{})
	for _, src := range tests {
		doc, _ := c.Convert([]byte(src), ConvertOptions{})
		lines := strings.Split(src, "\n")
		seen := map[diag.Pos]bool{}
		if len(doc.Links) < 3 {
			t.Errorf("Convert(%q) found %d links, want 3 or more", src, len(doc.Links))
		}
		for _, l := range doc.Links {
			if seen[l.Pos] {
				t.Errorf("Convert(%q): two links at %s", src, l.Pos)
			}
			seen[l.Pos] = true
			line := []rune(lines[l.Pos.Line-1])
			if at := string(line[l.Pos.Col-1:]); !strings.HasPrefix(at, l.Dest) {
				t.Errorf("Convert(%q): link %q at %s, where the text is %q", src, l.Dest, l.Pos, at)
			}
		}
	}
}

// TestReferencePositions: a reference link is found where its
// destination is written, in its definition.
func TestReferencePositions(t *testing.T) {
	src := "[one][r] and [two][R] and [r].\n\n[r]: <x.md> \"t\"\n[r]: y.md\n"
	doc, _ := New(Options{}).Convert([]byte(src), ConvertOptions{})
	for _, l := range doc.Links {
		if l.Pos.String() != ":3:7" || l.Dest != "x.md" {
			t.Errorf("Convert(%q): link %q at %s, want x.md at :3:7", src, l.Dest, l.Pos)
		}
	}
}

func TestReservedIDs(t *testing.T) {
	c := New(Options{ReservedIDs: []string{"main", "toc-title"}})
	doc, errs := c.Convert([]byte("## Main\n\n## Main\n\n## TOC title\n\n## Other {#main}\n"), ConvertOptions{File: "r.md"})
	var ids []string
	for _, h := range doc.Headings {
		ids = append(ids, h.ID)
	}
	if got, want := strings.Join(ids, " "), "main-1 main-2 toc-title-1 main"; got != want {
		t.Errorf("heading ids = %s, want %s", got, want)
	}
	if got, want := errs.Error(), `r.md:7:10: id "main" is used by the theme's layout; choose another`; got != want {
		t.Errorf("errors = %q, want %q", got, want)
	}
}

// TestConstructs converts a document using every construct the site
// supports and checks that it comes through whole, with nothing the CSP
// would block, no id twice, and nothing to report.
func TestConstructs(t *testing.T) {
	src, err := os.ReadFile("testdata/constructs.md")
	if err != nil {
		t.Fatal(err)
	}
	c := New(Options{HTML: HTMLSafe, ReservedIDs: []string{"main"}})
	doc, errs := c.Convert(src, ConvertOptions{File: "constructs.md", Typographer: true, TOC: true, Resolve: resolve})
	if len(errs) > 0 || len(doc.Warnings) > 0 {
		t.Errorf("Convert(constructs.md): errors %v, warnings %v", errs, doc.Warnings)
	}
	if bad := unsafeMarkup(doc.HTML); bad != "" {
		t.Errorf("Convert(constructs.md) has %s", bad)
	}
	ids, dup := htmlIDs(doc.HTML)
	if dup != "" {
		t.Errorf("Convert(constructs.md) has id %q twice", dup)
	}
	if len(ids) != len(doc.IDs) {
		t.Errorf("Convert(constructs.md): Doc.IDs %v, HTML ids %v", doc.IDs, ids)
	}
	got := convertCase(c, "constructs", src)
	const file = "testdata/constructs.html"
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v; run go test -update", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Convert(constructs.md) =\n%s\nwant\n%s", got, want)
	}
}

// unsafeMarkup names the first thing in HTML the site's CSP would block:
// a script or style element, a style attribute or an event handler.
func unsafeMarkup(out []byte) string {
	z := html.NewTokenizer(bytes.NewReader(out))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			if t.Data == "script" || t.Data == "style" {
				return "<" + t.Data + ">"
			}
			for _, a := range t.Attr {
				if a.Key == "style" || strings.HasPrefix(a.Key, "on") && len(a.Key) > 2 {
					return fmt.Sprintf("<%s %s=%q>", t.Data, a.Key, a.Val)
				}
				if strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") && a.Key != "title" {
					return fmt.Sprintf("<%s %s=%q>", t.Data, a.Key, a.Val)
				}
			}
		}
	}
}

// htmlIDs returns the ids (and <a name>s) in HTML, as a browser reads
// them, and the first that repeats.
func htmlIDs(out []byte) (ids []string, dup string) {
	seen := map[string]bool{}
	z := html.NewTokenizer(bytes.NewReader(out))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ids, dup
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			for _, a := range t.Attr {
				if a.Val == "" || a.Key != "id" && !(a.Key == "name" && t.Data == "a") {
					continue
				}
				if seen[a.Val] && dup == "" {
					dup = a.Val
				}
				seen[a.Val] = true
				ids = append(ids, a.Val)
			}
		}
	}
}

// FuzzConvert converts anything under "safe" and "all": no id repeats
// (nor takes the layout's) unless Convert reported an error, and then
// under "safe" Doc.IDs are the HTML's; the HTML never holds what the CSP
// would block in "safe"; every fact has a position in the file.
func FuzzConvert(f *testing.F) {
	for _, s := range []string{"# h\n", "[a](b.md#c)", "## x {#id}\n## x\n", "| a |\n|---|\n| b |", "- [ ] t\n", "x[^1]\n\n[^1]: n", "\"q\" -- ...", "<b>x</b>", "![i](p.png)"} {
		f.Add([]byte(s))
	}
	reserved := []string{"main"}
	convs := []*Converter{New(Options{HTML: HTMLSafe, ReservedIDs: reserved}), New(Options{HTML: HTMLAll, ReservedIDs: reserved})}
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, c := range convs {
			doc, errs := c.Convert(src, ConvertOptions{File: "f.md", LineOffset: 3, Typographer: true, TOC: true, Resolve: func(d string, _ bool) (string, error) { return d, nil }})
			ids, dup := htmlIDs(doc.HTML)
			if len(errs) == 0 {
				if dup != "" {
					t.Fatalf("Convert(%q) under %q: id %q twice and no error:\n%s", src, c.opt.HTML, dup, doc.HTML)
				}
				if slices.Contains(ids, "main") {
					t.Fatalf("Convert(%q) under %q: the layout's id and no error:\n%s", src, c.opt.HTML, doc.HTML)
				}
			}
			// Under "all", a raw <textarea> or <iframe> may hide the ids
			// after it in text.
			if len(errs) == 0 && c.opt.HTML == HTMLSafe {
				var got []string
				for _, id := range doc.IDs {
					got = append(got, id.ID)
				}
				slices.Sort(got)
				slices.Sort(ids)
				if !slices.Equal(got, ids) {
					t.Fatalf("Convert(%q) under %q: Doc.IDs %q, HTML ids %q:\n%s", src, c.opt.HTML, got, ids, doc.HTML)
				}
			}
			if bad := unsafeMarkup(doc.HTML); bad != "" && (c.opt.HTML == HTMLSafe || len(errs) == 0) {
				t.Fatalf("Convert(%q) under %q has %s (errors %v):\n%s", src, c.opt.HTML, bad, errs, doc.HTML)
			}
			var ps []diag.Pos
			for _, l := range doc.Links {
				ps = append(ps, l.Pos)
			}
			for _, id := range doc.IDs {
				ps = append(ps, id.Pos)
			}
			for _, e := range append(slices.Clone(errs), doc.Warnings...) {
				ps = append(ps, e.Pos)
			}
			for _, p := range ps {
				if p.File != "f.md" || p.Line < 4 || p.Col < 1 {
					t.Fatalf("Convert(%q): a fact at bad position %v", src, p)
				}
			}
		}
	})
}

// TestMarks: with Marks on, every link, image and block carries its own
// position, so a link repeated on one line is three facts, not one.
func TestMarks(t *testing.T) {
	src := "Intro [a](x.md) and [a](x.md) and [a](x.md).\n\n- item <https://example.com>\n\n![p](p.png)\n"
	doc, errs := New(Options{}).Convert([]byte(src), ConvertOptions{File: "content/p.md", LineOffset: 3, Marks: true})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	got := regexp.MustCompile(`<(\w+)[^>]* data-certiron-at="([^"]+)"`).FindAllStringSubmatch(string(doc.HTML), -1)
	var marks []string
	for _, m := range got {
		marks = append(marks, m[1]+"@"+m[2])
	}
	want := "p@content/p.md:4:1 a@content/p.md:4:11 a@content/p.md:4:25 a@content/p.md:4:39 ul@content/p.md:6:3 li@content/p.md:6:3 a@content/p.md:6:9 p@content/p.md:8:1 img@content/p.md:8:6"
	if strings.Join(marks, " ") != want {
		t.Errorf("marks = %s\nwant    %s\nHTML: %s", strings.Join(marks, " "), want, doc.HTML)
	}
}

// TestHeadingIDsAsGitHub: ids are computed from the heading's text as a
// reader sees it (escapes and character references decoded), with the
// typographer's dashes and ellipses as they were written, and nothing
// trimmed, as GitHub computes them (cases from GitHub's own policies).
func TestHeadingIDsAsGitHub(t *testing.T) {
	tests := []struct {
		heading     string
		typographer bool
		id, text    string
	}{
		{"## Your Complaint Must ...", true, "your-complaint-must-", "Your Complaint Must …"},
		{"## Your Complaint Must ...", false, "your-complaint-must-", "Your Complaint Must ..."},
		{"## Caf&eacute; Policy", false, "café-policy", "Café Policy"},
		{"## Smith &ndash; Jones", false, "smith--jones", "Smith – Jones"},
		{"## Terms &amp; Conditions", true, "terms--conditions", "Terms & Conditions"},
		{"## Foo \\* bar", false, "foo--bar", "Foo * bar"},
		{"## A -- B", true, "a----b", "A – B"},
		{"## 1. What we store", true, "1-what-we-store", "1. What we store"},
		{"## Q. Defense of Claims; Release", true, "q-defense-of-claims-release", "Q. Defense of Claims; Release"},
	}
	c := New(Options{})
	for _, tt := range tests {
		doc, errs := c.Convert([]byte(tt.heading+"\n"), ConvertOptions{Typographer: tt.typographer, TOC: true})
		if len(errs) > 0 || len(doc.Headings) != 1 {
			t.Fatalf("Convert(%q): %v", tt.heading, errs)
		}
		if h := doc.Headings[0]; h.ID != tt.id || h.Text != tt.text {
			t.Errorf("Convert(%q, typographer %v) heading = %q %q, want %q %q", tt.heading, tt.typographer, h.ID, h.Text, tt.id, tt.text)
		}
	}
}

// FuzzQuickLinkify: the converter, whose Linkify is asked only where it
// may find a link (quickLinkify), converts every document as one with
// goldmark's Linkify asked at every space does: the same HTML, links,
// ids, headings, warnings and errors.
func FuzzQuickLinkify(f *testing.F) {
	for _, s := range []string{
		"Mail a@b.co or www.x.org, http://a.b/c and https://d.e (ftp://f.g).",
		"*www.a.com* _b@c.de_ ~https://x.y~ (www.z.org)",
		"\twww.tab.org and\ttab@x.org\n",
		"www.x.org at a line's start\nhttps://y.org too\nz@w.org and more",
		"[not closed](https://x.y and www.z.org",
		"a@ @b x@y .@z.org -a@b.org a-@b.org a@b.org- a@b.org. a@b.org_",
		strings.Repeat("a", 63) + "@b.org " + strings.Repeat("c", 64) + "@d.org " + strings.Repeat("e", 65) + "@f.org",
		"| www.a.com | b@c.org |\n|---|---|\n| http://x.y | z |",
		"> www.q.org\n\n- https://l.org\n- m@n.org\n",
		"HTTP://UPPER.ORG Www.Mixed.org wWW.x.org",
		"`www.code.org` <https://auto.org> <a@b.org> [l](www.dest.org)",
	} {
		f.Add([]byte(s))
	}
	fuzzSameAs(f, "with goldmark's Linkify", []string{HTMLSafe}, func(p *parts) { p.linkify = extension.Linkify })
}

// FuzzMarkedBlocks: the converter, whose block renderers write each
// block's mark into its start tag (markedBlocks), converts every
// document as one that gives each block its mark as a node attribute,
// which goldmark's renderers write: the same HTML, links, ids,
// headings, warnings and errors.
func FuzzMarkedBlocks(f *testing.F) {
	constructs, err := os.ReadFile("testdata/constructs.md")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		string(constructs),
		"> quote\n> > nested\n\n- a\n- b\n\n  para\n\n1. one\n3. three\n\n---\n",
		"| a | b |\n|:--|--:|\n| 1 | 2 |\n\nTerm\n: Definition\n\n: loose\n\nTerm 2\n\n: Def\n",
		"- [ ] task\n- [x] done\n\n> - list in a quote\n>\n> para[^1]\n\n[^1]: A note.\n",
		"<div>raw</div>\n\n  indented para\n\n```\ncode\n```\n",
	} {
		f.Add([]byte(s))
	}
	fuzzSameAs(f, "with marks as attributes", []string{HTMLSafe}, func(p *parts) { p.more = []goldmark.Extender{attrMarks{}} })
}

// attrMarks marks every block markedBlocks marks with a node attribute,
// after the converter's own transformer: how blocks were marked before.
type attrMarks struct{}

func (attrMarks) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(attrMarks{}, 1001)))
}

func (attrMarks) Transform(doc *ast.Document, _ text.Reader, pc parser.Context) {
	st, _ := pc.Get(stateKey).(*state)
	if st == nil {
		return
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if _, ok := blockRenderers[n.Kind()]; ok && entering {
			st.markBlock(n)
		}
		return ast.WalkContinue, nil
	})
}

// FuzzQuickRawHTML: the converter, which reads a one-line tag itself
// (quickRawHTML), converts every document as one with goldmark's raw
// HTML parser does: the same HTML, links, ids, headings, warnings and
// errors, under each HTML setting.
func FuzzQuickRawHTML(f *testing.F) {
	for _, s := range []string{
		`Text <kbd>Ctrl</kbd>+<kbd>C</kbd>, <sub>2</sub> and <abbr title="Transport Layer Security">TLS</abbr>.`,
		`<a href="x" data-x='y' z=w/>, <br/>, <br />, <img src=a.png alt="a > b">, <x-y a_b:c.d-e>`,
		"<a\nhref=\"x\">two lines</a>, <a href=\"x\ny\">value over two</a>, <b\r>, <b\t>, </b\t>, </b \n>",
		`<a b="c"d>, <a b=>, <a =b>, <a/b>, <3, <a b='>'>, <a b=c/>, <ab.c>, <a b = "c" >, </ a>, </a b>`,
		"<!-- a comment --> <?pi?> <!DOCTYPE x> <![CDATA[ x ]]> <é>, <a é=1>, <a b=é>, <a\x00>",
		"- <span>in a list</span>\n\n> <em>in a quote</em>\n\n| <b>t</b> | <i>u</i> |\n|---|---|\n",
	} {
		f.Add([]byte(s))
	}
	fuzzSameAs(f, "with goldmark's raw HTML parser", []string{HTMLSafe, HTMLAll, HTMLNone}, func(p *parts) { p.rawHTML = parser.NewRawHTMLParser() })
}

// fuzzSameAs holds the converter to one whose parts swap changed (see
// parts), under each HTML setting, with and without the typographer:
// every input must give the same Doc (HTML, links, ids, headings,
// warnings) and the same errors; theirs names the other in a failure.
func fuzzSameAs(f *testing.F, theirs string, settings []string, swap func(*parts)) {
	type pair struct {
		html        string
		ours, other *Converter
	}
	var pairs []pair
	for _, h := range settings {
		other := New(Options{HTML: h})
		p := ourParts()
		swap(&p)
		other.plain, other.typo = other.buildWith(false, p), other.buildWith(true, p)
		pairs = append(pairs, pair{h, New(Options{HTML: h}), other})
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		for _, pr := range pairs {
			for _, typo := range []bool{false, true} {
				opt := ConvertOptions{File: "f.md", Typographer: typo, TOC: true, Marks: true, Resolve: func(d string, _ bool) (string, error) { return d, nil }}
				got, gotErrs := pr.ours.Convert(src, opt)
				want, wantErrs := pr.other.Convert(src, opt)
				if !reflect.DeepEqual(got, want) || gotErrs.Error() != wantErrs.Error() {
					t.Fatalf("Convert(%q), HTML %s, typographer %v:\n%s\n%v\n%s:\n%s\n%v", src, pr.html, typo, got.HTML, gotErrs, theirs, want.HTML, wantErrs)
				}
			}
		}
	})
}

// TestTagLen: tagLen reads the tags goldmark's patterns read, and leaves
// what it cannot decide on the line to goldmark.
func TestTagLen(t *testing.T) {
	for _, tt := range []struct {
		line string
		n    int
	}{
		{"<kbd>Ctrl", 5}, {"</kbd>+", 6}, {"<br/>", 5}, {"<br />", 6}, {"<a b=c/>x", 8},
		{`<a title="x > y">t`, 17}, {`<a b='"'>`, 9}, {"<x-y a_b:c.d-e>", 15}, {"</a \t>", 6},
		{"<a\n", 0}, {"<a b=\"c\n", 0}, {"<b\r>", 0}, {`<a b="c"d>`, 0}, {"<a b=>", 0},
		{"<a/b>", 0}, {"<3>", 0}, {"<ab.c>", 0}, {"</a b>", 0}, {"<!-- c -->", 0}, {"<", 0},
	} {
		if n := tagLen([]byte(tt.line)); n != tt.n {
			t.Errorf("tagLen(%q) = %d, want %d", tt.line, n, tt.n)
		}
	}
}

// TestEmptyHTMLIsNil: a document that renders to nothing has nil HTML,
// whether its pooled buffer is new or was used before (it was an empty
// slice after a used one, nil after a new one: a conversion's result
// depended on the pool, and the fuzz tests comparing two converters
// failed now and then).
func TestEmptyHTMLIsNil(t *testing.T) {
	c := New(Options{HTML: HTMLNone})
	for i, src := range []string{"<!-- nothing -->\n", "Some *text*.\n", "<!-- nothing -->\n", ""} {
		doc, _ := c.Convert([]byte(src), ConvertOptions{})
		if empty := len(doc.HTML) == 0; empty && doc.HTML != nil {
			t.Errorf("conversion %d of %q: empty HTML that is not nil", i, src)
		}
	}
}

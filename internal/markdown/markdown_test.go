package markdown

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/txtar"
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
	opt := ConvertOptions{File: name + ".md", Typographer: !strings.HasPrefix(name, "plain"), TOC: true,
		Resolve: func(dest string, image bool) (string, error) {
			if strings.HasPrefix(dest, "missing") {
				return "", fmt.Errorf("link to missing page %q", dest)
			}
			if d, ok := strings.CutSuffix(dest, ".md"); ok {
				return "/" + d + "/", nil
			}
			return dest, nil
		}}
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

func TestSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1. What we store", "1-what-we-store"},
		{"a) Session token — dashboard only", "a-session-token--dashboard-only"},
		{"2. What we do NOT use", "2-what-we-do-not-use"},
		{"Stripe's own Cookie Policy", "stripes-own-cookie-policy"},
		{"snake_case and kebab-case", "snake_case-and-kebab-case"},
		{"Ünïcödé Überschrift", "ünïcödé-überschrift"},
		{"  trimmed  ", "trimmed"},
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
	src := []byte("# A\n\n## B\n\n[x](y.md) \"q\"\n\n## B\n")
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

func TestRawHTML(t *testing.T) {
	src := []byte("Hi <span>there</span>\n\n<div>block</div>\n")
	safe, _ := New(Options{}).Convert(src, ConvertOptions{})
	if bytes.Contains(safe.HTML, []byte("<span>")) || bytes.Contains(safe.HTML, []byte("<div>")) {
		t.Errorf("raw HTML kept without Unsafe: %s", safe.HTML)
	}
	unsafe, _ := New(Options{HTML: HTMLAll}).Convert(src, ConvertOptions{})
	if !bytes.Contains(unsafe.HTML, []byte("<span>there</span>")) || !bytes.Contains(unsafe.HTML, []byte("<div>block</div>")) {
		t.Errorf("raw HTML dropped with Unsafe: %s", unsafe.HTML)
	}
}

func FuzzConvert(f *testing.F) {
	for _, s := range []string{"# h\n", "[a](b.md#c)", "## x {#id}\n## x\n", "| a |\n|---|\n| b |", "- [ ] t\n", "x[^1]\n\n[^1]: n", "\"q\" -- ...", "<b>x</b>", "![i](p.png)"} {
		f.Add([]byte(s))
	}
	c := New(Options{})
	f.Fuzz(func(t *testing.T, src []byte) {
		doc, _ := c.Convert(src, ConvertOptions{Typographer: true, TOC: true, Resolve: func(d string, _ bool) (string, error) { return d, nil }})
		seen := map[string]bool{}
		for _, h := range doc.Headings {
			if seen[h.ID] {
				t.Fatalf("duplicate heading id %q in %q", h.ID, src)
			}
			seen[h.ID] = true
		}
		for _, l := range doc.Links {
			if l.Pos.Line < 1 || l.Pos.Col < 1 {
				t.Fatalf("link %q at bad position %v", l.Dest, l.Pos)
			}
		}
	})
}

func TestReservedIDs(t *testing.T) {
	c := New(Options{ReservedIDs: []string{"main", "toc-title"}})
	doc, _ := c.Convert([]byte("## Main\n\n## Main\n\n## TOC title\n\n## Other {#main}\n"), ConvertOptions{})
	var ids []string
	for _, h := range doc.Headings {
		ids = append(ids, h.ID)
	}
	if got, want := strings.Join(ids, " "), "main-1 main-2 toc-title-1 main"; got != want {
		t.Errorf("heading ids = %s, want %s (an explicit {#id} is the writer's choice)", got, want)
	}
}

package legal

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/tools/txtar"

	"github.com/certiron/certiron-site/internal/markdown"
)

var update = flag.Bool("update", false, "rewrite golden files")

func convert(t *testing.T, conv *markdown.Converter, src []byte) []byte {
	t.Helper()
	doc, errs := conv.Convert(src, markdown.ConvertOptions{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return doc.HTML
}

// TestRedlineGolden compares the redline of every NAME.old.md and
// NAME.new.md of testdata/redline.txtar with NAME.html.
func TestRedlineGolden(t *testing.T) {
	const file = "testdata/redline.txtar"
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	conv := markdown.New(markdown.Options{})
	files := map[string][]byte{}
	var names []string
	for _, f := range ar.Files {
		files[f.Name] = f.Data
		if name, ok := strings.CutSuffix(f.Name, ".old.md"); ok {
			names = append(names, name)
		}
	}
	var out []txtar.File
	for _, name := range names {
		old, new := files[name+".old.md"], files[name+".new.md"]
		got, err := Redline(convert(t, conv, old), convert(t, conv, new))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, txtar.File{Name: name + ".old.md", Data: old}, txtar.File{Name: name + ".new.md", Data: new}, txtar.File{Name: name + ".html", Data: got})
		t.Run(name, func(t *testing.T) {
			checkMarkup(t, got)
			if again, _ := Redline(convert(t, conv, old), convert(t, conv, new)); !bytes.Equal(again, got) {
				t.Errorf("Redline is not deterministic:\n%s\nthen\n%s", got, again)
			}
			if *update {
				return
			}
			if want := files[name+".html"]; !bytes.Equal(got, want) {
				t.Errorf("Redline(%s) =\n%s\nwant\n%s", name, got, want)
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

// TestRedlineKnownChange checks the redline of the Cookie Policy with four
// known changes by what a reader must see, beyond the golden bytes.
func TestRedlineKnownChange(t *testing.T) {
	ar, err := txtar.ParseFile("testdata/redline.txtar")
	if err != nil {
		t.Fatal(err)
	}
	var old, new []byte
	for _, f := range ar.Files {
		switch f.Name {
		case "cookie-policy.old.md":
			old = f.Data
		case "cookie-policy.new.md":
			new = f.Data
		}
	}
	conv := markdown.New(markdown.Options{})
	got, err := Redline(convert(t, conv, old), convert(t, conv, new))
	if err != nil {
		t.Fatal(err)
	}
	s := string(got)
	del := func(text string) string {
		return `<del><span class="redline-sr">[deleted: </span>` + text + `<span class="redline-sr">]</span></del>`
	}
	ins := func(text string) string {
		return `<ins><span class="redline-sr">[inserted: </span>` + text + `<span class="redline-sr">]</span></ins>`
	}
	for _, want := range []string{
		// a changed number, word by word
		"for up to " + del("30") + ins("90") + " days.",
		// an added list item, still an item of the list
		`<li>No session replay or heatmap tools</li><li class="redline-ins">` + ins("No email tracking pixels") + `</li><li>No fingerprinting</li>`,
		// a removed sentence, with the link before it kept
		`<a href="https://stripe.com/cookies-policy/legal">Stripe&#39;s own Cookie Policy</a>.` + del(" We do not embed Stripe elements on our own pages.") + `</p>`,
		// a renamed heading, with the new id and self-link
		`<h2 id="5-changes-to-this-policy">5. Changes` + ins(" to this policy") + `<a aria-hidden="true" class="anchor" href="#5-changes-to-this-policy" tabindex="-1"></a></h2>`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("redline lacks\n%s\nin\n%s", want, s)
		}
	}
	if n := strings.Count(s, "<ins>") + strings.Count(s, "<del>"); n != 5 {
		t.Errorf("redline has %d changes, want 5 (30→90 is two)", n)
	}
	if strings.Contains(s, `id="5-changes"`) {
		t.Error("the old heading's id survives")
	}
}

func TestRedlineUnchanged(t *testing.T) {
	conv := markdown.New(markdown.Options{})
	doc := convert(t, conv, []byte("# T\n\n- a\n- b\n\n| x | y |\n|---|---|\n| 1 | 2 |\n"))
	got, err := Redline(doc, doc)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(got, []byte("<ins")) || bytes.Contains(got, []byte("<del")) {
		t.Errorf("Redline(x, x) marks changes:\n%s", got)
	}
	if got, _ := Redline(nil, doc); !bytes.HasPrefix(got, []byte(`<ins class="redline-block">`)) {
		t.Errorf("Redline(nil, x) =\n%s\nwant every block inserted", got)
	}
}

// checkMarkup checks that a redline nests, has unique ids and no link to
// a missing anchor.
func checkMarkup(t *testing.T, src []byte) {
	t.Helper()
	void := map[string]bool{"br": true, "hr": true, "img": true, "input": true, "wbr": true, "col": true}
	z := html.NewTokenizer(bytes.NewReader(src))
	var stack []string
	ids := map[string]bool{}
	var hrefs []string
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			for _, a := range tok.Attr {
				if a.Key == "id" {
					if ids[a.Val] {
						t.Errorf("duplicate id %q", a.Val)
					}
					ids[a.Val] = true
				}
				if a.Key == "href" && strings.HasPrefix(a.Val, "#") {
					hrefs = append(hrefs, a.Val[1:])
				}
			}
			if tt == html.StartTagToken && !void[tok.Data] {
				stack = append(stack, tok.Data)
			}
			if (tok.Data == "ins" || tok.Data == "del") && len(stack) > 1 {
				switch stack[len(stack)-2] {
				case "ul", "ol", "table", "thead", "tbody", "tr", "dl":
					t.Errorf("<%s> directly inside <%s>", tok.Data, stack[len(stack)-2])
				}
			}
		case html.EndTagToken:
			if len(stack) == 0 || stack[len(stack)-1] != tok.Data {
				t.Fatalf("unbalanced </%s> (open: %v) in\n%s", tok.Data, stack, src)
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) > 0 {
		t.Errorf("unclosed %v", stack)
	}
	for _, h := range hrefs {
		if !ids[h] {
			t.Errorf("link to missing anchor #%s", h)
		}
	}
}

// FuzzRedline checks that any two Markdown documents give a redline that
// nests, keeps lists and tables well formed, repeats no id and links no
// missing anchor.
func FuzzRedline(f *testing.F) {
	if ar, err := txtar.ParseFile("testdata/redline.txtar"); err == nil {
		for i := 0; i+1 < len(ar.Files); i++ {
			if strings.HasSuffix(ar.Files[i].Name, ".old.md") {
				f.Add(string(ar.Files[i].Data), string(ar.Files[i+1].Data))
			}
		}
	}
	conv := markdown.New(markdown.Options{})
	f.Fuzz(func(t *testing.T, old, new string) {
		a, _ := conv.Convert([]byte(old), markdown.ConvertOptions{})
		b, _ := conv.Convert([]byte(new), markdown.ConvertOptions{})
		out, err := Redline(a.HTML, b.HTML)
		if err != nil {
			t.Fatal(err)
		}
		checkMarkup(t, out)
		if !strings.Contains(old, "\x00") && !strings.Contains(new, "\x00") && old == new && (bytes.Contains(out, []byte("<ins")) || bytes.Contains(out, []byte("<del>"))) {
			t.Errorf("Redline(x, x) marks changes:\n%s", out)
		}
	})
}

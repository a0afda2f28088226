package site

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestAllConstructs builds the page that uses every supported Markdown
// construct: no error, no warning (so every audit passed, the strict CSP
// included), the constructs are there, and every page of the site, and
// of the real site, is valid HTML5. The Nu Html Checker judges when it is
// at hand (VNU_JAR naming vnu.jar, as npm's vnu-jar package ships it, with
// java on PATH, or a vnu command); a structural check of the parsed pages
// always runs.
func TestAllConstructs(t *testing.T) {
	res := Build(Options{Root: extract(t, "testdata/sites/all-constructs.txtar")})
	if len(res.Errors)+len(res.Warnings) > 0 {
		t.Fatalf("errors:\n%s\nwarnings:\n%s", res.Errors.Error(), res.Warnings.Error())
	}
	page := res.Files.Get("guide/index.html")
	if page == nil {
		t.Fatal("no guide/index.html")
	}
	for _, want := range []string{
		`<em>emphasis</em>`, `<strong>strong</strong>`, `<del>strikethrough</del>`, `<code>code</code>`,
		`&ldquo;typographic quotes&rdquo; &ndash; dashes &mdash;`,
		`<a href="/other/">a page</a>`, `<a href="/other/#a-heading">`, `<a href="/guide/diagram.svg">`,
		`<a href="https://example.com/auto">`, `<a href="https://example.com/bare">`, `<a href="mailto:privacy@example.org">`,
		`<a href="https://example.com/ref">reference</a>`,
		`a backslash<br>and two spaces<br>and a tag<br>done.`,
		`<ul><li>one</li><li>two<ul><li>nested</li>`, `<ol><li>first</li><li>second<ol><li>nested ordered</li></ol>`,
		`<input checked disabled type="checkbox"> a done task`, `<input disabled type="checkbox"> an open task`,
		`<blockquote><p>A quotation`, `<blockquote><p>Nested.</p></blockquote></blockquote>`,
		`<pre><code class="language-go">func main() { println(&quot;&lt;hi&gt;&quot;) }`, `<pre><code>indented code`,
		`<th class="al">Left</th><th class="ac">Center</th><th class="ar">Right</th><th>None</th>`,
		`<h2 id="custom-id">`, `<h2 id="again">`, `<h2 id="again-1">`, `<h2 id="1-what-we-store">`,
		`<nav class="toc"`, `<a href="#again-1">Again</a>`,
		`<sup id="fnref:1"><a href="#fn:1"`, `<li id="fn:2"><p>The second.`,
		`<hr>`, `<img src="/guide/diagram.svg" alt="A diagram">`,
		`<dl><dt>GDPR</dt><dd>The General Data Protection Regulation.</dd></dl>`,
		`H<sub>2</sub>O, x<sup>2</sup>, <abbr title="General Data Protection Regulation">GDPR</abbr>`,
		`<kbd>Ctrl</kbd>, <mark>marked</mark>, <small>small</small>, <ins>inserted</ins>`,
		`<dl><dt>Term</dt><dd>Its meaning.</dd></dl>`,
		`<details><summary>Summary</summary><p>The details, with a <a href="#lists">link</a>.</p></details>`,
	} {
		if !bytes.Contains(page.Data, []byte(want)) {
			t.Errorf("guide/index.html lacks %s", want)
		}
	}
	if bytes.Contains(page.Data, []byte(" style=")) {
		t.Error("guide/index.html has a style attribute, which the CSP blocks")
	}

	pages := map[string][]byte{}
	for _, f := range res.Files.Files() {
		if strings.HasSuffix(f.Path, ".html") {
			pages["fixture/"+f.Path] = f.Data
		}
	}
	real := Build(Options{Root: repoRoot})
	if len(real.Errors) > 0 {
		t.Fatalf("the real site:\n%s", real.Errors.Error())
	}
	for _, f := range real.Files.Files() {
		if strings.HasSuffix(f.Path, ".html") {
			pages["real/"+f.Path] = f.Data
		}
	}
	for name, data := range pages {
		for _, p := range structure(data) {
			t.Errorf("%s: %s", name, p)
		}
	}
	validate(t, pages)
}

// validate runs the Nu Html Checker on pages, when it is at hand.
func validate(t *testing.T, pages map[string][]byte) {
	t.Helper()
	var cmd []string
	if jar := os.Getenv("VNU_JAR"); jar != "" {
		cmd = []string{"java", "-jar", jar}
	} else if p, err := exec.LookPath("vnu"); err == nil {
		cmd = []string{p}
	} else {
		t.Log("no Nu Html Checker (set VNU_JAR to vnu.jar from npm's vnu-jar): only the structural check ran")
		return
	}
	dir := t.TempDir()
	args := append(cmd[1:], "--errors-only", "--format", "gnu")
	for name, data := range pages {
		p := filepath.Join(dir, filepath.FromSlash(name))
		writeFile(t, p, data)
		args = append(args, p)
	}
	out, err := exec.Command(cmd[0], args...).CombinedOutput()
	if err != nil {
		t.Errorf("the Nu Html Checker finds the pages invalid (%v):\n%s", err, strings.ReplaceAll(string(out), dir+"/", ""))
	}
}

// Elements with no end tag.
var void = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true, "input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}

// Elements a <p> cannot hold: the parser would close the paragraph.
var notInP = map[string]bool{"address": true, "article": true, "aside": true, "blockquote": true, "details": true, "div": true, "dl": true, "fieldset": true, "figure": true, "footer": true, "form": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "header": true, "hr": true, "main": true, "nav": true, "ol": true, "p": true, "pre": true, "section": true, "table": true, "ul": true}

// Elements that may appear only in the given parents.
var parents = map[string][]string{
	"li": {"ul", "ol", "menu"}, "dt": {"dl", "div"}, "dd": {"dl", "div"},
	"thead": {"table"}, "tbody": {"table"}, "tfoot": {"table"}, "tr": {"table", "thead", "tbody", "tfoot"},
	"td": {"tr"}, "th": {"tr"}, "summary": {"details"}, "title": {"head"}, "meta": {"head"}, "link": {"head"},
}

// structure checks what golang.org/x/net/html can see of HTML5 validity
// in a page as written (the parser would silently repair it): the
// doctype, tags closed in order, elements only where they may stand, one
// <main>, no id twice, a language, a title, images with
// alternative text.
func structure(page []byte) []string {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if !bytes.HasPrefix(bytes.ToLower(page), []byte("<!doctype html>")) {
		bad("does not start with <!doctype html>")
	}
	z := html.NewTokenizer(bytes.NewReader(page))
	var stack []string
	ids := map[string]bool{}
	mains, titles := 0, 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			// (The tokenizer drops a repeated attribute, as browsers
			// do: only the Nu Html Checker sees one.)
			tok := z.Token()
			name := tok.Data
			seen := map[string]bool{}
			for _, a := range tok.Attr {
				seen[a.Key] = true
				if a.Key == "id" {
					if ids[a.Val] {
						bad("id %q twice", a.Val)
					}
					ids[a.Val] = true
				}
			}
			parent := ""
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			foreign := slices.Contains(stack, "svg") || slices.Contains(stack, "math")
			if ok, rule := parents[name]; rule && !foreign && !slices.Contains(ok, parent) {
				bad("<%s> inside <%s>", name, parent)
			}
			if notInP[name] && slices.Contains(stack, "p") {
				bad("<%s> inside <p>", name)
			}
			if (name == "a" || name == "button") && (slices.Contains(stack, "a") || slices.Contains(stack, "button")) {
				bad("<%s> inside <a> or <button>", name)
			}
			switch name {
			case "main":
				mains++
			case "title":
				if !foreign {
					titles++
				}
			case "html":
				if !seen["lang"] {
					bad("<html> has no lang")
				}
			case "img":
				if !seen["alt"] {
					bad("<img> has no alt")
				}
			}
			if tt == html.StartTagToken && !void[name] {
				stack = append(stack, name)
			}
		case html.EndTagToken:
			n, _ := z.TagName()
			if len(stack) == 0 || stack[len(stack)-1] != string(n) {
				bad("</%s> closes %v", n, stack)
				continue
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) > 0 {
		bad("left open: %v", stack)
	}
	if mains != 1 || titles != 1 {
		bad("%d <main> and %d <title>, want one of each", mains, titles)
	}
	return problems
}

// TestStructure: the structural check finds what it claims to.
func TestStructure(t *testing.T) {
	const ok = `<!doctype html><html lang="en"><head><title>T</title></head><body><main><p>A <a href="#x">b</a></p><ul><li id="x">c</li></ul><svg><title>s</title></svg></main></body></html>`
	if p := structure([]byte(ok)); len(p) > 0 {
		t.Errorf("structure(valid page) = %q", p)
	}
	tests := []struct{ page, want string }{
		{strings.Replace(ok, "<!doctype html>", "", 1), "does not start with <!doctype html>"},
		{strings.Replace(ok, ` lang="en"`, "", 1), "<html> has no lang"},
		{strings.Replace(ok, "<p>A", "<p><div>d</div>A", 1), "<div> inside <p>"},
		{strings.Replace(ok, `<li id="x">c</li>`, `<li id="x">c</li></ul><li>d</li><ul>`, 1), "<li> inside <main>"},
		{strings.Replace(ok, "</ul>", `</ul><p id="x">again</p>`, 1), `id "x" twice`},
		{strings.Replace(ok, "</p>", "", 1), "</main> closes"},
		{strings.Replace(ok, "<main>", `<main><img src="a.png">`, 1), "<img> has no alt"},
		{strings.Replace(ok, "b</a>", `<a href="/">b</a></a>`, 1), "<a> inside <a> or <button>"},
		{strings.Replace(ok, "</main>", "</main><main></main>", 1), "2 <main>"},
	}
	for _, tt := range tests {
		if p := structure([]byte(tt.page)); !strings.Contains(strings.Join(p, "\n"), tt.want) {
			t.Errorf("structure(%q) = %q, want %q", tt.page, p, tt.want)
		}
	}
}

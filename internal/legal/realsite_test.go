package legal

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/certiron/certiron-site/internal/markdown"
)

// TestRealSite checks the real site's archive: the Cookie Policy has one
// released version, effective 2026-11-28, whose text is the page's and the
// company's policy (testdata/cookie-policy.txt, the seed text), with no
// unreleased change.
func TestRealSite(t *testing.T) {
	const rel = "legal/cookie-policy.md"
	src, err := os.ReadFile("../../content/" + rel)
	if err != nil {
		t.Fatal(err)
	}
	h, errs := Load("../..", rel, src)
	if len(errs) > 0 || h.Unreleased != nil {
		t.Fatalf("Load(%s): errors %v, unreleased %v", rel, errs, h.Unreleased)
	}
	if len(h.Versions) != 1 || h.Versions[0].Date() != "2026-11-28" || h.Versions[0].Editorial {
		t.Fatalf("the Cookie Policy has versions %+v, want one, effective 2026-11-28", h.Versions)
	}
	v := h.Versions[0]
	tl := h.At(date("2026-12-01"), "/legal/cookie-policy/")
	if tl.Current == nil || tl.Current.Version != v || tl.Notice.Value != "2026-11-28" {
		t.Errorf("on 2026-12-01: current %v, notice %+v", tl.Current, tl.Notice)
	}
	doc, cerrs := v.Convert(markdown.New(markdown.Options{}), markdown.ConvertOptions{})
	if len(cerrs) > 0 {
		t.Fatal(cerrs)
	}
	text := visibleText(doc.HTML)
	seed, err := os.ReadFile("testdata/cookie-policy.txt")
	if err != nil {
		t.Fatal(err)
	}
	ws := regexp.MustCompile(`\s+`)
	for _, line := range strings.Split(string(seed), "\n")[2:] { // after "Legal" and the title
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "- "))
		if line != "" && !strings.Contains(text, ws.ReplaceAllString(line, " ")) {
			t.Errorf("the archived Cookie Policy lacks the policy's text %q", line)
		}
	}
	if v.Title != "Cookie Policy" {
		t.Errorf("archived title %q", v.Title)
	}
}

var inline = map[string]bool{"a": true, "code": true, "strong": true, "em": true, "span": true, "ins": true, "del": true}

func visibleText(page []byte) string {
	z := html.NewTokenizer(bytes.NewReader(page))
	var b strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case html.TextToken:
			b.Write(z.Text())
		case html.StartTagToken, html.EndTagToken:
			if name, _ := z.TagName(); !inline[string(name)] {
				b.WriteByte(' ')
			}
		}
	}
}

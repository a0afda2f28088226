package check

import (
	"bytes"
	"fmt"
	"strings"

	"golang.org/x/net/html"

	"github.com/certiron/certiron-site/internal/output"
)

// requestAttrs are the attributes that make a browser fetch something,
// by element; image says a data: URL is fine there.
var requestAttrs = map[string][]struct {
	attr  string
	image bool
}{
	"script": {{"src", false}},
	"img":    {{"src", true}, {"srcset", true}},
	"source": {{"src", true}, {"srcset", true}},
	"video":  {{"src", false}, {"poster", true}},
	"audio":  {{"src", false}},
	"track":  {{"src", false}},
	"iframe": {{"src", false}},
	"frame":  {{"src", false}},
	"embed":  {{"src", false}},
	"object": {{"data", false}},
	"form":   {{"action", false}},
	"image":  {{"href", true}, {"xlink:href", true}},
	"use":    {{"href", true}, {"xlink:href", true}},
	"feimage": {{"href", true}, {"xlink:href", true}},
}

// fetchingRels are the link relations that make a request.
var fetchingRels = map[string]bool{
	"stylesheet": true, "preload": true, "prefetch": true, "preconnect": true, "dns-prefetch": true,
	"modulepreload": true, "icon": true, "shortcut": true, "apple-touch-icon": true,
	"apple-touch-icon-precomposed": true, "manifest": true, "mask-icon": true, "prerender": true,
}

type attr struct{ key, val string }

// html audits one page.
func (a *auditor) html(f *output.File, fa *facts) {
	fa.ids = map[string]bool{}
	var pol *policy
	var inline []struct {
		tag  string
		body []byte
		off  int
	}
	z := html.NewTokenizer(bytes.NewReader(f.Data))
	off := 0
	var attrs []attr
	for {
		tt := z.Next()
		raw := z.Raw()
		tagOff := off
		off += len(raw)
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		tag := string(name)
		attrs = attrs[:0]
		for hasAttr {
			var k, v []byte
			k, v, hasAttr = z.TagAttr()
			attrs = append(attrs, attr{string(k), string(v)})
		}
		get := func(k string) (string, bool) {
			for _, at := range attrs {
				if at.key == k {
					return at.val, true
				}
			}
			return "", false
		}
		what := func(k string) string { return fmt.Sprintf("<%s %s>", tag, k) }
		for _, at := range attrs {
			switch {
			case at.key == "id" || at.key == "name" && tag == "a":
				fa.ids[at.val] = true
			case at.key == "style":
				fa.findings = append(fa.findings, finding{RuleCSP, fmt.Sprintf("<%s style=%q> needs 'unsafe-inline' under the Content-Security-Policy; move the rule to the theme's CSS", tag, short(at.val)), tagOff, `style="` + at.val})
				a.css([]byte(at.val), tagOff, f.Path, fa)
			case strings.HasPrefix(at.key, "on") && len(at.key) > 2:
				fa.findings = append(fa.findings, finding{RuleCSP, fmt.Sprintf("<%s %s> is an inline event handler, which the Content-Security-Policy blocks; attach it from a script", tag, at.key), tagOff, at.key + "="})
			}
		}
		for _, ra := range requestAttrs[tag] {
			v, ok := get(ra.attr)
			if !ok {
				continue
			}
			if tag == "input" {
				continue
			}
			if ra.attr == "srcset" {
				for _, u := range srcset(v) {
					a.request(fa, u, tagOff, what(ra.attr), ra.image)
				}
				continue
			}
			a.request(fa, v, tagOff, what(ra.attr), ra.image)
		}
		switch tag {
		case "input":
			if t, _ := get("type"); strings.EqualFold(t, "image") {
				if v, ok := get("src"); ok {
					a.request(fa, v, tagOff, "<input type=image src>", true)
				}
			}
		case "link":
			rel, _ := get("rel")
			href, ok := get("href")
			fetch := false
			for _, r := range strings.Fields(strings.ToLower(rel)) {
				fetch = fetch || fetchingRels[r]
			}
			if ok && fetch {
				a.request(fa, href, tagOff, fmt.Sprintf("<link rel=%q href>", rel), strings.Contains(strings.ToLower(rel), "icon"))
			} else if ok {
				a.link(fa, href, tagOff, "<link href>")
			}
		case "a", "area":
			if href, ok := get("href"); ok {
				a.link(fa, href, tagOff, fmt.Sprintf("<%s href>", tag))
			}
		case "base":
			if href, ok := get("href"); ok {
				if k, _, _ := Classify(href, a.opt.SiteOrigin); k == External {
					fa.findings = append(fa.findings, finding{RuleThirdParty, fmt.Sprintf("<base href=%q> points every relative URL of the page at another origin", href), tagOff, href})
				}
			}
		case "meta":
			equiv, _ := get("http-equiv")
			content, _ := get("content")
			switch strings.ToLower(equiv) {
			case "refresh":
				if u := refreshURL(content); u != "" {
					if k, origin, _ := Classify(u, a.opt.SiteOrigin); k == External {
						fa.findings = append(fa.findings, finding{RuleThirdParty, fmt.Sprintf("<meta http-equiv=refresh> sends visitors to %s (%s) without a click", short(u), host(origin)), tagOff, u})
					} else {
						a.link(fa, u, tagOff, "<meta http-equiv=refresh>")
					}
				}
			case "content-security-policy":
				pol = parsePolicy(content)
			}
		case "script", "style":
			exec := true
			if tag == "script" {
				if _, ok := get("src"); ok {
					exec = false
				}
				switch t, _ := get("type"); strings.ToLower(strings.TrimSpace(t)) {
				case "", "module", "text/javascript", "application/javascript":
				default:
					exec = false
				}
			}
			body := []byte{}
			bodyOff := off
			if z.Next() == html.TextToken {
				body = bytes.Clone(z.Raw()) // Raw is only valid until the next Next
				off += len(body)
			} else {
				off += len(z.Raw())
			}
			if !exec {
				continue
			}
			inline = append(inline, struct {
				tag  string
				body []byte
				off  int
			}{tag, body, bodyOff})
			if tag == "script" {
				a.script(body, bodyOff, fa)
			} else {
				a.css(body, bodyOff, f.Path, fa)
			}
		}
	}
	// Every inline script and style must be allowed by the page's policy.
	if pol == nil {
		pol = a.headers
	}
	if pol == nil {
		fa.findings = append(fa.findings, finding{RuleCSP, "the page has no Content-Security-Policy (neither a <meta http-equiv> nor a _headers rule)", 0, ""})
		return
	}
	for _, bad := range []string{"'unsafe-inline'", "'unsafe-eval'"} {
		if pol.has(bad) {
			fa.findings = append(fa.findings, finding{RuleCSP, fmt.Sprintf("the Content-Security-Policy allows %s, which would let injected code run; hash inline code instead", bad), 0, bad})
		}
	}
	for _, in := range inline {
		h := hashInline(in.body)
		dir := "script-src"
		if in.tag == "style" {
			dir = "style-src"
		}
		if !pol.allows(dir, h) {
			fa.findings = append(fa.findings, finding{RuleCSP, fmt.Sprintf("inline <%s> is not allowed by the page's Content-Security-Policy: %s lacks %s", in.tag, dir, h), in.off, ""})
		}
	}
}

// srcset splits "a.png 1x, b.png 2x" into its URLs.
func srcset(v string) []string {
	var urls []string
	for _, part := range strings.Split(v, ",") {
		if f := strings.Fields(part); len(f) > 0 {
			urls = append(urls, f[0])
		}
	}
	return urls
}

// refreshURL reads the URL of "5; url=https://x".
func refreshURL(content string) string {
	_, rest, ok := strings.Cut(content, ";")
	if !ok {
		_, rest, ok = strings.Cut(content, ",")
		if !ok {
			return ""
		}
	}
	rest = strings.TrimSpace(rest)
	if len(rest) >= 4 && strings.EqualFold(rest[:3], "url") {
		rest = strings.TrimSpace(rest[3:])
		rest = strings.TrimSpace(strings.TrimPrefix(rest, "="))
	}
	return strings.Trim(rest, `'"`)
}

// textOf is a page's text with tags removed, for matching storage keys.
func textOf(page []byte) string {
	z := html.NewTokenizer(bytes.NewReader(page))
	var b strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.StartTagToken:
			if n, _ := z.TagName(); string(n) == "script" || string(n) == "style" {
				skip++
			}
		case html.EndTagToken:
			if n, _ := z.TagName(); (string(n) == "script" || string(n) == "style") && skip > 0 {
				skip--
			}
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
				b.WriteByte(' ')
			}
		}
	}
}

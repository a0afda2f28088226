package check

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/js"
)

// jsTok is one significant JavaScript token.
type jsTok struct {
	tt   js.TokenType
	text string
	off  int
}

// lexJS returns the significant tokens of a script: no white space or
// comments, string literals unquoted.
func lexJS(src []byte) []jsTok {
	l := js.NewLexer(parse.NewInputBytes(src[:len(src):len(src)]))
	var toks []jsTok
	off := 0
	for {
		tt, data := l.Next()
		if tt == js.ErrorToken {
			return toks
		}
		start := off
		// A '/' where an expression starts is a regular expression.
		if (tt == js.DivToken || tt == js.DivEqToken) && regexpAllowed(toks) {
			if rt, rdata := l.RegExp(); rt == js.RegExpToken {
				tt, data = rt, append(append([]byte{}, data...), rdata...)
			}
		}
		off += len(data)
		switch tt {
		case js.WhitespaceToken, js.LineTerminatorToken, js.CommentToken, js.CommentLineTerminatorToken:
			continue
		case js.StringToken:
			toks = append(toks, jsTok{tt, unquote(data), start})
		default:
			toks = append(toks, jsTok{tt, string(data), start})
		}
	}
}

func regexpAllowed(toks []jsTok) bool {
	if len(toks) == 0 {
		return true
	}
	p := toks[len(toks)-1]
	switch {
	case p.tt == js.CloseParenToken || p.tt == js.CloseBracketToken || p.tt == js.CloseBraceToken:
		return false
	case js.IsIdentifier(p.tt) || p.tt == js.StringToken || p.tt >= js.NumericToken && p.tt < js.PunctuatorToken:
		return false
	}
	return true
}

func unquote(b []byte) string {
	s := string(b)
	if len(s) >= 2 {
		if v, err := strconv.Unquote(`"` + strings.ReplaceAll(s[1:len(s)-1], `"`, `\"`) + `"`); err == nil {
			return v
		}
		return s[1 : len(s)-1]
	}
	return s
}

func (t jsTok) is(s string) bool { return t.text == s }

// script audits JavaScript: cookies, beacons, requests to other origins,
// fingerprinting, tracker snippets and storage keys. base is the byte
// offset of src in its file.
func (a *auditor) script(src []byte, base int, fa *facts) {
	toks := lexJS(src)
	at := func(i int) jsTok {
		if i >= 0 && i < len(toks) {
			return toks[i]
		}
		return jsTok{}
	}
	add := func(rule string, i int, msg string) {
		fa.findings = append(fa.findings, finding{rule, msg, base + at(i).off})
	}
	// Identifiers bound to string literals, so minified code such as
	// var k="certiron.x";localStorage.setItem(k,1) is followed.
	consts := map[string]string{}
	// Identifiers bound to a storage area: var s=localStorage;s.setItem(…).
	areas := map[string]string{}
	for i := 0; i+2 < len(toks); i++ {
		if !js.IsIdentifier(toks[i].tt) || toks[i+1].tt != js.EqToken {
			continue
		}
		v := toks[i+2]
		switch {
		case v.tt == js.StringToken && (i+3 >= len(toks) || toks[i+3].tt != js.AddToken):
			consts[toks[i].text] = v.text
		case (v.is("localStorage") || v.is("sessionStorage")) && (i+3 >= len(toks) || toks[i+3].tt != js.DotToken):
			areas[toks[i].text] = v.text
		case v.is("window") && i+4 < len(toks) && toks[i+3].tt == js.DotToken && (toks[i+4].is("localStorage") || toks[i+4].is("sessionStorage")) && (i+5 >= len(toks) || toks[i+5].tt != js.DotToken):
			areas[toks[i].text] = toks[i+4].text
		}
	}
	seenTracker := map[string]bool{}
	for i, t := range toks {
		prev, next := at(i-1), at(i+1)
		member := prev.tt == js.DotToken || prev.tt == js.OptChainToken
		switch {
		case (t.tt == js.StringToken || t.tt == js.TemplateToken) && fingerprinting[t.text] != "":
			add(RuleScript, i, fmt.Sprintf("script %s via %s; the Cookie Policy says %q", fingerprinting[t.text], t.text, promiseFingerprint))
		case t.tt == js.StringToken || t.tt == js.TemplateToken:
			if tr, ok := trackerInText(t.text); ok && !seenTracker[tr.name] {
				seenTracker[tr.name] = true
				add(RuleTracker, i, fmt.Sprintf("script loads %s (%q), %s; the Cookie Policy says %q", tr.name, short(t.text), tr.kind, tr.promise))
			}
		case t.is("cookie") && member && at(i-2).is("document"):
			add(RuleScript, i, "script uses document.cookie; the site promises it never sets a cookie (\"No third-party cookies\", and the banner stores only its localStorage flag)")
		case t.is("sendBeacon") && member:
			add(RuleScript, i, "script sends a beacon (navigator.sendBeacon), a tracking request the Cookie Policy does not allow (\"No tracking\")")
		case t.is("fetch") && !member && next.tt == js.OpenParenToken:
			a.jsRequest(fa, toks, i+2, base, "fetch()")
		case (t.is("WebSocket") || t.is("EventSource")) && prev.is("new"):
			a.jsRequest(fa, toks, i+2, base, "new "+t.text+"()")
		case t.is("open") && member && next.tt == js.OpenParenToken && strings.Contains(string(src), "XMLHttpRequest"):
			a.jsRequest(fa, toks, i+4, base, "XMLHttpRequest.open()")
		case t.is("src") && member && next.tt == js.EqToken && strings.Contains(string(src), "new Image"):
			a.jsRequest(fa, toks, i+2, base, "new Image().src")
		case fingerprinting[t.text] != "" && (member || prev.is("new") || t.tt == js.IdentifierToken):
			add(RuleScript, i, fmt.Sprintf("script %s via %s; the Cookie Policy says %q", fingerprinting[t.text], t.text, promiseFingerprint))
		case navigatorFingerprint[t.text] && member && at(i-2).is("navigator"):
			add(RuleScript, i, fmt.Sprintf("script reads navigator.%s, a fingerprinting surface; the Cookie Policy says %q", t.text, promiseFingerprint))
		case !member && js.IsIdentifier(t.tt) && trackerGlobals[t.text].name != "" && (next.tt == js.OpenParenToken || next.tt == js.DotToken || next.tt == js.EqToken || prev.tt == js.DotToken) && !seenTracker[trackerGlobals[t.text].name]:
			tr := trackerGlobals[t.text]
			seenTracker[tr.name] = true
			add(RuleTracker, i, fmt.Sprintf("script calls %s, %s; the Cookie Policy says %q", tr.name, tr.kind, tr.promise))
		case (t.is("localStorage") || t.is("sessionStorage")) && (!member || at(i-2).is("window") || at(i-2).is("self") || at(i-2).is("globalThis")):
			if u, ok := storageAccess(toks, i, t.text, consts); ok {
				u.off += base
				fa.storage = append(fa.storage, u)
			}
		case !member && areas[t.text] != "" && (next.tt == js.DotToken || next.tt == js.OpenBracketToken) && !(prev.is("var") || prev.is("let") || prev.is("const")):
			if u, ok := storageAccess(toks, i, areas[t.text], consts); ok {
				u.off += base
				fa.storage = append(fa.storage, u)
			}
		case (t.is("cookieStore") && !member) || (t.is("cookieStore") && at(i-2).is("window")):
			add(RuleScript, i, "script uses the Cookie Store API (cookieStore); the site promises it never sets a cookie")
		case t.is("indexedDB") && (!member || at(i-2).is("window")) && next.tt == js.DotToken:
			add(RuleStorage, i, "script opens IndexedDB, storage the Cookie Policy does not list (\"CERTIRON uses only the following\"); use no storage beyond the keys the policy names")
		}
	}
}

// storageAccess reads what a script does with localStorage at toks[i].
func storageAccess(toks []jsTok, i int, area string, consts map[string]string) (storageUse, bool) {
	at := func(j int) jsTok {
		if j < len(toks) {
			return toks[j]
		}
		return jsTok{}
	}
	u := storageUse{area: area, off: toks[i].off}
	key := func(t jsTok) {
		switch {
		case t.tt == js.StringToken:
			u.key, u.off = t.text, t.off+1 // at the key, inside its quotes
		case js.IsIdentifier(t.tt) && consts[t.text] != "":
			u.key = consts[t.text]
		default:
			u.dynamic = t.text
			if u.dynamic == "" {
				u.dynamic = "an expression"
			}
		}
	}
	switch next := at(i + 1); next.tt {
	case js.DotToken, js.OptChainToken:
		m := at(i + 2)
		switch m.text {
		case "getItem", "setItem", "removeItem":
			if at(i+3).tt != js.OpenParenToken {
				return u, false
			}
			arg := at(i + 4)
			if after := at(i + 5); after.tt != js.CommaToken && after.tt != js.CloseParenToken {
				u.dynamic = arg.text + " " + after.text + " ..."
				return u, true
			}
			key(arg)
		case "clear", "key", "length", "":
			return u, false
		default:
			u.key = m.text
		}
	case js.OpenBracketToken:
		arg := at(i + 2)
		if at(i+3).tt != js.CloseBracketToken {
			u.dynamic = arg.text + " ..."
			return u, true
		}
		key(arg)
	default:
		return u, false
	}
	return u, true
}

// jsRequest judges the URL argument at toks[i] of a script request.
func (a *auditor) jsRequest(fa *facts, toks []jsTok, i, base int, what string) {
	if i >= len(toks) || toks[i].tt != js.StringToken && toks[i].tt != js.TemplateToken {
		return
	}
	u := strings.Trim(toks[i].text, "`")
	kind, origin, _ := Classify(u, a.opt.SiteOrigin)
	if kind != External {
		return
	}
	off := base + toks[i].off
	if t, ok := trackerFor(host(origin)); ok {
		fa.findings = append(fa.findings, finding{RuleTracker, fmt.Sprintf("script %s contacts %s (%s), %s; the Cookie Policy says %q", what, t.name, short(u), t.kind, t.promise), off})
		return
	}
	if _, ok := a.allow[origin]; ok {
		return
	}
	fa.findings = append(fa.findings, finding{RuleThirdParty, fmt.Sprintf("script %s contacts another origin (%s); the Cookie Policy promises no third-party requests", what, short(u)), off})
}

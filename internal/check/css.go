package check

import (
	"fmt"
	"path"
	"strings"

	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/css"
)

// css audits a stylesheet (a file, a <style> or a style attribute) for
// url() and @import requests. base is the byte offset of src in its file.
func (a *auditor) css(src []byte, base int, file string, fa *facts) {
	l := css.NewLexer(parse.NewInputBytes(src[:len(src):len(src)]))
	off := 0
	importNext := false
	for {
		tt, data := l.Next()
		tokOff := off
		off += len(data)
		switch tt {
		case css.ErrorToken:
			return
		case css.AtKeywordToken:
			importNext = strings.EqualFold(string(data), "@import")
		case css.URLToken:
			u := cssURL(data)
			what := elem{"CSS url()", ""}
			if importNext {
				what = elem{"CSS @import", ""}
			}
			a.cssRequest(fa, u, base+tokOff, what, !importNext, file)
			importNext = false
		case css.StringToken:
			if importNext {
				a.cssRequest(fa, strings.Trim(string(data), `"'`), base+tokOff, elem{"CSS @import", ""}, false, file)
				importNext = false
			}
		case css.WhitespaceToken, css.CommentToken:
		default:
			importNext = false
		}
	}
}

// cssRequest judges a CSS URL; relative URLs in a .css file resolve
// against the file, elsewhere against the page.
func (a *auditor) cssRequest(fa *facts, u string, off int, what fmt.Stringer, image bool, file string) {
	before := len(fa.refs)
	a.request(fa, u, off, what, image)
	if strings.HasSuffix(file, ".css") && len(fa.refs) > before {
		r := &fa.refs[len(fa.refs)-1]
		if !strings.HasPrefix(r.url, "/") && !strings.Contains(r.url, "://") {
			r.url = "/" + path.Join(path.Dir(file), r.url)
		}
	}
}

// cssURL takes the URL out of url(...).
func cssURL(tok []byte) string {
	s := string(tok)
	if i := strings.IndexByte(s, '('); i >= 0 {
		s = s[i+1:]
	}
	s = strings.TrimSuffix(s, ")")
	return strings.Trim(strings.TrimSpace(s), `"'`)
}

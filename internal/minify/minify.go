// Package minify is the site's one minifier: HTML, CSS, JS, SVG, XML and
// JSON through tdewolff/minify, built once and safe for concurrent use.
package minify

import (
	"bytes"
	"path"
	"regexp"
	"sync"

	tdm "github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/js"
	"github.com/tdewolff/minify/v2/json"
	"github.com/tdewolff/minify/v2/svg"
	"github.com/tdewolff/minify/v2/xml"
)

// Media types by file extension.
var types = map[string]string{
	".html":        "text/html",
	".css":         "text/css",
	".js":          "application/javascript",
	".mjs":         "application/javascript",
	".svg":         "image/svg+xml",
	".xml":         "text/xml",
	".json":        "application/json",
	".webmanifest": "application/manifest+json",
}

var (
	once sync.Once
	m    *tdm.M
	// pages minifies whole pages: their markup and inline SVG, but not
	// the text of inline scripts and styles, which the theme writes as
	// it means it to be published (the CSP hashes it as it is, and the
	// audit points at its characters).
	pages *tdm.M
)

// htmlOptions keep the output valid HTML5 that tools can rely on:
// document tags, end tags, quoted attributes and default values kept.
var htmlOptions = &html.Minifier{
	KeepDocumentTags:    true,
	KeepEndTags:         true,
	KeepQuotes:          true,
	KeepDefaultAttrVals: true,
	KeepSpecialComments: false,
}

// shared returns the minifier, built on first use.
func shared() *tdm.M {
	once.Do(func() {
		m = tdm.New()
		m.Add("text/html", htmlOptions)
		m.AddFunc("text/css", css.Minify)
		m.Add("image/svg+xml", &svg.Minifier{KeepComments: false})
		m.AddFuncRegexp(regexp.MustCompile("^(application|text)/(x-)?(java|ecma)script$"), js.Minify)
		m.AddFuncRegexp(regexp.MustCompile("[/+]json$"), json.Minify)
		m.AddFuncRegexp(regexp.MustCompile("[/+]xml$"), xml.Minify)
		pages = tdm.New()
		pages.Add("text/html", htmlOptions)
		pages.Add("image/svg+xml", &svg.Minifier{KeepComments: false})
	})
	return m
}

// Page minifies a whole HTML page, leaving the text of its inline
// scripts and styles exactly as written. The minifier reads b in place,
// without a copy, and may change its bytes: pass a buffer that is not
// needed afterwards.
func Page(b []byte) ([]byte, error) {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := PageTo(buf, b); err != nil {
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil
}

// PageTo is Page writing the minified page into dst, a buffer the
// caller owns (and may reuse once done with its bytes).
func PageTo(dst *bytes.Buffer, b []byte) error {
	shared()
	dst.Grow(len(b))
	// A reader with the bytes in memory (a Buffer) is read as it is.
	return pages.Minify("text/html", dst, bytes.NewBuffer(b))
}

// Type returns the media type minified for a file name, or "".
func Type(name string) string { return types[path.Ext(name)] }

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Bytes minifies b as mediatype. A file type without a minifier comes back
// unchanged.
func Bytes(mediatype string, b []byte) ([]byte, error) {
	if mediatype == "" {
		return b, nil
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	buf.Grow(len(b))
	if err := shared().Minify(mediatype, buf, bytes.NewReader(b)); err != nil {
		if err == tdm.ErrNotExist {
			return b, nil
		}
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil
}

// File minifies b by the type its name implies.
func File(name string, b []byte) ([]byte, error) { return Bytes(Type(name), b) }

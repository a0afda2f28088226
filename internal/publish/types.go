package publish

import (
	"mime"
	"net/http"
	"path"
	"strings"
)

// The cache policies. Fingerprinted files (their name holds a hash of
// their bytes) never change under their name, so browsers and the CDN
// keep them a year without asking again. Everything else (HTML pages,
// the sitemap, the feed, robots.txt, unhashed static files) may change
// at the next deploy under the same URL: browsers may keep a copy but
// must ask the host before each use, which costs a 304 round trip and
// never shows a stale policy page. The hosts' CDNs still cache it at the
// edge and purge on deploy.
const (
	Immutable  = "public, max-age=31536000, immutable"
	Revalidate = "public, max-age=0, must-revalidate"
)

// CacheControl is the cache policy f gets.
func CacheControl(f File) string {
	if f.Fingerprinted {
		return Immutable
	}
	return Revalidate
}

// contentTypes are the types of the files a site is made of, fixed here
// rather than left to the system's MIME tables.
var contentTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".htm":         "text/html; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".json":        "application/json",
	".map":         "application/json",
	".webmanifest": "application/manifest+json",
	".xml":         "application/xml; charset=utf-8",
	".rss":         "application/rss+xml; charset=utf-8",
	".atom":        "application/atom+xml; charset=utf-8",
	".txt":         "text/plain; charset=utf-8",
	".md":          "text/markdown; charset=utf-8",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".jpeg":        "image/jpeg",
	".gif":         "image/gif",
	".webp":        "image/webp",
	".avif":        "image/avif",
	".ico":         "image/x-icon",
	".pdf":         "application/pdf",
	".woff":        "font/woff",
	".woff2":       "font/woff2",
}

// ContentType returns the Content-Type of a file: from the table above,
// then the system's MIME tables, then by sniffing its bytes. Text types
// always say charset=utf-8.
func ContentType(name string, data []byte) string {
	ext := strings.ToLower(path.Ext(name))
	ct, ok := contentTypes[ext]
	if !ok && ext != "" {
		ct = mime.TypeByExtension(ext)
	}
	if ct == "" {
		ct = http.DetectContentType(data)
	}
	if strings.HasPrefix(ct, "text/") && !strings.Contains(ct, "charset=") {
		ct += "; charset=utf-8"
	}
	return ct
}

// urlPaths are the URL paths a file is served at: "/legal/" and
// "/legal/index.html" for legal/index.html.
func urlPaths(name string) []string {
	p := "/" + encodePath(name)
	if name == "index.html" || strings.HasSuffix(name, "/index.html") {
		return []string{strings.TrimSuffix(p, "index.html"), p}
	}
	return []string{p}
}

// encodePath percent-encodes what may not stand in a URL path as written
// in `_headers` and `_redirects` (spaces, non-ASCII, quotes, …), leaving
// existing %XX escapes, ':' and '*' (placeholders and splats), '?' and
// '#' alone.
func encodePath(p string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '%' && i+2 < len(p) && isHex(p[i+1]) && isHex(p[i+2]):
			b.WriteByte(c)
		case c <= ' ' || c >= 0x7f || strings.IndexByte(`"<>\^`+"`{|}%", c) >= 0:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

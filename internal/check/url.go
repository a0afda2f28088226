package check

import (
	"net/url"
	"strings"
)

// Kind classifies a URL by what a browser does with it.
type Kind int

// The kinds of URL.
const (
	Empty      Kind = iota // ""
	Fragment               // "#x": this page
	Internal               // the site's own origin (relative, root-relative or absolute)
	External               // another origin: a request leaves the site
	Data                   // data: inline content
	JavaScript             // javascript: code
	NoFetch                // mailto:, tel:, sms:, about:, blob: — no request to a server
	Invalid                // cannot be parsed
)

var kindNames = [...]string{"empty", "fragment", "internal", "external", "data", "javascript", "nofetch", "invalid"}

func (k Kind) String() string { return kindNames[k] }

// Classify says where a URL written in a page would take a browser. site
// is the site's own origin ("https://certiron.io"), or "" when unknown.
// For External it returns the other origin ("https://cdn.example.com").
// Browsers strip surrounding white space, drop tabs and newlines, and read
// a backslash as a slash in http(s) URLs; Classify does the same, so
// "/\\evil.example" and " //evil.example" are caught as other origins.
func Classify(raw, site string) (Kind, string, error) {
	s := strings.Trim(raw, " \t\n\r\f")
	if strings.ContainsAny(s, "\t\n\r") {
		s = stripTabsAndNewlines(s)
	}
	if s == "" {
		return Empty, "", nil
	}
	if s[0] == '#' {
		return Fragment, "", nil
	}
	scheme := ""
	if i := strings.IndexByte(s, ':'); i > 0 && validScheme(s[:i]) {
		scheme = strings.ToLower(s[:i])
	}
	switch scheme {
	case "javascript", "vbscript":
		return JavaScript, "", nil
	case "data":
		return Data, "", nil
	case "mailto", "tel", "sms", "about", "blob":
		return NoFetch, "", nil
	case "":
		// Relative, root-relative or protocol-relative.
		norm := strings.ReplaceAll(s, `\`, "/")
		if strings.HasPrefix(norm, "//") {
			u, err := url.Parse("https:" + norm)
			if err != nil || u.Host == "" {
				return Invalid, "", errOr(err, "no host after //")
			}
			origin := "https://" + strings.ToLower(u.Host)
			if sameHost(origin, site) {
				return Internal, "", nil
			}
			return External, "//" + strings.ToLower(u.Host), nil
		}
		if simplePath(norm) {
			return Internal, "", nil
		}
		if _, err := url.Parse(norm); err != nil {
			return Invalid, "", err
		}
		return Internal, "", nil
	}
	u, err := url.Parse(strings.ReplaceAll(s, `\`, "/"))
	if err != nil {
		return Invalid, "", err
	}
	if u.Host == "" {
		if scheme == "http" || scheme == "https" {
			return Invalid, "", errOr(nil, "no host")
		}
		return External, scheme + ":", nil
	}
	origin := scheme + "://" + strings.ToLower(u.Host)
	if site != "" && strings.EqualFold(origin, site) {
		return Internal, "", nil
	}
	return External, origin, nil
}

func validScheme(s string) bool {
	for i, c := range s {
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}

// sameHost reports whether a protocol-relative origin is the site's.
func sameHost(origin, site string) bool {
	if site == "" {
		return false
	}
	i := strings.Index(site, "://")
	return i >= 0 && strings.EqualFold(origin[strings.Index(origin, "://"):], site[i:])
}

type urlError string

func (e urlError) Error() string { return string(e) }

func errOr(err error, msg string) error {
	if err != nil {
		return err
	}
	return urlError(msg)
}

// host returns the host of an External origin ("//x.com" or "https://x.com").
func host(origin string) string {
	if i := strings.Index(origin, "//"); i >= 0 {
		origin = origin[i+2:]
	}
	if i := strings.LastIndexByte(origin, ':'); i >= 0 && !strings.Contains(origin[i:], "]") {
		origin = origin[:i]
	}
	return strings.ToLower(origin)
}

func stripTabsAndNewlines(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '\t' && c != '\n' && c != '\r' {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// simplePath reports whether a relative URL holds only characters that
// cannot make it malformed, so parsing it can be skipped.
func simplePath(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			continue
		}
		switch c {
		case '/', '.', '-', '_', '~', '#', '?', '=', '&', '+', ',', ';', '!', '*', '(', ')', '@', '$', '\'':
			continue
		}
		return false
	}
	return true
}

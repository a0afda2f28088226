// Package config reads a site's config.toml.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/certiron/certiron-site/internal/diag"
)

// File is the config file's name inside the site root.
const File = "config.toml"

// Config is a site's configuration.
type Config struct {
	Title        string         `toml:"title"`
	BaseURL      string         `toml:"baseURL"`
	LanguageCode string         `toml:"languageCode"`
	Theme        string         `toml:"theme"`
	Menus        Menus          `toml:"menus"`
	Params       map[string]any `toml:"params"`
	Markup       Markup         `toml:"markup"`
	Audit        Audit          `toml:"audit"`
	// PolicyVersion is the version of the cookie policy the banner asks
	// visitors to acknowledge. Empty means the policy page's lastmod.
	PolicyVersion string `toml:"policy_version"`
	// PrivacyPolicy names the site's privacy policy, a content file
	// ("legal/privacy-policy.md") or a URL: every page then links it with
	// <link rel="privacy-policy"> (RFC 6903).
	PrivacyPolicy string `toml:"privacyPolicy"`
	// Ignore lists glob patterns of content files to leave out of the
	// site, on top of editors' and systems' leftovers, which are always
	// left out. A pattern has path.Match syntax, matched against the
	// slash path inside content/; "**" also matches across "/"
	// ("drafts/**"). Every pattern is checked by Parse.
	Ignore []string `toml:"ignore"`
	Deploy Deploy   `toml:"deploy"`
	// Headers are the [[headers]] tables: headers the site adds to the
	// host's `_headers` file (package publish validates them).
	Headers []Header `toml:"headers"`
	// Redirects are the [[redirects]] tables: moved pages.
	Redirects []Redirect `toml:"redirects"`

	// Warnings are the problems Parse found that do not stop a build
	// (a deprecated key), with their positions.
	Warnings diag.List `toml:"-"`
}

// Deploy configures publishing.
type Deploy struct {
	// Target is the host the site is built for: "cloudflare" (the
	// default), "netlify" or "github-pages".
	Target string `toml:"target"`
}

// Targets are the values Deploy.Target may have; the first is the default.
var Targets = []string{"cloudflare", "netlify", "github-pages"}

// HTMLModes are the values Markup.HTML may have.
var HTMLModes = []string{"none", "safe", "all"}

// Menus are the site's navigation menus.
type Menus struct {
	Main   []MenuItem `toml:"main"`
	Footer []MenuItem `toml:"footer"`
}

// MenuItem is one menu entry. URL may name a content file ("legal/_index.md"),
// which is resolved to that page's URL, or be a URL.
type MenuItem struct {
	Name   string `toml:"name"`
	URL    string `toml:"url"`
	Weight int    `toml:"weight"`
}

// Markup configures Markdown rendering.
type Markup struct {
	// HTML says what becomes of raw HTML in Markdown: "none" (removed),
	// "safe" (the default: a small allowlist a legal writer needs is
	// kept) or "all" (kept as written).
	HTML string `toml:"html"`
	// Unsafe is true when HTML is "all". Written in config.toml it is the
	// deprecated spelling of html ("unsafe = true" is html = "all",
	// "unsafe = false" html = "none"), with a warning.
	Unsafe bool `toml:"unsafe"`
	// TOCLevels are the heading levels a table of contents lists; zero
	// means 2 and 3.
	TOCStart int `toml:"tocStart"`
	TOCEnd   int `toml:"tocEnd"`
}

// Audit configures the build's privacy and link audits.
type Audit struct {
	AllowOrigins []AllowOrigin `toml:"allow_origins"`
}

// AllowOrigin is an exception to the no-third-party-requests rule.
type AllowOrigin struct {
	Origin string `toml:"origin"`
	Reason string `toml:"reason"`
}

// Load reads and validates dir/config.toml. Problems are a diag.List with
// the file's lines.
func Load(dir string) (*Config, error) {
	name := filepath.Join(dir, File)
	src, err := os.ReadFile(name)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, diag.List{diag.Errorf(diag.Pos{File: File}, "missing config file; every site needs a config.toml in its root")}
		}
		return nil, err
	}
	return Parse(File, src)
}

// Parse parses a config file's bytes; name is used in positions. Every
// problem is reported, in a diag.List, at the line and column of its key
// (or of the list element at fault); warnings go to Config.Warnings.
func Parse(name string, src []byte) (*Config, error) {
	var c Config
	md, err := toml.Decode(string(src), &c)
	if err != nil {
		return nil, diag.List{tomlError(name, 0, src, err)}
	}
	keys := scanKeys(src)
	positions := KeyPositions(src)
	at := func(key ...string) diag.Pos {
		p := lookup(positions, key...)
		p.File = name
		return p
	}
	errs := duplicates(name, keys, func(k toml.Key) bool {
		return len(k) > 1 && strings.EqualFold(k[0], "params")
	})
	reported := map[string]bool{}
	for _, k := range md.Undecoded() {
		if len(k) > 0 && strings.EqualFold(k[0], "params") || reported[k.String()] {
			continue
		}
		reported[k.String()] = true
		// Keys of every element of an array of tables are reported.
		found := false
		for _, w := range keys {
			if len(w.parts) == len(k) && w.key(len(k)).String() == k.String() {
				p := w.parts[len(k)-1].pos
				p.File = name
				errs.Add(p, "unknown config key %q", k.String())
				found = true
			}
		}
		if !found {
			errs.Add(at(k...), "unknown config key %q", k.String())
		}
	}
	if c.Title == "" {
		errs.Add(diag.Pos{File: name}, "title is required")
	}
	if c.Theme == "" {
		c.Theme = "certiron"
	}
	if strings.ContainsAny(c.Theme, `/\`) || c.Theme == ".." || c.Theme == "." {
		errs.Add(at("theme"), "theme %q must be a folder name under themes/", c.Theme)
	}
	if c.LanguageCode == "" {
		c.LanguageCode = "en"
	}
	if c.BaseURL == "" {
		c.BaseURL = "/"
	}
	if u, err := url.Parse(c.BaseURL); err != nil {
		errs.Add(at("baseURL"), "baseURL %q is not a URL: %v", c.BaseURL, err)
	} else if c.BaseURL != "/" && (u.Scheme != "http" && u.Scheme != "https" || u.Host == "") {
		errs.Add(at("baseURL"), "baseURL %q must be an absolute http(s) URL such as https://certiron.io/", c.BaseURL)
	}
	if !strings.HasSuffix(c.BaseURL, "/") {
		c.BaseURL += "/"
	}
	origins := elements(keys, "audit.allow_origins")
	for i, a := range c.Audit.AllowOrigins {
		elem := at("audit", "allow_origins")
		if i < len(origins) {
			elem = origins[i]
			elem.File = name
		}
		if u, err := url.Parse(a.Origin); err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") {
			pos := elem
			if p, ok := inElement(keys, toml.Key{"audit", "allow_origins"}, i, "origin"); ok {
				pos = p
				pos.File = name
			}
			errs.Add(pos, "allow_origins[%d]: %q is not an origin like https://example.com", i, a.Origin)
		}
		if strings.TrimSpace(a.Reason) == "" {
			errs.Add(elem, "allow_origins[%d] (%s) needs a reason: exceptions to the privacy audit must say why", i, a.Origin)
		}
	}
	c.markup(name, positions, &errs)
	for i, pat := range c.Ignore {
		pos := at("ignore")
		if elems := arrayElems(keys, "ignore"); i < len(elems) {
			pos = elems[i]
			pos.File = name
		}
		if err := checkGlob(pat); err != "" {
			errs.Add(pos, "ignore pattern %q %s", pat, err)
		}
	}
	if c.Deploy.Target == "" {
		c.Deploy.Target = Targets[0]
	} else if !slices.Contains(Targets, c.Deploy.Target) {
		errs.Add(at("deploy", "target"), "deploy.target %q is not one of %s", c.Deploy.Target, quoteList(Targets))
	}
	c.deploy(name, keys, &errs)
	if c.Markup.TOCStart == 0 {
		c.Markup.TOCStart = 2
	}
	if c.Markup.TOCEnd == 0 {
		c.Markup.TOCEnd = 3
	}
	if c.Params == nil {
		c.Params = map[string]any{}
	}
	if len(errs) > 0 {
		errs.Sort()
		return nil, errs
	}
	c.Warnings.Sort()
	return &c, nil
}

// markup checks [markup] html and the deprecated unsafe, and settles
// HTML and Unsafe.
func (c *Config) markup(name string, positions map[string]diag.Pos, errs *diag.List) {
	m := &c.Markup
	htmlPos, hasHTML := positions["markup.html"]
	htmlPos.File = name
	if hasHTML && !slices.Contains(HTMLModes, m.HTML) {
		errs.Add(htmlPos, "markup.html %q is not one of %s", m.HTML, quoteList(HTMLModes))
		return
	}
	if unsafePos, ok := positions["markup.unsafe"]; ok {
		unsafePos.File = name
		old := "none"
		if m.Unsafe {
			old = "all"
		}
		if hasHTML && m.HTML != old {
			errs.Add(unsafePos, "markup.unsafe = %t means html = %q, but html is %q at line %d; remove unsafe", m.Unsafe, old, m.HTML, htmlPos.Line)
			return
		}
		m.HTML = old
		c.Warnings.Add(unsafePos, "markup.unsafe is deprecated; write html = %q", old)
	}
	if m.HTML == "" {
		m.HTML = "safe"
	}
	m.Unsafe = m.HTML == "all"
}

// checkGlob returns what is wrong with an ignore pattern, or "".
func checkGlob(pat string) string {
	if strings.TrimSpace(pat) == "" {
		return "is empty"
	}
	if _, err := path.Match(strings.ReplaceAll(pat, "**", "*"), ""); err != nil {
		return "is not a valid glob: " + err.Error()
	}
	return ""
}

// elements returns the positions of the headers of an array of tables
// ([[audit.allow_origins]]), one per element, in order.
func elements(keys []written, key string) []diag.Pos {
	var out []diag.Pos
	for _, w := range keys {
		if w.header && strings.EqualFold(w.key(len(w.parts)).String(), key) {
			out = append(out, w.parts[len(w.parts)-1].pos)
		}
	}
	return out
}

// inElement returns the position of key sub in element i of the array of
// tables arr.
func inElement(keys []written, arr toml.Key, i int, sub string) (diag.Pos, bool) {
	for _, w := range keys {
		n := len(arr)
		if w.header || len(w.parts) != n+1 || w.parts[n-1].elem != i ||
			!strings.EqualFold(w.key(n).String(), arr.String()) || !strings.EqualFold(w.parts[n].name, sub) {
			continue
		}
		return w.parts[n].pos, true
	}
	return diag.Pos{}, false
}

// arrayElems returns the positions of the elements of the array value of
// key (ignore = ["a", "b"]).
func arrayElems(keys []written, key string) []diag.Pos {
	for _, w := range keys {
		if !w.header && strings.EqualFold(w.key(len(w.parts)).String(), key) {
			return w.elems
		}
	}
	return nil
}

// quoteList writes values as `"a", "b" or "c"`.
func quoteList(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// Origin is the scheme and host of BaseURL ("https://certiron.io"), or ""
// when the base URL is relative.
func (c *Config) Origin() string {
	u, err := url.Parse(c.BaseURL)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// BasePath is the path part of BaseURL, always ending in "/".
func (c *Config) BasePath() string {
	u, err := url.Parse(c.BaseURL)
	if err != nil || u.Path == "" {
		return "/"
	}
	return u.Path
}

// tomlError turns a BurntSushi parse error into a diag.Error. lineOffset
// is added to its line, for TOML embedded in another file; src, the TOML
// parsed, gives the column in characters (BurntSushi counts bytes).
func tomlError(name string, lineOffset int, src []byte, err error) *diag.Error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		msg := pe.Message
		if msg == "" {
			msg = pe.Error()
		}
		msg = strings.TrimSuffix(msg, ".")
		if len(msg) > 1 && msg[0] >= 'A' && msg[0] <= 'Z' && msg[1] >= 'a' && msg[1] <= 'z' {
			msg = strings.ToLower(msg[:1]) + msg[1:]
		}
		line, col := pe.Position.Line, pe.Position.Col
		// BurntSushi's offset for a control character is one byte early
		// (-1 at the very start), so its own column can name the end of
		// the line before: the offset after it is tried too.
		for _, off := range []int{pe.Position.Start, pe.Position.Start + 1} {
			if l, c := diag.LineCol(src, off); off >= 0 && off <= len(src) && l == line {
				col = c
				break
			}
		}
		return diag.Errorf(diag.Pos{File: name, Line: line + lineOffset, Col: col}, "%s", msg)
	}
	return diag.Errorf(diag.Pos{File: name}, "%s", fmt.Sprint(err))
}

// TOMLError is tomlError for other packages that parse TOML fragments:
// err is BurntSushi's error for src, whose first line is line
// lineOffset+1 of the file name.
func TOMLError(name string, lineOffset int, src []byte, err error) *diag.Error {
	return tomlError(name, lineOffset, src, err)
}

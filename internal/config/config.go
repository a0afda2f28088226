// Package config reads a site's config.toml.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
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
}

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
	// Unsafe lets raw HTML in Markdown through. Off by default: raw HTML
	// is omitted.
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

// Parse parses a config file's bytes; name is used in positions.
func Parse(name string, src []byte) (*Config, error) {
	var c Config
	md, err := toml.Decode(string(src), &c)
	if err != nil {
		return nil, diag.List{tomlError(name, 0, err)}
	}
	var errs diag.List
	for _, k := range md.Undecoded() {
		if len(k) > 0 && (k[0] == "params") {
			continue
		}
		line, col := KeyPos(src, k...)
		errs.Add(diag.Pos{File: name, Line: line, Col: col}, "unknown config key %q", k.String())
	}
	at := func(key ...string) diag.Pos {
		line, col := KeyPos(src, key...)
		return diag.Pos{File: name, Line: line, Col: col}
	}
	if c.Title == "" {
		errs.Add(at(), "title is required")
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
	for i, a := range c.Audit.AllowOrigins {
		if u, err := url.Parse(a.Origin); err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") {
			errs.Add(at("audit", "allow_origins"), "allow_origins[%d]: %q is not an origin like https://example.com", i, a.Origin)
		}
		if strings.TrimSpace(a.Reason) == "" {
			errs.Add(at("audit", "allow_origins"), "allow_origins[%d] (%s) needs a reason: exceptions to the privacy audit must say why", i, a.Origin)
		}
	}
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
		return nil, errs
	}
	return &c, nil
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

// tomlError turns a BurntSushi parse error into a diag.Error. lineOffset is
// added to its line, for TOML embedded in another file.
func tomlError(name string, lineOffset int, err error) *diag.Error {
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
		return diag.Errorf(diag.Pos{File: name, Line: pe.Position.Line + lineOffset, Col: pe.Position.Col}, "%s", msg)
	}
	return diag.Errorf(diag.Pos{File: name}, "%s", fmt.Sprint(err))
}

// TOMLError is tomlError for other packages that parse TOML fragments.
func TOMLError(name string, lineOffset int, err error) *diag.Error {
	return tomlError(name, lineOffset, err)
}

// KeyPos finds where the dotted key is defined in TOML source: the line and
// column of "key =" under the matching [table] header, or of the header
// itself for a table. It returns 0, 0 when it cannot tell (BurntSushi/toml
// does not expose positions of keys).
func KeyPos(src []byte, key ...string) (line, col int) {
	if len(key) == 0 {
		return 0, 0
	}
	var table []string
	for i, raw := range strings.Split(string(src), "\n") {
		trimmed := strings.TrimSpace(raw)
		indent := len(raw) - len(strings.TrimLeft(raw, " \t")) + 1
		if strings.HasPrefix(trimmed, "[") {
			h := strings.Trim(trimmed, "[] \t")
			if j := strings.Index(h, "]"); j >= 0 {
				h = h[:j]
			}
			table = splitKey(h)
			if equalKeys(table, key) {
				return i + 1, indent
			}
			continue
		}
		eq := strings.Index(trimmed, "=")
		if eq <= 0 || strings.HasPrefix(trimmed, "#") {
			continue
		}
		full := append(append([]string{}, table...), splitKey(trimmed[:eq])...)
		if equalKeys(full, key) || (len(full) < len(key) && equalKeys(full, key[:len(full)])) {
			return i + 1, indent
		}
	}
	return 0, 0
}

func splitKey(s string) []string {
	parts := strings.Split(s, ".")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), `"'`)
	}
	return parts
}

func equalKeys(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

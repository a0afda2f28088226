package publish

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strings"

	"github.com/certiron/certiron-site/internal/csp"
)

// Entry is one file of the deploy manifest.
type Entry struct {
	Path         string `json:"path"`
	Size         int    `json:"size"`
	SHA256       string `json:"sha256"`
	ContentType  string `json:"content_type"`
	CacheControl string `json:"cache_control"`
}

// InlineEntry is one inline script or style the pages run, by hash.
type InlineEntry struct {
	Kind   string `json:"kind"`   // "script" or "style"
	SHA256 string `json:"sha256"` // hex, like the files'
	CSP    string `json:"csp"`    // the policy's source expression
}

type manifest struct {
	Files  []Entry       `json:"files"`
	Inline []InlineEntry `json:"inline"`
}

// Manifest lists every output file, sorted by path, with its size,
// SHA-256 (hex), content type and cache policy, and the theme's inline
// scripts and styles (csp source expressions, as Site.Scripts and
// Styles), so that an uploader to an object store can set each object's
// headers and the notice script's hash is recorded with the deploy. The
// same input always gives the same bytes.
func Manifest(files []File, scripts, styles []string) []byte {
	m := manifest{Files: make([]Entry, 0, len(files)), Inline: []InlineEntry{}}
	for _, f := range files {
		sum := f.sha256()
		m.Files = append(m.Files, Entry{f.Path, f.size(), hex.EncodeToString(sum[:]), ContentType(f.Path, f.Data), CacheControl(f)})
	}
	sort.Slice(m.Files, func(i, j int) bool { return m.Files[i].Path < m.Files[j].Path })
	add := func(kind string, hashes []string) {
		for _, h := range hashes {
			e := InlineEntry{Kind: kind, CSP: h}
			if b64, ok := strings.CutPrefix(strings.Trim(h, "'"), "sha256-"); ok {
				if raw, err := base64.StdEncoding.DecodeString(b64); err == nil {
					e.SHA256 = hex.EncodeToString(raw)
				}
			}
			m.Inline = append(m.Inline, e)
		}
	}
	add("script", csp.Sorted(scripts))
	add("style", csp.Sorted(styles))
	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		panic(err) // strings and ints only
	}
	return append(out, '\n')
}

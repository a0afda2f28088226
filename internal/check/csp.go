package check

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"

	"github.com/certiron/certiron-site/internal/output"
)

// policy is a parsed Content-Security-Policy.
type policy struct {
	dirs map[string][]string
}

func parsePolicy(s string) *policy {
	p := &policy{dirs: map[string][]string{}}
	for _, d := range strings.Split(s, ";") {
		f := strings.Fields(d)
		if len(f) == 0 {
			continue
		}
		p.dirs[strings.ToLower(f[0])] = f[1:]
	}
	return p
}

// sources returns a directive's sources, falling back to default-src.
func (p *policy) sources(dir string) []string {
	if s, ok := p.dirs[dir]; ok {
		return s
	}
	return p.dirs["default-src"]
}

func (p *policy) allows(dir, source string) bool {
	for _, s := range p.sources(dir) {
		if s == source || strings.EqualFold(s, "'unsafe-inline'") {
			return true
		}
	}
	return false
}

func (p *policy) has(source string) bool {
	for _, srcs := range p.dirs {
		for _, s := range srcs {
			if strings.EqualFold(s, source) {
				return true
			}
		}
	}
	return false
}

// headersCSP reads the policy of the "/*" rule of a _headers file.
func headersCSP(set *output.Set) *policy {
	f := set.Get("_headers")
	if f == nil {
		return nil
	}
	inAll := false
	for _, line := range strings.Split(string(f.Data), "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if line[0] != ' ' && line[0] != '\t' {
			inAll = t == "/*"
			continue
		}
		if k, v, ok := strings.Cut(t, ":"); inAll && ok && strings.EqualFold(strings.TrimSpace(k), "content-security-policy") {
			return parsePolicy(v)
		}
	}
	return nil
}

// hashInline is the CSP source expression for an inline script or style.
func hashInline(body []byte) string {
	sum := sha256.Sum256(body)
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

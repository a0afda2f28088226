package check

import (
	"net/http"
	"strings"

	"github.com/certiron/certiron-site/internal/csp"
	"github.com/certiron/certiron-site/internal/output"
)

// headerRules reads the set's _headers file, as the host will.
func headerRules(set *output.Set) csp.Rules {
	f := set.Get("_headers")
	if f == nil {
		return nil
	}
	data, _ := f.Bytes()
	rules, _ := csp.ParseHeaders(data)
	return rules
}

// headerPolicies returns the policies the host sends with the page at
// file path name, or nil when it sends none.
func (a *auditor) headerPolicies(name string) []csp.Policy {
	if len(a.headers) == 0 {
		return nil
	}
	h := http.Header{}
	a.headers.Apply(h, urlPath(name))
	v := h.Get(csp.HeaderName)
	if v == "" {
		return nil
	}
	var ps []csp.Policy
	for _, part := range strings.Split(v, ",") {
		if strings.TrimSpace(part) != "" {
			ps = append(ps, a.policy(part))
		}
	}
	return ps
}

// urlPath is the URL a file is served at: "legal/index.html" at
// "/legal/".
func urlPath(name string) string {
	if name == "index.html" || strings.HasSuffix(name, "/index.html") {
		return "/" + strings.TrimSuffix(name, "index.html")
	}
	return "/" + name
}

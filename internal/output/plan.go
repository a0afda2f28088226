package output

import (
	"crypto/sha256"
	"fmt"
	"hash"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/certiron/certiron-site/internal/diag"
)

// Claim is the intent of one source to produce one output file.
type Claim struct {
	// Path is the output path ("legal/index.html").
	Path string
	// Origin is the source that produces it, with the line that decided
	// the path where there is one (a front matter's url key).
	Origin diag.Pos
	// What names the output for messages: "page /legal/", "static file".
	What string
}

// Plan is every file a build will produce, claimed before any is made.
// Check finds the clashes, and the Set it returns accepts exactly the
// paths that are claimed once and clash with nothing: the one way files
// reach the disk or the dev server.
type Plan struct {
	claims map[string][]Claim
	// slab holds the first claim of each path, so that a path claimed
	// once (almost all) takes no allocation of its own.
	slab []Claim
	// sum hashes every claim in the order made, for CheckAgainst.
	sum hash.Hash
	buf []byte
}

// NewPlan returns an empty plan.
func NewPlan() *Plan { return NewPlanSize(0) }

// NewPlanSize returns an empty plan with room for about n paths (the
// last build's count).
func NewPlanSize(n int) *Plan {
	return &Plan{claims: make(map[string][]Claim, n), slab: make([]Claim, 0, n), sum: sha256.New()}
}

// Claim records that origin will produce path. The same origin claiming
// a path twice is one claim.
func (p *Plan) Claim(path string, origin diag.Pos, what string) {
	for _, c := range p.claims[path] {
		if c.Origin.File == origin.File {
			return
		}
	}
	c := Claim{Path: path, Origin: origin, What: what}
	if cs := p.claims[path]; len(cs) > 0 {
		p.claims[path] = append(cs, c)
	} else {
		if len(p.slab) == cap(p.slab) {
			p.slab = make([]Claim, 0, max(256, cap(p.slab)))
		}
		p.slab = append(p.slab, c)
		n := len(p.slab)
		p.claims[path] = p.slab[n-1 : n : n] // a second claim is appended elsewhere
	}
	b := append(append(p.buf[:0], path...), 0)
	b = append(append(b, origin.File...), 0)
	b = strconv.AppendInt(append(strconv.AppendInt(b, int64(origin.Line), 10), ':'), int64(origin.Col), 10)
	p.buf = append(append(append(b, 0), what...), 0)
	p.sum.Write(p.buf)
}

// Checked is a clean plan's verdict, kept so that a plan made again
// claim for claim the same (the dev server's rebuild after an edit that
// moved no file) needs no check.
type Checked struct {
	key     [32]byte
	planned map[string]bool
	order   []string
}

// CheckAgainst is Check, taking prev's verdict when prev judged a plan
// with the very same claims, in the same order. It returns the verdict
// to pass next time (nil when the plan has clashes: those are checked
// every time).
func (p *Plan) CheckAgainst(prev *Checked) (*Set, diag.List, *Checked) {
	var key [32]byte
	p.sum.Sum(key[:0])
	if prev != nil && prev.key == key {
		return &Set{files: make(map[string]*File, len(prev.planned)), planned: prev.planned, plannedOrder: prev.order}, nil, prev
	}
	set, errs := p.Check()
	if len(errs) > 0 {
		return set, errs, nil
	}
	return set, nil, &Checked{key: key, planned: set.planned, order: set.plannedOrder}
}

// Len is the number of paths claimed.
func (p *Plan) Len() int { return len(p.claims) }

// Claimed reports whether anything claimed path.
func (p *Plan) Claimed(path string) bool { return len(p.claims[path]) > 0 }

// Check judges the plan. A clash is an error at every source involved,
// naming the others: two sources for one path, a path that is not clean,
// paths that differ only in letter case (one file on macOS and Windows),
// a file whose path another output needs as a folder. The Set accepts
// the paths free of clashes and nothing else.
func (p *Plan) Check() (*Set, diag.List) {
	var errs diag.List
	ok := make(map[string]bool, len(p.claims))
	paths := make([]string, 0, len(p.claims))
	for q := range p.claims {
		paths = append(paths, q)
	}
	sort.Strings(paths)
	bad := map[string]bool{}
	for _, q := range paths {
		cs := p.claims[q]
		if !ValidPath(q) {
			for _, c := range cs {
				errs.Add(c.Origin, "%s cannot be published at %q: not a clean path inside the site", c.What, q)
			}
			bad[q] = true
			continue
		}
		if len(cs) > 1 {
			for i, c := range cs {
				errs.Add(c.Origin, "%s (%s) is also written by %s; two sources cannot write one file", c.What, q, others(cs, i))
			}
			bad[q] = true
		}
	}
	// Paths equal but for case, files standing where folders must be:
	// compare every path and every folder in lower case.
	files := make(map[string]string, len(paths)) // lower-case path → path
	for _, q := range paths {
		if bad[q] {
			continue
		}
		low := strings.ToLower(q)
		if prev, dup := files[low]; dup {
			why := func(o Claim, op string) string {
				return fmt.Sprintf("differs only in letter case from %s (%s), which most computers store as one file", op, name(o))
			}
			p.clash(&errs, q, prev, bad, why, why)
			continue
		}
		files[low] = q
	}
	dirs := make(map[string]string, len(paths)) // lower-case folder → the path that needs it
	for _, q := range paths {
		if bad[q] {
			continue
		}
		for d := path.Dir(q); d != "."; d = path.Dir(d) {
			low := strings.ToLower(d)
			if f, isFile := files[low]; isFile && !bad[f] && !bad[q] {
				p.clash(&errs, q, f, bad, func(o Claim, op string) string {
					return fmt.Sprintf("needs a folder where %s writes the file %s", name(o), op)
				}, func(o Claim, op string) string {
					return fmt.Sprintf("is a file where %s needs a folder for %s", name(o), op)
				})
			}
			if prev, seen := dirs[low]; seen && prev != d && !bad[q] {
				why := func(o Claim, op string) string {
					return fmt.Sprintf("is in a folder whose name differs only in letter case from that of %s (%s), which most computers store as one folder", op, name(o))
				}
				p.clash(&errs, q, firstUnder(paths, prev), bad, why, why)
			}
			if _, seen := dirs[low]; !seen {
				dirs[low] = d
			}
		}
	}
	accepted := make([]string, 0, len(paths))
	for _, q := range paths {
		if !bad[q] {
			ok[q] = true
			accepted = append(accepted, q)
		}
	}
	return &Set{files: make(map[string]*File, len(ok)), planned: ok, plannedOrder: accepted}, errs
}

// clash reports at both sources that the outputs at a and b cannot both
// exist; whyA and whyB say it from a's and b's side, given the other
// claim and its path.
func (p *Plan) clash(errs *diag.List, a, b string, bad map[string]bool, whyA, whyB func(other Claim, otherPath string) string) {
	ca, cb := p.claims[a][0], p.claims[b][0]
	errs.Add(ca.Origin, "%s (%s) %s", ca.What, a, whyA(cb, b))
	errs.Add(cb.Origin, "%s (%s) %s", cb.What, b, whyB(ca, a))
	bad[a], bad[b] = true, true
}

// firstUnder returns the first path below folder d.
func firstUnder(paths []string, d string) string {
	for _, q := range paths {
		if strings.HasPrefix(q, d+"/") {
			return q
		}
	}
	return d
}

func others(cs []Claim, skip int) string {
	var names []string
	for i, c := range cs {
		if i != skip {
			names = append(names, name(c))
		}
	}
	return strings.Join(names, " and ")
}

// name is a claim's source as a message names it: "content/a.md:3:1".
func name(c Claim) string { return c.Origin.String() }

// Planned reports whether the set accepts path: it was claimed once and
// clashes with nothing. A generator asks before it makes the file.
func (s *Set) Planned(path string) bool {
	return s.planned == nil || s.planned[path]
}

// Put adds f to the set. A path the plan does not accept, or one already
// put, is an error: no output is written twice.
func (s *Set) Put(f *File) error {
	// A path the plan accepted is valid: the plan checked it.
	if s.planned == nil || !s.planned[f.Path] {
		if !ValidPath(f.Path) {
			return fmt.Errorf("output path %q escapes the output folder", f.Path)
		}
		if s.planned != nil {
			return fmt.Errorf("output %s was not planned, or clashes with another", f.Path)
		}
	}
	if _, dup := s.files[f.Path]; dup {
		return fmt.Errorf("output %s written twice", f.Path)
	}
	s.files[f.Path] = f
	s.mu.Lock()
	s.sorted = nil
	s.mu.Unlock()
	return nil
}

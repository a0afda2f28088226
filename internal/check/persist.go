package check

import (
	"sort"

	"github.com/certiron/certiron-site/internal/wire"
)

// An Auditor's facts can outlive the process: a Snapshot encodes what
// the last Run found in each file, with a SHA-256 of the file's bytes, and
// Load hands that to the Auditor of a later build, whose Run then reuses
// the facts of every file whose bytes hash the same under the same
// settings (origins allowed, _headers, ...) instead of scanning it. The
// cross-file checks run in full, on the current files, as always.
//
// Persist must be set before Run for Snapshot to have the hashes.

type snapshot struct {
	sig   string
	files map[string]savedFile
}

type savedFile struct {
	sum   [32]byte
	facts *facts
	// ans are the answers to facts.refs (nil when not kept).
	ans *answers
}

// Snapshot is the facts of the last Run, to be encoded (MarshalBinary)
// at leisure: a later Run does not change them.
type Snapshot struct {
	sig   string
	files map[string]*cachedFile
}

// Snapshot returns the facts of the last Run.
func (au *Auditor) Snapshot() *Snapshot { return &Snapshot{au.sig, au.files} }

// MarshalBinary encodes the snapshot, for Load.
func (sn *Snapshot) MarshalBinary() ([]byte, error) {
	paths := make([]string, 0, len(sn.files))
	for p, c := range sn.files {
		if c.summed {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	// Most strings (links in the header, ids, messages) repeat from page
	// to page: each is written once, then named by its index.
	var table wire.Table
	str := table.Ref
	var body, rest []byte
	body = wire.Uint(body, uint64(len(paths)))
	for _, p := range paths {
		c := sn.files[p]
		fa := c.facts
		if fa != nil {
			fa = fa.full()
		}
		body = str(body, p)
		body = append(body, c.sum[:]...)
		// A file of a kind the audit does not read has no facts.
		if body = wire.Bool(body, fa != nil); fa == nil {
			continue
		}
		body = wire.Uint(body, uint64(len(fa.findings)))
		for _, f := range fa.findings {
			body = wire.Int(str(str(body, f.rule), f.msg), f.off)
		}
		body = wire.Uint(body, uint64(len(fa.allowed)))
		for _, al := range fa.allowed {
			body = wire.Int(str(body, al.origin), al.off)
		}
		body = wire.Uint(body, uint64(len(fa.storage)))
		for _, s := range fa.storage {
			body = wire.Int(str(str(str(body, s.key), s.area), s.dynamic), s.off)
		}
		if body = wire.Bool(body, fa.hostCSP != nil); fa.hostCSP != nil {
			body = wire.Uint(body, uint64(len(fa.hostCSP.inline)))
			for _, in := range fa.hostCSP.inline {
				body = wire.Int(str(str(body, in.tag), in.hash), in.off)
			}
		}
		// The answers of the cross-file checks: the files they depended
		// on, and the references that failed.
		if body = wire.Bool(body, c.ans != nil); c.ans != nil {
			body = wire.Uint(body, uint64(len(c.ans.deps)))
			for _, dep := range c.ans.deps {
				body = str(body, dep)
			}
			body = wire.Uint(body, uint64(len(c.ans.fails)))
			for _, fd := range c.ans.fails {
				body = wire.Int(str(str(body, fd.rule), fd.msg), fd.off)
			}
		}
		// Last, the references and ids, behind their length: Load checks
		// them and leaves them as they are until they are needed.
		body = wire.Bool(body, fa.idList != nil)
		rest = rest[:0]
		rest = wire.Uint(rest, uint64(len(fa.refs)))
		for _, r := range fa.refs {
			rest = wire.Int(str(rest, r.url), r.off)
		}
		if fa.idList != nil {
			rest = wire.Uint(rest, uint64(len(fa.idList)))
			for _, id := range fa.idList {
				rest = str(rest, id)
			}
		}
		body = wire.Bytes(body, rest)
	}
	b := wire.String(nil, sn.sig)
	b = wire.Strings(b, table.List())
	return append(b, body...), nil
}

// Load takes a Snapshot for the next Run to reuse. A snapshot that does
// not decode is refused, and nothing is reused.
func (au *Auditor) Load(b []byte) error {
	d := wire.NewReader(b)
	s := &snapshot{sig: d.String()}
	table := d.Strings()
	str := func() string { return d.Ref(table) }
	n := d.Count(34)
	s.files = make(map[string]savedFile, n)
	// One array each for every file's facts, answers, unread rest and
	// storage uses (a page's is the banner's): a few allocations for a
	// site, not a few per file.
	all, ans, rests := make([]facts, n), make([]answers, n), make([]undecoded, n)
	storage := make([]storageUse, 0, n)
	for i := range n {
		p := str()
		sf := savedFile{facts: &all[i]}
		copy(sf.sum[:], d.Fixed(len(sf.sum)))
		if !d.Bool() {
			sf.facts = nil
			s.files[p] = sf
			continue
		}
		fa := sf.facts
		for range d.Count(3) {
			fa.findings = append(fa.findings, finding{rule: str(), msg: str(), off: d.Int()})
		}
		for range d.Count(2) {
			fa.allowed = append(fa.allowed, allowedRef{origin: str(), off: d.Int()})
		}
		if k := d.Count(4); k > 0 {
			at := len(storage)
			for range k {
				storage = append(storage, storageUse{key: str(), area: str(), dynamic: str(), off: d.Int()})
			}
			fa.storage = storage[at:len(storage):len(storage)]
		}
		if d.Bool() {
			fa.hostCSP = &hostCSP{}
			for range d.Count(3) {
				fa.hostCSP.inline = append(fa.hostCSP.inline, inlineHash{tag: str(), hash: str(), off: d.Int()})
			}
		}
		if d.Bool() {
			sf.ans = &ans[i]
			if n := d.Count(1); n > 0 {
				sf.ans.deps = make([]string, n)
				for j := range sf.ans.deps {
					sf.ans.deps[j] = str()
				}
			}
			for range d.Count(3) {
				sf.ans.fails = append(sf.ans.fails, finding{rule: str(), msg: str(), off: d.Int()})
			}
		}
		page := d.Bool()
		if b := d.Bytes(); d.Err() == nil {
			rd := wire.NewReader(b)
			if readRest(rd, table, page, false); rd.Done() != nil {
				d.Fail()
			}
			rests[i] = undecoded{b: b, table: table, page: page}
			fa.rest = &rests[i]
		}
		if d.Err() != nil {
			break
		}
		s.files[p] = sf
	}
	if err := d.Done(); err != nil {
		return err
	}
	au.loaded = s
	return nil
}

// readRest reads the references and ids MarshalBinary writes last in a
// file's record (ids for a page only). With keep false it only checks
// them, allocating nothing: Load checks every file's, and full decodes
// those a build needs.
func readRest(d *wire.Reader, table []string, page, keep bool) (refs []ref, ids []string) {
	n := d.Count(2)
	if keep && n > 0 {
		refs = make([]ref, n)
	}
	for i := range n {
		r := ref{url: d.Ref(table), off: d.Int()}
		if keep {
			refs[i] = r
		}
	}
	if !page {
		return refs, nil
	}
	n = d.Count(1)
	if keep {
		ids = make([]string, n)
	}
	for i := range n {
		if id := d.Ref(table); keep {
			ids[i] = id
		}
	}
	return refs, ids
}

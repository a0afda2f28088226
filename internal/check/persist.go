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
	var body []byte
	body = wire.Uint(body, uint64(len(paths)))
	for _, p := range paths {
		c := sn.files[p]
		fa := c.facts
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
		body = wire.Uint(body, uint64(len(fa.refs)))
		for _, r := range fa.refs {
			body = wire.Int(str(body, r.url), r.off)
		}
		ids := fa.idList
		body = wire.Bool(body, fa.idList != nil)
		body = wire.Uint(body, uint64(len(ids)))
		for _, id := range ids {
			body = str(body, id)
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
	for range n {
		p := str()
		sf := savedFile{facts: &facts{}}
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
		if n := d.Count(2); n > 0 {
			fa.refs = make([]ref, n)
			for i := range fa.refs {
				fa.refs[i] = ref{url: str(), off: d.Int()}
			}
		}
		hasIDs := d.Bool()
		n := d.Count(1)
		if hasIDs {
			fa.idList = make([]string, n)
		} else if n > 0 {
			d.Fail()
		}
		for j := range fa.idList {
			fa.idList[j] = str()
		}
		for range d.Count(4) {
			fa.storage = append(fa.storage, storageUse{key: str(), area: str(), dynamic: str(), off: d.Int()})
		}
		if d.Bool() {
			fa.hostCSP = &hostCSP{}
			for range d.Count(3) {
				fa.hostCSP.inline = append(fa.hostCSP.inline, inlineHash{tag: str(), hash: str(), off: d.Int()})
			}
		}
		if d.Bool() {
			sf.ans = &answers{}
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

// Package source reads a site's own files: it lists what content/,
// themes/ and static/ hold that belongs to the site, and reads it, never
// following a link out of the site folder, never opening a named pipe, a
// socket or a device (so no read ever blocks), and leaving out editors'
// and systems' leftovers. The list of leftovers lives here, and both the
// build and the watcher use it, so what is published and what triggers a
// rebuild never drift apart.
package source

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/certiron/certiron-site/internal/diag"
)

// Leftover reports whether a file or folder name is an editor's or a
// system's leftover, or hidden, and so never part of a site:
//
//   - hidden names (".x", ".DS_Store", ".git"), except ".well-known"
//   - backups: "x~", "x.bak", "x.orig", "x.rej"
//   - vim: the "4913" write probe (and 5036, 5159, …), ".x.swp" swap files
//     (.swo … .swa, .swx), "x.swp"
//   - emacs: ".#x" lock links, "#x#" autosaves
//   - Office: "~$x" owner files
//   - JetBrains safe write: "x___jb_tmp___", "x___jb_old___"
//   - temporaries and partial downloads: "x.tmp", "x.temp", "x.part",
//     "x.crdownload", "x.kate-swp", GNOME's ".goutputstream-*"
//   - system files: "Thumbs.db", "desktop.ini", "ehthumbs.db"
//
// Only the name is looked at, never the folder it is in.
func Leftover(name string) bool {
	switch {
	case name == "" || name == "." || name == "..":
		return true
	case strings.HasPrefix(name, "."):
		return name != ".well-known"
	case strings.HasPrefix(name, "~$"), strings.HasSuffix(name, "~"):
		return true
	case len(name) > 1 && strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#"):
		return true
	case strings.HasSuffix(name, "___jb_tmp___"), strings.HasSuffix(name, "___jb_old___"):
		return true
	case vimProbe(name):
		return true
	}
	switch strings.ToLower(name) {
	case "thumbs.db", "ehthumbs.db", "desktop.ini":
		return true
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".bak", ".orig", ".rej", ".swp", ".swx", ".tmp", ".temp", ".part", ".crdownload", ".kate-swp":
		return true
	}
	return false
}

// vimProbe reports whether name is one of the files vim creates to test
// that it may write in a folder: 4913, then 4913+123, 4913+246, ….
func vimProbe(name string) bool {
	n, err := strconv.Atoi(name)
	return err == nil && name[0] != '0' && n >= 4913 && n < 100000 && (n-4913)%123 == 0
}

// Match reports whether the slash path rel matches a glob pattern of
// config.toml's ignore list. Patterns use path.Match syntax, plus "**",
// which matches any number of folders; a pattern without a slash matches
// the last element of rel at any depth ("*.psd"), as in .gitignore.
func Match(pattern, rel string) bool {
	pattern = strings.TrimPrefix(pattern, "/")
	if !strings.Contains(pattern, "/") {
		ok, _ := path.Match(pattern, path.Base(rel))
		return ok
	}
	return matchSegs(strings.Split(pattern, "/"), strings.Split(rel, "/"))
}

func matchSegs(pat, segs []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(segs); i++ {
				if matchSegs(pat[1:], segs[i:]) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], segs[0]); !ok {
			return false
		}
		pat, segs = pat[1:], segs[1:]
	}
	// "drafts/" or "drafts/**" leave out everything below the folder.
	return len(segs) == 0
}

// Tree is a site folder whose files are read safely.
type Tree struct {
	// Root is the site folder, absolute, with symbolic links resolved.
	Root   string
	ignore []string
}

// Open returns the site folder root. ignore are config.toml's extra glob
// patterns, matched against paths relative to the folder walked.
func Open(root string, ignore []string) (*Tree, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	return &Tree{Root: abs, ignore: ignore}, nil
}

// WithIgnore returns the tree with config.toml's ignore patterns.
func (t *Tree) WithIgnore(globs []string) *Tree {
	c := *t
	c.ignore = globs
	return &c
}

// File is a regular file of the site.
type File struct {
	// Rel is the slash path below the folder walked ("css/site.css"),
	// Path the site-relative one ("themes/certiron/assets/css/site.css").
	Rel, Path string
	// Real is the file read: Path's own file, or the target of the
	// symbolic link at Path (always inside the site folder).
	Real string
}

// Skipped is a file left out, and why, for `build -v`.
type Skipped struct {
	Path   string
	Reason string
}

// Listing is what a walk found.
type Listing struct {
	Files   []File
	Skipped []Skipped
	// Warnings are files left out that the user may not expect to be:
	// special files, broken links, links to folders.
	Warnings diag.List
	// Errors are links that lead out of the site folder.
	Errors diag.List
}

// Walk lists the regular files under the site-relative folder dir
// (absent is fine) in path order. Leftovers and ignored names are
// skipped (folders with everything below them); a symbolic link is
// followed only to a file inside the site folder.
func (t *Tree) Walk(dir string) *Listing {
	l := &Listing{}
	abs := filepath.Join(t.Root, filepath.FromSlash(dir))
	real, err := t.inside(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return l
	case errors.Is(err, errOutside):
		l.Errors.Add(diag.Pos{File: dir}, "a symbolic link to %s, outside the site folder; links are never followed out of the site", real)
		return l
	case err != nil:
		l.Errors.Add(diag.Pos{File: dir}, "%v", err)
		return l
	}
	under := path.Clean(dir)
	err = filepath.WalkDir(real, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == real {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
			}
			l.Errors.Add(diag.Pos{File: t.rel(p, real, dir)}, "%v", unwrapPath(err))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if p == real {
			if !d.IsDir() {
				l.Errors.Add(diag.Pos{File: dir}, "not a folder")
			}
			return nil
		}
		rel, site := names(p, real, under)
		if reason := t.skip(rel, d.Name()); reason != "" {
			l.Skipped = append(l.Skipped, Skipped{site, reason})
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		mode := d.Type()
		switch {
		case mode.IsDir():
			return nil
		case mode.IsRegular():
			l.Files = append(l.Files, File{Rel: rel, Path: site, Real: p})
		case mode&fs.ModeSymlink != 0:
			t.link(l, rel, site, p)
		default:
			l.Warnings.Add(diag.Pos{File: site}, "skipped: %s, not a regular file", kind(mode))
			l.Skipped = append(l.Skipped, Skipped{site, kind(mode)})
		}
		return nil
	})
	if err != nil {
		l.Errors.Add(diag.Pos{File: dir}, "%v", err)
	}
	slices.SortFunc(l.Files, func(a, b File) int { return strings.Compare(a.Rel, b.Rel) })
	return l
}

// names returns the path p that a walk of the folder real found,
// relative to real (slash-separated), and site-relative, under the
// clean folder dir: path.Join's, without its work for each file.
func names(p, real, dir string) (rel, site string) {
	if len(p) > len(real)+1 && p[:len(real)] == real && os.IsPathSeparator(p[len(real)]) {
		rel = filepath.ToSlash(p[len(real)+1:]) // WalkDir's paths are real joined with names
	} else {
		r, _ := filepath.Rel(real, p)
		rel = filepath.ToSlash(r)
	}
	if dir == "" || dir == "." {
		return rel, rel
	}
	return rel, dir + "/" + rel
}

// link judges the symbolic link at p: a file inside the site is listed
// under the link's own name; anything else is left out.
func (t *Tree) link(l *Listing, rel, site, p string) {
	target, err := t.inside(p)
	switch {
	case errors.Is(err, errOutside):
		l.Errors.Add(diag.Pos{File: site}, "a symbolic link to %s, outside the site folder; links are never followed out of the site (copy the file in instead)", target)
		return
	case err != nil:
		l.Warnings.Add(diag.Pos{File: site}, "skipped: a broken symbolic link")
		l.Skipped = append(l.Skipped, Skipped{site, "broken symbolic link"})
		return
	}
	fi, err := os.Stat(target)
	switch {
	case err != nil:
		l.Warnings.Add(diag.Pos{File: site}, "skipped: %v", unwrapPath(err))
		l.Skipped = append(l.Skipped, Skipped{site, "unreadable symbolic link"})
	case fi.IsDir():
		l.Warnings.Add(diag.Pos{File: site}, "skipped: a symbolic link to a folder; links to folders are not followed")
		l.Skipped = append(l.Skipped, Skipped{site, "symbolic link to a folder"})
	case !fi.Mode().IsRegular():
		l.Warnings.Add(diag.Pos{File: site}, "skipped: a link to %s, not a regular file", kind(fi.Mode()))
		l.Skipped = append(l.Skipped, Skipped{site, kind(fi.Mode())})
	default:
		l.Files = append(l.Files, File{Rel: rel, Path: site, Real: target})
	}
}

// skip says why a name is left out, or "".
func (t *Tree) skip(rel, name string) string {
	if Leftover(name) {
		return "editor's or system's leftover"
	}
	for _, g := range t.ignore {
		if Match(g, rel) {
			return "ignored by config.toml (" + g + ")"
		}
	}
	return ""
}

// Ignored reports whether the site-relative path p, found below the
// site-relative folder dir, is left out of a walk of dir: a leftover
// (at any level) or a match of config.toml's ignore list. The watcher
// asks it, so that what it reports is what a build reads.
func (t *Tree) Ignored(dir, p string) bool {
	rel := p
	if dir != "" {
		rel = strings.TrimPrefix(p, dir+"/")
	}
	segs := strings.Split(rel, "/")
	for i, s := range segs {
		if t.skip(strings.Join(segs[:i+1], "/"), s) != "" {
			return true
		}
	}
	return false
}

func (t *Tree) rel(p, real, dir string) string {
	rel, err := filepath.Rel(real, p)
	if err != nil {
		return dir
	}
	return path.Join(dir, filepath.ToSlash(rel))
}

var errOutside = errors.New("outside the site folder")

// inside resolves every link in abs and returns the real path, or
// errOutside with the target when it lies outside the site folder.
func (t *Tree) inside(abs string) (string, error) {
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", err
	}
	if !Within(real, t.Root) {
		return real, errOutside
	}
	return real, nil
}

// Within reports whether the clean absolute path p is dir or lies below it.
func Within(p, dir string) bool {
	if p == dir {
		return true
	}
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// ReadFile reads the site-relative file p. A link out of the site folder
// and anything but a regular file are errors; the file is opened without
// blocking, so a named pipe put in its place cannot hang the build.
func (t *Tree) ReadFile(p string) ([]byte, error) {
	real, err := t.inside(filepath.Join(t.Root, filepath.FromSlash(p)))
	if errors.Is(err, errOutside) {
		return nil, fmt.Errorf("%s is a symbolic link to %s, outside the site folder; links are never followed out of the site", p, real)
	}
	if err != nil {
		return nil, unwrapPath(err)
	}
	return readRegular(real, 0)
}

// Read reads a file a walk listed. A file that was no link when listed
// is opened without following links, so one put in its place since is
// not followed either.
func (t *Tree) Read(f File) ([]byte, error) {
	flags := 0
	if f.Real == filepath.Join(t.Root, filepath.FromSlash(f.Path)) {
		flags = noFollow
	}
	return readRegular(f.Real, flags)
}

func readRegular(name string, flags int) ([]byte, error) {
	if data, ok := readFast(name, flags); ok {
		return data, nil
	}
	f, err := os.OpenFile(name, os.O_RDONLY|nonBlock|flags, 0)
	if err != nil {
		return nil, unwrapPath(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is %s, not a regular file", filepath.Base(name), kind(fi.Mode()))
	}
	data := make([]byte, 0, fi.Size()+1)
	for {
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return nil, err
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
	}
}

// unwrapPath drops the operation and path of a *fs.PathError, which
// messages name themselves.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	}
	return "not a regular file"
}

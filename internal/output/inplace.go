package output

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// The temporary folder of a build into an existing dest holds the staged
// files (new/), the files of dest they replace or that are removed
// (old/), and, while Commit applies the changes, the journal.
const (
	stagedDir   = "new"
	keptDir     = "old"
	journalName = "journal.json"
)

// journal is every step Commit takes to turn dest into the new output,
// in order, written before the first: enough to undo whichever steps
// were taken, by this build when one fails or by the next one when this
// one was killed. Paths are slash paths relative to dest; Kept and
// Staged are names in the temporary folder.
type journal struct {
	Dest string
	// Remove moves the files dest holds that the site does not produce
	// out of it.
	Remove []move
	// Rmdir removes the folders that then hold nothing the site needs,
	// deepest first.
	Rmdir []folder
	// Mkdir makes the folders new files need, parents first.
	Mkdir []string
	// Put moves each staged file to its path; Kept, when set, is where
	// the file it replaces is kept (a second link to it, so it keeps its
	// inode and modification time if the change is undone).
	Put []move
}

type move struct{ Path, Staged, Kept string }

type folder struct {
	Path string
	Mode fs.FileMode
}

// newJournal plans the changes to dest: removed are the files of dest
// the site does not produce and dirs its folders (outside the hidden
// entries left alone), staged the new and changed files.
func newJournal(dest string, s *Set, removed, dirs []string, staged map[string]string) *journal {
	j := &journal{Dest: dest}
	for i, p := range removed {
		j.Remove = append(j.Remove, move{Path: p, Kept: path.Join(keptDir, "r"+strconv.Itoa(i))})
	}
	needed := map[string]bool{}
	for p := range s.files {
		for d := path.Dir(p); d != "." && !needed[d]; d = path.Dir(d) {
			needed[d] = true
		}
	}
	existing := map[string]bool{}
	for _, d := range dirs {
		existing[d] = true
		if !needed[d] {
			mode := fs.FileMode(0o755)
			if fi, err := os.Lstat(filepath.Join(dest, filepath.FromSlash(d))); err == nil {
				mode = fi.Mode().Perm()
			}
			j.Rmdir = append(j.Rmdir, folder{d, mode})
		}
	}
	sort.Slice(j.Rmdir, func(a, b int) bool {
		da, db := strings.Count(j.Rmdir[a].Path, "/"), strings.Count(j.Rmdir[b].Path, "/")
		if da != db {
			return da > db
		}
		return j.Rmdir[a].Path < j.Rmdir[b].Path
	})
	paths := make([]string, 0, len(staged))
	for p := range staged {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	made := map[string]bool{}
	for i, p := range paths {
		m := move{Path: p, Staged: staged[p]}
		if fi, err := os.Lstat(filepath.Join(dest, filepath.FromSlash(p))); err == nil && !fi.IsDir() {
			m.Kept = path.Join(keptDir, "p"+strconv.Itoa(i))
		}
		j.Put = append(j.Put, m)
		for d := path.Dir(p); d != "." && !existing[d] && !made[d]; d = path.Dir(d) {
			made[d] = true
			j.Mkdir = append(j.Mkdir, d)
		}
	}
	sort.Strings(j.Mkdir) // a parent sorts before the folders inside it
	return j
}

// apply takes the journal's steps, with tmp the build's temporary
// folder. If one fails, every step taken is undone and dest is as it
// was. The journal is removed once the last step is taken: from then on
// the change stands.
func (j *journal) apply(tmp string) error {
	if err := j.write(tmp); err != nil {
		return err
	}
	if err := j.run(tmp); err != nil {
		if err2 := j.undo(tmp); err2 != nil {
			return errors.Join(err, err2)
		}
		os.Remove(filepath.Join(tmp, journalName))
		return err
	}
	return os.Remove(filepath.Join(tmp, journalName))
}

// write puts the journal in tmp, before any step is taken.
func (j *journal) write(tmp string) error {
	data, err := json.Marshal(j)
	if err != nil {
		return err
	}
	if err := os.Mkdir(filepath.Join(tmp, keptDir), 0o755); err != nil {
		return err
	}
	return create(filepath.Join(tmp, journalName), data)
}

// run takes the steps; it stops at the first that fails.
func (j *journal) run(tmp string) error {
	for _, step := range j.steps(tmp) {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// steps are the journal's steps as functions, in order.
func (j *journal) steps(tmp string) []func() error {
	dest := func(p string) string { return filepath.Join(j.Dest, filepath.FromSlash(p)) }
	temp := func(n string) string { return filepath.Join(tmp, filepath.FromSlash(n)) }
	var steps []func() error
	for _, m := range j.Remove {
		steps = append(steps, func() error { return os.Rename(dest(m.Path), temp(m.Kept)) })
	}
	for _, d := range j.Rmdir {
		steps = append(steps, func() error { return os.Remove(dest(d.Path)) })
	}
	for _, d := range j.Mkdir {
		steps = append(steps, func() error { return os.Mkdir(dest(d), 0o755) })
	}
	for _, m := range j.Put {
		if m.Kept != "" {
			steps = append(steps, func() error { return os.Link(dest(m.Path), temp(m.Kept)) })
		}
		steps = append(steps, func() error { return os.Rename(temp(m.Staged), dest(m.Path)) })
	}
	return steps
}

// undo reverses the steps taken, judging from what is where: it can run
// after any step, and again.
func (j *journal) undo(tmp string) error {
	dest := func(p string) string { return filepath.Join(j.Dest, filepath.FromSlash(p)) }
	temp := func(n string) string { return filepath.Join(tmp, filepath.FromSlash(n)) }
	exists := func(name string) bool { _, err := os.Lstat(name); return err == nil }
	var errs []error
	for i := len(j.Put) - 1; i >= 0; i-- {
		m := j.Put[i]
		switch {
		case exists(temp(m.Staged)):
			// not moved: dest still holds what it held
		case m.Kept != "" && exists(temp(m.Kept)):
			errs = append(errs, os.Rename(temp(m.Kept), dest(m.Path)))
		case m.Kept == "":
			if err := os.Remove(dest(m.Path)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	for i := len(j.Mkdir) - 1; i >= 0; i-- {
		// A folder it made, empty again; not the file it was to replace.
		if fi, err := os.Lstat(dest(j.Mkdir[i])); err == nil && fi.IsDir() {
			os.Remove(dest(j.Mkdir[i]))
		}
	}
	for i := len(j.Rmdir) - 1; i >= 0; i-- {
		d := j.Rmdir[i]
		if !exists(dest(d.Path)) {
			errs = append(errs, os.Mkdir(dest(d.Path), d.Mode), os.Chmod(dest(d.Path), d.Mode))
		}
	}
	for i := len(j.Remove) - 1; i >= 0; i-- {
		if m := j.Remove[i]; exists(temp(m.Kept)) {
			errs = append(errs, os.Rename(temp(m.Kept), dest(m.Path)))
		}
	}
	return errors.Join(errs...)
}

// undoStale undoes the changes a killed build left half made to dest,
// if its temporary folder dir holds a journal for dest.
func undoStale(dest, dir string) error {
	data, err := os.ReadFile(filepath.Join(dir, journalName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var j journal
	if json.Unmarshal(data, &j) != nil {
		return nil // killed while writing it: no step was taken
	}
	if filepath.Clean(j.Dest) != filepath.Clean(dest) {
		return nil
	}
	return j.undo(dir)
}

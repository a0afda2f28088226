package main

import (
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/certiron/certiron-site/internal/output"
	"github.com/certiron/certiron-site/internal/site"
	"github.com/certiron/certiron-site/internal/store"
)

// openCache opens the persistent build cache that -cache names: a
// folder, "off", or "" for the default under the user's cache folder. A
// cache that cannot be used is a warning, and the build goes on without
// it; one inside the sources or the output is refused.
func openCache(dir, source, dest string, stderr io.Writer) (*store.Store, error) {
	if dir == "off" {
		return nil, nil
	}
	if dir == "" {
		d, err := store.DefaultDir()
		if err != nil {
			fmt.Fprintf(stderr, "warning: no build cache: %v (use -cache DIR)\n", err)
			return nil, nil
		}
		dir = d
	}
	c, err := output.Resolve(dir)
	if err != nil {
		return nil, err
	}
	for _, in := range append(site.Inputs(source), dest) {
		i, err := output.Resolve(in)
		if err == nil && (c == i || strings.HasPrefix(c, i+string(filepath.Separator)) || strings.HasPrefix(i, c+string(filepath.Separator))) {
			return nil, fmt.Errorf("refusing the build cache %s: it overlaps %s; keep it outside the site and its output (or -cache off)", dir, in)
		}
	}
	s, err := store.Open(store.Options{Dir: dir, Version: toolVersion()})
	if err != nil {
		fmt.Fprintf(stderr, "warning: building without the build cache: %v\n", err)
		return nil, nil
	}
	return s, nil
}

// toolVersion names this build of the tool for the cache, so that a
// changed tool never reads another's entries: the Go build ID the linker
// wrote into the executable (its last part is a hash of the binary's
// content), read from the ELF note without reading the whole file; else
// the SHA-256 of the executable; else its module version.
func toolVersion() string {
	if exe, err := os.Executable(); err == nil {
		if id := goBuildID(exe); id != "" {
			return "go-build-id " + id
		}
		if f, err := os.Open(exe); err == nil {
			defer f.Close()
			h := sha256.New()
			if _, err := io.Copy(h, f); err == nil {
				return hex.EncodeToString(h.Sum(nil))
			}
		}
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		return bi.Main.Path + "@" + bi.Main.Version + " " + bi.GoVersion
	}
	return "unknown"
}

// outputKey names the Manifest of what the last build wrote into dest.
func outputKey(dest string) [32]byte { return sha256.Sum256([]byte("output\x00" + dest)) }

// lastOutput is the Manifest the last build left for dest, as the cache
// keeps it: an empty one when there is none, nil without a cache (no
// manifest is kept then).
func lastOutput(c *store.Store, dest string) *output.Manifest {
	if c == nil {
		return nil
	}
	m := output.NewManifest()
	if !c.Get("output", outputKey(dest), m) {
		return output.NewManifest()
	}
	return m
}

// rememberOutput keeps the Manifest of what a build wrote into dest, for
// the next build, when it is worth keeping in place of prev, the one the
// build started from (see Manifest.WorthKeeping).
func rememberOutput(c *store.Store, dest string, m, prev *output.Manifest) {
	if c != nil && m != nil && m.WorthKeeping(prev) {
		c.Put("output", outputKey(dest), m)
	}
}

// splitRemoved parts the files a build removed from dest into those the
// previous build produced (stale) and the others (foreign). known is
// false when there is no record of the previous build (no cache, or
// none for dest): then every file is in foreign, and no one can say
// which kind it is.
func splitRemoved(removed []string, prev *output.Manifest) (stale, foreign []string, known bool) {
	var made map[string]output.Stamp
	if prev != nil {
		made = prev.Files
	}
	known = len(made) > 0
	for _, p := range removed {
		if _, ok := made[p]; ok {
			stale = append(stale, p)
		} else {
			foreign = append(foreign, p)
		}
	}
	return stale, foreign, known
}

// goBuildID reads the Go build ID note of an ELF executable, or "".
func goBuildID(exe string) string {
	f, err := elf.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	sec := f.Section(".note.go.buildid")
	if sec == nil {
		return ""
	}
	note, err := sec.Data()
	// namesz, descsz, type (4 bytes each), then "Go\x00\x00" and the ID.
	if err != nil || len(note) < 16 || string(note[12:16]) != "Go\x00\x00" {
		return ""
	}
	n := f.ByteOrder.Uint32(note[4:8])
	if uint64(len(note)) < 16+uint64(n) || n == 0 {
		return ""
	}
	return string(note[16 : 16+n])
}

package main

import (
	"crypto/sha256"
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

// toolVersion names this build of the tool for the cache: the SHA-256 of
// the running executable (a changed tool never reads another's entries),
// else its module version.
func toolVersion() string {
	if exe, err := os.Executable(); err == nil {
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

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
)

// TestProfiles: build -cpuprofile and -memprofile write pprof files,
// also when the build fails, and -v prints the collector's share.
func TestProfiles(t *testing.T) {
	root := newSite(t)
	dir := t.TempDir()
	for _, tt := range []struct {
		name   string
		source string
		code   int
	}{
		{"good", root, 0},
		{"failing", filepath.Join(dir, "no-site"), 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cpu, mem := filepath.Join(dir, tt.name+".cpu"), filepath.Join(dir, tt.name+".mem")
			code, _, stderr := runCmd("build", "-source", tt.source, "-dest", filepath.Join(dir, tt.name+"-public"), "-v", "-cpuprofile", cpu, "-memprofile", mem)
			if code != tt.code {
				t.Fatalf("build = %d, want %d:\n%s", code, tt.code, stderr)
			}
			for _, p := range []string{cpu, mem} {
				data, err := os.ReadFile(p)
				if err != nil || !bytes.HasPrefix(data, []byte{0x1f, 0x8b}) { // pprof files are gzipped
					t.Errorf("%s: not a profile (%v, %d bytes)", filepath.Base(p), err, len(data))
				}
			}
			if tt.code == 0 && !regexp.MustCompile(`runtime +GC \d+\.\d% of CPU \(\d+\.\d{3} s .*peak heap \d+ MiB`).MatchString(stderr) {
				t.Errorf("build -v printed no GC line:\n%s", stderr)
			}
		})
	}
	if code, _, stderr := runCmd("build", "-source", root, "-dest", filepath.Join(dir, "p"), "-cpuprofile", filepath.Join(dir, "missing", "cpu")); code != 1 || !strings.Contains(stderr, "-cpuprofile:") {
		t.Errorf("a -cpuprofile that cannot be created: exit %d, %q", code, stderr)
	}
}

// TestMemoryPolicy: the build's own GOGC and limit, unless the
// environment sets them.
func TestMemoryPolicy(t *testing.T) {
	gc := debug.SetGCPercent(100)
	limit := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetGCPercent(gc); debug.SetMemoryLimit(limit) })

	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	debug.SetGCPercent(37) // not buildGOGC, so the check below sees limitMemory's setting
	limitMemory()
	if got := debug.SetGCPercent(100); got != buildGOGC {
		t.Errorf("GOGC = %d, want %d", got, buildGOGC)
	}
	if total := machineMemory(); total > 0 {
		got := debug.SetMemoryLimit(-1)
		if got < minMemoryLimit && got != total || got > total {
			t.Errorf("memory limit = %d with %d bytes of memory", got, total)
		}
	}

	t.Setenv("GOGC", "150")
	t.Setenv("GOMEMLIMIT", "2GiB")
	debug.SetGCPercent(150)
	debug.SetMemoryLimit(2 << 30)
	limitMemory()
	if got := debug.SetGCPercent(150); got != 150 {
		t.Errorf("with GOGC=150 in the environment, GOGC = %d", got)
	}
	if got := debug.SetMemoryLimit(-1); got != 2<<30 {
		t.Errorf("with GOMEMLIMIT=2GiB in the environment, the limit = %d", got)
	}
	if !strings.Contains(memoryPolicy, "GOGC=150 (from the environment)") || !strings.Contains(memoryPolicy, "GOMEMLIMIT=2GiB (from the environment)") {
		t.Errorf("memoryPolicy = %q", memoryPolicy)
	}
}

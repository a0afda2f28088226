package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"
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
	debug.SetGCPercent(37) // not what limitMemory sets, so the check below sees its setting
	limitMemory()
	t.Cleanup(stopTuner)
	floor := floorUnder(debug.SetMemoryLimit(-1))
	if got := debug.SetGCPercent(100); got <= buildGOGC {
		t.Errorf("GOGC = %d: the heap floor (%d MiB) puts it above %d for a test's small heap", got, floor>>20, buildGOGC)
	}
	if !strings.Contains(memoryPolicy, fmt.Sprintf("GOGC=%d above a %d MiB heap floor", buildGOGC, floor>>20)) {
		t.Errorf("memoryPolicy = %q", memoryPolicy)
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

// TestGOGCFor: the heap goal GOGC gives is the floor while the live
// heap is small, GOGC's own above it.
func TestGOGCFor(t *testing.T) {
	const mib = 1 << 20
	for _, tt := range []struct {
		live, floor uint64
		gogc, want  int
	}{
		{0, 256 * mib, 150, 6400},        // before a first cycle: the goal at the floor (4 MiB × 64)
		{16 * mib, 256 * mib, 150, 1500}, // 16 MiB live: 16 × (1 + 15) = 256
		{64 * mib, 256 * mib, 150, 300},  // 64 × 4 = 256
		{100 * mib, 256 * mib, 150, 156}, // 100 × 2.56
		{103 * mib, 256 * mib, 150, 150}, // 103 × 2.5 > 256: GOGC's own
		{1024 * mib, 256 * mib, 150, 150},
		{1, 256 * mib, 150, 6400}, // a live heap of nothing: never above the first goal's GOGC
		{0, 0, 150, 150},          // no floor
		{8 * mib, 1 * mib, 150, 150},
	} {
		if got := gogcFor(tt.live, tt.floor, tt.gogc); got != tt.want {
			t.Errorf("gogcFor(%d MiB, %d MiB, %d) = %d, want %d", tt.live/mib, tt.floor/mib, tt.gogc, got, tt.want)
		}
	}
	for _, tt := range []struct {
		limit int64
		want  uint64
	}{
		{math.MaxInt64, heapFloor}, // no limit
		{12 << 30, heapFloor},
		{1 << 30, heapFloor}, // a quarter of it is above the floor
		{512 * mib, 128 * mib},
		{0, 0},
	} {
		if got := floorUnder(tt.limit); got != tt.want {
			t.Errorf("floorUnder(%d) = %d, want %d", tt.limit, got, tt.want)
		}
	}
}

// TestGCTuner: after a collection the tuner sets the GOGC that puts the
// next goal at the floor over what the collection left live.
func TestGCTuner(t *testing.T) {
	old := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(old) })
	adjusted := make(chan int, 1)
	tu := &gcTuner{floor: 1 << 30, gogc: buildGOGC, adjusted: adjusted}
	t.Cleanup(func() { tu.stopped.Store(true) })
	tu.start()
	if got := debug.SetGCPercent(-1); got != gogcFor(0, 1<<30, buildGOGC) {
		t.Errorf("before a collection, GOGC = %d, want %d", got, gogcFor(0, 1<<30, buildGOGC))
	}
	debug.SetGCPercent(gogcFor(0, 1<<30, buildGOGC))
	runtime.GC()
	select {
	case g := <-adjusted:
		// A test binary's live heap is far below 1 GiB / 2.5.
		if g <= buildGOGC {
			t.Errorf("after a collection, GOGC = %d, want it above %d", g, buildGOGC)
		}
		if got := debug.SetGCPercent(g); got != g {
			t.Errorf("GOGC is %d, the tuner said %d", got, g)
		}
	case <-time.After(time.Minute):
		t.Fatal("the tuner never ran after a collection")
	}
}

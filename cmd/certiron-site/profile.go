package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// profiler writes build's -cpuprofile and -memprofile, and with -v
// watches the heap for its peak.
type profiler struct {
	cpu     *os.File
	memPath string

	// The heap sampler, with -v.
	done     chan struct{}
	wg       sync.WaitGroup
	peakHeap atomic.Uint64 // the sampler writes it while a -v line may read it
}

// heapSampleEvery is how often -v samples the heap for its peak: a read
// of one runtime metric, which does not stop the world.
const heapSampleEvery = 5 * time.Millisecond

// startProfiles starts the CPU profile when cpuPath is set and, when
// verbose, the heap sampler. Its stop writes what was asked for.
func startProfiles(cpuPath, memPath string, verbose bool) (*profiler, error) {
	p := &profiler{memPath: memPath}
	if cpuPath != "" {
		f, err := os.Create(cpuPath)
		if err != nil {
			return nil, fmt.Errorf("-cpuprofile: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("-cpuprofile: %w", err)
		}
		p.cpu = f
	}
	if memPath != "" {
		// Fail now rather than after the whole build.
		f, err := os.Create(memPath)
		if err != nil {
			p.stopCPU()
			return nil, fmt.Errorf("-memprofile: %w", err)
		}
		f.Close()
	}
	if verbose {
		p.done = make(chan struct{})
		p.wg.Add(1)
		go p.sample()
	}
	return p, nil
}

func (p *profiler) sample() {
	defer p.wg.Done()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	t := time.NewTicker(heapSampleEvery)
	defer t.Stop()
	for {
		metrics.Read(s)
		if s[0].Value.Kind() == metrics.KindUint64 {
			if v := s[0].Value.Uint64(); v > p.peakHeap.Load() {
				p.peakHeap.Store(v) // only this goroutine stores
			}
		}
		select {
		case <-p.done:
			return
		case <-t.C:
		}
	}
}

func (p *profiler) stopCPU() error {
	if p.cpu == nil {
		return nil
	}
	pprof.StopCPUProfile()
	err := p.cpu.Close()
	p.cpu = nil
	return err
}

// stop ends the sampler and writes the profiles, also when the build
// failed; a profile it cannot write is reported on stderr.
func (p *profiler) stop(stderr io.Writer) {
	if p.done != nil {
		close(p.done)
		p.wg.Wait()
		p.done = nil
	}
	if err := p.stopCPU(); err != nil {
		fmt.Fprintf(stderr, "certiron-site: -cpuprofile: %v\n", err)
	}
	if p.memPath != "" {
		if err := writeMemProfile(p.memPath); err != nil {
			fmt.Fprintf(stderr, "certiron-site: -memprofile: %v\n", err)
		}
		p.memPath = ""
	}
}

// writeMemProfile writes the allocation profile (the bytes and objects
// allocated since the start, and those in use), as go test -memprofile
// does; "go tool pprof -sample_index=inuse_space" shows what was live.
func writeMemProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC() // the in-use figures as of the end of the build
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// gcStats are the collector's figures for the process so far. The
// runtime's CPU figures (runtime/metrics) are its estimates as of the end
// of the last collection; they count a goroutine's time on a processor
// even while the OS runs another program, so on a busy machine they
// understate the collector's share. The OS's count of the CPU the
// process used is the fairer divisor where the system gives it.
type gcStats struct {
	GCCPU      float64 // seconds the collector worked (/cpu/classes/gc/total)
	RuntimeCPU float64 // seconds the process's goroutines and runtime used (/cpu/classes/total minus idle)
	OSCPU      float64 // user and system seconds the OS counted (0 when unknown)
	Cycles     uint64
	Allocated  uint64 // bytes allocated on the heap since the start
	LiveHeap   uint64 // bytes live at the end of the last cycle
	PeakHeap   uint64 // bytes, from the sampler (0 without it)
	PeakRSS    uint64 // bytes (0 when unknown)
}

// Share is the collector's share of the CPU the process used: of the
// OS's count where known, else of the runtime's.
func (s gcStats) Share() float64 {
	cpu := s.OSCPU
	if cpu <= 0 {
		cpu = s.RuntimeCPU
	}
	if cpu <= 0 {
		return 0
	}
	return s.GCCPU / cpu
}

func readGCStats() gcStats {
	ss := []metrics.Sample{
		{Name: "/cpu/classes/gc/total:cpu-seconds"},
		{Name: "/cpu/classes/total:cpu-seconds"},
		{Name: "/cpu/classes/idle:cpu-seconds"},
		{Name: "/gc/cycles/total:gc-cycles"},
		{Name: "/gc/heap/allocs:bytes"},
		{Name: "/gc/heap/live:bytes"},
	}
	metrics.Read(ss)
	f := func(i int) float64 {
		if ss[i].Value.Kind() == metrics.KindFloat64 {
			return ss[i].Value.Float64()
		}
		return 0
	}
	u := func(i int) uint64 {
		if ss[i].Value.Kind() == metrics.KindUint64 {
			return ss[i].Value.Uint64()
		}
		return 0
	}
	return gcStats{
		GCCPU: f(0), RuntimeCPU: f(1) - f(2), OSCPU: osCPU(),
		Cycles: u(3), Allocated: u(4), LiveHeap: u(5), PeakRSS: peakRSS(),
	}
}

// osCPU is the user and system CPU time the process used, in seconds,
// from Linux's /proc/self/stat; 0 where the system does not say.
func osCPU() float64 {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	// The fields after the command's closing parenthesis start with the
	// third, the state; utime and stime are the 14th and 15th, in clock
	// ticks (USER_HZ, 100 on every Linux architecture Go supports).
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, err1 := strconv.ParseUint(f[11], 10, 64)
	st, err2 := strconv.ParseUint(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return float64(ut+st) / 100
}

// peakRSS is the process's peak resident set size (VmHWM in Linux's
// /proc/self/status), or 0 where the system does not say.
func peakRSS() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// printRuntime prints build -v's line on the collector: its share of
// the CPU, the heap and RSS, and the memory policy that applied.
// certiron-bench reads it: keep "GC n.n% of CPU (n.nnn s" as it is.
func (p *profiler) printRuntime(w io.Writer) {
	s := readGCStats()
	if p != nil {
		s.PeakHeap = p.peakHeap.Load()
	}
	of := fmt.Sprintf("of the %.3f s the OS counted; %.1f%% of %.3f s by the runtime's count", s.OSCPU, 100*s.GCCPU/max(s.RuntimeCPU, 1e-9), s.RuntimeCPU)
	if s.OSCPU <= 0 {
		of = fmt.Sprintf("of %.3f s by the runtime's count", s.RuntimeCPU)
	}
	heap, rss := "n/a", "n/a"
	if s.PeakHeap > 0 {
		heap = mib(s.PeakHeap)
	}
	if s.PeakRSS > 0 {
		rss = mib(s.PeakRSS)
	}
	fmt.Fprintf(w, "  runtime   GC %.1f%% of CPU (%.3f s %s), %d cycles, %s allocated, live heap %s at the last cycle, peak heap %s, peak RSS %s; %s\n",
		100*s.Share(), s.GCCPU, of, s.Cycles, mib(s.Allocated), mib(s.LiveHeap), heap, rss, memoryPolicy)
}

func mib(b uint64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

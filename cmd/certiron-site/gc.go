package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// heapFloor is the heap a one-off build grows to before the collector
// first runs, and the least heap goal it ever has. With GOGC alone the
// collector starts at a 4 MiB heap and runs again each time the heap
// has grown by half again over what is live: a warm build of 10,000
// pages, whose heap is almost all live (the indexes it decodes), ran six
// cycles over 150 MiB that freed little, 11–13% of its CPU; a 1,000-page
// build, fifteen over 244 MiB. Measured on the bench corpus (2 cores,
// alternating runs) with a 256 MiB floor: the warm build 356–402 ms →
// 324–342 ms, the 1,000-page build 0.66 s → 0.60 s (peak RSS 58 → 269
// MiB). 192 MiB keeps both gains (the warm build allocates about 150
// MiB: no cycle at all) with less memory (219 MiB at 1,000 pages), and
// leaves more room under the goal at 10,000 pages, whose live heap
// times (1 + buildGOGC/100) is above the floor for most of the build
// (about 110 MiB live at its end), so that GOGC governs it as before.
const heapFloor = 192 << 20

// floorUnder is the heap floor under a soft memory limit: heapFloor, or
// a quarter of the limit when that is less.
func floorUnder(limit int64) uint64 {
	return uint64(min(int64(heapFloor), max(limit/4, 0)))
}

// minHeap is the runtime's heap goal before its first cycle at GOGC=100
// (it scales it by GOGC/100).
const minHeap = 4 << 20

// gogcFor is the GOGC that puts the next heap goal at the floor, or at
// gogc percent above the live heap when that is higher.
func gogcFor(live, floor uint64, gogc int) int {
	if live == 0 {
		return max(gogc, int(100*floor/minHeap))
	}
	if live+live*uint64(gogc)/100 >= floor {
		return gogc
	}
	return max(gogc, min(int(100*floor/live)-100, int(100*floor/minHeap)))
}

// gcTuner sets GOGC after each collection from the heap it left live.
// It learns of each collection by a cleanup attached to an object made
// for the purpose, which runs once the collector has found it
// unreachable, and makes the next.
type gcTuner struct {
	floor uint64
	gogc  int
	// adjusted, when not nil, is sent each GOGC set, when it has room
	// (for the tests); stopped ends the tuning.
	adjusted chan int
	stopped  atomic.Bool
}

// sentinel holds a pointer, so that it never shares a tiny block with
// other objects (which could keep it reachable).
type sentinel struct {
	_ *byte
	_ [8]byte
}

// start sets the first goal at the floor and starts following the
// collections.
func (t *gcTuner) start() {
	debug.SetGCPercent(gogcFor(0, t.floor, t.gogc))
	t.arm()
}

func (t *gcTuner) arm() {
	runtime.AddCleanup(new(sentinel), func(t *gcTuner) {
		if !t.stopped.Load() {
			t.adjust()
			t.arm()
		}
	}, t)
}

func (t *gcTuner) adjust() {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	var live uint64
	if s[0].Value.Kind() == metrics.KindUint64 {
		live = s[0].Value.Uint64()
	}
	g := gogcFor(live, t.floor, t.gogc)
	debug.SetGCPercent(g)
	if t.adjusted != nil {
		select {
		case t.adjusted <- g:
		default:
		}
	}
}

// tuner is the process's gcTuner, started by the first limitMemory.
var tuner *gcTuner

// startTuner starts the process's tuner with the floor.
func startTuner(floor uint64) {
	tuner = &gcTuner{floor: floor, gogc: buildGOGC}
	tuner.start()
}

// stopTuner stops the process's tuner, if one runs (limitMemory runs
// once a process, but again in the tests).
func stopTuner() {
	if tuner != nil {
		tuner.stopped.Store(true)
		tuner = nil
	}
}

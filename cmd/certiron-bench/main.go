// Command certiron-bench measures certiron-site against Hugo on
// synthetic sites (internal/corpus), measuring what issue 13's goals
// name, as ratios of alternating runs in one session:
//
//   - a clean build (the destination removed first) and a build into the
//     existing output, as separate processes: wall time, CPU time, peak
//     RSS, ours and Hugo's, alternating;
//   - the garbage collector's share of our build's CPU (from build -v);
//   - how the clean build grows from the smallest corpus to the largest;
//   - the serve loop, from a saved file to the reload event.
//
// It fails, with a non-zero exit status, when either tool's build fails
// or when the two outputs hold different numbers of pages. It compares
// with Hugo 0.165 (`go install github.com/gohugoio/hugo@v0.165.0`) and
// refuses an older Hugo unless told to take it.
//
//	go run ./cmd/certiron-bench                        # 1,000 and 10,000 pages, 5 runs
//	go run ./cmd/certiron-bench -smoke                 # 200 pages, 1 run: does it all work?
//	go run ./cmd/certiron-bench -pages 1000 -runs 3 -no-hugo
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/certiron/certiron-site/internal/corpus"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "certiron-bench: FAILED:", err)
		os.Exit(1)
	}
}

// Run is one timed process.
type Run struct {
	Wall   time.Duration `json:"wall_ns"`
	CPU    time.Duration `json:"cpu_ns"`
	MaxRSS int64         `json:"max_rss_bytes"`
	// GCShare and GCSeconds are what our build -v reported: the
	// collector's share of the CPU the process used, and its seconds.
	GCShare   float64 `json:"gc_share,omitempty"`
	GCSeconds float64 `json:"gc_seconds,omitempty"`
}

// Stats summarise runs of one kind.
type Stats struct {
	Runs       []Run   `json:"runs"`
	WallMin    float64 `json:"wall_min_ms"`
	WallMedian float64 `json:"wall_median_ms"`
	WallMax    float64 `json:"wall_max_ms"`
	CPUMedian  float64 `json:"cpu_median_ms"`
	RSSMax     float64 `json:"rss_max_mib"`
	// GCShareMedian is the median of the runs' GC shares (ours only).
	GCShareMedian float64 `json:"gc_share_median,omitempty"`
}

// Latency summarises serve-loop edits.
type Latency struct {
	Samples []float64 `json:"samples_ms"`
	Median  float64   `json:"median_ms"`
	Max     float64   `json:"max_ms"`
}

// Counts are the pages each tool's output holds (HTML files but 404.html
// and the aliases' redirect pages) and how many the corpus publishes.
type Counts struct {
	Expected int `json:"expected"`
	Ours     int `json:"ours"`
	Hugo     int `json:"hugo,omitempty"`
}

// Result is everything measured for one corpus size.
type Result struct {
	Pages int    `json:"pages"`
	Count Counts `json:"page_counts"`
	// Clean builds start with the destination removed; Existing builds
	// write into the output of the same tool's previous build.
	Clean        Stats  `json:"clean"`
	Existing     Stats  `json:"existing"`
	HugoClean    *Stats `json:"hugo_clean,omitempty"`
	HugoExisting *Stats `json:"hugo_existing,omitempty"`
	// The ratios, ours over Hugo, of each pair of alternating runs, and
	// their medians; RSSRatio is of the peak RSS over the clean runs.
	CleanRatios         []float64 `json:"clean_ratios,omitempty"`
	CleanRatioMedian    float64   `json:"clean_ratio_median,omitempty"`
	ExistingRatios      []float64 `json:"existing_ratios,omitempty"`
	ExistingRatioMedian float64   `json:"existing_ratio_median,omitempty"`
	RSSRatio            float64   `json:"rss_ratio,omitempty"`
	// Warm is the rebuild into the existing output after a one-page
	// change, with a warm build cache (-cache DIR filled by a build
	// before the change), as a CI job that restores its cache runs it;
	// WarmRatio is its median over the clean build's.
	Warm      *Stats  `json:"warm_one_page_change"`
	WarmRatio float64 `json:"warm_ratio,omitempty"`

	Reload     Latency  `json:"reload_event"`
	Served     Latency  `json:"page_served"`
	HugoServed *Latency `json:"hugo_page_served,omitempty"`
}

// Growth compares the clean build of the largest corpus with the
// smallest's.
type Growth struct {
	From      int     `json:"from_pages"`
	To        int     `json:"to_pages"`
	Ours      float64 `json:"ours"`
	Hugo      float64 `json:"hugo,omitempty"`
	PageRatio float64 `json:"page_ratio"`
}

// Report is the JSON file.
type Report struct {
	Date     string   `json:"date"`
	Machine  string   `json:"machine"`
	Go       string   `json:"go"`
	Hugo     string   `json:"hugo,omitempty"`
	HugoPath string   `json:"hugo_path,omitempty"`
	Command  string   `json:"command"`
	Runs     int      `json:"runs"`
	Results  []Result `json:"results"`
	Growth   *Growth  `json:"growth,omitempty"`
}

func run(args []string) error {
	fs := flag.NewFlagSet("certiron-bench", flag.ContinueOnError)
	pagesFlag := fs.String("pages", "1000,10000", "corpus sizes, comma-separated")
	runs := fs.Int("runs", 5, "timed runs of each kind per size (after one warm-up)")
	edits := fs.Int("edits", 20, "edits timed in the serve loop")
	smoke := fs.Bool("smoke", false, "a quick check that everything works: -pages 200 -runs 1 -edits 5")
	repo := fs.String("repo", ".", "the certiron-site repository (for its theme and command)")
	out := fs.String("json", "bench-results/bench.json", "where to write the JSON report (empty: nowhere)")
	hugoFlag := fs.String("hugo", "", "the hugo binary (default: GOPATH/bin/hugo, else hugo on PATH)")
	noHugo := fs.Bool("no-hugo", false, "measure certiron-site alone")
	oldHugo := fs.Bool("allow-old-hugo", false, "compare with a Hugo older than "+wantHugo+" rather than refuse")
	keep := fs.Bool("keep", false, "keep the generated sites and outputs (the folder is printed) to inspect them")
	pgo := fs.String("pgo", "", "measure nothing: profile our clean build and our build into the existing output of each corpus, and merge the profiles into this file (make pgo writes cmd/certiron-site/default.pgo)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *smoke {
		*pagesFlag, *runs, *edits = "200", 1, 5
	}
	var sizes []int
	for _, s := range strings.Split(*pagesFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("bad -pages %q", *pagesFlag)
		}
		sizes = append(sizes, n)
	}
	if *runs < 1 {
		return fmt.Errorf("bad -runs %d", *runs)
	}
	rep := Report{
		Date:    time.Now().UTC().Format(time.RFC3339),
		Machine: machine(),
		Go:      runtime.Version(),
		Command: commandLine(args),
		Runs:    *runs,
	}
	hugo := ""
	if !*noHugo && *pgo == "" {
		h, err := findHugo(*hugoFlag, *oldHugo)
		if err != nil {
			return err
		}
		hugo, rep.Hugo, rep.HugoPath = h.path, h.version, h.path
		fmt.Printf("comparing with %s (%s)\n", rep.Hugo, rep.HugoPath)
	} else if *pgo == "" {
		fmt.Println("-no-hugo: measuring certiron-site alone")
	}

	work, err := os.MkdirTemp("", "certiron-bench-")
	if err != nil {
		return err
	}
	if *keep {
		fmt.Printf("-keep: the sites and outputs stay in %s\n", work)
	} else {
		defer os.RemoveAll(work)
	}
	bin := filepath.Join(work, "certiron-site")
	build := exec.Command("go", "build", "-o", bin, "./cmd/certiron-site")
	build.Dir, build.Stdout, build.Stderr = *repo, os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building certiron-site: %w", err)
	}

	if *pgo != "" {
		return writePGO(work, *repo, bin, sizes, *pgo)
	}
	for _, n := range sizes {
		fmt.Printf("\n== %s pages\n", thousands(n))
		res, err := measure(work, *repo, bin, hugo, n, *runs, *edits)
		if err != nil {
			return fmt.Errorf("%s pages: %w", thousands(n), err)
		}
		rep.Results = append(rep.Results, res)
	}
	if len(rep.Results) > 1 {
		first, last := rep.Results[0], rep.Results[0]
		for _, r := range rep.Results {
			if r.Pages < first.Pages {
				first = r
			}
			if r.Pages > last.Pages {
				last = r
			}
		}
		if last.Pages > first.Pages {
			g := &Growth{From: first.Pages, To: last.Pages, Ours: last.Clean.WallMedian / first.Clean.WallMedian, PageRatio: float64(last.Pages) / float64(first.Pages)}
			if last.HugoClean != nil && first.HugoClean != nil {
				g.Hugo = last.HugoClean.WallMedian / first.HugoClean.WallMedian
			}
			rep.Growth = g
		}
	}
	printReport(os.Stdout, rep)
	if *out != "" {
		if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
			return err
		}
		data, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(*out, append(data, '\n'), 0o644); err != nil {
			return err
		}
		fmt.Printf("\nwrote %s\n", *out)
	}
	return nil
}

// corpusOptions are the n-page corpus's.
func corpusOptions(n int) corpus.Options { return corpus.Options{Pages: n, Seed: 1} }

// writeSite writes the n-page corpus with the repository's theme.
func writeSite(work, repo string, n int) (string, error) {
	site := filepath.Join(work, fmt.Sprintf("site-%d", n))
	if err := corpus.Write(site, corpusOptions(n)); err != nil {
		return "", err
	}
	return site, corpus.CopyDir(filepath.Join(repo, "themes"), filepath.Join(site, "themes"))
}

// writePGO profiles our clean build and our build into the existing
// output of each corpus and merges the profiles into out, the profile
// the Go compiler optimizes the command with (profile-guided
// optimization): what the builds spend their time on is what it inlines
// and devirtualizes.
func writePGO(work, repo, bin string, sizes []int, out string) error {
	var profiles []string
	for _, n := range sizes {
		site, err := writeSite(work, repo, n)
		if err != nil {
			return err
		}
		dest := filepath.Join(work, fmt.Sprintf("out-%d", n))
		for _, kind := range []string{"clean", "existing"} {
			prof := filepath.Join(work, fmt.Sprintf("cpu-%d-%s.pprof", n, kind))
			cmd := exec.Command(bin, "build", "-cache", "off", "-source", site, "-dest", dest, "-cpuprofile", prof)
			if msg, err := cmd.CombinedOutput(); err != nil {
				return fmt.Errorf("%s pages, %s build: %v\n%s", thousands(n), kind, err, msg)
			}
			fmt.Printf("profiled the %s build of %s pages\n", kind, thousands(n))
			profiles = append(profiles, prof)
		}
	}
	merged, err := exec.Command("go", append([]string{"tool", "pprof", "-proto"}, profiles...)...).Output()
	if err != nil {
		return fmt.Errorf("merging the profiles: %w", err)
	}
	if err := os.WriteFile(out, merged, 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s (%d bytes)\n", out, len(merged))
	return nil
}

func measure(work, repo, bin, hugo string, n, runs, edits int) (Result, error) {
	res := Result{Pages: n}
	site, err := writeSite(work, repo, n)
	if err != nil {
		return res, err
	}
	hsite := ""
	if hugo != "" {
		hsite = filepath.Join(work, fmt.Sprintf("hugo-%d", n))
		if err := hugoSite(site, hsite); err != nil {
			return res, err
		}
	}
	// Each tool has its own destination, so that a build "into the
	// existing output" finds its own previous output there.
	ourDest, hugoDest := filepath.Join(work, "out-ours"), filepath.Join(work, "out-hugo")
	ours := func(clean bool) (Run, error) {
		prepare(ourDest, clean)
		r, stderr, err := timed(exec.Command(bin, "build", "-v", "-cache", "off", "-source", site, "-dest", ourDest))
		if err != nil {
			return r, fmt.Errorf("certiron-site build failed: %w", err)
		}
		r.GCShare, r.GCSeconds, err = parseGC(stderr)
		return r, err
	}
	theirs := func(clean bool) (Run, error) {
		prepare(hugoDest, clean)
		r, _, err := timed(exec.Command(hugo, "--quiet", "--minify", "-s", hsite, "-d", hugoDest))
		if err != nil {
			return r, fmt.Errorf("hugo build failed: %w", err)
		}
		return r, nil
	}

	// Warm-up (file cache, binaries), then the outputs are compared:
	// both tools must have published the same pages.
	if _, err := ours(true); err != nil {
		return res, err
	}
	plan := corpus.Plan(corpusOptions(n))
	res.Count.Expected = len(plan.Pages)
	var ourPages, hugoPages []string
	if ourPages, err = countPages(ourDest, plan.Aliases); err != nil {
		return res, err
	}
	res.Count.Ours = len(ourPages)
	if hugo != "" {
		if _, err := theirs(true); err != nil {
			return res, err
		}
		if hugoPages, err = countPages(hugoDest, plan.Aliases); err != nil {
			return res, err
		}
		res.Count.Hugo = len(hugoPages)
		if len(ourPages) != len(hugoPages) {
			return res, fmt.Errorf("the outputs differ: certiron-site published %d pages, Hugo %d (the corpus has %d)%s",
				len(ourPages), len(hugoPages), len(plan.Pages), difference("certiron-site", ourPages, "Hugo", hugoPages))
		}
	}
	fmt.Printf("  pages published: certiron-site %d, Hugo %s, corpus %d\n", res.Count.Ours, orDash(res.Count.Hugo, hugo != ""), res.Count.Expected)
	if res.Count.Ours != len(plan.Pages) {
		return res, fmt.Errorf("certiron-site published %d pages, the corpus has %d%s", res.Count.Ours, len(plan.Pages), difference("certiron-site", ourPages, "the corpus", urlFiles(plan.Pages)))
	}

	// Alternating runs: both tools' clean builds, then both tools' builds
	// into their existing output.
	var clean, existing, hclean, hexisting []Run
	// pair runs one tool's build and then the other's, ours first in odd
	// runs and Hugo first in even ones: a build pays for the file
	// system's work left by the one before it (a clean build after one
	// that rewrote every file runs markedly slower on this project's
	// disks), so neither tool always follows the same one.
	pair := func(i int, kind string, clean bool, mine, theirsOut *[]Run, ratios *[]float64) error {
		var r, h Run
		runOurs := func() error {
			var err error
			if r, err = ours(clean); err == nil {
				*mine = append(*mine, r)
				fmt.Printf("  %-8s %d  ours %s  GC %4.1f%%\n", kind, i+1, fmtRun(r), 100*r.GCShare)
			}
			return err
		}
		runHugo := func() error {
			if hugo == "" {
				return nil
			}
			var err error
			if h, err = theirs(clean); err == nil {
				*theirsOut = append(*theirsOut, h)
				fmt.Printf("  %-8s %d  Hugo %s\n", kind, i+1, fmtRun(h))
			}
			return err
		}
		first, second := runOurs, runHugo
		if i%2 == 1 {
			first, second = runHugo, runOurs
		}
		if err := first(); err != nil {
			return err
		}
		if err := second(); err != nil {
			return err
		}
		if hugo != "" {
			*ratios = append(*ratios, float64(r.Wall)/float64(h.Wall))
			fmt.Printf("  %-8s %d  ours/Hugo %.2f\n", kind, i+1, float64(r.Wall)/float64(h.Wall))
		}
		return nil
	}
	for i := range runs {
		if err := pair(i, "clean", true, &clean, &hclean, &res.CleanRatios); err != nil {
			return res, err
		}
		if err := pair(i, "existing", false, &existing, &hexisting, &res.ExistingRatios); err != nil {
			return res, err
		}
	}
	res.Clean, res.Existing = summarise(clean), summarise(existing)
	if hugo != "" {
		hc, he := summarise(hclean), summarise(hexisting)
		res.HugoClean, res.HugoExisting = &hc, &he
		res.CleanRatioMedian = median(res.CleanRatios)
		res.ExistingRatioMedian = median(res.ExistingRatios)
		res.RSSRatio = res.Clean.RSSMax / hc.RSSMax
	}

	// The warm build: a build fills the cache, then each run changes one
	// page and builds into the existing output with the cache.
	cacheDir := filepath.Join(work, fmt.Sprintf("cache-%d", n))
	os.RemoveAll(cacheDir)
	if _, _, err := timed(exec.Command(bin, "build", "-cache", cacheDir, "-source", site, "-dest", ourDest)); err != nil {
		return res, fmt.Errorf("certiron-site build filling the cache failed: %w", err)
	}
	page := filepath.Join(site, "content", filepath.FromSlash(corpus.PagePath(n/2, n)))
	var warm []Run
	for i := range runs {
		f, err := os.OpenFile(page, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return res, err
		}
		fmt.Fprintf(f, "\nA change, %d.\n", i)
		f.Close()
		prepare(ourDest, false)
		r, _, err := timed(exec.Command(bin, "build", "-cache", cacheDir, "-source", site, "-dest", ourDest))
		if err != nil {
			return res, fmt.Errorf("certiron-site build with the cache failed: %w", err)
		}
		warm = append(warm, r)
		fmt.Printf("  warm     %d  ours %s\n", i+1, fmtRun(r))
	}
	w := summarise(warm)
	res.Warm, res.WarmRatio = &w, w.WallMedian/res.Clean.WallMedian

	res.Reload, res.Served, err = serveLoop(bin, site, n, edits)
	if err != nil {
		return res, fmt.Errorf("serve loop: %w", err)
	}
	if hugo != "" {
		hs, err := hugoServeLoop(hugo, hsite, n, edits)
		if err != nil {
			fmt.Printf("  hugo serve loop: %v\n", err)
		} else {
			res.HugoServed = &hs
		}
	}
	return res, nil
}

// prepare readies a destination: gone for a clean build, kept for a
// build into the existing output; then the file system is flushed, so
// that no run pays for an earlier one's writes.
//
// A clean build's destination is moved aside, into the bench's folder
// (deleted when the bench ends), not deleted: on ext4 without a journal
// (this project's machines) a new inode skips every inode freed in the
// last minute or more, so a build that starts right after 20,000 files
// were deleted spends seconds of kernel time walking past them, more or
// less by what was deleted when, whichever tool it is. A CI job's clean
// build starts on a fresh disk.
func prepare(dest string, clean bool) {
	if clean {
		if _, err := os.Lstat(dest); err == nil {
			aside := filepath.Join(filepath.Dir(dest), "deleted-at-exit")
			os.MkdirAll(aside, 0o755)
			to, err := os.MkdirTemp(aside, filepath.Base(dest)+"-")
			if err != nil || os.Rename(dest, filepath.Join(to, "out")) != nil {
				os.RemoveAll(dest)
			}
		}
	}
	syscall.Sync()
	time.Sleep(200 * time.Millisecond)
}

// timed runs cmd and reads its wall time, CPU time and peak RSS.
func timed(cmd *exec.Cmd) (Run, string, error) {
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return Run{}, stderr.String(), fmt.Errorf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, tail(stderr.String(), 40))
	}
	r := Run{Wall: time.Since(start)}
	if u, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.CPU = time.Duration(u.Utime.Nano() + u.Stime.Nano())
		r.MaxRSS = u.Maxrss * 1024 // kilobytes on Linux
	}
	return r, stderr.String(), nil
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("[%d lines before]", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// gcLine is build -v's line on the collector (cmd/certiron-site/profile.go).
var gcLine = regexp.MustCompile(`runtime +GC ([0-9.]+)% of CPU \(([0-9.]+) s`)

func parseGC(stderr string) (share, seconds float64, err error) {
	m := gcLine.FindStringSubmatch(stderr)
	if m == nil {
		return 0, 0, errors.New("certiron-site build -v printed no \"runtime GC n% of CPU\" line")
	}
	share, _ = strconv.ParseFloat(m[1], 64)
	seconds, _ = strconv.ParseFloat(m[2], 64)
	return share / 100, seconds, nil
}

// countPages lists the pages a build wrote into dest: its HTML files,
// but 404.html and the aliases' redirect pages, by path.
func countPages(dest string, aliases []string) ([]string, error) {
	skip := map[string]bool{"404.html": true}
	for _, a := range urlFiles(aliases) {
		skip[a] = true
	}
	var pages []string
	err := filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dest, p)
		rel = filepath.ToSlash(rel)
		if !d.IsDir() && strings.HasSuffix(rel, ".html") && !skip[rel] {
			pages = append(pages, rel)
		}
		return nil
	})
	slices.Sort(pages)
	return pages, err
}

// urlFiles turns URL paths ("/s01/page-0001/") into the files that serve
// them ("s01/page-0001/index.html").
func urlFiles(urls []string) []string {
	out := make([]string, len(urls))
	for i, u := range urls {
		out[i] = strings.TrimPrefix(u, "/") + "index.html"
	}
	slices.Sort(out)
	return out
}

// difference names the first paths one list has and the other lacks.
func difference(aName string, a []string, bName string, b []string) string {
	inA, inB := map[string]bool{}, map[string]bool{}
	for _, p := range a {
		inA[p] = true
	}
	for _, p := range b {
		inB[p] = true
	}
	var s strings.Builder
	only := func(name string, list []string, other map[string]bool) {
		var miss []string
		for _, p := range list {
			if !other[p] {
				miss = append(miss, p)
			}
		}
		if len(miss) > 0 {
			more := ""
			if len(miss) > 10 {
				miss, more = miss[:10], fmt.Sprintf(" and %d more", len(miss)-10)
			}
			fmt.Fprintf(&s, "\n  only %s has: %s%s", name, strings.Join(miss, ", "), more)
		}
	}
	only(aName, a, inB)
	only(bName, b, inA)
	return s.String()
}

func fmtRun(r Run) string {
	return fmt.Sprintf("wall %8.1f ms  cpu %8.1f ms  rss %7.1f MiB", ms(r.Wall), ms(r.CPU), float64(r.MaxRSS)/(1<<20))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func summarise(rs []Run) Stats {
	var walls, cpus, shares []float64
	var rss int64
	for _, r := range rs {
		walls = append(walls, ms(r.Wall))
		cpus = append(cpus, ms(r.CPU))
		shares = append(shares, r.GCShare)
		rss = max(rss, r.MaxRSS)
	}
	return Stats{Runs: rs, WallMin: slices.Min(walls), WallMedian: median(walls), WallMax: slices.Max(walls),
		CPUMedian: median(cpus), RSSMax: float64(rss) / (1 << 20), GCShareMedian: median(shares)}
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// commandLine is the bench's command as a shell would take it.
func commandLine(args []string) string {
	line := "go run ./cmd/certiron-bench"
	for _, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\"'$`\\") {
			a = strconv.Quote(a)
		}
		line += " " + a
	}
	return line
}

func orDash(n int, ok bool) string {
	if !ok {
		return "–"
	}
	return strconv.Itoa(n)
}

func machine() string {
	model := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		f := strings.Fields(string(b))
		if len(f) > 1 {
			kb, _ := strconv.Atoi(f[1])
			mem = fmt.Sprintf(", %.0f GiB", float64(kb)/(1<<20))
		}
	}
	return fmt.Sprintf("%s/%s, %d cores, %s%s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), model, mem)
}

// Command certiron-bench measures certiron-site on synthetic sites: clean
// full builds as separate processes (wall time, CPU time, peak memory),
// and the serve loop from a saved file to the reload event. When a hugo
// binary is on PATH it builds the same corpus with Hugo, alternating runs,
// and reports the ratios.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
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
		fmt.Fprintln(os.Stderr, "certiron-bench:", err)
		os.Exit(1)
	}
}

// Run is one timed process.
type Run struct {
	Wall   time.Duration `json:"wall_ns"`
	CPU    time.Duration `json:"cpu_ns"`
	MaxRSS int64         `json:"max_rss_bytes"`
}

// Stats summarises runs.
type Stats struct {
	Runs       []Run   `json:"runs"`
	WallMin    float64 `json:"wall_min_ms"`
	WallMedian float64 `json:"wall_median_ms"`
	WallMax    float64 `json:"wall_max_ms"`
	CPUMedian  float64 `json:"cpu_median_ms"`
	RSSMax     float64 `json:"rss_max_mib"`
}

// Latency summarises serve-loop edits.
type Latency struct {
	Samples []float64 `json:"samples_ms"`
	Median  float64   `json:"median_ms"`
	Max     float64   `json:"max_ms"`
}

// Result is everything measured for one corpus size.
type Result struct {
	Pages      int       `json:"pages"`
	Build      Stats     `json:"build"`
	Hugo       *Stats    `json:"hugo,omitempty"`
	Ratios     []float64 `json:"ratios_ours_over_hugo,omitempty"`
	RatioMed   float64   `json:"ratio_median,omitempty"`
	Reload     Latency   `json:"reload_event"`
	Served     Latency   `json:"page_served"`
	HugoServed *Latency  `json:"hugo_page_served,omitempty"`
}

// Report is the JSON file.
type Report struct {
	Date    string   `json:"date"`
	Machine string   `json:"machine"`
	Go      string   `json:"go"`
	Hugo    string   `json:"hugo,omitempty"`
	Command string   `json:"command"`
	Results []Result `json:"results"`
}

func run(args []string) error {
	fs := flag.NewFlagSet("certiron-bench", flag.ContinueOnError)
	pagesFlag := fs.String("pages", "1000,10000", "corpus sizes, comma-separated")
	runs := fs.Int("runs", 5, "timed builds per size (after one warm-up)")
	edits := fs.Int("edits", 20, "edits timed in the serve loop")
	repo := fs.String("repo", ".", "the certiron-site repository (for its theme and command)")
	out := fs.String("json", "bench-results/bench.json", "where to write the JSON report")
	noHugo := fs.Bool("no-hugo", false, "do not compare with Hugo even if it is installed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var sizes []int
	for _, s := range strings.Split(*pagesFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("bad -pages %q", *pagesFlag)
		}
		sizes = append(sizes, n)
	}
	work, err := os.MkdirTemp("", "certiron-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	bin := filepath.Join(work, "certiron-site")
	build := exec.Command("go", "build", "-o", bin, "./cmd/certiron-site")
	build.Dir, build.Stdout, build.Stderr = *repo, os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building certiron-site: %w", err)
	}
	hugo := ""
	if !*noHugo {
		if p, err := exec.LookPath("hugo"); err == nil {
			hugo = p
		}
	}
	rep := Report{
		Date:    time.Now().UTC().Format(time.RFC3339),
		Machine: machine(),
		Go:      runtime.Version(),
		Command: "go run ./cmd/certiron-bench " + strings.Join(args, " "),
	}
	if hugo != "" {
		v, _ := exec.Command(hugo, "version").Output()
		rep.Hugo = strings.TrimSpace(string(v))
		fmt.Printf("comparing with %s\n", rep.Hugo)
	} else {
		fmt.Println("hugo: not installed (apt-get install hugo to compare); measuring certiron-site alone")
	}
	for _, n := range sizes {
		fmt.Printf("\n== %d pages\n", n)
		res, err := measure(work, *repo, bin, hugo, n, *runs, *edits)
		if err != nil {
			return err
		}
		rep.Results = append(rep.Results, res)
	}
	printTable(rep)
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

func measure(work, repo, bin, hugo string, n, runs, edits int) (Result, error) {
	res := Result{Pages: n}
	site := filepath.Join(work, fmt.Sprintf("site-%d", n))
	if err := corpus.Write(site, corpus.Options{Pages: n, Seed: 1}); err != nil {
		return res, err
	}
	if err := corpus.CopyDir(filepath.Join(repo, "themes"), filepath.Join(site, "themes")); err != nil {
		return res, err
	}
	hsite := ""
	if hugo != "" {
		hsite = filepath.Join(work, fmt.Sprintf("hugo-%d", n))
		if err := hugoSite(site, hsite); err != nil {
			return res, err
		}
	}
	dest := filepath.Join(work, "out")
	// Each run starts clean: the previous output is removed and the
	// file system flushed before the clock starts, so neither tool pays
	// for the other's writes.
	clean := func() {
		os.RemoveAll(dest)
		syscall.Sync()
		time.Sleep(200 * time.Millisecond)
	}
	ours := func() (Run, error) {
		clean()
		return timed(exec.Command(bin, "build", "-source", site, "-dest", dest))
	}
	theirs := func() (Run, error) {
		clean()
		return timed(exec.Command(hugo, "--quiet", "--minify", "-s", hsite, "-d", dest))
	}
	// Warm-up: file cache, binaries.
	if _, err := ours(); err != nil {
		return res, err
	}
	if hugo != "" {
		if _, err := theirs(); err != nil {
			return res, fmt.Errorf("hugo: %w", err)
		}
	}
	var mine, hugos []Run
	for i := range runs {
		r, err := ours()
		if err != nil {
			return res, err
		}
		mine = append(mine, r)
		fmt.Printf("  build %d: %s\n", i+1, fmtRun(r))
		if hugo != "" {
			h, err := theirs()
			if err != nil {
				return res, fmt.Errorf("hugo: %w", err)
			}
			hugos = append(hugos, h)
			ratio := float64(r.Wall) / float64(h.Wall)
			res.Ratios = append(res.Ratios, ratio)
			fmt.Printf("  hugo  %d: %s   ours/hugo %.2f\n", i+1, fmtRun(h), ratio)
		}
	}
	res.Build = summarise(mine)
	if hugo != "" {
		h := summarise(hugos)
		res.Hugo = &h
		res.RatioMed = median(res.Ratios)
	}
	var err error
	res.Reload, res.Served, err = serveLoop(bin, site, n, edits)
	if err != nil {
		return res, err
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

// timed runs cmd and reads its wall time, CPU time and peak RSS.
func timed(cmd *exec.Cmd) (Run, error) {
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return Run{}, fmt.Errorf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, stderr.String())
	}
	r := Run{Wall: time.Since(start)}
	if u, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.CPU = time.Duration(u.Utime.Nano() + u.Stime.Nano())
		r.MaxRSS = u.Maxrss * 1024 // kilobytes on Linux
	}
	return r, nil
}

func fmtRun(r Run) string {
	return fmt.Sprintf("wall %7.1f ms  cpu %7.1f ms  rss %6.1f MiB", ms(r.Wall), ms(r.CPU), float64(r.MaxRSS)/(1<<20))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func summarise(rs []Run) Stats {
	var walls, cpus []float64
	var rss int64
	for _, r := range rs {
		walls = append(walls, ms(r.Wall))
		cpus = append(cpus, ms(r.CPU))
		rss = max(rss, r.MaxRSS)
	}
	return Stats{Runs: rs, WallMin: slices.Min(walls), WallMedian: median(walls), WallMax: slices.Max(walls), CPUMedian: median(cpus), RSSMax: float64(rss) / (1 << 20)}
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

func latency(samples []float64) Latency {
	if len(samples) == 0 {
		return Latency{}
	}
	return Latency{Samples: samples, Median: median(samples), Max: slices.Max(samples)}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func waitHTTP(url string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("%s did not answer within %s", url, limit)
}

// edit changes the page so that it holds marker: in place, or by an
// editor's atomic save (write a temp file, rename it over).
func edit(file, marker string, atomic bool) error {
	src, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if i := strings.Index(string(src), "\nBench edit "); i >= 0 {
		src = src[:i]
	}
	data := append(src, []byte("\nBench edit "+marker+".\n")...)
	if !atomic {
		return os.WriteFile(file, data, 0o644)
	}
	tmp := filepath.Join(filepath.Dir(file), "."+filepath.Base(file)+".tmp-bench")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, file)
}

// pollFor fetches url until its body holds marker.
func pollFor(url, marker string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url); err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(body), marker) {
				return nil
			}
		}
		time.Sleep(time.Millisecond)
	}
	return fmt.Errorf("%s never showed %q", url, marker)
}

// serveLoop starts `serve`, edits one page again and again, and times each
// save to the reload event and to the new page being served.
func serveLoop(bin, site string, n, edits int) (reload, served Latency, err error) {
	port, err := freePort()
	if err != nil {
		return
	}
	cmd := exec.Command(bin, "serve", "-source", site, "-port", strconv.Itoa(port))
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err = cmd.Start(); err != nil {
		return
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	if err = waitHTTP(base+"/", 60*time.Second); err != nil {
		return
	}
	resp, err := http.Get(base + "/_certiron/events")
	if err != nil {
		return
	}
	defer resp.Body.Close()
	events := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if name, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				events <- name
			}
		}
		close(events)
	}()
	file := filepath.Join(site, "content", corpus.PagePath(7, n))
	url := base + "/" + strings.TrimSuffix(corpus.PagePath(7, n), ".md") + "/"
	var rs, ss []float64
	for i := range edits {
		time.Sleep(150 * time.Millisecond) // let the watcher settle between saves
		drain(events)
		marker := fmt.Sprintf("m%d-%d", i, time.Now().UnixNano())
		start := time.Now()
		if err = edit(file, marker, i%2 == 1); err != nil {
			return
		}
		if err = waitEvent(events, "reload", 10*time.Second); err != nil {
			return
		}
		rs = append(rs, ms(time.Since(start)))
		if err = pollFor(url, marker, 10*time.Second); err != nil {
			return
		}
		ss = append(ss, ms(time.Since(start)))
	}
	fmt.Printf("  serve loop: reload event median %.1f ms (max %.1f), page served median %.1f ms\n", median(rs), slices.Max(rs), median(ss))
	return latency(rs), latency(ss), nil
}

func drain(ch chan string) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}

func waitEvent(ch chan string, want string, limit time.Duration) error {
	timeout := time.After(limit)
	for {
		select {
		case e, ok := <-ch:
			if !ok {
				return errors.New("event stream closed")
			}
			if e == want {
				return nil
			}
			if e == "error" {
				return errors.New("serve reported a build error")
			}
		case <-timeout:
			return fmt.Errorf("no %s event within %s", want, limit)
		}
	}
}

// hugoServeLoop times Hugo's watch mode the same way: save to page served.
func hugoServeLoop(hugo, site string, n, edits int) (Latency, error) {
	port, err := freePort()
	if err != nil {
		return Latency{}, err
	}
	cmd := exec.Command(hugo, "server", "--quiet", "-s", site, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--disableFastRender", "--minify")
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		return Latency{}, err
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	if err := waitHTTP(base+"/", 120*time.Second); err != nil {
		return Latency{}, err
	}
	file := filepath.Join(site, "content", corpus.PagePath(7, n))
	url := base + "/" + strings.TrimSuffix(corpus.PagePath(7, n), ".md") + "/"
	var ss []float64
	for i := range edits {
		time.Sleep(150 * time.Millisecond)
		marker := fmt.Sprintf("h%d-%d", i, time.Now().UnixNano())
		start := time.Now()
		if err := edit(file, marker, i%2 == 1); err != nil {
			return Latency{}, err
		}
		if err := pollFor(url, marker, 20*time.Second); err != nil {
			return Latency{}, err
		}
		ss = append(ss, ms(time.Since(start)))
	}
	fmt.Printf("  hugo serve loop: page served median %.1f ms (max %.1f)\n", median(ss), slices.Max(ss))
	return latency(ss), nil
}

// hugoSite copies the corpus's content into a Hugo site with a minimal
// layout equivalent to ours: a base template with header, navigation,
// main and footer; single, list and home pages; no taxonomies or RSS.
func hugoSite(from, to string) error {
	if err := corpus.CopyDir(filepath.Join(from, "content"), filepath.Join(to, "content")); err != nil {
		return err
	}
	files := map[string]string{
		"hugo.toml": `baseURL = "https://bench.example/"
title = "Bench"
disableKinds = ["taxonomy", "term", "RSS"]
[[menus.main]]
name = "Home"
url = "/"
[minify]
minifyOutput = true
`,
		"layouts/_default/baseof.html": `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ .Site.Title }}</title><link rel="stylesheet" href="/css/site.css"></head>
<body><header><a href="/">{{ .Site.Title }}</a><nav><ul>{{ range .Site.Menus.main }}<li><a href="{{ .URL }}">{{ .Name }}</a></li>{{ end }}</ul></nav></header>
<main>{{ block "main" . }}{{ end }}</main><footer><p>© {{ .Site.Title }}</p></footer></body></html>`,
		"layouts/_default/single.html": `{{ define "main" }}<article><h1>{{ .Title }}</h1>{{ with .Lastmod }}<p>Last updated {{ .Format "January 2, 2006" }}</p>{{ end }}{{ .TableOfContents }}{{ .Content }}</article>{{ end }}`,
		"layouts/_default/list.html":   `{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}`,
		"layouts/index.html":           `{{ define "main" }}{{ .Content }}{{ end }}`,
		"layouts/404.html":             `{{ define "main" }}<h1>Not found</h1>{{ end }}`,
	}
	for name, data := range files {
		p := filepath.Join(to, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			return err
		}
	}
	return nil
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

func printTable(rep Report) {
	fmt.Printf("\nmachine: %s; %s\n\n", rep.Machine, rep.Go)
	fmt.Println("| pages | build min / median / max (ms) | CPU (ms) | peak RSS (MiB) | Hugo median (ms) | Hugo RSS (MiB) | ours/Hugo | reload event median / max (ms) | page served median (ms) | Hugo served median (ms) |")
	fmt.Println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, r := range rep.Results {
		hm, hr, ratio, hs := "–", "–", "–", "–"
		if r.Hugo != nil {
			hm, hr, ratio = fmt.Sprintf("%.0f", r.Hugo.WallMedian), fmt.Sprintf("%.0f", r.Hugo.RSSMax), fmt.Sprintf("%.2f", r.RatioMed)
		}
		if r.HugoServed != nil {
			hs = fmt.Sprintf("%.0f", r.HugoServed.Median)
		}
		fmt.Printf("| %d | %.0f / %.0f / %.0f | %.0f | %.0f | %s | %s | %s | %.1f / %.1f | %.1f | %s |\n",
			r.Pages, r.Build.WallMin, r.Build.WallMedian, r.Build.WallMax, r.Build.CPUMedian, r.Build.RSSMax, hm, hr, ratio, r.Reload.Median, r.Reload.Max, r.Served.Median, hs)
	}
}

package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/certiron/certiron-site/internal/corpus"
)

// editedPage is the page the serve loops save again and again.
const editedPage = 7

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
	if err = waitHTTP(base+"/", 120*time.Second); err != nil {
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
	file := filepath.Join(site, "content", filepath.FromSlash(corpus.PagePath(editedPage, n)))
	url := base + corpus.PageURL(editedPage, n)
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
	if len(rs) > 0 {
		fmt.Printf("  serve loop: reload event median %.1f ms (max %.1f), page served median %.1f ms\n", median(rs), slices.Max(rs), median(ss))
	}
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
			if e == "error" || e == "build-error" {
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
	file := filepath.Join(site, "content", filepath.FromSlash(corpus.PagePath(editedPage, n)))
	url := base + corpus.PageURL(editedPage, n)
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
	if len(ss) > 0 {
		fmt.Printf("  hugo serve loop: page served median %.1f ms (max %.1f)\n", median(ss), slices.Max(ss))
	}
	return latency(ss), nil
}

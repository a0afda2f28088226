//go:build unix

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// wranglerDir holds the pinned wrangler (package.json, package-lock.json);
// `npm ci --prefix internal/e2e/wrangler` installs it.
const wranglerDir = "wrangler"

// lockedBuffer collects a process's output for failure messages.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String is the output less wrangler's complaints that it cannot reach
// Cloudflare (there is no network here, and it needs none).
func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(l.b.Bytes()))
	for sc.Scan() {
		line := sc.Text()
		if strings.Contains(line, "ENOTFOUND") || strings.Contains(line, "GetAddrInfoReqWrap") || strings.Contains(line, "Request.cf") {
			continue
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// wranglerPath finds the installed wrangler. Under CI=true a missing one
// fails the test instead of skipping it.
func wranglerPath(t *testing.T) string {
	t.Helper()
	bin, err := filepath.Abs(filepath.Join(wranglerDir, "node_modules", ".bin", "wrangler"))
	if err == nil {
		if _, err = os.Stat(bin); err == nil {
			if _, err = exec.LookPath("npx"); err == nil {
				return bin
			}
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("wrangler is not installed (%v): CI must run npm ci --prefix internal/e2e/wrangler", err)
	}
	t.Skipf("wrangler is not installed (%v); npm ci --prefix internal/e2e/wrangler to run the Cloudflare Pages tests", err)
	return ""
}

// freePort returns a port on 127.0.0.1 that nothing listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// wrangler serves dir with `wrangler pages dev`, Cloudflare Pages' own
// runtime, on 127.0.0.1, and returns its base URL. The server and its
// children (workerd, esbuild) are stopped when the test ends.
func wrangler(t *testing.T, dir string) string {
	t.Helper()
	wranglerPath(t)
	port, inspector := freePort(t), freePort(t)
	state := t.TempDir()
	cmd := exec.Command("npx", "--no", "wrangler", "pages", "dev", dir,
		"--ip", "127.0.0.1", "--port", fmt.Sprint(port), "--inspector-port", fmt.Sprint(inspector),
		"--persist-to", state, "--compatibility-date", "2025-07-18",
		"--log-level", "info", "--show-interactive-dev-session=false")
	cmd.Dir = wranglerDir
	cmd.Env = append(os.Environ(), "WRANGLER_SEND_METRICS=false", "NO_COLOR=1", "XDG_CONFIG_HOME="+t.TempDir())
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting wrangler: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		// The whole process group: npx, node, workerd.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
		if t.Failed() {
			t.Logf("wrangler output:\n%s", out)
		}
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(90 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			conn.Close()
			return "http://" + addr
		}
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("wrangler exited before listening (%v):\n%s", err, out)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("wrangler did not listen on %s within 90s:\n%s", addr, out)
		}
	}
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{
	Timeout: 30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	},
}

// get fetches url and returns the response with its body read.
func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := noRedirect.Do(req)
	if err != nil && !errors.Is(err, http.ErrUseLastResponse) {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading: %v", url, err)
	}
	return resp, string(body)
}

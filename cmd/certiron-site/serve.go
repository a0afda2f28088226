package main

import (
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/certiron/certiron-site/internal/config"
	"github.com/certiron/certiron-site/internal/content"
	"github.com/certiron/certiron-site/internal/output"
	"github.com/certiron/certiron-site/internal/server"
	"github.com/certiron/certiron-site/internal/site"
	"github.com/certiron/certiron-site/internal/watch"
)

func runServe(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	source := fs.String("source", ".", "site folder holding config.toml, content/, themes/ and static/")
	bind := fs.String("bind", "127.0.0.1", "address to listen on; anything but loopback exposes your drafts to the network")
	port := fs.Int("port", 1313, "port to listen on")
	drafts := fs.Bool("drafts", false, "include pages marked draft = true")
	debounce := fs.Duration("debounce", 10*time.Millisecond, "quiet time that ends a burst of file changes")
	if err := parseFlags(fs, args, stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, serveConfig{source: *source, bind: *bind, port: *port, drafts: *drafts, debounce: *debounce}, stdout, stderr, nil)
}

type serveConfig struct {
	source   string
	bind     string
	port     int
	drafts   bool
	debounce time.Duration
}

// serve builds the site in memory, serves it and rebuilds on every change
// until ctx ends. ready, when set, receives the URL once the server
// listens (for tests).
func serve(ctx context.Context, c serveConfig, stdout, stderr io.Writer, ready func(url string)) error {
	if abs, err := filepath.Abs(c.source); err == nil {
		c.source = abs
	}
	// The preview shows a legal page's unreleased draft, with a warning.
	builder := site.New(site.Options{Root: c.source, Drafts: c.drafts, Preview: true}, true)
	srv := server.New(server.Options{Logf: func(format string, args ...any) { fmt.Fprintf(stderr, format+"\n", args...) }})
	defer srv.Close()

	// Watch before the first build, so no change made meanwhile is missed.
	roots := []string{
		filepath.Join(c.source, content.Dir),
		filepath.Join(c.source, "themes"),
		filepath.Join(c.source, "static"),
		filepath.Join(c.source, config.File),
	}
	w, err := watch.New(roots, watch.Options{Debounce: c.debounce, Ignore: builder.Ignored})
	if err != nil {
		return fmt.Errorf("watching %s: %w", c.source, err)
	}
	defer w.Close()

	start := time.Now()
	res := builder.Build()
	current := output.NewSet()
	if len(res.Errors) > 0 {
		printErrors(res, stderr)
		srv.Update(placeholder(), nil)
		srv.Fail(res.Errors, res.Sources)
	} else {
		current = res.Files
		srv.Update(current, nil)
		srv.Warn(res.Warnings, res.Sources)
		fmt.Fprintf(stdout, "built %d pages in %s\n", res.Pages, time.Since(start).Round(time.Millisecond))
	}

	if !server.IsLoopback(c.bind) {
		fmt.Fprintf(stderr, "warning: listening on %s makes the preview, drafts included, reachable from other machines\n", c.bind)
	}
	ln, err := server.Listen(c.bind, c.port)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: mount(srv, res), ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	url := "http://" + ln.Addr().String() + basePath(res)
	fmt.Fprintf(stdout, "serving %s at %s (Ctrl-C to stop)\n", c.source, url)
	if ready != nil {
		ready(url)
	}

	for {
		select {
		case <-ctx.Done():
			fmt.Fprintln(stdout, "stopping")
			srv.Close()
			shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			hs.Shutdown(shut)
			return nil
		case err := <-w.Errors():
			// Events may have been lost (an overflow) or a folder is not
			// watched: trust nothing cached, build everything again.
			fmt.Fprintf(stderr, "watch: %v; rebuilding the whole site\n", err)
			start := time.Now()
			current = rebuilt(builder.Build(), "after a watch error", start, current, srv, stdout, stderr)
		case batch := <-w.Batches():
			start := time.Now()
			current = rebuilt(builder.Rebuild(batch.Paths), describeBatch(c.source, batch.Paths), start, current, srv, stdout, stderr)
		}
	}
}

// rebuilt hands a rebuild's result to the server: the new site, or its
// errors while the last good site stays served. It returns the site now
// served.
func rebuilt(res *site.Result, what string, start time.Time, current *output.Set, srv *server.Server, stdout, stderr io.Writer) *output.Set {
	took := time.Since(start).Round(100 * time.Microsecond)
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	if len(res.Errors) > 0 {
		fmt.Fprintf(stderr, "%s: rebuild failed after %s; still serving the last good site\n", what, took)
		printErrors(res, stderr)
		srv.Fail(res.Errors, res.Sources)
		return current
	}
	changed := diff(current, res.Files)
	srv.Update(res.Files, stylesOnly(current, res.Files, changed))
	srv.Warn(res.Warnings, res.Sources)
	fmt.Fprintf(stdout, "%s: rebuilt in %s, %d of %d pages re-rendered, %d files changed\n", what, took, res.Rendered, res.Pages, len(changed))
	return res.Files
}

// basePath is the path the site is published under ("/" unless baseURL
// has a path).
func basePath(res *site.Result) string {
	if res.Config == nil {
		return "/"
	}
	return res.Config.BasePath()
}

// mount serves the site under its base path, as it will be published, so
// its root-relative links work in the preview too.
func mount(srv *server.Server, res *site.Result) http.Handler {
	base := basePath(res)
	if base == "/" {
		return srv
	}
	mux := http.NewServeMux()
	mux.Handle(server.EventsPath, srv)
	mux.Handle(base, http.StripPrefix(strings.TrimSuffix(base, "/"), srv))
	mux.Handle("/", http.RedirectHandler(base, http.StatusFound))
	return mux
}

func printErrors(res *site.Result, stderr io.Writer) {
	for _, e := range res.Errors {
		fmt.Fprintln(stderr, e.Error())
	}
}

// placeholder is served while the very first build has errors, so the
// browser has a page to show the error overlay on.
func placeholder() *output.Set {
	s := output.NewSet()
	page := []byte("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title></head><body><main><h1>The site has errors</h1><p>Fix the errors listed in the terminal; this page reloads by itself.</p></main></body></html>")
	s.Add(&output.File{Path: "index.html", Data: page})
	s.Add(&output.File{Path: "404.html", Data: page})
	return s
}

// diff lists the output paths whose bytes differ, including added and
// removed files.
func diff(old, cur *output.Set) []string {
	var changed []string
	for _, f := range cur.Files() {
		if o := old.Get(f.Path); o != f && (o == nil || !bytes.Equal(o.Data, f.Data)) {
			changed = append(changed, f.Path)
		}
	}
	for _, p := range old.Paths() {
		if cur.Get(p) == nil {
			changed = append(changed, p)
		}
	}
	sort.Strings(changed)
	return changed
}

// stylesOnly returns the stylesheets among changed when nothing else a
// browser shows changed: the theme names stylesheets by their content, so
// a CSS edit renames the file and changes every page's <link> to it
// (href and integrity) and nothing more. Browsers can then swap the
// stylesheet in place instead of reloading. Otherwise it returns changed.
func stylesOnly(old, cur *output.Set, changed []string) []string {
	var css []string
	repl := []string{}
	gone, added := map[string]*output.File{}, map[string]*output.File{}
	for _, p := range changed {
		if path.Ext(p) != ".css" {
			continue
		}
		css = append(css, p)
		if f := old.Get(p); f != nil && cur.Get(p) == nil {
			gone[stem(p)] = f
		}
		if f := cur.Get(p); f != nil && old.Get(p) == nil {
			added[stem(p)] = f
		}
	}
	for s, o := range gone {
		n := added[s]
		if n == nil {
			return changed
		}
		repl = append(repl, "/"+o.Path, "/"+n.Path, sri(o.Data), sri(n.Data))
	}
	r := strings.NewReplacer(repl...)
	for _, p := range changed {
		switch {
		case path.Ext(p) == ".css", p == "_headers", p == "_redirects", path.Ext(p) == ".xml":
			continue // not shown, or swapped
		case path.Ext(p) != ".html" || old.Get(p) == nil || cur.Get(p) == nil:
			return changed
		case r.Replace(string(old.Get(p).Data)) != string(cur.Get(p).Data):
			return changed
		}
	}
	return css
}

// stem is a content-hashed name without its hash: "css/site.3f2a9c1e.css"
// → "css/site.css".
func stem(p string) string {
	ext := path.Ext(p)
	base := strings.TrimSuffix(p, ext)
	if i := strings.LastIndexByte(base, '.'); i >= 0 && i > strings.LastIndexByte(base, '/') {
		base = base[:i]
	}
	return base + ext
}

func sri(data []byte) string {
	sum := sha512.Sum384(data)
	return "sha384-" + base64.StdEncoding.EncodeToString(sum[:])
}

// describeBatch names what changed, relative to the site.
func describeBatch(root string, paths []string) string {
	var rel []string
	for _, p := range paths {
		r, err := filepath.Rel(root, p)
		if err != nil {
			r = p
		}
		rel = append(rel, filepath.ToSlash(r))
	}
	if len(rel) > 3 {
		return fmt.Sprintf("%s and %d more", strings.Join(rel[:3], ", "), len(rel)-3)
	}
	return strings.Join(rel, ", ")
}

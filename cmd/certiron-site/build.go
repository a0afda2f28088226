package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/certiron/certiron-site/internal/output"
	"github.com/certiron/certiron-site/internal/publish"
	"github.com/certiron/certiron-site/internal/site"
)

func runBuild(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	source := fs.String("source", ".", "site folder holding config.toml, content/, themes/ and static/")
	dest := fs.String("dest", "", "output folder (default SOURCE/public); never one holding or inside the sources")
	baseURL := fs.String("baseURL", "", "override config.toml's baseURL, e.g. https://preview.certiron.io/")
	drafts := fs.Bool("drafts", false, "include pages marked draft = true")
	strict := fs.Bool("strict", false, "treat warnings (raw HTML left out, files skipped) as errors")
	date := addDateFlag(fs)
	target := fs.String("target", "", "the host: cloudflare, netlify or github-pages (default: config.toml's [deploy] target, else cloudflare)")
	cacheDir := fs.String("cache", "", "persistent build cache `DIR`, or off (default: certiron-site under the user's cache folder)")
	manifest := fs.String("manifest", "", "also write a JSON `FILE` listing every output file with its size, SHA-256, content type and cache policy")
	verbose := fs.Bool("v", false, "print the time each step took and every source file left out")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile to `FILE` (go tool pprof), also when the build fails")
	memProfile := fs.String("memprofile", "", "write a memory profile to `FILE` (go tool pprof), also when the build fails")
	if err := parseFlags(fs, args, stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	prof, err := startProfiles(*cpuProfile, *memProfile, *verbose)
	if err != nil {
		return err
	}
	defer prof.stop(stderr)
	if *dest == "" {
		*dest = filepath.Join(*source, "public")
	}
	day, err := date.date()
	if err != nil {
		fmt.Fprintf(stderr, "certiron-site build: %v\n", err)
		return errUsage
	}
	if *target != "" {
		if _, err := publish.ParseTarget(*target); err != nil {
			fmt.Fprintf(stderr, "certiron-site build: -target: %v\n", err)
			return errUsage
		}
	}
	// Refuse a destination that overlaps the sources before anything is
	// created: the build replaces the whole destination. The manifest is
	// one file, which must not land in the sources or the output either.
	real, err := output.CheckDest(*dest, *source, site.Inputs(*source))
	if err != nil {
		return err
	}
	if *manifest != "" {
		if err := checkManifest(*manifest, real, *source); err != nil {
			return err
		}
	}
	cache, err := openCache(*cacheDir, *source, real, stderr)
	if err != nil {
		return err
	}
	start := time.Now()
	limitMemory()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	// Pages are written to a new folder as soon as they are rendered; it
	// replaces dest only if the whole build, audits included, succeeds.
	prev := lastOutput(cache, real)
	w, err := output.NewWriter(real, prev)
	if err != nil {
		return fmt.Errorf("preparing %s: %w", *dest, err)
	}
	if *verbose && len(w.Stale) > 0 {
		fmt.Fprintf(stderr, "removed %d temporary folder%s left by interrupted builds: %s\n", len(w.Stale), plural(len(w.Stale)), strings.Join(w.Stale, ", "))
	}
	done := make(chan *site.Result, 1)
	go func() {
		done <- site.Build(site.Options{Root: *source, Drafts: *drafts, BaseURL: *baseURL, Emit: w.Emit, Date: day, Target: *target, Cache: cache, Output: w})
	}()
	var res *site.Result
	select {
	case sig := <-sigs:
		w.Abort()
		fmt.Fprintf(stderr, "interrupted: build stopped, %s is untouched\n", *dest)
		return interrupted{sig}
	case res = <-done:
	}
	if *strict {
		res.Strict()
	}
	warn(res, stderr)
	if *verbose {
		for _, s := range res.Skipped {
			fmt.Fprintf(stderr, "skipped %s: %s\n", s.Path, s.Reason)
		}
	}
	if err := report(res, stderr); err != nil {
		w.Abort()
		return err
	}
	st, err := w.Commit(res.Files)
	if err != nil {
		return fmt.Errorf("writing %s: %w (the previous output is untouched)", *dest, err)
	}
	if *manifest != "" {
		if err := writeAtomic(*manifest, res.Manifest()); err != nil {
			return fmt.Errorf("writing the manifest %s: %w (the site is built)", *manifest, err)
		}
	}
	if len(res.Unprotected) > 0 {
		fmt.Fprintf(stderr, "note: the host sends no custom headers, so these protections are not applied: %s; the page's <meta> CSP still applies\n", strings.Join(res.Unprotected, ", "))
	}
	if *verbose {
		if cache != nil {
			st := cache.Stats()
			fmt.Fprintf(stderr, "  cache     %d pages' sources unchanged (not read); %d pages already in %s as the cache's index says (not read), %d from the cache, %d rendered; %d files published as they are unchanged and already there (not read); %d entries stored (%d MiB), %d corrupt entries ignored\n", res.Unread, res.Held, *dest, res.Cached, res.Rendered, res.UnreadCopies, st.Puts, st.Bytes>>20, st.Corrupt)
		}
		fmt.Fprintf(stderr, "  audited   %d files read afresh, the links of %d checked again (the rest as the last build found them)\n", res.Audited, res.Rechecked)
		if res.PolicyLength > 0 {
			fmt.Fprintf(stderr, "  Content-Security-Policy header: %d characters\n", res.PolicyLength)
		}
		if len(res.AsWritten) > 0 {
			fmt.Fprintf(stderr, "  theme files used as written, their pages minified whole (an action right after < or &, or inside an HTML comment): %s\n", strings.Join(res.AsWritten, ", "))
		}
		if n := min(10, len(res.Templates)); n > 0 {
			fmt.Fprintf(stderr, "  slowest templates (%d layouts ran; a page taken from the cache runs none):\n", len(res.Templates))
			for _, m := range res.Templates[:n] {
				fmt.Fprintf(stderr, "    %-20s %6d calls  %10s total  %8s each\n", m.Layout, m.Calls, m.Total.Round(time.Microsecond), (m.Total / time.Duration(m.Calls)).Round(time.Microsecond))
			}
		}
		for _, s := range res.Steps {
			fmt.Fprintf(stderr, "  %-9s %s\n", s.Name, s.Duration.Round(time.Microsecond))
		}
		prof.printRuntime(stderr)
		if len(st.Kept) > 0 {
			fmt.Fprintf(stderr, "kept %s in %s untouched\n", strings.Join(st.Kept, ", "), *dest)
		}
	}
	fmt.Fprintf(stdout, "built %d pages, %d files (%d changed, %d unchanged) into %s in %s\n",
		res.Pages, res.Files.Len(), st.Written, st.Unchanged, *dest, time.Since(start).Round(time.Millisecond))
	// What the last build into dest produced, as the cache remembers:
	// a file it made that the site no longer makes (a deleted page) is
	// no surprise; any other file someone put there by hand.
	stale, foreign, known := splitRemoved(st.Removed, prev)
	if n := len(stale); n > 0 {
		fmt.Fprintf(stdout, "removed %d file%s the site no longer produces: %s\n", n, plural(n), list(stale, 10))
	}
	if n := len(foreign); n > 0 && known {
		fmt.Fprintf(stdout, "removed %d file%s not produced by the site: %s; put files to publish under static/\n", n, plural(n), list(foreign, 10))
	} else if n > 0 {
		fmt.Fprintf(stdout, "removed %d file%s the site does not produce: %s; put files to publish under static/\n", n, plural(n), list(foreign, 10))
	}
	rememberOutput(cache, real, st.Manifest, prev)
	return nil
}

// checkManifest refuses a manifest path inside the output (it would be
// published) or inside the sources.
func checkManifest(manifest, dest, source string) error {
	m, err := output.Resolve(manifest)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(m); err == nil && fi.IsDir() {
		return fmt.Errorf("refusing to write the manifest to %s: it is a folder", manifest)
	}
	for _, in := range append(site.Inputs(source), dest) {
		i, err := output.Resolve(in)
		if err == nil && (m == i || strings.HasPrefix(m, i+string(filepath.Separator))) {
			return fmt.Errorf("refusing to write the manifest to %s: it lies inside %s; write it beside the output, such as %s", manifest, in, filepath.Join(filepath.Dir(dest), "manifest.json"))
		}
	}
	return nil
}

// writeAtomic writes data to name atomically: a temporary file beside it,
// renamed into place.
func writeAtomic(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}

// interrupted is a build stopped by a signal; the exit status is
// 128 + the signal's number, as shells report it (130 for Ctrl-C).
type interrupted struct{ sig os.Signal }

func (i interrupted) Error() string { return "interrupted by " + i.sig.String() }

func (i interrupted) code() int {
	if s, ok := i.sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 130
}

// list names up to n items, then how many more.
func list(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}

// warn prints a build's warnings.
func warn(res *site.Result, stderr io.Writer) {
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
}

// report prints a build's errors and allowed exceptions; it returns
// errFailed when there were errors. The errors come in the order of their
// positions (file, line, column), so a writer fixes a file top to
// bottom, and a summary line counts the audit's findings by rule.
func report(res *site.Result, stderr io.Writer) error {
	for _, a := range res.Allowed {
		fmt.Fprintf(stderr, "note: %s\n", a)
	}
	if len(res.Errors) == 0 {
		return nil
	}
	byRule := map[string]int{}
	var rules []string
	for _, e := range res.Errors {
		fmt.Fprintln(stderr, e.Error())
		if e.Rule == "" {
			continue // not an audit finding
		}
		if byRule[e.Rule] == 0 {
			rules = append(rules, e.Rule)
		}
		byRule[e.Rule]++
	}
	sort.Strings(rules)
	var counts []string
	for _, r := range rules {
		counts = append(counts, fmt.Sprintf("%d %s", byRule[r], r))
	}
	summary := fmt.Sprintf("%d error%s", len(res.Errors), plural(len(res.Errors)))
	if len(counts) > 0 {
		summary += " (audit: " + strings.Join(counts, ", ") + ")"
	}
	fmt.Fprintf(stderr, "%s; nothing was written\n", summary)
	return errFailed
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

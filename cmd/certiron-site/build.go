package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/certiron/certiron-site/internal/output"
	"github.com/certiron/certiron-site/internal/site"
)

func runBuild(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	source := fs.String("source", ".", "site folder holding config.toml, content/, themes/ and static/")
	dest := fs.String("dest", "", "output folder (default SOURCE/public)")
	baseURL := fs.String("baseURL", "", "override config.toml's baseURL, e.g. https://preview.certiron.io/")
	drafts := fs.Bool("drafts", false, "include pages marked draft = true")
	verbose := fs.Bool("v", false, "print the time each step took")
	if err := parseFlags(fs, args, stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if *dest == "" {
		*dest = filepath.Join(*source, "public")
	}
	start := time.Now()
	limitMemory()
	// Pages are written to a new folder as soon as they are rendered; it
	// replaces dest only if the whole build, audits included, succeeds.
	w, err := output.NewWriter(*dest)
	if err != nil {
		return fmt.Errorf("preparing %s: %w", *dest, err)
	}
	res := site.Build(site.Options{Root: *source, Drafts: *drafts, BaseURL: *baseURL, Emit: w.Add})
	if err := report(res, stderr); err != nil {
		w.Abort()
		return err
	}
	st, err := w.Commit(res.Files)
	if err != nil {
		return fmt.Errorf("writing %s: %w (the previous output is untouched)", *dest, err)
	}
	if *verbose {
		for _, s := range res.Steps {
			fmt.Fprintf(stderr, "  %-9s %s\n", s.Name, s.Duration.Round(time.Microsecond))
		}
	}
	fmt.Fprintf(stdout, "built %d pages, %d files (%d changed, %d unchanged) into %s in %s\n",
		res.Pages, res.Files.Len(), st.Written, st.Unchanged, *dest, time.Since(start).Round(time.Millisecond))
	return nil
}

// report prints a build's errors and allowed exceptions; it returns
// errFailed when there were errors. Audit findings are grouped by rule,
// the other errors (content, templates) come first, and a summary line
// counts them.
func report(res *site.Result, stderr io.Writer) error {
	for _, a := range res.Allowed {
		fmt.Fprintf(stderr, "note: %s\n", a)
	}
	if len(res.Errors) == 0 {
		return nil
	}
	byRule := map[string][]string{}
	var rules []string
	for _, e := range res.Errors {
		if _, ok := byRule[e.Rule]; !ok {
			rules = append(rules, e.Rule)
		}
		byRule[e.Rule] = append(byRule[e.Rule], e.Error())
	}
	sort.Strings(rules) // "" (not an audit finding) sorts first
	var counts []string
	for _, r := range rules {
		for _, line := range byRule[r] {
			fmt.Fprintln(stderr, line)
		}
		if r != "" {
			counts = append(counts, fmt.Sprintf("%d %s", len(byRule[r]), r))
		}
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

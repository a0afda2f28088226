package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/certiron/certiron-site/internal/site"
)

func runCheck(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	source := fs.String("source", ".", "site folder holding config.toml, content/, themes/ and static/")
	drafts := fs.Bool("drafts", false, "include pages marked draft = true")
	strict := fs.Bool("strict", false, "treat warnings (raw HTML left out, files skipped) as errors")
	format := fs.String("format", "text", "report format: text or json")
	date := addDateFlag(fs)
	if err := parseFlags(fs, args, stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "certiron-site check: -format must be text or json, not %q\n", *format)
		return errUsage
	}
	limitMemory()
	day, err := date.date()
	if err != nil {
		fmt.Fprintf(stderr, "certiron-site check: %v\n", err)
		return errUsage
	}
	res := site.Build(site.Options{Root: *source, Drafts: *drafts, Date: day})
	if *strict {
		res.Strict()
	}
	if *format == "json" {
		type finding struct {
			File    string `json:"file"`
			Line    int    `json:"line,omitempty"`
			Col     int    `json:"col,omitempty"`
			Rule    string `json:"rule,omitempty"`
			Message string `json:"message"`
		}
		out := struct {
			Errors   []finding `json:"errors"`
			Warnings []finding `json:"warnings"`
			Allowed  []string  `json:"allowed"`
		}{Errors: []finding{}, Warnings: []finding{}, Allowed: res.Allowed}
		if out.Allowed == nil {
			out.Allowed = []string{}
		}
		for _, e := range res.Errors {
			out.Errors = append(out.Errors, finding{e.Pos.File, e.Pos.Line, e.Pos.Col, e.Rule, e.Msg})
		}
		for _, e := range res.Warnings {
			out.Warnings = append(out.Warnings, finding{e.Pos.File, e.Pos.Line, e.Pos.Col, e.Rule, e.Msg})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			return err
		}
		if len(res.Errors) > 0 {
			return errFailed
		}
		return nil
	}
	warn(res, stderr)
	if err := report(res, stderr); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "ok: %d pages, %d files, no problems found\n", res.Pages, res.Files.Len())
	return nil
}

// Command certiron-site builds the CERTIRON site from Markdown into a
// folder of minified HTML, audits it, and serves it with live reload.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
)

// limitMemory sets a soft memory limit for a one-off build: the garbage
// collector works harder near it instead of letting the heap double, which
// keeps a 10,000-page build under 300 MiB. GOMEMLIMIT in the environment
// wins. serve keeps every page in memory on purpose and sets no limit.
func limitMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(280 << 20)
	}
}

const usage = `certiron-site builds the CERTIRON site from Markdown into static HTML.

Usage:
  certiron-site build   [-source DIR] [-dest DIR] [-baseURL URL] [-drafts]
  certiron-site serve   [-source DIR] [-bind 127.0.0.1] [-port 1313] [-drafts]
  certiron-site check   [-source DIR] [-format text|json]
  certiron-site release [-source DIR] -effective YYYY-MM-DD -summary TEXT [-editorial] content/legal/PAGE.md
  certiron-site new     [-source DIR] content/PATH.md
  certiron-site help    [COMMAND]
  certiron-site version

Run "certiron-site help COMMAND" or "certiron-site COMMAND -h" for a command's flags.
`

// commands are the subcommands, by name.
var commands = map[string]func(args []string, stdout, stderr io.Writer) error{
	"build":   runBuild,
	"check":   runCheck,
	"serve":   runServe,
	"release": runRelease,
	"new":     runNew,
	"version": runVersion,
}

// errUsage marks a command-line mistake (exit status 2).
var errUsage = errors.New("usage")

// errFailed marks a build whose errors were already printed (exit status 1).
var errFailed = errors.New("the site has errors")

func main() {
	os.Exit(exitCode(run(os.Args[1:], os.Stdout, os.Stderr)))
}

func exitCode(err error) int {
	var sig interrupted
	switch {
	case err == nil:
		return 0
	case errors.As(err, &sig):
		return sig.code()
	case errors.Is(err, errUsage):
		return 2
	default:
		return 1
	}
}

// run executes one command.
func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	var err error
	if cmd, ok := commands[args[0]]; ok {
		err = cmd(args[1:], stdout, stderr)
	} else {
		switch args[0] {
		case "help", "-h", "-help", "--help":
			return runHelp(args[1:], stdout, stderr)
		default:
			fmt.Fprintf(stderr, "certiron-site: unknown command %q\n\n%s", args[0], usage)
			return errUsage
		}
	}
	var sig interrupted
	if err != nil && !errors.Is(err, errUsage) && !errors.Is(err, errFailed) && !errors.As(err, &sig) {
		fmt.Fprintf(stderr, "certiron-site: %v\n", err)
	}
	return err
}

// runHelp prints the usage, or with a command's name that command's
// usage, as "COMMAND -h" prints it.
func runHelp(args []string, stdout, stderr io.Writer) error {
	switch {
	case len(args) == 0 || len(args) == 1 && args[0] == "help":
		fmt.Fprint(stdout, usage)
		return nil
	case len(args) > 1:
		fmt.Fprintf(stderr, "certiron-site help: name one command, not %d\n\n%s", len(args), usage)
		return errUsage
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "certiron-site help: unknown command %q\n\n%s", args[0], usage)
		return errUsage
	}
	return cmd([]string{"-h"}, stdout, stdout)
}

// parseFlags parses a subcommand's flags; -h prints them and succeeds.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return flag.ErrHelp
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "certiron-site %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	return nil
}

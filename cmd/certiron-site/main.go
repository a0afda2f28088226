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
  certiron-site build [-source DIR] [-dest DIR] [-baseURL URL] [-drafts]
  certiron-site serve [-source DIR] [-bind 127.0.0.1] [-port 1313] [-drafts]
  certiron-site check [-source DIR] [-format text|json]
  certiron-site version

Run "certiron-site COMMAND -h" for a command's flags.
`

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
	switch args[0] {
	case "build":
		err = runBuild(args[1:], stdout, stderr)
	case "check":
		err = runCheck(args[1:], stdout, stderr)
	case "serve":
		err = runServe(args[1:], stdout, stderr)
	case "version":
		err = runVersion(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprintf(stderr, "certiron-site: unknown command %q\n\n%s", args[0], usage)
		return errUsage
	}
	var sig interrupted
	if err != nil && !errors.Is(err, errUsage) && !errors.Is(err, errFailed) && !errors.As(err, &sig) {
		fmt.Fprintf(stderr, "certiron-site: %v\n", err)
	}
	return err
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

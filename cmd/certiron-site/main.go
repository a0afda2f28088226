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
	"strconv"
	"strings"
)

// The collector's settings for a one-off build or check (limitMemory).
const (
	// buildGOGC lets the heap grow to (1 + buildGOGC/100) times what is
	// live before the next collection. A one-off build holds little to
	// its end (each page's bytes go once written and audited, its
	// source's text once rendered; what stays is the audit's facts and
	// each page's position marks), so its live heap is small and each
	// collection short, but a low GOGC makes them many. Measured on the
	// bench corpus at 10,000 pages (2 cores, `build -v`, clean and into
	// the existing output): at 100 the collector took 6.2–9.5% of the
	// CPU, the peak RSS 262–301 MiB; at 150, 4.5–7.4% and 323–368 MiB;
	// at 200, 4.4–5.7% and 412–457 MiB, which is a quarter of Hugo's.
	// 150 keeps both inside their goals (10% of the CPU, a quarter of
	// Hugo's memory) with room on either side.
	buildGOGC = 150
	// memoryShare is the part of the machine's memory the soft limit
	// allows: it makes the collector work harder only when the heap's
	// growth would otherwise take most of the machine.
	memoryShare = 0.5
	// minMemoryLimit is the least limit ever set: a limit below the
	// build's working set makes the collector run without pause, so on a
	// small machine the build rather uses what it needs.
	minMemoryLimit = 1 << 30
)

// memoryPolicy says what limitMemory set, for build -v.
var memoryPolicy = "Go's default GOGC and no memory limit"

// limitMemory sets the garbage collector for a one-off build (build,
// check) so that it takes a small share of the CPU: GOGC=150 above a
// heap floor (see heapFloor), and a soft memory limit of half the
// machine's memory (the smaller of /proc/meminfo's MemTotal and the
// cgroup's limit), never below 1 GiB, nor above what the machine has;
// no limit where the machine's memory is unknown. GOGC and GOMEMLIMIT
// in the environment win. serve keeps every page in memory on purpose
// and sets neither.
func limitMemory() {
	limit := "GOMEMLIMIT=" + os.Getenv("GOMEMLIMIT") + " (from the environment)"
	if os.Getenv("GOMEMLIMIT") == "" {
		limit = "no memory limit (the machine's memory is unknown)"
		if total := machineMemory(); total > 0 {
			l := min(max(int64(float64(total)*memoryShare), minMemoryLimit), total)
			debug.SetMemoryLimit(l)
			limit = fmt.Sprintf("memory limit %.1f GiB of %.1f GiB", float64(l)/(1<<30), float64(total)/(1<<30))
		}
	}
	gogc := "GOGC=" + os.Getenv("GOGC") + " (from the environment)"
	stopTuner()
	if os.Getenv("GOGC") == "" {
		floor := floorUnder(debug.SetMemoryLimit(-1))
		startTuner(floor)
		gogc = fmt.Sprintf("GOGC=%d above a %d MiB heap floor", buildGOGC, floor>>20)
	}
	memoryPolicy = gogc + ", " + limit
}

// machineMemory is the memory this process may use, in bytes: Linux's
// MemTotal, or the cgroup's memory limit when it is lower (a container,
// a CI job); 0 when unknown.
func machineMemory() int64 {
	var total int64
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				if err == nil {
					total = kb << 10
				}
				break
			}
		}
	}
	// cgroup v2, then v1 (where "no limit" is a huge number).
	for _, f := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		if err == nil && n > 0 && n < 1<<50 && (total == 0 || n < total) {
			total = n
		}
		break
	}
	return total
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

// parseArgs parses a subcommand's flags, which may come before or after
// its file arguments, and returns the file arguments; -h prints the usage
// and returns flag.ErrHelp.
func parseArgs(fs *flag.FlagSet, args []string, stderr io.Writer) ([]string, error) {
	fs.SetOutput(stderr)
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, flag.ErrHelp
			}
			return nil, errUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			return files, nil
		}
		files = append(files, args[0])
		args = args[1:]
	}
}

// parseFlags parses a subcommand's flags; -h prints them and succeeds.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	files, err := parseArgs(fs, args, stderr)
	if err == nil && len(files) > 0 {
		fmt.Fprintf(stderr, "certiron-site %s: unexpected argument %q\n", fs.Name(), files[0])
		fs.Usage()
		return errUsage
	}
	return err
}

// setUsage makes text, then the flags, a command's usage message.
func setUsage(fs *flag.FlagSet, text string) {
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), text)
		fs.PrintDefaults()
	}
}

// usageError prints a command's usage mistake and its usage, and returns
// errUsage (exit status 2).
func usageError(fs *flag.FlagSet, format string, args ...any) error {
	fmt.Fprintf(fs.Output(), "certiron-site "+fs.Name()+": "+format+"\n\n", args...)
	fs.Usage()
	return errUsage
}

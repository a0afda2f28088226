package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
)

func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	if err := parseFlags(fs, args, stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	fmt.Fprintln(stdout, version())
	return nil
}

// version describes the binary: module version, VCS revision and Go.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "certiron-site (unknown version)"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	rev, modified, when := "", "", ""
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = "+dirty"
			}
		case "vcs.time":
			when = " " + s.Value
		}
	}
	if rev == "" {
		// go run, or GOFLAGS=-buildvcs=false: `make binary` stamps it.
		rev = "revision not stamped; build with -buildvcs=true or make binary"
	} else if len(rev) > 12 {
		rev = rev[:12]
	}
	return fmt.Sprintf("certiron-site %s (%s%s%s) %s", v, rev, modified, when, info.GoVersion)
}

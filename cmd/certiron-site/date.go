package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"
)

// dateFlag is -date YYYY-MM-DD: the build date the legal pages publish
// their versions for. Without it, SOURCE_DATE_EPOCH (seconds since 1970,
// as reproducible builds set it) is used, else today in UTC; the same
// date gives byte-identical output.
type dateFlag struct{ t time.Time }

func (d *dateFlag) String() string {
	if d.t.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

func (d *dateFlag) Set(s string) error {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return fmt.Errorf("want a date such as 2026-11-28")
	}
	d.t = t
	return nil
}

func addDateFlag(fs *flag.FlagSet) *dateFlag {
	d := &dateFlag{}
	fs.Var(d, "date", "build date YYYY-MM-DD for the legal pages' versions (default: $SOURCE_DATE_EPOCH, else today in UTC)")
	return d
}

// date returns the build date, or an error for a SOURCE_DATE_EPOCH that
// is not a number.
func (d *dateFlag) date() (time.Time, error) {
	if !d.t.IsZero() {
		return d.t, nil
	}
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds", s)
		}
		return time.Unix(n, 0).UTC(), nil
	}
	return time.Now().UTC(), nil
}

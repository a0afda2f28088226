package main

import (
	"fmt"
	"io"
)

func runServe(args []string, stdout, stderr io.Writer) error {
	fmt.Fprintln(stderr, "serve: not yet wired")
	return errFailed
}

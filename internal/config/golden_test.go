package config

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestGolden parses every NAME.toml of testdata/errors.txtar and compares
// what Parse reports with NAME.want: errors one per line, then warnings.
func TestGolden(t *testing.T) {
	const file = "testdata/errors.txtar"
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{} // NAME.want → index in ar.Files
	for i, f := range ar.Files {
		want[f.Name] = i
	}
	for _, f := range ar.Files {
		name, ok := strings.CutSuffix(f.Name, ".toml")
		if !ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			var got bytes.Buffer
			c, err := Parse("config.toml", f.Data)
			if err != nil {
				fmt.Fprintln(&got, err)
			} else {
				for _, w := range c.Warnings {
					fmt.Fprintf(&got, "warning: %s\n", w)
				}
			}
			i, ok := want[name+".want"]
			if !ok {
				t.Fatalf("%s has no %s.want", file, name)
			}
			if *update {
				ar.Files[i].Data = got.Bytes()
				return
			}
			if !bytes.Equal(got.Bytes(), ar.Files[i].Data) {
				t.Errorf("Parse(%s) =\n%s\nwant\n%s", f.Name, got.Bytes(), ar.Files[i].Data)
			}
		})
	}
	if *update {
		if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certiron/certiron-site/internal/content"
)

func TestNewPage(t *testing.T) {
	root := newSite(t)
	today := time.Now().UTC().Format("2006-01-02")
	tests := []struct {
		path, archetype, title string
		legal                  bool
	}{
		{"content/legal/privacy-policy.md", "themes/certiron/archetypes/legal.md", "Privacy Policy", true},
		{"content/legal/eu/data_processing terms.md", "themes/certiron/archetypes/legal.md", "Data Processing Terms", true},
		{"content/about.md", "themes/certiron/archetypes/default.md", "About", false},
		{"content/careers/index.md", "themes/certiron/archetypes/default.md", "Careers", false},
		{"content/legal/_index.md", "themes/certiron/archetypes/default.md", "Legal", false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			full := filepath.Join(root, filepath.FromSlash(tt.path))
			os.Remove(full) // content/legal/_index.md exists in the real site
			code, stdout, stderr := runCmd("new", "-source", root, tt.path)
			if code != 0 || !strings.HasPrefix(stdout, "created "+tt.path+" from "+tt.archetype+"\n") {
				t.Fatalf("new %s: exit %d\n%s%s", tt.path, code, stdout, stderr)
			}
			src := readFile(t, full)
			rel := strings.TrimPrefix(tt.path, "content/")
			p, errs := content.Parse(tt.path, rel, []byte(src))
			if len(errs) > 0 {
				t.Fatalf("the new page has errors: %v\n%s", errs, src)
			}
			if p.Title != tt.title || !p.Draft || p.Description != "" || !p.Effective.IsZero() {
				t.Errorf("new page: title %q, draft %v, description %q, effective %v\n%s", p.Title, p.Draft, p.Description, p.Effective, src)
			}
			if tt.legal {
				for _, want := range []string{"lastmod = " + today + "\n", "# effective = YYYY-MM-DD\n", "# changes = ", "certiron-site release -effective YYYY-MM-DD -summary \"…\" " + tt.path + "\n"} {
					if !strings.Contains(src, want) {
						t.Errorf("legal page lacks %q:\n%s", want, src)
					}
				}
			} else if !strings.Contains(src, "date = "+today+"\n") {
				t.Errorf("page lacks today's date:\n%s", src)
			}
		})
	}
}

func TestNewRefuses(t *testing.T) {
	root := newSite(t)
	bare := t.TempDir()
	copyPath(t, filepath.Join("..", "..", "config.toml"), filepath.Join(bare, "config.toml"))
	tests := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"-source", root, policyPath}, 1, "certiron-site new: content/legal/cookie-policy.md already exists: new never overwrites a page\n"},
		{[]string{"-source", root, "content/legal/_versions/cookie-policy/2027-01-01.md"}, 1, "inside the archive of released versions"},
		{[]string{"-source", root, "content/.notes.md"}, 1, "would never be published"},
		{[]string{"-source", root, "about.md"}, 2, "certiron-site new: about.md is not under content/: pages are created as content/PATH.md"},
		{[]string{"-source", root, "../outside/content/x.md"}, 2, "is not under content/"},
		{[]string{"-source", root, "content/notes.txt"}, 2, "content/notes.txt does not end in .md"},
		{[]string{"-source", root}, 2, "name one page to create"},
		{[]string{"-source", root, "content/a.md", "content/b.md"}, 2, "name one page to create"},
		{[]string{"-source", bare, "content/x.md"}, 1, `the theme "certiron" has no archetype: add themes/certiron/archetypes/default.md`},
		{[]string{"-source", filepath.Join(root, "nope"), "content/x.md"}, 1, "config.toml: missing config file"},
	}
	for _, tt := range tests {
		before := snapshot(t, root)
		code, stdout, stderr := runCmd(append([]string{"new"}, tt.args...)...)
		if code != tt.code || !strings.Contains(stderr, tt.stderr) || stdout != "" {
			t.Errorf("new %v: exit %d, stdout %q, stderr\n%s\nwant exit %d and stderr containing %q", tt.args, code, stdout, stderr, tt.code, tt.stderr)
		}
		if snapshot(t, root) != before {
			t.Errorf("new %v changed files", tt.args)
		}
	}
}

func TestNewBrokenArchetype(t *testing.T) {
	root := newSite(t)
	writeFile(t, filepath.Join(root, "themes/certiron/archetypes/default.md"), "+++\ntitle = {{ .Title }}\n+++\n")
	code, _, stderr := runCmd("new", "-source", root, "content/about.md")
	if code != 1 || !strings.Contains(stderr, "the archetype themes/certiron/archetypes/default.md gives a page with errors; nothing was written") {
		t.Errorf("exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(root, "content/about.md")); err == nil {
		t.Error("a page with errors was written")
	}
	writeFile(t, filepath.Join(root, "themes/certiron/archetypes/default.md"), "+++\ntitle = {{ .Nope }}\n+++\n")
	if code, _, stderr := runCmd("new", "-source", root, "content/about.md"); code != 1 || !strings.Contains(stderr, "Nope") {
		t.Errorf("unknown field: exit %d\n%s", code, stderr)
	}
}

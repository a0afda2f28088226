package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/certiron/certiron-site/internal/legal"
)

const policyPath = "content/legal/cookie-policy.md"

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, p, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReleaseWritesVersion(t *testing.T) {
	root := newSite(t)
	page := filepath.Join(root, policyPath)
	before := readFile(t, page)
	manifestPath := filepath.Join(root, "content/legal/_versions/cookie-policy/versions.toml")
	manifestBefore := readFile(t, manifestPath)
	edited := strings.Replace(before, "up to 30 days", "up to 90 days", 1)
	writeFile(t, page, edited)
	outside := snapshot(t, filepath.Join(root, "themes")) + readFile(t, filepath.Join(root, "config.toml"))
	start := time.Now().UTC()

	// Flags may follow the file, as writers type them.
	code, stdout, stderr := runCmd("release", "-source", root, policyPath, "-effective", "2027-01-01", "-summary", `Sessions last "90 days".`)
	if code != 0 {
		t.Fatalf("release: exit %d\n%s", code, stderr)
	}
	want := `released content/legal/cookie-policy.md: the version effective 2027-01-01
  wrote   content/legal/_versions/cookie-policy/2027-01-01.md
  updated content/legal/_versions/cookie-policy/versions.toml
  updated content/legal/cookie-policy.md (front matter: effective, changes)
commit these files to publish it
`
	if stdout != want || stderr != "" {
		t.Errorf("release printed\n%s\n%s\nwant\n%s", stdout, stderr, want)
	}

	// The page: only its effective and changes lines changed.
	after := readFile(t, page)
	wantPage := strings.Replace(strings.Replace(edited,
		"effective = 2026-11-28\n", "effective = 2027-01-01\n", 1),
		`changes = "First published version of the Cookie Policy."`, `changes = "Sessions last \"90 days\"."`, 1)
	if after != wantPage {
		t.Errorf("page after release:\n%s\nwant\n%s", after, wantPage)
	}
	// The archive: the page's file as released, and the manifest grown by
	// one record, its earlier bytes untouched.
	if got := readFile(t, filepath.Join(root, "content/legal/_versions/cookie-policy/2027-01-01.md")); got != after {
		t.Errorf("archived version differs from the page:\n%s", got)
	}
	if got := readFile(t, filepath.Join(root, "content/legal/_versions/cookie-policy/2026-11-28.md")); got != before {
		t.Error("the earlier archived version changed")
	}
	manifest := readFile(t, manifestPath)
	if !strings.HasPrefix(manifest, manifestBefore) || strings.Count(manifest, "\n[[version]]") != 2 {
		t.Errorf("manifest:\n%s", manifest)
	}
	released := ""
	for _, d := range []time.Time{start, time.Now().UTC()} {
		if s := "\neffective = 2027-01-01\nreleased = " + d.Format(legal.DateFormat) + "\n"; strings.Contains(manifest, s) {
			released = s
		}
	}
	if released == "" {
		t.Errorf("manifest does not record today's release:\n%s", manifest)
	}
	if got := snapshot(t, filepath.Join(root, "themes")) + readFile(t, filepath.Join(root, "config.toml")); got != outside {
		t.Error("release wrote outside content/")
	}
	// The result loads: two versions, no unreleased change; releasing
	// again is refused.
	h, errs := legal.Load(root, "legal/cookie-policy.md", []byte(after))
	if len(errs) > 0 || h.Unreleased != nil || len(h.Versions) != 2 || h.Latest().Changes != `Sessions last "90 days".` {
		t.Errorf("Load after release: %v, %v, %d versions", errs, h.Unreleased, len(h.Versions))
	}
	if code, _, _ := runCmd("release", "-source", root, "-effective", "2027-02-01", "-summary", "x", policyPath); code != 1 {
		t.Errorf("releasing the same text again: exit %d, want 1", code)
	}
	// An editorial release sets editorial = true.
	writeFile(t, page, strings.Replace(after, "Questions?", "Questions:", 1))
	code, stdout, stderr = runCmd("release", "-source", root, "-effective", "2027-02-01", "-summary", "Punctuation.", "-editorial", policyPath)
	if code != 0 || !strings.Contains(stdout, "the editorial version effective 2027-02-01") || !strings.Contains(readFile(t, page), "\neditorial = true\n") {
		t.Errorf("editorial release: exit %d\n%s%s", code, stdout, stderr)
	}
}

func TestReleaseRefuses(t *testing.T) {
	root := newSite(t)
	page := filepath.Join(root, policyPath)
	edited := strings.Replace(readFile(t, page), "up to 30 days", "up to 90 days", 1)
	writeFile(t, filepath.Join(root, "content/legal/broken.md"), "+++\ntitle = \n+++\nText\n")
	writeFile(t, filepath.Join(root, "content/legal/draft.md"), "+++\ntitle = \"Draft\"\ndraft = true\n+++\nText\n")
	tests := []struct {
		name   string
		edit   bool // the Cookie Policy has an unreleased edit
		args   []string
		code   int
		stderr string
	}{
		{"same text", false, []string{"-effective", "2027-01-01", "-summary", "x", policyPath}, 1,
			"certiron-site release: the text of content/legal/cookie-policy.md is the released version effective 2026-11-28: there is nothing to release\n"},
		{"date not after the latest", true, []string{"-effective", "2026-11-28", "-summary", "x", policyPath}, 1,
			"certiron-site release: the effective date 2026-11-28 is not after 2026-11-28, the date of the latest released version of content/legal/cookie-policy.md: a new version must take effect later\n"},
		{"date before the latest", true, []string{"-effective", "2025-01-01", "-summary", "x", policyPath}, 1,
			"certiron-site release: the effective date 2025-01-01 is not after 2026-11-28"},
		{"not under content/legal/", false, []string{"-effective", "2027-01-01", "-summary", "x", "content/_index.md"}, 1,
			"certiron-site release: content/_index.md is not a legal page: only pages under content/legal/ are released (not a section's _index.md, nor an archived version)\n"},
		{"a section list", false, []string{"-effective", "2027-01-01", "-summary", "x", "content/legal/_index.md"}, 1,
			"certiron-site release: content/legal/_index.md is not a legal page"},
		{"an archived version", false, []string{"-effective", "2027-01-01", "-summary", "x", "content/legal/_versions/cookie-policy/2026-11-28.md"}, 1,
			"certiron-site release: content/legal/_versions/cookie-policy/2026-11-28.md is not a legal page"},
		{"outside content/", false, []string{"-effective", "2027-01-01", "-summary", "x", "config.toml"}, 1,
			"certiron-site release: config.toml is not a legal page"},
		{"missing file", false, []string{"-effective", "2027-01-01", "-summary", "x", "content/legal/nope.md"}, 1,
			"certiron-site release: content/legal/nope.md does not exist\n"},
		{"content error", false, []string{"-effective", "2027-01-01", "-summary", "x", "content/legal/broken.md"}, 1,
			"content/legal/broken.md:2:9: "},
		{"content error, the sentence", false, []string{"-effective", "2027-01-01", "-summary", "x", "content/legal/broken.md"}, 1,
			"\ncertiron-site release: content/legal/broken.md has errors: fix them, then release it\n"},
		{"a draft", false, []string{"-effective", "2027-01-01", "-summary", "x", "content/legal/draft.md"}, 1,
			"certiron-site release: content/legal/draft.md is a draft: remove draft = true from its front matter, then release it\n"},
		{"no -effective", true, []string{"-summary", "x", policyPath}, 2, "-effective is required"},
		{"bad date", true, []string{"-effective", "28/11/2027", "-summary", "x", policyPath}, 2, `-effective "28/11/2027" is not a date like 2026-11-28`},
		{"impossible date", true, []string{"-effective", "2027-02-30", "-summary", "x", policyPath}, 2, `-effective "2027-02-30" is not a date`},
		{"no -summary", true, []string{"-effective", "2027-01-01", policyPath}, 2, "-summary is required"},
		{"no file", true, []string{"-effective", "2027-01-01", "-summary", "x"}, 2, "name the page to release"},
		{"two files", true, []string{"-effective", "2027-01-01", "-summary", "x", policyPath, policyPath}, 2, "release one page at a time"},
		{"unknown flag", true, []string{"-when", "2027-01-01", policyPath}, 2, "flag provided but not defined: -when"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.edit {
				writeFile(t, page, edited)
			}
			before := snapshot(t, root)
			code, stdout, stderr := runCmd(append([]string{"release", "-source", root}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) || stdout != "" {
				t.Errorf("release %v: exit %d, stdout %q, stderr\n%s\nwant exit %d and stderr containing\n%s", tt.args, code, stdout, stderr, tt.code, tt.stderr)
			}
			if code == 1 && strings.Count(strings.TrimSpace(stderr), "certiron-site release:") != 1 {
				t.Errorf("want one sentence, got\n%s", stderr)
			}
			if snapshot(t, root) != before {
				t.Error("a refused release changed files")
			}
		})
	}
}

func TestReleaseYAMLPage(t *testing.T) {
	root := newSite(t)
	p := filepath.Join(root, "content/legal/terms.md")
	src := "---\r\ntitle: Terms\r\nlastmod: 2026-01-01\r\n---\r\n\r\nThe terms.\r\n"
	writeFile(t, p, src)
	code, stdout, stderr := runCmd("release", "-source", root, "-effective", "2026-02-01", "-summary", "First terms.", "content/legal/terms.md")
	if code != 0 {
		t.Fatalf("release: exit %d\n%s%s", code, stdout, stderr)
	}
	want := "---\r\ntitle: Terms\r\nlastmod: 2026-01-01\r\neffective: 2026-02-01\r\nchanges: \"First terms.\"\r\n---\r\n\r\nThe terms.\r\n"
	if got := readFile(t, p); got != want {
		t.Errorf("YAML page after release:\n%q\nwant\n%q", got, want)
	}
	// The archive holds the text with \n line endings.
	if got := readFile(t, filepath.Join(root, "content/legal/_versions/terms/2026-02-01.md")); got != strings.ReplaceAll(want, "\r\n", "\n") {
		t.Errorf("archived YAML page:\n%q", got)
	}
}

func TestHelp(t *testing.T) {
	for _, name := range []string{"build", "serve", "check", "release", "new", "version"} {
		code, stdout, stderr := runCmd("help", name)
		hcode, hout, herr := runCmd(name, "-h")
		if code != 0 || hcode != 0 || stderr != "" || hout != "" {
			t.Errorf("help %s: exit %d, stderr %q; %s -h: exit %d, stdout %q", name, code, stderr, name, hcode, hout)
		}
		if stdout != herr || stdout == "" {
			t.Errorf("help %s printed\n%s\nwant what %s -h prints\n%s", name, stdout, name, herr)
		}
	}
	if _, stdout, _ := runCmd("help", "release"); !strings.Contains(stdout, "Usage: certiron-site release [-source DIR] -effective YYYY-MM-DD -summary TEXT [-editorial] content/legal/PAGE.md") {
		t.Errorf("help release:\n%s", stdout)
	}
	for _, args := range [][]string{{"help"}, {"help", "help"}, {"-h"}, {"--help"}} {
		if code, stdout, _ := runCmd(args...); code != 0 || stdout != usage {
			t.Errorf("%v: exit %d\n%s", args, code, stdout)
		}
	}
	for _, args := range [][]string{{"help", "frobnicate"}, {"help", "build", "serve"}} {
		if code, _, stderr := runCmd(args...); code != 2 || !strings.Contains(stderr, "Usage:") {
			t.Errorf("%v: exit %d\n%s", args, code, stderr)
		}
	}
}

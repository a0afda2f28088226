package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// goal is one of issue 13's targets for a corpus size.
type goal struct {
	clean, existing float64 // ours/Hugo wall time, clean and into the existing output
	rss             float64 // ours/Hugo peak RSS
	reload          float64 // serve save → reload event, ms
	warm            float64 // warm build after a one-page change, over the clean build
}

// goals are issue 13's, by corpus size; any size has the GC goal.
var goals = map[int]goal{
	1000:  {clean: 0.35, existing: 0.35, reload: 50},
	10000: {clean: 0.40, existing: 0.40, rss: 0.25, reload: 100, warm: 0.05},
}

const (
	gcGoal = 0.10 // the collector's share of build CPU, at every size
	// growthSlack is how much worse than linear the growth may be: the
	// 10,000-page build ≤ 10.5× the 1,000-page one.
	growthSlack = 1.05
)

// thousands writes n with thousands separators: 10,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func msCell(v float64) string { return thousands(int(v+0.5)) + " ms" }

func mibCell(v float64) string { return thousands(int(v+0.5)) + " MiB" }

// met says whether v met a goal of at most want (0: no goal).
func met(v, want float64) string {
	switch {
	case want == 0:
		return "–"
	case v > want:
		return fmt.Sprintf("no (%.2f× the goal)", v/want)
	}
	return "yes"
}

// table is a Markdown table's rows.
type table struct{ rows [][]string }

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(w io.Writer, head []string, align []string) {
	fmt.Fprintf(w, "| %s |\n| %s |\n", strings.Join(head, " | "), strings.Join(align, " | "))
	for _, r := range t.rows {
		fmt.Fprintf(w, "| %s |\n", strings.Join(r, " | "))
	}
}

func printReport(w io.Writer, rep Report) {
	hugo := rep.Hugo
	if hugo == "" {
		hugo = "none (-no-hugo)"
	}
	fmt.Fprintf(w, "\n## certiron-site against Hugo\n\n")
	fmt.Fprintf(w, "- machine: %s\n- Go: %s\n- Hugo: %s", rep.Machine, rep.Go, hugo)
	if rep.HugoPath != "" {
		fmt.Fprintf(w, " (%s, `hugo --minify`)", rep.HugoPath)
	}
	fmt.Fprintf(w, "\n- command: `%s` (%d timed run%s of each kind per size, alternating, after one warm-up), %s\n\n", rep.Command, rep.Runs, plural(rep.Runs), rep.Date)

	largest := 0
	for _, r := range rep.Results {
		largest = max(largest, r.Pages)
	}
	var t table
	for _, r := range rep.Results {
		g := goals[r.Pages]
		p := thousands(r.Pages) + " pages"
		hc, he, hr := "–", "–", "–"
		rc, re, rr := "–", "–", "–"
		mc, me, mr := "–", "–", "–"
		if r.HugoClean != nil {
			hc, he, hr = msCell(r.HugoClean.WallMedian), msCell(r.HugoExisting.WallMedian), mibCell(r.HugoClean.RSSMax)
			rc, re, rr = fmt.Sprintf("%.2f", r.CleanRatioMedian), fmt.Sprintf("%.2f", r.ExistingRatioMedian), fmt.Sprintf("%.2f", r.RSSRatio)
			mc = met(r.CleanRatioMedian, g.clean)
			me = met(r.ExistingRatioMedian, g.existing)
			mr = met(r.RSSRatio, g.rss)
		}
		t.add(p+", clean build (dest removed first), wall median", msCell(r.Clean.WallMedian), hc, rc, goalCell(g.clean, "× Hugo"), mc)
		t.add(p+", build into the existing public/, wall median", msCell(r.Existing.WallMedian), he, re, goalCell(g.existing, "× Hugo"), me)
		t.add(p+", peak RSS (clean build)", mibCell(r.Clean.RSSMax), hr, rr, goalCell(g.rss, "× Hugo"), mr)
		mg := met(r.Clean.GCShareMedian, gcGoal)
		t.add(p+", GC share of build CPU (clean build, median)", fmt.Sprintf("%.1f%%", 100*r.Clean.GCShareMedian), "–", "–", fmt.Sprintf("≤ %.0f%%", 100*gcGoal), mg)
		hs := "–"
		if r.HugoServed != nil {
			hs = msCell(r.HugoServed.Median) + " (page served)"
		}
		mreload := met(r.Reload.Median, g.reload)
		t.add(p+", serve: save → reload event, median", fmt.Sprintf("%.1f ms", r.Reload.Median), hs, "–", goalCell(g.reload, " ms"), mreload)
		if r.Warm != nil {
			t.add(p+", warm build after a one-page change, median", msCell(r.Warm.WallMedian)+fmt.Sprintf(" (%.3f× the clean build)", r.WarmRatio), "–", "–", goalCell(g.warm, "× the clean build"), met(r.WarmRatio, g.warm))
		}
	}
	if g := rep.Growth; g != nil {
		hg := "–"
		if g.Hugo > 0 {
			hg = fmt.Sprintf("%.2f×", g.Hugo)
		}
		limit := growthSlack * g.PageRatio
		mg := met(g.Ours, limit)
		t.add(fmt.Sprintf("growth, clean build wall %s / %s pages", thousands(g.To), thousands(g.From)), fmt.Sprintf("%.2f×", g.Ours), hg, "–", fmt.Sprintf("≤ %.1f×", limit), mg)
	}
	t.write(w, []string{"measure", "ours", "Hugo", "ours/Hugo", "goal", "met"}, []string{"---", "---:", "---:", "---:", "---", "---"})

	fmt.Fprintf(w, "\nEvery run (min / median / max wall, median CPU, peak RSS):\n\n")
	var d table
	for _, r := range rep.Results {
		for _, k := range []struct {
			name  string
			ours  Stats
			hugos *Stats
		}{{"clean", r.Clean, r.HugoClean}, {"existing public/", r.Existing, r.HugoExisting}} {
			h := "–"
			if k.hugos != nil {
				h = spread(*k.hugos)
			}
			d.add(thousands(r.Pages), k.name, spread(k.ours), fmt.Sprintf("%.1f%%", 100*k.ours.GCShareMedian), h)
		}
	}
	d.write(w, []string{"pages", "build", "ours: wall min / median / max ms, CPU ms, RSS MiB", "ours GC", "Hugo: wall min / median / max ms, CPU ms, RSS MiB"}, []string{"---:", "---", "---", "---:", "---"})
	fmt.Fprintln(w)
	for _, r := range rep.Results {
		h := ""
		if r.HugoClean != nil {
			h = fmt.Sprintf(", Hugo %d", r.Count.Hugo)
		}
		served := ""
		if r.HugoServed != nil {
			served = fmt.Sprintf("; Hugo serves it %.1f ms after the save", r.HugoServed.Median)
		}
		fmt.Fprintf(w, "%s pages: pages published: the corpus %d, ours %d%s. Serve loop: reload event median %.1f ms (max %.1f), page served median %.1f ms%s.\n",
			thousands(r.Pages), r.Count.Expected, r.Count.Ours, h, r.Reload.Median, r.Reload.Max, r.Served.Median, served)
	}
}

func goalCell(v float64, unit string) string {
	if v == 0 {
		return "–"
	}
	if unit == " ms" {
		return fmt.Sprintf("≤ %.0f ms", v)
	}
	return fmt.Sprintf("≤ %.2f%s", v, unit)
}

func spread(s Stats) string {
	return fmt.Sprintf("%s / %s / %s, %s, %s", thousands(int(s.WallMin+0.5)), thousands(int(s.WallMedian+0.5)), thousands(int(s.WallMax+0.5)), thousands(int(s.CPUMedian+0.5)), thousands(int(s.RSSMax+0.5)))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

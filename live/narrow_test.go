package live

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// bigSnapshot is sweepSnapshot with the widest numbers a long run gives: a
// level of 1024, a million requests, thousands failed, a three-hour ETA.
func bigSnapshot() Snapshot {
	s := sweepSnapshot()
	r := *s.Levels[1].Result
	r.Level, r.OK, r.Failed, r.OutputTokensPerS = 1024, 1234567, 12345, 123456.78
	r.ClientBound, r.Stop = true, "stopped early: 1246912 of 2000000 requests"
	r.Resent = 123456
	s.Levels[1].Result = &r
	l := &s.Levels[2]
	l.Plan.Level, l.Plan.Requests, l.Done, l.Failed = 2048, 2000000, 1234567, 12345
	l.Window.TTFT.P50, l.Window.TTFT.P95, l.Window.OutputTokensPerS = 12345.6, 98765.4, 234567.8
	return s
}

// TestNarrowKeepsTheNumbers: at 40, 60, 80 and 120 columns no line is
// wider than the terminal, and nothing a user needs is cut or dropped:
// each finished level's identity, ok and failed counts, TTFT p50 and p95,
// output tokens/s, verdict, every reason and its notes, however long; the running level's identity,
// progress, failures, ETA, TTFT p50 and p95, tokens/s and the client-bound
// warning. At 40 columns the result line was cut after TPOT p95 (out
// tok/s and the verdict lost), and the live line dropped its TTFT and
// tokens/s.
func TestNarrowKeepsTheNumbers(t *testing.T) {
	for name, snap := range map[string]Snapshot{"sweep": sweepSnapshot(), "big": bigSnapshot()} {
		for _, width := range []int{40, 60, 65, 66, 67, 80, 120} {
			f := Render(&snap, width, true)
			var lines []string
			for _, e := range append(f.Results, f.Live...) {
				lines = append(lines, strings.Split(e, "\n")...)
			}
			for _, l := range lines {
				if n := utf8.RuneCountInString(l); n > width-1 {
					t.Errorf("%s at %d columns: a line of %d columns: %q", name, width, n, l)
				}
			}
			for i, l := range snap.Levels[:2] { // finished in their order: Results[1], [2]
				r := l.Result
				entry := f.Results[1+i]
				got := parseResult(entry)
				want := map[string]string{"level": fmt.Sprintf("%g", r.Level), "ok": fmt.Sprint(r.OK), "failed": fmt.Sprint(r.Failed),
					"ttft50": fmtMS(r.TTFTP50), "ttft95": fmtMS(r.TTFTP95), "tok": fmt.Sprintf("%.1f", r.OutputTokensPerS),
					"slo": map[Verdict]string{VerdictPass: "pass", VerdictFail: "FAIL"}[r.SLO]}
				for k, v := range want {
					if got[k] != v {
						t.Errorf("%s at %d columns, level %g: %s %q; want %q in\n%s", name, width, r.Level, k, got[k], v, entry)
					}
				}
				flat := strings.Join(strings.Fields(entry), " ")
				notes := r.Reasons
				if r.Stop != "" {
					notes = append(notes, "("+r.Stop+")")
				}
				if r.ClientBound {
					notes = append(notes, "CLIENT-BOUND")
				}
				if r.Resent > 0 {
					notes = append(notes, fmt.Sprintf("(resent by the HTTP client: %d of %d)", r.Resent, r.OK+r.Failed))
				}
				for _, why := range notes {
					if !strings.Contains(flat, why) {
						t.Errorf("%s at %d columns, level %g: reason %q lost:\n%s", name, width, r.Level, why, entry)
					}
				}
			}
			live := snap.Levels[2]
			flat := strings.Join(strings.Fields(strings.Join(f.Live, " ")), " ")
			for _, re := range []string{
				fmt.Sprintf(`^level %g `, live.Plan.Level),
				fmt.Sprintf(` %d/%d `, live.Done, live.Plan.Total()),
				fmt.Sprintf(` failed %d `, live.Failed),
				` ETA \d+:\d\d(:\d\d)? `,
				`TTFT p50 \S+ p95 \S+ `,
				fmt.Sprintf(` %.0f (out |streamed )?tok/s `, live.Window.OutputTokensPerS),
				` CLIENT-BOUND`,
			} {
				if !regexp.MustCompile(re).MatchString(flat) {
					t.Errorf("%s at %d columns: the live lines lack %s:\n%s", name, width, re, strings.Join(f.Live, "\n"))
				}
			}
			if width >= ResultTableWidth && f.Results[0] != resultHeader("streams") {
				t.Errorf("%s at %d columns: no table header: %q", name, width, f.Results[0])
			}
		}
	}
}

// parseResult reads a result entry, a table row or a block, into its
// values by name.
func parseResult(entry string) map[string]string {
	got := map[string]string{}
	if !strings.HasPrefix(entry, "level ") {
		f := strings.Fields(entry)
		if len(f) < 8 {
			return got
		}
		for i, k := range []string{"level", "ok", "failed", "ttft50", "ttft95", "tpot95", "tok"} {
			got[k] = strings.TrimSuffix(f[i], "*")
		}
		got["slo"] = strings.TrimSuffix(f[7], ":")
		return got
	}
	for k, re := range map[string]string{"level": `^level (\S+)`, "ok": ` ok (\d+)`, "failed": ` failed (\d+)`, "slo": `SLO (pass|FAIL)`,
		"ttft50": `TTFT p50 (\S+?)\*? `, "ttft95": `TTFT p50 \S+ p95 (\S+?)\*?(\s|$)`, "tok": `out tok/s (\S+)`} {
		if m := regexp.MustCompile(re).FindStringSubmatch(entry); m != nil {
			got[k] = m[1]
		}
	}
	return got
}

// TestNoLineWiderThanTheTerminal: at every width from 40 to 200 columns,
// and at 1 to 39 without a panic, no line of a frame is wider than the
// terminal less the cursor's column.
func TestNoLineWiderThanTheTerminal(t *testing.T) {
	for name, snap := range map[string]Snapshot{"sweep": sweepSnapshot(), "big": bigSnapshot(), "duration": durationSnapshot(),
		"streamed": streamedSnapshot()} {
		for width := 1; width <= 200; width++ {
			f := Render(&snap, width, true)
			if width < 40 {
				continue
			}
			for _, l := range strings.Split(strings.Join(append(f.Results, f.Live...), "\n"), "\n") {
				if n := utf8.RuneCountInString(l); n > width-1 {
					t.Errorf("%s at %d columns: a line of %d columns: %q", name, width, n, l)
				}
			}
		}
	}
}

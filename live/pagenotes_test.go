package live

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/internal/chromiumtest"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// notesState is a run of two finished levels whose results carry what
// the terminal's result line qualifies a level with: level 4 judged by the
// State (9 of 80 resent), level 8 by report's summary (client-bound, 3 of
// 50 resent, the SLO failed).
func notesState(t *testing.T) *State {
	t.Helper()
	s := New(Options{Run: "notes", SLO: report.SLO{TTFT: 50 * time.Millisecond}})
	s.LevelStarted(LevelPlan{Level: 4, Requests: 80})
	for k := range int64(80) {
		r := rec(4, k*10*ms, 20*ms, 10*ms, 3)
		if k%9 == 0 { // 9 of them
			r.Resent = 1
		}
		s.Add(r)
	}
	s.LevelFinished(4, nil)
	s.LevelStarted(LevelPlan{Level: 8, Requests: 50})
	for k := range int64(49) {
		s.Add(rec(8, 900*ms+k*10*ms, 60*ms, 12*ms, 3))
	}
	s.Add(failed(8, 1400*ms, 5*ms, rundir.Connection))
	s.LevelFinished(8, &report.Level{Level: 8, Requests: report.Requests{Total: 50, OK: 49, Failed: 1},
		TTFTMS: report.Dist{N: 49, P50: 60, P95: 90}, TPOTMS: report.Dist{N: 49, P95: 12}, OutputTokensPerS: 321,
		ResentRequests: 3, Client: &report.ClientLevel{Bound: true, Reasons: []string{"8 of 8 streams in flight on average 5.1"}}})
	return s
}

// terminalNotes are the qualifier texts of each finished level as the
// terminal's result line shows them (Render, 160 columns), for the page
// to show the same.
func terminalNotes(t *testing.T, snap *Snapshot) map[float64][]string {
	t.Helper()
	f := Render(snap, 160, true)
	out := map[float64][]string{}
	for i, l := range snap.Levels {
		line := strings.Join(strings.Fields(f.Results[1+i]), " ")
		for _, q := range []string{"CLIENT-BOUND", "(resent by the HTTP client: "} {
			if at := strings.Index(line, q); at >= 0 {
				end := len(q)
				if q[0] == '(' {
					end = strings.Index(line[at:], ")") + 1
				}
				out[l.Plan.Level] = append(out[l.Plan.Level], line[at:at+end])
			}
		}
	}
	return out
}

// TestPageStateHasResultNotes: the snapshot the page is served (its init
// data and /events) holds each finished level's notes, the texts the
// terminal's result line qualifies it with: "CLIENT-BOUND" and "(resent by
// the HTTP client: 9 of 80)". The page's levels table showed neither, so a
// client-bound level, or one with requests resent, read as a clean one
// in the browser while the terminal warned of it.
func TestPageStateHasResultNotes(t *testing.T) {
	s := notesState(t)
	snap := s.Snapshot()
	term := terminalNotes(t, &snap)
	want := map[float64][]string{4: {"(resent by the HTTP client: 9 of 80)"}, 8: {"CLIENT-BOUND", "(resent by the HTTP client: 3 of 50)"}}
	for lv, w := range want {
		if !slices.Equal(term[lv], w) {
			t.Fatalf("terminal's level %g notes %q; want %q", lv, term[lv], w)
		}
	}
	sv := startServer(t, s, ServerOptions{Interval: 20 * time.Millisecond})
	_, page := get(t, sv.URL())
	_, init, _ := strings.Cut(string(page), `<script id="init" type="application/json">`)
	init, _, _ = strings.Cut(init, "</script>")
	resp, err := http.Get(sv.URL() + "events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, events, err := readEvent(bufio.NewReader(resp.Body))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"page": init, "/events": events} {
		// As the page reads it: plain JSON, no Go type.
		var payload struct {
			Snapshot struct {
				Levels []struct {
					Plan   struct{ Level float64 }
					Result *struct {
						ClientBound bool     `json:"client_bound"`
						Notes       []string `json:"notes"`
					}
				}
			}
		}
		if err := json.Unmarshal([]byte(data), &payload); err != nil {
			t.Fatalf("%s: %v\n%.300s", name, err, data)
		}
		for _, l := range payload.Snapshot.Levels {
			if l.Result == nil {
				t.Fatalf("%s: level %g has no result", name, l.Plan.Level)
			}
			if !slices.Equal(l.Result.Notes, want[l.Plan.Level]) {
				t.Errorf("%s: level %g notes %q; want the terminal's %q", name, l.Plan.Level, l.Result.Notes, want[l.Plan.Level])
			}
		}
	}
	// A Result read back from the JSON is the same Result.
	b, _ := json.Marshal(snap.Levels[1].Result)
	var back Result
	if err := json.Unmarshal(b, &back); err != nil || back.Resent != 3 || !back.ClientBound || back.OK != 49 {
		t.Errorf("result round trip %+v, %v; want resent 3, client-bound, 49 ok", back, err)
	}
}

// TestPageShowsResultNotesInChromium: in headless Chromium the levels
// table shows each finished level's notes, the terminal's texts, with
// "CLIENT-BOUND" marked as a warning. Set INFERBENCH_LIVE_SCREENSHOT to
// keep a screenshot of it.
func TestPageShowsResultNotesInChromium(t *testing.T) {
	bin := chromiumtest.Path(t)
	s := notesState(t)
	s.End("complete")
	sv := startServer(t, s, ServerOptions{})
	dom, console := chromiumtest.Run(t, bin, holdServer(t, sv, 300*time.Millisecond, ""), "--dump-dom")
	if attrs := bodyAttrs(dom); attrs["data-errors"] != "[]" || len(console) > 0 {
		t.Errorf("page errors %s, console %q; want none", attrs["data-errors"], console)
	}
	rows := regexp.MustCompile(`(?s)<tbody id="level-rows">.*?</tbody>`).FindString(dom)
	q := regexp.QuoteMeta
	for lv, want := range map[string]string{
		"4": q(`<td class="notes">(resent by the HTTP client: 9 of 80)</td>`),
		"8": q(`<td class="notes"><span class="warn" title="`) + `[^"]+` + q(`">CLIENT-BOUND</span> (resent by the HTTP client: 3 of 50)</td>`),
	} {
		row := regexp.MustCompile(`<tr><td>` + lv + `</td>.*?</tr>`).FindString(rows)
		if !regexp.MustCompile(want).MatchString(row) {
			t.Errorf("level %s's row lacks %s:\n%s", lv, want, row)
		}
	}
	if dst := os.Getenv("INFERBENCH_LIVE_SCREENSHOT"); dst != "" {
		shot := filepath.Join(t.TempDir(), "notes.png")
		chromiumtest.Run(t, bin, holdServer(t, sv, 300*time.Millisecond, ""), "--screenshot="+shot, "--window-size=1200,1300", "--hide-scrollbars")
		b, err := os.ReadFile(shot)
		if err == nil {
			err = os.WriteFile(dst, b, 0o644)
		}
		if err != nil {
			t.Error(err)
		}
	}
}

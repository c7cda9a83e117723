package live

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/internal/chromiumtest"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
)

// TestWatchAnEndedRunReplaysItsPoints: `watch --live` on a run that had
// ended (or on the part of a running one already written) read the records
// at once and took a single point, so the live page's charts said "no data
// yet". The follower now takes a point each interval of the run's own time
// as it reads: a 10 s run at 10 requests a second makes about ten points,
// in time order, each with the requests of its second and the GPU reading
// of its time (the power here rises 10 W a second), not the last one.
func TestWatchAnEndedRunReplaysItsPoints(t *testing.T) {
	sv := replayedRun(t)
	sv.mu.Lock()
	pts := sv.orderedPoints()
	sv.mu.Unlock()
	if len(pts) < 9 {
		t.Fatalf("%d points; want one a second of the 10 s run", len(pts))
	}
	for i, p := range pts {
		if i > 0 && !(p.T > pts[i-1].T) {
			t.Errorf("point %d at %.3f s after %.3f s: not in time order", i, p.T, pts[i-1].T)
		}
		if i == 0 || p.T > 9.5 || p.T-pts[i-1].T < 0.9 {
			continue // the first has no interval; the last holds the run's end
		}
		if p.RPS < 8 || p.RPS > 12 {
			t.Errorf("point at %.1f s: %.1f requests/s; want about 10", p.T, p.RPS)
		}
		// The reading at or before the point's time: 100 W + 10 W a second.
		want := 100 + 10*float64(int(p.T))
		if len(p.GPU) != 1 || p.GPU[0].PowerW == nil || *p.GPU[0].PowerW != want {
			t.Errorf("point at %.1f s: GPU %+v; want %v W, the reading of its time", p.T, p.GPU, want)
		}
	}
}

// TestReplayedRunInChromium: the page of a watched run that had ended
// draws its charts from the replayed points, and hides the in-flight
// chart, which the files cannot fill (a record is written when its
// request is done): it said "no data yet" for ever.
func TestReplayedRunInChromium(t *testing.T) {
	bin := chromiumtest.Path(t)
	sv := replayedRun(t)
	dom, console := chromiumtest.Run(t, bin, holdServer(t, sv, 1500*time.Millisecond, ""), "--dump-dom")
	if attrs := bodyAttrs(dom); attrs["data-errors"] != "[]" || len(console) > 0 {
		t.Errorf("page errors %s, console %q; want none", attrs["data-errors"], console)
	}
	for _, c := range []string{"rps", "ttft", "tpot", "outtps", "gpu-power"} {
		m := regexp.MustCompile(`id="chart-` + c + `"[^>]*data-points="(\d+)"`).FindStringSubmatch(dom)
		if m == nil || len(m[1]) == 0 || atoi(m[1]) < 5 {
			t.Errorf("chart %s drew %v points; want one a second of the run", c, m)
		}
	}
	if !strings.Contains(dom, `id="fig-inflight" class="hidden"`) {
		t.Errorf("the in-flight chart is shown for a run read from its files")
	}
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// replayedRun writes a 10 s run that had ended (request k done at
// (k+1)·100 ms; GPU power 100 W + 10 W a second), follows it as `watch
// --live` does, and returns the live server, its points taken.
func replayedRun(t *testing.T) *Server {
	t.Helper()
	d := newRunDir(t, scenarios.SLO{}, 0)
	for k := range 100 { // request k done at (k+1)·100 ms
		r := rec(1, int64(k)*100*ms, 50*ms, 10*ms, 6)
		r.ID = uint64(k)
		d.write(d.record(r))
	}
	var gpu strings.Builder
	for s := range 11 {
		fmt.Fprintf(&gpu, `{"t_ns":%d,"index":0,"power_w":%d}`+"\n", int64(s)*int64(time.Second), 100+10*s)
	}
	if err := os.WriteFile(filepath.Join(d.dir, rundir.GPUFile), []byte(gpu.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	d.m.ExitState = rundir.ExitComplete
	d.writeManifest()

	f, err := NewFollower(t.Context(), d.dir, FollowOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sv := startServer(t, f.State(), ServerOptions{Interval: time.Second})
	f.replayPoints(sv)
	if err := f.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	return sv
}

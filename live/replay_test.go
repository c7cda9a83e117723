package live

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	sv, err := Start(f.State(), ServerOptions{Addr: "127.0.0.1:0", Interval: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer sv.Shutdown(t.Context())
	f.replayPoints(sv)
	if err := f.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
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

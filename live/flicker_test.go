package live

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// TestClientBoundHolds: on a host whose load generator hovers at report's
// CPU bound (95 % and 85 % of its cores by turns, a second each: the 5 s
// window's mean 91 % and 89 % by turns), the live verdict, read at each
// terminal refresh, turns on once and stays on; before, it went on and off
// every second. Once the client is idle it goes off a window after the
// window last said bound, and stays off.
func TestClientBoundHolds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		t0 := time.Now()
		s := New(Options{Start: t0, Window: 5 * time.Second})
		cpu := 0.0
		var verdicts []bool
		var lastBound int64
		for k := int64(1); k <= 30; k++ {
			share := 0.95
			switch {
			case k > 20:
				share = 0.2 // idle from 20 s
			case k%2 == 0:
				share = 0.85
			}
			cpu += 2 * share
			sleepTo(t0, k*int64(time.Second))
			s.Client(rundir.ClientSample{TNS: k * int64(time.Second), CPUSeconds: cpu, Cores: 2})
			for _, at := range []int64{0, 500 * ms} { // two refreshes a second
				sleepTo(t0, k*int64(time.Second)+at)
				snap := s.Snapshot()
				verdicts = append(verdicts, snap.ClientBound)
				if snap.ClientBound && (len(snap.ClientReasons) != 1 || !strings.Contains(snap.ClientReasons[0], "client CPU at 9")) {
					t.Errorf("at %v: reasons %q; want the CPU's", time.Duration(snap.NowNS), snap.ClientReasons)
				}
				// The window itself, as report judges it.
				if b, _ := s.clientWindow(snap.NowNS); b {
					lastBound = snap.NowNS
				}
			}
		}
		var flips []string
		for i := 1; i < len(verdicts); i++ {
			if verdicts[i] != verdicts[i-1] {
				flips = append(flips, time.Duration(int64(i+2)*500*ms).String()+map[bool]string{true: " on", false: " off"}[verdicts[i]])
			}
		}
		if len(flips) != 2 || !strings.HasSuffix(flips[0], " on") || !strings.HasSuffix(flips[1], " off") {
			t.Errorf("the verdict changed at %q; want on once, then off once after the client went idle", flips)
		}
		// Off a window after the window last judged it bound, not before.
		for i, v := range verdicts {
			at := int64(i+2) * 500 * ms
			if at > lastBound && at < lastBound+5*int64(time.Second) && !v {
				t.Errorf("off at %v, within a window of %v when the window last said bound", time.Duration(at), time.Duration(lastBound))
			}
			if at >= lastBound+5*int64(time.Second) && v {
				t.Errorf("on at %v, a window after %v when the window last said bound", time.Duration(at), time.Duration(lastBound))
			}
		}
	})
}

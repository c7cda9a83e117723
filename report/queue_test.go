package report

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestQueueWaitSplit (issue 20 item 20): the llama.cpp case, 3.4
// requests waiting on average while 40 requests arrive over 8 s (5 req/s),
// waited 3.4 / 5 s = 680 ms each for a slot (Little's law); with a TTFT
// beyond server timing of 700 ms mean (llama.cpp's prompt_ms leaves the
// queue out) 20 ms are left for network and client. A server whose own
// timing holds its queue leaves no such remainder to show.
func TestQueueWaitSplit(t *testing.T) {
	if got := QueueWaitMS(3.4, 5); !near(got, 680) {
		t.Errorf("QueueWaitMS(3.4, 5) = %v; want 680", got)
	}
	if got := QueueWaitMS(3.4, 0); got != 0 {
		t.Errorf("QueueWaitMS without arrivals = %v; want 0", got)
	}
	q := 680.0
	l := Level{Level: 8, Requests: Requests{Total: 40, OK: 40}, WindowS: 8, QueueWaitMS: &q,
		ServerTTFTMS:   Dist{N: 40, P50: 10, Mean: 10},
		TTFTOverheadMS: Dist{N: 40, P50: 700, Mean: 700},
		Server:         &ServerLevel{Samples: 8, RequestsWaiting: &MeanPeak{Mean: 3.4, Peak: 7}}}
	var b strings.Builder
	if err := WriteTable(&b, &Summary{Levels: []Level{l}}, nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"TTFT beyond server timing", "3.4 requests waiting on average / 5.00 req/s arriving): 680.0 ms mean wait",
		"TTFT beyond server timing and queueing: 20.0 ms mean"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
	l.ServerTimingHasQueue = true
	b.Reset()
	if err := WriteTable(&b, &Summary{Levels: []Level{l}}, nil); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "and queueing") {
		t.Errorf("a server timing with its queue still split:\n%s", b.String())
	}
}

// TestMockPowerNote (issue 20 item 7): GPU telemetry from the mock engine
// is said to be modelled beside its power figures; from a real backend it
// is not.
func TestMockPowerNote(t *testing.T) {
	e := 1000.0
	sum := &Summary{Levels: []Level{{Level: 1, Requests: Requests{Total: 1, OK: 1},
		GPU: &GPULevel{GPUs: 1, Samples: 3, PowerW: &MeanPeak{Mean: 262, Peak: 270}, EnergyJ: &e}}}}
	for backend, want := range map[string]bool{MockGPUBackend: true, "nvml": false} {
		var b strings.Builder
		if err := WriteTable(&b, sum, &rundir.Manifest{GPUBackend: backend}); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(b.String(), "modelled by the mock, not measured"); got != want {
			t.Errorf("backend %s: note shown %v; want %v:\n%s", backend, got, want, b.String())
		}
	}
}

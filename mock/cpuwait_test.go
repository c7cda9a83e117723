package mock

import (
	"bytes"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/inferbench/inferbench/internal/runwait"
	"github.com/inferbench/inferbench/servermetrics"
)

// fakeProc is a /proc tree of two threads that waited 1.5 and 0.25 s for
// a CPU over 40 and 2 timeslices, having run 900 and 0.3 µs.
func fakeProc(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for tid, line := range map[string]string{"21": "900000 1500000000 40\n", "22": "300 250000000 2\n"} {
		dir := filepath.Join(root, "self", "task", tid)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "schedstat"), []byte(line), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// Both modes publish the process's wait for a CPU (fixed timing is delayed
// by a busy host too), and a run records it: servermetrics reads the page
// into mock_cpu_wait_s_total (the two packages name the family apart; this
// holds them together). Unknown is no family, not a 0.
func TestMetricsCPUWait(t *testing.T) {
	for name, cfg := range map[string]Config{
		"engine": {GPU: "a100-80gb", Model: "llama-3-8b"},
		"fixed":  {TTFT: time.Millisecond, ITL: time.Millisecond, OutputTokens: 2},
	} {
		t.Run(name, func(t *testing.T) {
			s := newServer(t, cfg)
			if runtime.GOOS == "linux" && s.cpuWait == nil {
				t.Error("no reader of this process on Linux")
			}
			s.cpuWait = runwait.New(fakeProc(t))
			f := scrape(t, s, "/metrics")[CPUWaitFamily]
			if f == nil || f.GetHelp() == "" || len(f.GetMetric()) != 1 {
				t.Fatalf("%s: %v, want a counter with help", CPUWaitFamily, f)
			}
			if v := f.GetMetric()[0].GetCounter().GetValue(); v != 1.75 {
				t.Errorf("%s = %v, want 1.75", CPUWaitFamily, v)
			}
			if f := scrape(t, s, "/metrics")[CPUSlicesFamily]; f == nil || f.GetMetric()[0].GetCounter().GetValue() != 42 {
				t.Errorf("%s: %v, want 42", CPUSlicesFamily, f)
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), "GET", "/metrics", nil))
			smp, err := servermetrics.Parse(bytes.NewReader(rec.Body.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if v := smp.MockCPUWaitSecondsTotal; v == nil || *v != 1.75 {
				t.Errorf("server sample mock_cpu_wait_s_total %v, want 1.75", v)
			}
			if v := smp.MockCPUSlicesTotal; v == nil || *v != 42 {
				t.Errorf("server sample mock_cpu_slices_total %v, want 42", v)
			}
			if v := smp.MockCPUSecondsTotal; v == nil || *v != 0.0009003 {
				t.Errorf("server sample mock_cpu_s_total %v, want 0.0009003", v)
			}
			s.cpuWait = runwait.New(t.TempDir())
			fams := scrape(t, s, "/metrics")
			if f := fams[CPUWaitFamily]; f != nil {
				t.Errorf("unknown wait published: %v", f)
			}
			for _, name := range []string{CPUSlicesFamily, CPUSecondsFamily} {
				if f := fams[name]; f != nil {
					t.Errorf("unknown %s published: %v", name, f)
				}
			}
		})
	}
}

package scenarios

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestTraceScaleKeepsArrivalsBounded: time_scale multiplies every arrival
// after the trace's own bound (maxTraceMS) was checked, so time_scale: 1e300
// over a trace of 10 ms overflowed the arrival's nanoseconds: run sent it
// at a schedule of -9.2e18 ns and report called the record corrupt;
// validate said ok. The scaled trace is bounded as the file is, at the
// time_scale.
func TestTraceScaleKeepsArrivalsBounded(t *testing.T) {
	dir := t.TempDir()
	trace := filepath.Join(dir, "t.jsonl")
	if err := os.WriteFile(trace, []byte(`{"offset_ms": 0, "prompt_tokens": 5, "output_tokens": 5}
{"offset_ms": 10, "prompt_tokens": 5, "output_tokens": 5}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, "s.yaml")
	for scale, ok := range map[string]bool{"1e300": false, "2e9": false, "1e9": true, "0.5": true} {
		s, err := Load(name, []byte("name: t\nload:\n  trace: {file: t.jsonl, time_scale: "+scale+"}\n  warmup: 0\n"))
		if err != nil {
			t.Fatal(err)
		}
		f, _ := strconv.ParseFloat(scale, 64)
		want := name + ":3:38: load.trace.time_scale: " + fmt.Sprintf("%g", f) + " puts the trace's last arrival (10ms) past the 10000000000 ms (about 116 days) a trace may last"
		for what, err := range map[string]error{"CheckData": s.CheckData(), "TraceEntries": second(s.TraceEntries())} {
			switch {
			case ok && err != nil:
				t.Errorf("time_scale %s: %s: %v", scale, what, err)
			case !ok && (err == nil || !strings.HasPrefix(err.Error(), want)):
				t.Errorf("time_scale %s: %s = %v\nwant %s", scale, what, err, want)
			}
		}
	}
}

func second[A, B any](_ A, b B) B { return b }

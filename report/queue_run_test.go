package report_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// TestQueueWaitFromServerFile: a run whose server.jsonl has the waiting
// gauge gets each level's queue-wait estimate; the synthetic run's engine
// never queues (waiting 0), so the estimate is 0 ms, present, not absent.
func TestQueueWaitFromServerFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if err := rendertest.WriteRun(dir, rendertest.A100()); err != nil {
		t.Fatal(err)
	}
	sum, _, err := report.SummarizeRun(dir, report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range sum.Levels {
		if l.QueueWaitMS == nil || *l.QueueWaitMS != 0 {
			t.Errorf("level %g: queue wait %v; want 0 ms from the waiting gauge", l.Level, l.QueueWaitMS)
		}
	}
}

// TestBadTelemetryLineWarnsOnce: a telemetry file with a line that does not
// decode is left out with one warning per file, which names the file and
// the line once and says what is missing ("DIR/gpu.jsonl line N: …": the run's file, among several
// runs), the summary of the records intact.
func TestBadTelemetryLineWarnsOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if err := rendertest.WriteRun(dir, rendertest.A100()); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"gpu.jsonl", "server.jsonl", "client.jsonl"} {
		f, err := os.OpenFile(filepath.Join(dir, name), os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteString("garbage\n"); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	sum, warnings, err := report.SummarizeRun(dir, report.SLO{})
	if err != nil || len(sum.Levels) == 0 {
		t.Fatalf("SummarizeRun: %v, %d levels", err, len(sum.Levels))
	}
	if len(warnings) != 3 {
		t.Fatalf("warnings %q; want one per telemetry file", warnings)
	}
	for i, name := range []string{"gpu.jsonl", "server.jsonl", "client.jsonl"} {
		if w := warnings[i]; !strings.HasPrefix(w, filepath.Join(dir, name)+" line ") || strings.Count(w, name) != 1 {
			t.Errorf("warning %q; want it to start %q and name the file once", w, filepath.Join(dir, name)+" line ")
		}
		if missing := []string{"(GPU telemetry left out)", "(server metrics left out)", "(client telemetry left out)"}[i]; !strings.HasSuffix(warnings[i], missing) {
			t.Errorf("warning %q; want it to end %q", warnings[i], missing)
		}
		if lv := sum.Levels[0]; lv.GPU != nil || lv.Server != nil || lv.Client != nil {
			t.Errorf("a file that could not be read still gave level telemetry: GPU %v server %v client %v", lv.GPU != nil, lv.Server != nil, lv.Client != nil)
		}
	}
}

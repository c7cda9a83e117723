package report_test

import (
	"path/filepath"
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

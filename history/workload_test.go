package history

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
	"github.com/inferbench/inferbench/rundir"
)

// withScenario sets a run's scenario in run.json to the JSON sc.
func withScenario(sc string) func(*rundir.Manifest) {
	return func(m *rundir.Manifest) { m.Scenario = []byte(sc) }
}

// TestBaselineMatchesTheWorkload: a history baseline mixed in runs whose
// workload differed from the candidate's. A store with one full nightly
// run (400 requests, 128 output tokens) and nightly runs made with -n 120
// --max-tokens 32 gave a median-of-7 whose E2E p95 interval read [-100 %,
// +690 %], "no regression", with one warning naming the newest run's
// output_tokens: one debug run under the scenario's name blinded the gate
// for 7 nights. Runs whose workload or load settings differ are left out
// and counted; runs whose SLO or gate differ are kept (goodput is judged
// by the candidate's SLO); a history:ID named is kept, warned of.
func TestBaselineMatchesTheWorkload(t *testing.T) {
	const (
		full  = `{"name":"nightly","workload":{"output_tokens":128},"load":{"concurrency":4,"requests":400},"slo":{"ttft":"500ms"},"gate":{"ttft_p95":"10%"}}`
		debug = `{"name":"nightly","workload":{"output_tokens":32},"load":{"concurrency":4,"requests":400},"slo":{"ttft":"500ms"},"gate":{"ttft_p95":"10%"}}`
		fewer = `{"name":"nightly","workload":{"output_tokens":128},"load":{"requests":120,"concurrency":4},"slo":{"ttft":"500ms"}}`
		// The candidate's workload and load in another key order, under
		// another SLO and gate: the same measurement.
		otherSLO = `{"name":"nightly","load":{"requests":400,"concurrency":4},"workload":{"output_tokens":128},"slo":{"ttft":"900ms"},"gate":{"ttft_p95":"50%"}}`
	)
	ctx, s, root := t.Context(), testStore(t), t.TempDir()
	addRun(t, s, dayRun(t, root, "debug1", 1, withScenario(debug)))
	addRun(t, s, dayRun(t, root, "fewer2", 2, withScenario(fewer)))
	cand, err := compare.LoadRun(dayRun(t, root, "cand", 5, withScenario(full)), report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Baseline(ctx, s, "median-of-7", cand)
	if !errors.Is(err, ErrNoBaseline) || !strings.Contains(err.Error(), "2 of other workload settings") ||
		!strings.Contains(err.Error(), "load.requests: baseline 120, candidate 400") {
		t.Fatalf("Baseline among runs of other workloads = %v; want ErrNoBaseline counting 2 of other workload settings, naming the newest's load.requests", err)
	}
	addRun(t, s, dayRun(t, root, "full3", 3, withScenario(otherSLO)))
	addRun(t, s, dayRun(t, root, "debug4", 4, withScenario(debug)))
	for _, spec := range []string{"median-of-7", "latest"} {
		b, err := Baseline(ctx, s, spec, cand)
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		if !strings.Contains(b.Label, "#3") || strings.Contains(b.Label, "#1") || strings.Contains(b.Label, "#2") || strings.Contains(b.Label, "#4") {
			t.Errorf("%s: baseline %q; want #3 alone, the run of the candidate's workload (its SLO and gate differing)", spec, b.Label)
		}
	}
	// Named by its ID, a run of another workload is the user's choice.
	b, err := Baseline(ctx, s, "4", cand)
	if err != nil || !strings.Contains(b.Label, "#4") {
		t.Errorf("history:4 = %q, %v; want #4, as named", b.Label, err)
	}
}

// TestSameWorkloadByFileNames: run.json holds a dataset's (a trace's, a
// length list's, a tokenizer's) path resolved to an absolute one, and a CI
// job checked out in a directory of its own each night names the same file
// by another path: those nights are of one workload. Another file name, or
// another setting beside it, is another workload.
func TestSameWorkloadByFileNames(t *testing.T) {
	night := func(dir, file string, out int) json.RawMessage {
		scenario := fmt.Sprintf(`{"name":"n","load":{"concurrency":8},"workload":{"dataset":{"file":%q,"format":"sharegpt"},"output_tokens":%d,"tokenizer":%q}}`,
			dir+"/"+file, out, dir+"/tok.json")
		return compare.MetaOf(&rundir.Manifest{Tool: "inferbench", Scenario: json.RawMessage(scenario)}).Settings
	}
	// workload is sameHardware's test of one entry, with its diff.
	workload := func(entry, cand json.RawMessage) (bool, string) {
		c := settingsOf(cand)
		if sameWorkload(entry, c) {
			return true, ""
		}
		return false, workloadDiff(entry, c)
	}
	if same, diff := workload(night("/builds/1041/ci", "chat.json", 128), night("/builds/1042/ci", "chat.json", 128)); !same {
		t.Errorf("one dataset in two checkouts: differ (%s); want the same workload", diff)
	}
	if same, _ := workload(night("/builds/1041/ci", "chat.json", 128), night("/builds/1042/ci", "code.json", 128)); same {
		t.Error("chat.json and code.json: the same workload; want other")
	}
	// What differs is said of the settings as judged: the output tokens,
	// not the paths (sorted first) that name one file.
	if same, diff := workload(night("/builds/1041/ci", "chat.json", 128), night("/builds/1042/ci", "chat.json", 32)); same || diff != "workload.output_tokens: baseline 128, candidate 32" {
		t.Errorf("128 and 32 output tokens: same %v, %q; want other, saying the output tokens", same, diff)
	}
}

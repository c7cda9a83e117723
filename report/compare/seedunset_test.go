package compare

import (
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// TestSeedZeroIsUnsetAsASetting: a run.json written before 2026-12-06
// stored a scenario's unset workload seed as 0; one written since leaves it
// out, and an unset seed runs as 0. As settings the two are one: else
// every night's run read "scenario setting differs: workload.seed" against
// the nights before the change, and a history baseline (which keeps only
// runs of the candidate's workload) left them all out. Another seed still
// differs.
func TestSeedZeroIsUnsetAsASetting(t *testing.T) {
	meta := func(scenario string) Meta {
		return MetaOf(&rundir.Manifest{Tool: "inferbench", Scenario: []byte(scenario), Start: time.Unix(1e9, 0)})
	}
	before := meta(`{"name":"n","workload":{"output_tokens":128,"seed":0},"load":{"concurrency":8}}`)
	since := meta(`{"name":"n","workload":{"output_tokens":128},"load":{"concurrency":8}}`)
	if string(before.Settings) != string(since.Settings) {
		t.Errorf("settings %s and %s; want one", before.Settings, since.Settings)
	}
	if _, w := Check(before, since); len(w) > 0 {
		t.Errorf("warnings %q; want none", w)
	}
	other := meta(`{"name":"n","workload":{"output_tokens":128,"seed":7},"load":{"concurrency":8}}`)
	if string(other.Settings) == string(since.Settings) {
		t.Errorf("seed 7 reads as unset: %s", other.Settings)
	}
}

// TestFilesAreSettingsByName: a dataset named by another absolute path in
// another checkout (run.json resolves it) is the same setting; another
// file name differs. compare warned "scenario setting differs:
// workload.dataset.file" of every night of a CI job checked out afresh.
func TestFilesAreSettingsByName(t *testing.T) {
	meta := func(file string) Meta {
		return MetaOf(&rundir.Manifest{Tool: "inferbench", Start: time.Unix(1e9, 0),
			Scenario: []byte(`{"name":"n","workload":{"dataset":{"file":"` + file + `"}}}`)})
	}
	if _, w := Check(meta("/builds/1041/ci/chat.json"), meta("/builds/1042/ci/chat.json")); len(w) > 0 {
		t.Errorf("one file in two checkouts: warnings %q; want none", w)
	}
	if _, w := Check(meta("/builds/1041/ci/chat.json"), meta("/builds/1042/ci/code.json")); len(w) != 1 {
		t.Errorf("chat.json and code.json: warnings %q; want the setting that differs", w)
	}
}

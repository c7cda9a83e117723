package k8s

import (
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"
)

// TestScenarioManifestDatasetFormatAsScenarios: the advice for a dataset
// names the format the scenarios package reads it as (ApplyDefaults: a
// .json, gzipped or not, is ShareGPT). data.json.gz was advised as
// --dataset jsonl:, which run then read as JSON lines.
func TestScenarioManifestDatasetFormatAsScenarios(t *testing.T) {
	const head = "name: s\ntarget: {model: m, url: 'http://vllm:8000'}\nload: {concurrency: 4, requests: 40}\n"
	for file, want := range map[string]string{"data.json.gz": "--dataset sharegpt:", "data.JSON": "--dataset sharegpt:", "data.jsonl.gz": "--dataset jsonl:", "data.jsonl": "--dataset jsonl:"} {
		s, ref := loadScenario(t, head+"workload:\n  dataset: {file: "+file+"}\n", map[string]string{file: ""})
		_, err := ScenarioManifest(s, ref, "", Options{Image: "i", Shards: 2, PVC: "p"})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("dataset %s: err %v; want advice %q", file, err, want)
		}
	}
}

// TestScenarioManifestRefusalReadsNoData: a scenario refused for naming
// files the pods would not have is refused without reading its dataset or
// trace (the whole of each was read only to be refused, and an empty or
// unreadable one added its own complaint); its tokenizer is still judged.
func TestScenarioManifestRefusalReadsNoData(t *testing.T) {
	const head = "name: s\ntarget: {model: m, url: 'http://vllm:8000'}\nload: {concurrency: 4, requests: 40}\n"
	for _, c := range []struct{ src, noise string }{
		{head + "workload:\n  dataset: {file: empty.jsonl}\n", "prompt"},
		{"name: s\ntarget: {model: m, url: 'http://vllm:8000'}\nload:\n  trace: {file: bad.jsonl}\n", "line 1"},
	} {
		s, ref := loadScenario(t, c.src, map[string]string{"empty.jsonl": "", "bad.jsonl": "not json\n"})
		_, err := ScenarioManifest(s, ref, "", Options{Image: "i", Shards: 2, PVC: "p"})
		if err == nil || !strings.Contains(err.Error(), "pods would not have") {
			t.Fatalf("%q: err %v; want it refused", c.src, err)
		}
		if n := strings.Count(err.Error(), "\n"); n != 0 || strings.Contains(err.Error(), c.noise) {
			t.Errorf("%q: err %q; want the refusal alone, no word of the file's content", c.src, err)
		}
	}
}

// TestManifestStartAtAfterDashesAsRun: a --start-at after -- is read as
// run reads it (session.ParseStartAt): more than a day ahead, or without
// a zone, every pod refused it, and the manifest was made.
func TestManifestStartAtAfterDashesAsRun(t *testing.T) {
	now := time.Date(2026, 12, 6, 15, 40, 10, 0, time.UTC)
	o := Options{Image: "i", Shards: 2, PVC: "p", Now: now,
		RunFlags: []cli.Flag{&cli.StringFlag{Name: "start-at"}, &cli.StringFlag{Name: "model"}}}
	for args, want := range map[string]string{"2030-01-01T00:00:00Z": "more than 24h0m0s", "2026-12-06T15:45:00": "no time zone"} {
		o.Args = []string{"--start-at", args}
		if _, err := manifestOf(t, o); err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "after --") {
			t.Errorf("-- --start-at %s: err %v; want it refused saying %q", args, err, want)
		}
	}
}

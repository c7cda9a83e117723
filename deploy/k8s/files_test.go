package k8s

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/scenarios"
)

// loadScenario writes src as s.yaml in dir (with files, name → content,
// beside it) and loads it as run does.
func loadScenario(t *testing.T, src string, files map[string]string) (*scenarios.Scenario, string) {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ref := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(ref, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := scenarios.LoadFile(ref)
	if err != nil {
		t.Fatal(err)
	}
	return s, ref
}

// TestScenarioManifestRefusesLocalFiles: only the scenario travels in the
// ConfigMap, mounted at /etc/inferbench, so a file it names (relative to
// the scenario, or anywhere on this machine) is in no pod. A dataset or a
// trace was refused; an empirical length list and a tokenizer were written
// into the ConfigMap, the manifest exited 0 and every pod failed after its
// image pull. Each is refused at its key, saying what to do instead.
func TestScenarioManifestRefusesLocalFiles(t *testing.T) {
	const head = "name: s\ntarget: {model: m, url: 'http://vllm:8000'}\nload: {concurrency: 4, requests: 40}\n"
	files := map[string]string{"emp/good.txt": "100\n200\n300\n", "qwen3.json.gz": "{}", "d.jsonl": "{\"prompt\": \"hi\"}\n"}
	for _, c := range []struct {
		workload string
		want     []string
	}{
		{"workload:\n  prompt_tokens: {dist: empirical, file: emp/good.txt}\n", []string{"workload.prompt_tokens.file", "emp/good.txt", "pods would not have", "uniform, normal or lognormal"}},
		{"workload:\n  output_tokens: {dist: empirical, file: emp/good.txt}\n", []string{"workload.output_tokens.file", "pods would not have"}},
		{"workload:\n  prompt_sizing: tokenizer\n  tokenizer: qwen3.json.gz\n", []string{"workload.tokenizer", "pods would not have", "--prompt-sizing tokenizer --tokenizer /results/"}},
		{"workload:\n  tokenizer: qwen3.json.gz\n", []string{"workload.tokenizer", "pods would not have", "after -- as --tokenizer /results/"}},
		{"workload:\n  dataset: {file: d.jsonl}\n", []string{"workload.dataset.file", "pods would not have", "--dataset jsonl:/results/"}},
	} {
		s, ref := loadScenario(t, head+c.workload, files)
		b, err := ScenarioManifest(s, ref, "", Options{Image: "i", Shards: 2, PVC: "p"})
		for _, w := range c.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: err %v; want it refused, saying %q", c.workload, err, w)
			}
		}
		if b != nil {
			t.Errorf("%s: a manifest of %d bytes came with the refusal", c.workload, len(b))
		}
	}
}

// TestScenarioManifestValidatesAsValidate: the manifest judges a scenario
// as `scenarios validate` does, its defaults applied and its data files
// read: an open-loop level whose every request the default warm-up takes
// passed the manifest and failed validate (and every pod), and so did a
// tokenizer of a model the tokenizer package cannot build (WordLevel).
func TestScenarioManifestValidatesAsValidate(t *testing.T) {
	s, ref := loadScenario(t, "name: s\ntarget: {model: m, url: 'http://vllm:8000'}\nload: {rate: 5, duration: 2s}\n", nil)
	if _, err := ScenarioManifest(s, ref, "", Options{Image: "i", Shards: 2, PVC: "p"}); err == nil || !strings.Contains(err.Error(), "all of them warm-up") ||
		!strings.Contains(err.Error(), "load.rate") {
		t.Errorf("a level of warm-up only: err %v; want validate's refusal at load.rate", err)
	}
	s, ref = loadScenario(t, "name: s\ntarget: {model: m, url: 'http://vllm:8000'}\nload: {concurrency: 2, requests: 10}\nworkload: {prompt_sizing: tokenizer, tokenizer: tok.json}\n",
		map[string]string{"tok.json": `{"model":{"type":"WordLevel","vocab":{"a":0},"unk_token":"a"}}`})
	if _, err := ScenarioManifest(s, ref, "", Options{Image: "i", Shards: 2, PVC: "p"}); err == nil || !strings.Contains(err.Error(), `"WordLevel" is not supported`) {
		t.Errorf("a WordLevel tokenizer: err %v; want validate's refusal", err)
	}
	s, ref = loadScenario(t, "name: s\ntarget: {model: m, url: 'http://vllm:8000'}\nload: {rate: 5, duration: 20s}\n", nil)
	if _, err := ScenarioManifest(s, ref, "", Options{Image: "i", Shards: 2, PVC: "p"}); err != nil {
		t.Errorf("a valid open loop: %v", err)
	}
}

// fileFlags are the run flags that name a file (cmd/inferbench's), for
// ScenarioManifest to read the run flags after -- with.
var fileFlags = []cli.Flag{
	&cli.StringFlag{Name: "dataset"}, &cli.StringFlag{Name: "tokenizer"}, &cli.StringFlag{Name: "api-key-file"},
	&cli.IntFlag{Name: "concurrency", Aliases: []string{"c"}}, &cli.StringFlag{Name: "model"},
}

// TestManifestRefuseLocalFileFlags: a run flag after -- that names a file
// went into every pod's args as given, where the file is not (the pods
// have the image, the scenario and the claim at /results): refused, by
// the flag, unless the path is on the claim; a key file always (the key
// travels in the Secret).
func TestManifestRefuseLocalFileFlags(t *testing.T) {
	base := Options{Image: "i", Shards: 2, PVC: "p", RunFlags: fileFlags}
	for _, c := range []struct {
		args []string
		want []string // nil: taken
	}{
		{[]string{"--dataset", "jsonl:prompts.jsonl"}, []string{"--dataset", "prompts.jsonl", "pods would not have", "/results/"}},
		{[]string{"--dataset=sharegpt:/home/me/sg.json"}, []string{"--dataset", "/home/me/sg.json"}},
		{[]string{"--tokenizer", "qwen3.json.gz"}, []string{"--tokenizer", "qwen3.json.gz", "pods would not have", "--prompt-sizing server"}},
		{[]string{"-tokenizer=/tmp/tok.json"}, []string{"--tokenizer", "/tmp/tok.json"}},
		{[]string{"--tokenizer", "/results/../etc/tok.json"}, []string{"--tokenizer"}},
		{[]string{"--api-key-file", "key.txt"}, []string{"--api-key-file", "--secret"}},
		{[]string{"--api-key-file", "/results/key"}, []string{"--api-key-file", "--secret"}},
		{[]string{"--dataset", "jsonl:/results/data/prompts.jsonl", "--tokenizer", "/results/tok/qwen3.json.gz", "-c", "4"}, nil},
	} {
		o := base
		o.Args = c.args
		_, err := manifestOf(t, o)
		if c.want == nil {
			if err != nil {
				t.Errorf("%q: %v; want it taken (the files are on the claim)", c.args, err)
			}
			continue
		}
		for _, w := range c.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%q: err %v; want it refused, saying %q", c.args, err, w)
			}
		}
	}
}

// TestScenarioManifestValidatesWithRunFlags: the run flags after -- lay
// their values over the scenario in every pod, so validate's judgement of
// the file alone is not the pods': a level of warm-up only, refused with
// the file's default warm-up, runs with --warmup 0 or a longer --duration
// after --, which the manifest refused. The flags it can lay (the load's,
// the target's) are laid before the scenario is judged; with one it cannot,
// the pods' run judges the whole.
func TestScenarioManifestValidatesWithRunFlags(t *testing.T) {
	flags := append([]cli.Flag{&cli.StringFlag{Name: "warmup"}, &cli.IntFlag{Name: "retries"}, &cli.StringFlag{Name: "arrival"},
		&cli.StringFlag{Name: "target"}}, loadFlags...)
	for _, c := range []struct {
		args []string
		ok   bool
	}{
		{[]string{"--warmup", "0"}, true},
		{[]string{"--duration", "60s"}, true},
		{[]string{"--rate", "50"}, true},
		{[]string{"-c", "2", "--requests", "10"}, true},
		{[]string{"--arrival", "constant"}, false}, // laid as run lays it: still all warm-up
		{[]string{"--retries", "2"}, false},
		{[]string{"--target", "vllm"}, false},
		{[]string{"--warmup", "12"}, false},
	} {
		s, ref := loadScenario(t, "name: s\ntarget: {model: m, url: 'http://vllm:8000'}\nload: {rate: 5, duration: 2s}\n", nil)
		_, err := ScenarioManifest(s, ref, "", Options{Image: "i", Shards: 2, PVC: "p", Args: c.args, RunFlags: flags})
		if c.ok && err != nil {
			t.Errorf("%q: %v; want it taken", c.args, err)
		}
		if !c.ok && (err == nil || !strings.Contains(err.Error(), "all of them warm-up")) {
			t.Errorf("%q: err %v; want validate's refusal", c.args, err)
		}
	}
}

// TestFlagFilesReadDatasetAsRun: the manifest reads --dataset after --
// as every pod's run does: the last one given (a --dataset naming a file
// off the claim, given again on it, refused the manifest), split by run's
// own scenarios.ParseDatasetFlag, which refuses a value without its
// format (taken for jsonl and, on the claim, passed) and one of another
// format with run's hint (jsnol: passed, exit 0, and every pod refused
// it).
func TestFlagFilesReadDatasetAsRun(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string // "": taken
	}{
		{[]string{"--dataset", "/results/p.txt"}, "want sharegpt:FILE, jsonl:FILE or trace:FILE"},
		{[]string{"--dataset", "/results/p.jsonl"}, "name its format first"},
		{[]string{"--dataset", "jsonl:/results/p.jsonl"}, ""},
		{[]string{"--dataset", "sharegpt:/home/me/p.json"}, "a file the pods would not have"},
		{[]string{"--dataset", "jsnol:/results/x.jsonl"}, `--dataset after --: unknown format "jsnol": did you mean jsonl:/results/x.jsonl?`},
		{[]string{"--dataset", "csv:/results/x.csv"}, `unknown format "csv" (want sharegpt, jsonl or trace)`},
		{[]string{"--dataset", "sharegpt:/home/me/p.json", "--dataset", "jsonl:/results/p.jsonl"}, ""},
		{[]string{"--dataset", "jsonl:/results/p.jsonl", "--dataset", "sharegpt:/home/me/p.json"}, "names /home/me/p.json, a file the pods would not have"},
	} {
		s, ref := loadScenario(t, "name: s\ntarget: {model: m, url: 'http://vllm:8000'}\nload: {concurrency: 4, requests: 100}\n", nil)
		_, err := ScenarioManifest(s, ref, "", Options{Image: "i", Shards: 2, PVC: "p", Args: c.args, RunFlags: loadFlags})
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%q: %v; want %q", c.args, err, c.want)
		}
	}
}

package session

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/scenarios"
)

// TestCheckReadsNothing: Check takes a scenario whose files (a dataset, a
// tokenizer, an API key's file) are empty or not there, since it reads
// none of them, as k8s manifest needs of a pod's files; and what it refuses,
// FromScenario refuses in the same words, first, before it reads those
// files (it refused the missing key file first).
func TestCheckReadsNothing(t *testing.T) {
	// Empty, as k8s manifest's stand-ins for the claim's files: neither is
	// what its name says; the key file is not there at all.
	dir := t.TempDir()
	for _, f := range []string{"d.jsonl", "tok.json"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	yaml := "name: c\ntarget: {kind: vllm, url: 'http://127.0.0.1:1', model: m}\n" +
		"workload:\n  dataset: {file: " + dir + "/d.jsonl}\n  tokenizer: " + dir + "/tok.json\n" +
		"load: {concurrency: 1, requests: 1}\n"
	scenario := func() *scenarios.Scenario {
		s, err := scenarios.Load("c.yaml", []byte(yaml))
		if err != nil {
			t.Fatal(err)
		}
		ApplyKindDefaults(s)
		s.ApplyDefaults()
		return s
	}
	ok := Extras{Out: filepath.Join(t.TempDir(), "run"), APIKeyFile: filepath.Join(dir, "key")}
	if err := Check(scenario(), ok); err != nil {
		t.Fatalf("Check = %v; want nil: it reads nothing", err)
	}
	if _, err := FromScenario(scenario(), ok); err == nil {
		t.Fatal("FromScenario took a key file that is not there")
	}
	for _, c := range []struct {
		name string
		edit func(*scenarios.Scenario, *Extras)
		want string
	}{
		{"spread", func(_ *scenarios.Scenario, x *Extras) { x.Spread = "bogus" }, `--spread: want auto or a non-negative duration, got "bogus"`},
		{"grace", func(_ *scenarios.Scenario, x *Extras) { x.Grace = -time.Second }, "--grace must not be negative"},
		{"retries", func(_ *scenarios.Scenario, x *Extras) { x.Retries = -1 }, "--retries must not be negative"},
		{"gpu", func(_ *scenarios.Scenario, x *Extras) { x.GPUStated = "h999" }, `--gpu: unknown gpu "h999"`},
		{"out", func(_ *scenarios.Scenario, x *Extras) { x.Out = "" }, "--out is required: the run directory to create"},
		{"api", func(s *scenarios.Scenario, _ *Extras) { s.Target.API = "native" }, `--api: target vllm speaks chat, completions, not "native"`},
		{"timeout", func(s *scenarios.Scenario, _ *Extras) { s.Load.Timeout = 0 }, "--timeout must be positive"},
		{"gpu interval", func(s *scenarios.Scenario, _ *Extras) { s.GPU.Interval = 0 }, "--gpu-interval must be positive"},
		{"server metrics", func(_ *scenarios.Scenario, x *Extras) { x.ServerMetrics = "bogus" },
			"--server-metrics: want auto, off or the server's /metrics URL, which has no scheme"},
		{"server metrics scheme", func(_ *scenarios.Scenario, x *Extras) { x.ServerMetrics = "ftp://x/metrics" },
			"URL, which must start with http:// or https://"},
		{"server metrics credentials", func(_ *scenarios.Scenario, x *Extras) { x.ServerMetrics = "http://u:s3cret@x/metrics" },
			"URL, which must not hold credentials"},
		{"no end", func(s *scenarios.Scenario, _ *Extras) { s.Load.Requests = 0 }, "set --requests or --duration: the run would never end"},
		{"arrival", func(s *scenarios.Scenario, _ *Extras) {
			s.Load.Concurrency, s.Load.Rate, s.Load.Arrival, s.Load.Burstiness = 0, []float64{5}, "gamma", -1
		}, "burstiness"},
	} {
		s, x := scenario(), ok
		c.edit(s, &x)
		err := Check(s, x)
		_, ferr := FromScenario(s, x)
		if _, input := errors.AsType[*InputError](err); !input || ferr == nil || err.Error() != ferr.Error() || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Check = %v, FromScenario = %v; want the same *InputError saying %q", c.name, err, ferr, c.want)
		}
	}
	// A /metrics URL with credentials is refused without them, and without
	// --url's advice (an API key's variable), which does not apply.
	x := ok
	x.ServerMetrics = "http://u:s3cret@x/metrics"
	if err := Check(scenario(), x); err == nil || strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "api-key-env") {
		t.Errorf("--server-metrics with credentials: %v; want a refusal naming neither the password nor --api-key-env", err)
	}
}

package k8s

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/scenarios"
)

// TestScenarioManifestReadsNumbersAsRun: the run flags after -- are read
// with run's own parse (cmdline.ReadFlags), leading-zero rule included:
// -- -n 08 was refused ("want a whole number") though every pod's run,
// whose Reorder reads it as decimal, runs 8 requests.
func TestScenarioManifestReadsNumbersAsRun(t *testing.T) {
	for _, c := range []struct {
		args   []string
		shards int
		want   string // "": taken
	}{
		{[]string{"-n", "08"}, 8, ""},
		{[]string{"--requests=010"}, 9, ""}, // 10 requests, not octal 8
		{[]string{"-n", "0x8"}, 9, "--requests 8 after --"},
		{[]string{"-n", "8.5"}, 2, `-n: invalid value "8.5": want a whole number`},
	} {
		s, err := scenarios.Load("s.yaml", []byte("name: s\ntarget: {model: m, url: 'http://vllm:8000'}\nload: {concurrency: 16, requests: 400}\n"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = ScenarioManifest(s, "s.yaml", "", Options{Image: "i", Shards: c.shards, PVC: "p", Args: c.args, RunFlags: loadFlags})
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%q over %d shards: %v; want it taken", c.args, c.shards, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%q over %d shards: err %v; want it refused, saying %q", c.args, c.shards, err, c.want)
		}
	}
}

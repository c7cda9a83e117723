package k8s

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/scenarios"
)

// TestManifestRefusesURLsEveryPodRefuses: a target URL that inferbench run
// refuses (no scheme; an API endpoint instead of the server root) was
// written into the Job, whose every pod then failed after its image pull
// ("base URL … ends in the API endpoint /v1/chat/completions … give the
// server root"). k8s manifest refuses it with run's words, whether it came
// from --url, from --url after --, or from the scenario's target.url.
func TestManifestRefusesURLsEveryPodRefuses(t *testing.T) {
	base := Options{Image: "i", Shards: 2, PVC: "p"}
	for _, c := range []struct {
		name string
		o    func(o Options) Options
		want string
	}{
		{"--url endpoint", func(o Options) Options { o.URL = "http://vllm:8000/v1/chat/completions"; return o }, `give the server root, "http://vllm:8000"`},
		{"--url no scheme", func(o Options) Options { o.URL = "vllm:8000"; return o }, "no scheme"},
		{"-- --url endpoint", func(o Options) Options { o.Args = []string{"--url", "http://vllm:8000/v1/completions"}; return o }, `give the server root, "http://vllm:8000"`},
		{"-- --url=no scheme", func(o Options) Options { o.Args = []string{"--url=vllm"}; return o }, "no scheme"},
	} {
		_, err := manifestOf(t, c.o(base))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v; want it refused, saying %q", c.name, err, c.want)
		}
	}
	if _, err := manifestOf(t, func(o Options) Options { o.URL = "https://vllm.example:8000/"; return o }(base)); err != nil {
		t.Errorf("a server root: %v", err)
	}

	src := "name: s\nload: {concurrency: 2, requests: 4}\ntarget: {kind: vllm, model: m, url: 'http://vllm:8000/v1/chat/completions'}\n"
	s, err := scenarios.Load("s.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ScenarioManifest(s, "s.yaml", "", Options{Image: "i", Shards: 2, PVC: "p"}); err == nil || !strings.Contains(err.Error(), "target.url") ||
		!strings.Contains(err.Error(), "give the server root") {
		t.Errorf("scenario's target.url an endpoint: err %v; want it refused", err)
	}
	// --url replaces the scenario's: a good one is taken.
	s, _ = scenarios.Load("s.yaml", []byte(src))
	if _, err := ScenarioManifest(s, "s.yaml", "", Options{Image: "i", Shards: 2, PVC: "p", URL: "http://vllm:8000"}); err != nil {
		t.Errorf("scenario's target.url replaced by --url: %v", err)
	}
}

// TestManifestTakesAScenarioURLReplacedAfterDashes: --url after -- replaces
// the scenario's target.url in every pod, so a bad one in the scenario is
// not refused then.
func TestManifestTakesAScenarioURLReplacedAfterDashes(t *testing.T) {
	src := "name: s\nload: {concurrency: 2, requests: 4}\ntarget: {kind: vllm, model: m, url: 'http://vllm:8000/v1/chat/completions'}\n"
	s, err := scenarios.Load("s.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ScenarioManifest(s, "s.yaml", "", Options{Image: "i", Shards: 2, PVC: "p", Args: []string{"--url=http://vllm:8000"}}); err != nil {
		t.Errorf("scenario's target.url replaced by --url after --: %v", err)
	}
}

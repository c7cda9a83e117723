package session

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/scenarios"
)

// TestStopRefusedForAModelFamilyWithoutStop: Bedrock's native API sends
// each model family's own body, and Meta's Llama body has no stop field:
// stop sequences for a Llama model (or an imported one, served in Llama's
// format) on API native are refused before the run, in one line naming
// the family and API chat, as scenarios validate refuses them. They ran,
// and every request failed in the adapter. Other families, and Llama on
// API chat (Converse), send them.
func TestStopRefusedForAModelFamilyWithoutStop(t *testing.T) {
	for _, tc := range []struct {
		api, model string
		refused    bool
	}{
		{"native", "meta.llama3-8b-instruct-v1:0", true},
		{"native", "us.meta.llama3-2-3b-instruct-v1:0", true},
		{"native", "arn:aws:bedrock:us-east-1:123456789012:imported-model/abc", true},
		{"chat", "meta.llama3-8b-instruct-v1:0", false},
		{"native", "anthropic.claude-3-haiku-20240307-v1:0", false},
		{"native", "mistral.mistral-7b-instruct-v0:2", false},
	} {
		src := "name: s\ntarget:\n  kind: bedrock\n  api: " + tc.api + "\n  model: " + tc.model + "\nworkload:\n  stop: x\nload:\n  concurrency: 1\n  requests: 1\n"
		s, err := scenarios.Load("s.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		ApplyKindDefaults(s)
		s.ApplyDefaults()
		_, err = FromScenario(s, Extras{Out: filepath.Join(t.TempDir(), "run"), ServerMetrics: "off", NoProbe: true})
		var ie *InputError
		refused := errors.As(err, &ie)
		switch {
		case refused != tc.refused:
			t.Errorf("%s %s: %v; want refused %v", tc.api, tc.model, err, tc.refused)
		case refused && (!strings.Contains(err.Error(), "s.yaml:7:9: workload.stop: ") || !strings.Contains(err.Error(), "Meta's Llama") ||
			!strings.Contains(err.Error(), "--api chat") || strings.Contains(err.Error(), "\n")):
			t.Errorf("%s %s: %q; want one line at workload.stop naming Meta's Llama and --api chat", tc.api, tc.model, err)
		}
		// scenarios validate says the same.
		file := filepath.Join(t.TempDir(), "s.yaml")
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := scenarios.OpenChecked(file, ScenarioKnown()); (err != nil) != tc.refused {
			t.Errorf("validate %s %s: %v; want refused %v", tc.api, tc.model, err, tc.refused)
		}
	}
}

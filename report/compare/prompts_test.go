package compare

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestCheckSaysWhenOnlyOneSideRepeatedItsPrompts: an inferbench of before
// 2026-12-03 wrote no prompt_seed: its synthetic prompts were the scenario
// seed's (1 by default), the same text every run, which a server's prompt
// cache answers from the runs before (llama-server evaluated 1,602 prompt
// tokens on a first run and 33 on a repeat), where today's are drawn for
// the run. A nightly gate of tonight's run against such a baseline read
// the cache's absence as a TTFT regression, and said only that nothing
// differed (the scenarios are the same JSON). It says whose prompts
// repeated; not for a dataset's prompts, the same every run on both sides.
func TestCheckSaysWhenOnlyOneSideRepeatedItsPrompts(t *testing.T) {
	man := func(seed int64, explicit bool, dataset bool) Meta {
		sc := map[string]any{"name": "nightly", "workload": map[string]any{"prompt_tokens": 64, "seed": 1}}
		if dataset {
			sc["workload"] = map[string]any{"dataset": map[string]any{"path": "sharegpt.json"}, "seed": 1}
		}
		raw, _ := json.Marshal(sc)
		return MetaOf(&rundir.Manifest{Target: rundir.TargetInfo{Kind: "vllm", Model: "m"}, Scenario: raw,
			Load: rundir.LoadInfo{Seed: 1, PromptSeed: seed, PromptSeedExplicit: explicit}})
	}
	old, drawn, drawn2, explicit := man(0, false, false), man(8141, false, false), man(-77, false, false), man(1, true, false)
	said := func(base, cand Meta) string {
		_, w := Check(base, cand)
		for _, s := range w {
			if strings.Contains(s, "prompts") {
				return s
			}
		}
		return ""
	}
	for _, tc := range []struct {
		name       string
		base, cand Meta
		want       string
	}{
		{"old baseline, drawn candidate", old, drawn, "baseline's the same every run"},
		{"drawn baseline, old candidate", drawn, old, "candidate's the same every run"},
		{"explicit --seed against drawn", explicit, drawn, "--seed 1"},
		{"both drawn", drawn, drawn2, ""},
		{"both old", old, old, ""},
		{"datasets", man(0, false, true), man(8141, false, true), ""},
	} {
		got := said(tc.base, tc.cand)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: warning %q; want one containing %q", tc.name, got, tc.want)
		}
	}
}

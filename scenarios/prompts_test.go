package scenarios

import (
	"strings"
	"testing"
)

// TestPromptFields: the shared prefix, prompt sizing and dataset filters
// load strictly and are validated with their position.
func TestPromptFields(t *testing.T) {
	s, err := Load("s.yaml", []byte("name: a\nworkload:\n  shared_prefix_tokens: 1500\n  prefix_groups: 4\n  prompt_sizing: server\n"))
	if err != nil {
		t.Fatal(err)
	}
	if w := s.Workload; w.SharedPrefixTokens != 1500 || w.PrefixGroups != 4 || w.PromptSizing != "server" {
		t.Fatalf("workload %+v", w)
	}
	s, err = Load("s.yaml", []byte("name: a\nworkload:\n  dataset: {file: testdata/prompts.jsonl, seed: 0, min_input: 2, max_output: 32}\n"))
	if err != nil {
		t.Fatal(err)
	}
	d := s.Workload.Dataset
	if d.Seed == nil || *d.Seed != 0 || d.MinInput != 2 || d.MaxOutput != 32 {
		t.Fatalf("dataset %+v", d)
	}
	kept, dropped := mustPrompts(t).Keep(d.Within)
	if kept.Len() != 2 || dropped != 1 { // the third asks 64 output tokens, over max_output
		t.Errorf("kept %d, dropped %d; want 2, 1", kept.Len(), dropped)
	}
	for _, c := range []struct{ src, want string }{
		{"name: a\nworkload:\n  prefix_groups: 2\n", "s.yaml:3:18: workload.prefix_groups: needs workload.shared_prefix_tokens"},
		{"name: a\nworkload:\n  shared_prefix_tokens: -1\n", "workload.shared_prefix_tokens: must not be negative"},
		{"name: a\nworkload:\n  prompt_sizing: exact\n", `workload.prompt_sizing: unknown sizing "exact"`},
		{"name: a\nworkload:\n  prompt_sizing: tokenizer\n", "tokenizer needs workload.tokenizer"},
		{"name: a\nworkload:\n  tokenizer: nowhere.json\n", "s.yaml:3:14: workload.tokenizer:"},
		{"name: a\nworkload:\n  dataset: {file: testdata/prompts.jsonl, min_input: 9, max_input: 3}\n", "min_input: 9 is above max_input 3"},
		{"name: a\nworkload:\n  shared_prefix_tokens: 5\n  dataset: {file: testdata/prompts.jsonl}\n", "not used with workload.dataset"},
		{"name: a\nworkload:\n  prompt_sizing: server\n  dataset: {file: testdata/prompts.jsonl}\n", "s.yaml:3:18: workload.prompt_sizing: server sizes synthetic prompts, not used with workload.dataset"},
	} {
		_, err := Load("s.yaml", []byte(c.src))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v; want %q", c.src, err, c.want)
		}
	}
}

func mustPrompts(t *testing.T) *Prompts {
	t.Helper()
	p, err := ReadPromptsFile("testdata/prompts.jsonl", FormatJSONL)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

package scenarios

import (
	"strings"
	"testing"
)

// TestSharedPrefixBounded: shared_prefix_tokens had no upper bound:
// 99999999999 passed validate, and run, sizing by the estimate, built
// the prefix until it ran out of memory (a Go stack trace under a 4 GB
// limit). A prefix is part of a prompt, so the two together are at most
// MaxLength, the longest prompt.
func TestSharedPrefixBounded(t *testing.T) {
	const head = "name: t\nload: {concurrency: 1, requests: 2}\nworkload: {"
	for _, c := range []struct{ workload, want string }{
		{"shared_prefix_tokens: 99999999999, prompt_tokens: 10}", "s.yaml:3:34: workload.shared_prefix_tokens: must be at most 16777206 tokens with prompt_tokens of 10 (together at most 16777216, the longest prompt), got 99999999999"},
		{"shared_prefix_tokens: 16777000, prompt_tokens: {dist: uniform, min: 100, max: 1000}}", "s.yaml:3:34: workload.shared_prefix_tokens: must be at most 16776216 tokens with prompt_tokens up to 1000 (together at most 16777216, the longest prompt), got 16777000"},
	} {
		_, err := Load("s.yaml", []byte(head+c.workload+"\n"))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s:\n got %v\nwant %s", c.workload, err, c.want)
		}
	}
	for _, ok := range []string{"shared_prefix_tokens: 16777000, prompt_tokens: 216}", "shared_prefix_tokens: 1500, prompt_tokens: {dist: normal, mean: 100, stddev: 10}}"} {
		if _, err := Load("s.yaml", []byte(head+ok+"\n")); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}

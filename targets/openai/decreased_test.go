package openai_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/openai"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestCumulativeUsageDecreased: a cumulative count that goes down (5, 3,
// 4, then a usage-only 10) gave per-chunk Tokens 5, 0, 1, which sum under
// the final count, and nothing said the sequence was impossible; the
// decoder says it (Final.UsageDecreased), for vLLM's continuous usage,
// llama.cpp's predicted_n and its /completion tokens_predicted. A count
// that only rises, or a usage-only count of 0 after counts, says nothing.
func TestCumulativeUsageDecreased(t *testing.T) {
	u := func(c int) string {
		return fmt.Sprintf(`"usage":{"prompt_tokens":9,"completion_tokens":%d,"total_tokens":%d}`, c, 9+c)
	}
	usage := func(counts []int, final int) string {
		var b string
		for _, c := range counts {
			b += `data: {"choices":[{"index":0,"delta":{"content":"x"}}],` + u(c) + "}\n\n"
		}
		return b + "data: " + finishChunk + "\n\n" + `data: {"choices":[],` + u(final) + "}\n\n" + "data: [DONE]\n\n"
	}
	predicted := func(counts []int) string {
		var b string
		for _, c := range counts {
			b += fmt.Sprintf(`data: {"choices":[{"index":0,"delta":{"content":"x"}}],"timings":{"predicted_n":%d}}`, c) + "\n\n"
		}
		return b + "data: " + finishChunk + "\n\n" + "data: [DONE]\n\n"
	}
	for _, c := range []struct {
		name   string
		cfg    openai.Config
		body   string
		tokens []int
		want   bool
	}{
		{"continuous down", openai.Config{ContinuousUsage: true}, usage([]int{5, 3, 4}, 10), []int{5, 0, 1}, true},
		{"continuous final below", openai.Config{ContinuousUsage: true}, usage([]int{1, 2, 3}, 2), []int{1, 1, 1}, true},
		{"continuous up", openai.Config{ContinuousUsage: true}, usage([]int{1, 4, 4, 6}, 6), []int{1, 3, 0, 2}, false},
		{"continuous final none", openai.Config{ContinuousUsage: true}, usage([]int{1, 2}, 0), []int{1, 1}, false},
		{"predicted_n down", openai.Config{Flavor: openai.FlavorLlamaCpp}, predicted([]int{2, 4, 3, 5}), []int{2, 2, 0, 2}, true},
		{"predicted_n up", openai.Config{Flavor: openai.FlavorLlamaCpp}, predicted([]int{2, 4, 5}), []int{2, 2, 1}, false},
	} {
		r := replay(t, c.cfg, 200, sseHeader, c.body, nil)
		if r.Err != nil {
			t.Fatalf("%s: %v", c.name, r.Err)
		}
		var got []int
		for _, ch := range r.Chunks {
			if ch.Content != "" {
				got = append(got, ch.Tokens)
			}
		}
		if !cmp.Equal(got, c.tokens) || r.Final.UsageDecreased != c.want {
			t.Errorf("%s: tokens %v, usage decreased %v; want %v, %v", c.name, got, r.Final.UsageDecreased, c.tokens, c.want)
		}
	}
	for _, c := range []struct {
		name string
		body string
		want bool
	}{
		{"tokens_predicted down", `data: {"content":"a","stop":false,"tokens_predicted":3}` + "\n\n" + `data: {"content":"b","stop":false,"tokens_predicted":2}` + "\n\n" +
			`data: {"content":"","stop":true,"stop_type":"limit","tokens_predicted":4,"tokens_evaluated":3}` + "\n\n", true},
		{"final below", `data: {"content":"a","stop":false,"tokens_predicted":3}` + "\n\n" +
			`data: {"content":"","stop":true,"stop_type":"limit","tokens_predicted":2,"tokens_evaluated":3}` + "\n\n", true},
		{"tokens_predicted up", `data: {"content":"a","stop":false,"tokens_predicted":1}` + "\n\n" + `data: {"content":"b","stop":false,"tokens_predicted":2}` + "\n\n" +
			`data: {"content":"","stop":true,"stop_type":"limit","tokens_predicted":2,"tokens_evaluated":3}` + "\n\n", false},
	} {
		srv := targettest.ReplayOnce(t, 200, http.Header{"Content-Type": {"text/event-stream"}}, c.body, nil)
		r := stream(t, openai.Config{Conn: targets.Conn{BaseURL: srv.URL}, API: openai.Native, Flavor: openai.FlavorLlamaCpp}, targets.Request{Model: "m", Prompt: "p"})
		if r.Err != nil || r.Final.UsageDecreased != c.want {
			t.Errorf("%s: %v, usage decreased %v; want %v", c.name, r.Err, r.Final.UsageDecreased, c.want)
		}
	}
}

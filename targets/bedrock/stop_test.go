package bedrock_test

import (
	"errors"
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/bedrock"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestStopSent: Request.Stop goes out as Converse's
// inferenceConfig.stopSequences (AWS API reference InferenceConfiguration:
// up to 2,500 items, each at least 1 character) and, on the native API, in
// each family's own field: the Anthropic body's stop_sequences, Mistral's
// stop (Bedrock user guide "Mistral AI text completion") and Titan's
// textGenerationConfig.stopSequences; nil sends none. Meta's Llama body
// (prompt, temperature, top_p, max_gen_len) has no stop field: a request
// with stop sequences is refused before anything is sent, rather than
// sent without them.
func TestStopSent(t *testing.T) {
	stop := []string{"\n\nUser:", "###"}
	want := targettest.JSON(t, stop)
	for _, tc := range []struct {
		api   bedrock.API
		model string
		get   func(map[string]any) any
	}{
		{bedrock.Chat, "m", func(b map[string]any) any {
			ic, _ := b["inferenceConfig"].(map[string]any)
			return ic["stopSequences"]
		}},
		{bedrock.Native, "anthropic.claude-3-haiku-20240307-v1:0", func(b map[string]any) any { return b["stop_sequences"] }},
		{bedrock.Native, "mistral.mistral-7b-instruct-v0:2", func(b map[string]any) any { return b["stop"] }},
		{bedrock.Native, "amazon.titan-text-express-v1", func(b map[string]any) any {
			c, _ := b["textGenerationConfig"].(map[string]any)
			return c["stopSequences"]
		}},
	} {
		for _, s := range [][]string{stop, nil, {}} {
			url, body := targettest.CaptureBody(t)
			tg := newTarget(t, bedrock.Config{Endpoint: url, API: tc.api})
			_, _ = tg.Stream(t.Context(), targets.Request{Model: tc.model, Prompt: "p", MaxTokens: 8, Stop: s}, func(targets.Chunk) {})
			got := tc.get(body())
			switch {
			case len(s) > 0 && targettest.JSON(t, got) != want:
				t.Errorf("%s %s: stop sequences %s, want %s", tc.api, tc.model, targettest.JSON(t, got), want)
			case len(s) == 0 && got != nil:
				t.Errorf("%s %s without stop: %s sent", tc.api, tc.model, targettest.JSON(t, got))
			}
		}
	}
	url, body := targettest.CaptureBody(t)
	_, err := newTarget(t, bedrock.Config{Endpoint: url, API: bedrock.Native}).Stream(t.Context(),
		targets.Request{Model: "meta.llama3-8b-instruct-v1:0", Prompt: "p", Stop: stop}, func(targets.Chunk) {})
	var re *targets.RequestError
	if !errors.As(err, &re) || body() != nil {
		t.Errorf("a Llama model with stop sequences on the native API: err %v, body %v; want a RequestError and nothing sent", err, body())
	}
	// An empty list is no stop sequence: a run without --stop gave one,
	// and every request to a Llama model on the native API was refused.
	url, body = targettest.CaptureBody(t)
	_, _ = newTarget(t, bedrock.Config{Endpoint: url, API: bedrock.Native}).Stream(t.Context(),
		targets.Request{Model: "meta.llama3-8b-instruct-v1:0", Prompt: "p", Stop: []string{}}, func(targets.Chunk) {})
	if body() == nil {
		t.Error("a Llama model with an empty stop list on the native API: nothing sent; want the request")
	}
}

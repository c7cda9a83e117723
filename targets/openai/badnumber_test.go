package openai_test

import (
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/openai"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestBadNumbersNotReported: a count or a time of the wrong JSON shape
// (2^63, 1e309, 3.7 tokens, "12", true, {}, []) is not reported, as if
// absent, and the stream still succeeds with its text, its finish reason
// and the numbers that were right. Before, the event failed to decode:
// "undecodable event 1: json: cannot unmarshal number 9223372036854775808
// into … completion_tokens of type int", a protocol error for a request
// whose text had all come.
func TestBadNumbersNotReported(t *testing.T) {
	cases := []struct {
		name   string
		api    openai.API
		events []string // the data lines; {N} is the bad count, {T} the bad time
		text   string
		final  targets.Final
	}{
		{name: "usage", api: openai.Chat, events: []string{
			// The token chunk takes the hand-written decoder, the escaped
			// one encoding/json.
			`{"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}],"usage":{"prompt_tokens":5,"completion_tokens":{N}}}`,
			`{"choices":[{"index":0,"delta":{"content":"a\nb"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":{N},"total_tokens":{N},"prompt_tokens_details":{"cached_tokens":{N}}}}`,
			`[DONE]`},
			text:  "Hia\nb",
			final: targets.Final{FinishReason: "stop", Usage: &targets.Usage{PromptTokens: 5, PromptTokensDetails: &targets.PromptTokensDetails{}}}},
		{name: "usage chunk", api: openai.Completions, events: []string{
			`{"choices":[{"index":0,"text":"Hi","finish_reason":"length"}]}`,
			`{"choices":[],"usage":{"prompt_tokens":{N},"completion_tokens":{N},"total_tokens":{N}}}`,
			`[DONE]`},
			text:  "Hi",
			final: targets.Final{FinishReason: "length", Usage: &targets.Usage{}}},
		{name: "groq x_groq", api: openai.Chat, events: []string{
			`{"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}`,
			`{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"x_groq":{"id":"req_1","usage":{"queue_time":{T},"prompt_tokens":5,"prompt_time":0.002,"completion_tokens":{N},"completion_time":{T},"total_time":0.5}}}`,
			`[DONE]`},
			text: "Hi",
			final: targets.Final{FinishReason: "stop", Usage: &targets.Usage{PromptTokens: 5},
				Server: &targets.ServerTiming{Prompt: 2 * time.Millisecond, Total: 500 * time.Millisecond}}},
		{name: "llama.cpp timings", api: openai.Chat, events: []string{
			`{"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}`,
			`{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"timings":{"cache_n":{N},"prompt_n":{N},"prompt_ms":{T},"predicted_ms":12.5}}`,
			`[DONE]`},
			text:  "Hi",
			final: targets.Final{FinishReason: "stop", Server: &targets.ServerTiming{Decode: 12500 * time.Microsecond}}},
		{name: "llama.cpp native", api: openai.Native, events: []string{
			`{"content":"Hi","tokens":[5],"stop":false,"tokens_predicted":{N}}`,
			`{"content":"","tokens":[],"stop":true,"stop_type":"eos","tokens_predicted":{N},"tokens_evaluated":{N},"timings":{"cache_n":{N},"prompt_ms":{T},"predicted_ms":12.5}}`},
			text:  "Hi",
			final: targets.Final{FinishReason: "stop", Server: &targets.ServerTiming{Decode: 12500 * time.Microsecond}}},
		{name: "responses", api: openai.Responses, events: []string{
			`{"type":"response.output_text.delta","delta":"Hi"}`,
			`{"type":"response.completed","response":{"status":"completed","usage":{"input_tokens":5,"output_tokens":{N},"total_tokens":{N}}}}`},
			text:  "Hi",
			final: targets.Final{FinishReason: "completed", Usage: &targets.Usage{PromptTokens: 5}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			targettest.CheckBadNumbers(t, tc.text, tc.final, func(t *testing.T, fill func(string) string) targettest.Result {
				var body strings.Builder
				for _, ev := range tc.events {
					body.WriteString("data: " + fill(ev) + "\n\n")
				}
				cfg := openai.Config{API: tc.api}
				if tc.api == openai.Native {
					cfg.Flavor = openai.FlavorLlamaCpp
				}
				r := replay(t, cfg, 200, sseHeader, body.String(), targettest.ByEvent)
				r.Final.Model = ""
				return r
			})
		})
	}
}

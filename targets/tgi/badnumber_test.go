package tgi_test

import (
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/targettest"
	"github.com/inferbench/inferbench/targets/tgi"
)

// TestBadNumbersNotReported: a count of the wrong JSON shape in the last
// event's details (2^63, 1e309, 3.7, "12", true, {}, []) is not reported,
// as if absent, and the stream still succeeds with its text, its finish
// reason and the count that was right. Before, the last event failed to
// decode and the request was a protocol error.
func TestBadNumbersNotReported(t *testing.T) {
	targettest.CheckBadNumbers(t, "Hi!", targets.Final{FinishReason: "eos_token", Usage: &targets.Usage{PromptTokens: 3}},
		func(t *testing.T, fill func(string) string) targettest.Result {
			r, _ := replay(t, tgi.Config{}, 200, sseHeader, tokenEvent(0, "Hi", false, "")+fill(
				`data:{"index":1,"token":{"id":1,"text":"!","logprob":-0.1,"special":false},"generated_text":"Hi!",`+
					`"details":{"finish_reason":"eos_token","generated_tokens":{N},"input_length":3,"seed":null}}`+"\n\n"))
			return r
		})
}

package tgi_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

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
	for _, bad := range targettest.BadInts {
		t.Run(bad, func(t *testing.T) {
			body := tokenEvent(0, "Hi", false, "") + strings.ReplaceAll(
				`data:{"index":1,"token":{"id":1,"text":"!","logprob":-0.1,"special":false},"generated_text":"Hi!",`+
					`"details":{"finish_reason":"eos_token","generated_tokens":{N},"input_length":3,"seed":null}}`+"\n\n", "{N}", bad)
			r, _ := replay(t, tgi.Config{}, 200, sseHeader, body)
			if r.Err != nil {
				t.Fatalf("%s: %v", bad, r.Err)
			}
			if r.TokenChunks() != 2 || r.Chunks[0].Content+r.Chunks[1].Content != "Hi!" {
				t.Errorf("chunks %+v; want Hi and !", r.Chunks)
			}
			want := targets.Final{FinishReason: "eos_token", Usage: &targets.Usage{PromptTokens: 3}}
			if diff := cmp.Diff(want, r.Final); diff != "" {
				t.Errorf("%s: final (-want +got):\n%s", bad, diff)
			}
		})
	}
}

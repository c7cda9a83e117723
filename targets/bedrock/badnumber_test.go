package bedrock_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/bedrock"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestBadNumbersNotReported: a count or a latency of the wrong JSON shape
// (2^63, 1e309, 3.7, "12", true, {}, []) is not reported, as if absent,
// and the stream still succeeds with its text, its stop reason and the
// numbers that were right: in ConverseStream's metadata, which the SDK
// refuses ("deserialize event metadata: invalid int: 3.7"), and in a
// native chunk. Before, either was a protocol error for a request whose
// text had all come.
func TestBadNumbersNotReported(t *testing.T) {
	chunk := func(json string) string {
		return `chunk {"bytes":"` + base64.StdEncoding.EncodeToString([]byte(json)) + `"}`
	}
	for i, tc := range []struct {
		api   bedrock.API
		body  func(fill func(string) string) []byte
		final targets.Final
	}{
		{bedrock.Chat, func(n func(string) string) []byte {
			return encode(t, `messageStart {"p":"abc","role":"assistant"}`,
				`contentBlockDelta {"contentBlockIndex":0,"delta":{"text":"Hi"},"p":"a"}`,
				`messageStop {"p":"a","stopReason":"end_turn"}`,
				n(`metadata {"metrics":{"latencyMs":{N}},"p":"a","usage":{"inputTokens":3,"outputTokens":{N},"totalTokens":{N}}}`))
		}, targets.Final{FinishReason: "end_turn", Usage: &targets.Usage{PromptTokens: 3}}},
		{bedrock.Chat, func(n func(string) string) []byte {
			return encode(t, `contentBlockDelta {"contentBlockIndex":0,"delta":{"text":"Hi"},"p":"a"}`,
				`messageStop {"p":"a","stopReason":"end_turn"}`,
				n(`metadata {"metrics":{"latencyMs":9},"p":"a","usage":{"inputTokens":{N},"outputTokens":2}}`))
		}, targets.Final{FinishReason: "end_turn", Usage: &targets.Usage{CompletionTokens: 2}, Server: &targets.ServerTiming{Total: 9 * time.Millisecond}}},
		{bedrock.Native, func(n func(string) string) []byte {
			return encode(t,
				chunk(n(`{"generation":"Hi","prompt_token_count":{N},"generation_token_count":{N},"stop_reason":null}`)),
				chunk(n(`{"generation":"","generation_token_count":{N},"stop_reason":"length",`+
					`"amazon-bedrock-invocationMetrics":{"inputTokenCount":{N},"outputTokenCount":2,"invocationLatency":{N},"firstByteLatency":120}}`)))
		}, targets.Final{FinishReason: "length", Usage: &targets.Usage{CompletionTokens: 2}, Server: &targets.ServerTiming{TTFT: 120 * time.Millisecond}}},
	} {
		t.Run(fmt.Sprintf("case %d %s", i, tc.api), func(t *testing.T) {
			targettest.CheckBadNumbers(t, "Hi", tc.final, func(t *testing.T, fill func(string) string) targettest.Result {
				srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 200, Header: eventStreamHeader, Body: tc.body(fill)}})
				return stream(t, newTarget(t, bedrock.Config{Endpoint: srv.URL, API: tc.api}), t.Context(), targets.Request{Model: "meta.llama3-1-8b-instruct-v1:0", Prompt: "p"})
			})
		})
	}
	// What is not a metadata event, or whose usage is no object, is still
	// refused.
	for _, body := range [][]byte{
		encode(t, `contentBlockDelta {"contentBlockIndex":0,"delta":{"text":"Hi"},"p":"a"}`, `metadata {"usage":"12"}`),
		encode(t, `contentBlockDelta {"contentBlockIndex":0,"delta":{"text":3.7},"p":"a"}`),
	} {
		srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 200, Header: eventStreamHeader, Body: body}})
		r := stream(t, newTarget(t, bedrock.Config{Endpoint: srv.URL}), t.Context(), targets.Request{Model: "m", Prompt: "p"})
		var pe *targets.ProtocolError
		if !errors.As(r.Err, &pe) {
			t.Errorf("err %v; want a protocol error", r.Err)
		}
	}
}

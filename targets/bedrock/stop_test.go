package bedrock_test

import (
	"encoding/base64"
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

// TestStoppedBySequence: each Bedrock API and native family in its own
// words. ConverseStream's stopReason and the Anthropic body's stop_reason
// name a stop sequence (stop_sequence); Mistral's stop_reason "stop" is
// its model's end and a stop sequence alike, so counts only when stop
// sequences were sent; Titan's completionReason STOP_CRITERIA_MET is "the
// response was truncated because the stop criteria was reached", FINISH
// the model's own end (Bedrock user guide, "Amazon Titan Text models",
// https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-text.html).
// No length finish (max_tokens, length, LENGTH) is one. The recorded
// ConverseStream ends by end_turn.
func TestStoppedBySequence(t *testing.T) {
	chunk := func(json string) string {
		return `chunk {"bytes":"` + base64.StdEncoding.EncodeToString([]byte(json)) + `"}`
	}
	converse := func(reason string) []byte {
		return encode(t, `messageStart {"role":"assistant"}`, `contentBlockDelta {"contentBlockIndex":0,"delta":{"text":"Hi"}}`,
			`messageStop {"stopReason":"`+reason+`"}`, `metadata {"metrics":{"latencyMs":9},"usage":{"inputTokens":3,"outputTokens":2,"totalTokens":5}}`)
	}
	claude := func(reason string) []byte {
		return encode(t, chunk(`{"type":"message_start","message":{"id":"msg_1","usage":{"input_tokens":7,"output_tokens":1}}}`),
			chunk(`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}`),
			chunk(`{"type":"message_delta","delta":{"stop_reason":"`+reason+`"},"usage":{"output_tokens":2}}`),
			chunk(`{"type":"message_stop"}`))
	}
	mistral := func(reason string) []byte {
		return encode(t, chunk(`{"outputs":[{"text":"Hi","stop_reason":null}]}`),
			chunk(`{"outputs":[{"text":"","stop_reason":"`+reason+`"}],"amazon-bedrock-invocationMetrics":{"inputTokenCount":4,"outputTokenCount":2,"invocationLatency":90,"firstByteLatency":12}}`))
	}
	titan := func(reason string) []byte {
		return encode(t, chunk(`{"outputText":"Hi","index":0,"totalOutputTextTokenCount":1,"completionReason":null,"inputTextTokenCount":4}`),
			chunk(`{"outputText":"","index":0,"totalOutputTextTokenCount":2,"completionReason":"`+reason+`","amazon-bedrock-invocationMetrics":{"inputTokenCount":4,"outputTokenCount":2,"invocationLatency":90,"firstByteLatency":12}}`))
	}
	const (
		claudeModel  = "anthropic.claude-3-haiku-20240307-v1:0"
		mistralModel = "mistral.mistral-7b-instruct-v0:2"
		titanModel   = "amazon.titan-text-express-v1"
	)
	stop := []string{"\n\nUser:"}
	for _, tc := range []struct {
		name  string
		api   bedrock.API
		model string
		body  []byte
		stop  []string
		want  bool
	}{
		{"converse stop_sequence", bedrock.Chat, "m", converse("stop_sequence"), stop, true},
		{"converse max_tokens", bedrock.Chat, "m", converse("max_tokens"), stop, false},
		{"converse recorded end_turn", bedrock.Chat, "m", eventStream(t, "bedrock-converse-stream-raw-eventstream-base64"), stop, false},
		{"claude stop_sequence", bedrock.Native, claudeModel, claude("stop_sequence"), stop, true},
		{"claude end_turn", bedrock.Native, claudeModel, claude("end_turn"), stop, false},
		{"claude max_tokens", bedrock.Native, claudeModel, claude("max_tokens"), stop, false},
		{"mistral stop, stop sent", bedrock.Native, mistralModel, mistral("stop"), stop, true},
		{"mistral stop, none sent", bedrock.Native, mistralModel, mistral("stop"), nil, false},
		{"mistral length", bedrock.Native, mistralModel, mistral("length"), stop, false},
		{"titan STOP_CRITERIA_MET", bedrock.Native, titanModel, titan("STOP_CRITERIA_MET"), stop, true},
		{"titan FINISH", bedrock.Native, titanModel, titan("FINISH"), stop, false},
		{"titan LENGTH", bedrock.Native, titanModel, titan("LENGTH"), stop, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 200, Header: eventStreamHeader, Body: tc.body}})
			r := stream(t, newTarget(t, bedrock.Config{Endpoint: srv.URL, API: tc.api}), t.Context(), targets.Request{Model: tc.model, Prompt: "p", Stop: tc.stop})
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			if r.Final.StoppedBySequence != tc.want {
				t.Errorf("finish %q: StoppedBySequence %v, want %v", r.Final.FinishReason, r.Final.StoppedBySequence, tc.want)
			}
		})
	}
}

package replicate_test

import (
	"errors"
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/replicate"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestStopSent: Request.Stop goes out as input.stop_sequences, the one
// comma-separated string Meta's official Llama models on Replicate take
// ("A comma-separated list of sequences to stop generation at", the
// models' input schema); nil sends none. A stop sequence holding a comma
// cannot be said in that string: the request is refused before anything
// is sent, rather than split into two other sequences.
func TestStopSent(t *testing.T) {
	for _, tc := range []struct {
		stop []string
		want any
	}{
		{[]string{"\n\nUser:", "###"}, "\n\nUser:,###"},
		{nil, nil},
	} {
		url, body := targettest.CaptureBody(t)
		tg, err := replicate.New(replicate.Config{Conn: targets.Conn{BaseURL: url, APIKey: "k"}})
		if err != nil {
			t.Fatal(err)
		}
		_, _ = tg.Stream(t.Context(), targets.Request{Model: "meta/meta-llama-3-8b-instruct", Prompt: "p", MaxTokens: 8, Stop: tc.stop}, func(targets.Chunk) {})
		in, _ := body()["input"].(map[string]any)
		if got := in["stop_sequences"]; got != tc.want {
			t.Errorf("stop %q: input.stop_sequences = %q, want %q", tc.stop, got, tc.want)
		}
	}
	url, body := targettest.CaptureBody(t)
	tg, err := replicate.New(replicate.Config{Conn: targets.Conn{BaseURL: url, APIKey: "k"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = tg.Stream(t.Context(), targets.Request{Model: "meta/meta-llama-3-8b-instruct", Prompt: "p", Stop: []string{"a,b"}}, func(targets.Chunk) {})
	var re *targets.RequestError
	if !errors.As(err, &re) || body() != nil {
		t.Errorf("a stop sequence with a comma: err %v, body %v; want a RequestError and nothing sent", err, body())
	}
}

// TestStoppedBySequence: a prediction's done event says no reason, neither
// a stop sequence nor max_tokens (Replicate's "Streaming output": done with
// {}; a reason there is a prediction that failed or was canceled), so a
// length finish cannot be told from the rest: Final.StoppedBySequence is
// set on done when the request sent stop sequences, and only then. The
// documented stream ends so.
func TestStoppedBySequence(t *testing.T) {
	body := string(targettest.Testdata(t, "replicate-stream-docs"))
	for _, tc := range []struct {
		stop []string
		want bool
	}{{[]string{"\n\nUser:"}, true}, {nil, false}} {
		api := newFakeAPI(t, sseHandler(body, nil))
		r := targettest.Stream(t, replicate.New, replicate.Config{Conn: targets.Conn{BaseURL: api.URL, APIKey: "r8_key"}},
			targets.Request{Model: "meta/meta-llama-3-8b-instruct", Prompt: "p", MaxTokens: 64, Stop: tc.stop})
		if r.Err != nil {
			t.Fatal(r.Err)
		}
		if r.Final.StoppedBySequence != tc.want {
			t.Errorf("stop %q: finish %q, StoppedBySequence %v, want %v", tc.stop, r.Final.FinishReason, r.Final.StoppedBySequence, tc.want)
		}
	}
}

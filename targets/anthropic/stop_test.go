package anthropic_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/anthropic"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestStopSent: Request.Stop goes out as the Messages API's stop_sequences
// (docs/notes/protocols.md §8); nil sends none.
func TestStopSent(t *testing.T) {
	stop := []string{"\n\nUser:", "###"}
	for _, s := range [][]string{stop, nil} {
		url, body := targettest.CaptureBody(t)
		tg, err := anthropic.New(anthropic.Config{Conn: targets.Conn{BaseURL: url, APIKey: "k"}})
		if err != nil {
			t.Fatal(err)
		}
		_, _ = tg.Stream(t.Context(), targets.Request{Model: "m", Prompt: "p", MaxTokens: 8, Stop: s}, func(targets.Chunk) {})
		b := body()
		got, has := b["stop_sequences"]
		switch {
		case s != nil && targettest.JSON(t, got) != targettest.JSON(t, stop):
			t.Errorf("stop_sequences = %s, want %s", targettest.JSON(t, got), targettest.JSON(t, stop))
		case s == nil && has:
			t.Errorf("without stop: stop_sequences = %s", targettest.JSON(t, got))
		}
		if _, ok := b["stop"]; ok {
			t.Errorf("the body has OpenAI's stop field: %v", b["stop"])
		}
	}
}

// TestStoppedBySequence: the Messages API's stop_reason names a stop
// sequence (stop_sequence, with the one met in stop_sequence) apart from
// end_turn and max_tokens: Final.StoppedBySequence is set on stop_sequence
// only. The recorded stream (anthropic-messages-stream-with-ping) ends by
// end_turn; the same stream ending at a stop sequence, or at max_tokens,
// is it with message_delta's stop_reason changed.
func TestStoppedBySequence(t *testing.T) {
	body := string(targettest.Testdata(t, "anthropic-messages-stream-with-ping"))
	const endTurn = `"stop_reason":"end_turn","stop_sequence":null`
	if !strings.Contains(body, endTurn) {
		t.Fatalf("the fixture has no %s", endTurn)
	}
	for _, tc := range []struct {
		end  string
		want bool
	}{
		{`"stop_reason":"stop_sequence","stop_sequence":"\n\nHuman:"`, true},
		{endTurn, false},
		{`"stop_reason":"max_tokens","stop_sequence":null`, false},
	} {
		srv := targettest.ReplayOnce(t, 200, http.Header{"Content-Type": {"text/event-stream"}}, strings.Replace(body, endTurn, tc.end, 1), nil)
		r := stream(t, anthropic.Config{Conn: targets.Conn{BaseURL: srv.URL, APIKey: "k"}}, targets.Request{Model: "m", Prompt: "p", Stop: []string{"\n\nHuman:"}})
		if r.Err != nil {
			t.Fatalf("%s: %v", tc.end, r.Err)
		}
		if r.Final.StoppedBySequence != tc.want {
			t.Errorf("%s: finish %q, StoppedBySequence %v, want %v", tc.end, r.Final.FinishReason, r.Final.StoppedBySequence, tc.want)
		}
	}
}

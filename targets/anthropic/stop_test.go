package anthropic_test

import (
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

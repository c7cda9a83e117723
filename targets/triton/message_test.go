package triton_test

import (
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/targettest"
	"github.com/inferbench/inferbench/targets/triton"
)

// TestConversationBody checks that a conversation goes out as the flat
// template in text_input.
func TestConversationBody(t *testing.T) {
	url, body := targettest.CaptureBody(t)
	tg, err := triton.New(triton.Config{Conn: targets.Conn{BaseURL: url}})
	if err != nil {
		t.Fatal(err)
	}
	targettest.SendConversation(t, tg, "m")
	if got := body()["text_input"]; got != targettest.FlatConversation {
		t.Errorf("text_input = %q, want %q", got, targettest.FlatConversation)
	}
}

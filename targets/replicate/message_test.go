package replicate_test

import (
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/replicate"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestConversationBody checks that a conversation goes out as the flat
// template in the prediction's input.prompt.
func TestConversationBody(t *testing.T) {
	url, body := targettest.CaptureBody(t)
	tg, err := replicate.New(replicate.Config{Conn: targets.Conn{BaseURL: url, APIKey: "k"}})
	if err != nil {
		t.Fatal(err)
	}
	targettest.SendConversation(t, tg, "owner/model")
	in, _ := body()["input"].(map[string]any)
	if got := in["prompt"]; got != targettest.FlatConversation {
		t.Errorf("input.prompt = %q, want %q", got, targettest.FlatConversation)
	}
}

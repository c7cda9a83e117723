package anthropic_test

import (
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/anthropic"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestConversationBody checks that a conversation goes out as the Messages
// API's list, with a system message moved to the top-level system field.
func TestConversationBody(t *testing.T) {
	url, body := targettest.CaptureBody(t)
	tg, err := anthropic.New(anthropic.Config{Conn: targets.Conn{BaseURL: url, APIKey: "k"}})
	if err != nil {
		t.Fatal(err)
	}
	conv := append([]targets.Message{{Role: targets.RoleSystem, Content: "be brief"}}, targettest.Conversation...)
	_, _ = tg.Stream(t.Context(), targets.Request{Model: "m", Messages: conv, MaxTokens: 8}, func(targets.Chunk) {})
	b := body()
	want := `[{"content":"first question","role":"user"},{"content":"first answer","role":"assistant"},{"content":"second question","role":"user"}]`
	if got := targettest.JSON(t, b["messages"]); got != want {
		t.Errorf("messages = %s, want %s", got, want)
	}
	if b["system"] != "be brief" {
		t.Errorf("system = %v, want be brief", b["system"])
	}
}

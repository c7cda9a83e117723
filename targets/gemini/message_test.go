package gemini_test

import (
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/gemini"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestConversationBody checks that a conversation goes out as Gemini's
// contents, the assistant's turns with role "model".
func TestConversationBody(t *testing.T) {
	url, body := targettest.CaptureBody(t)
	tg, err := gemini.New(gemini.Config{Conn: targets.Conn{BaseURL: url, APIKey: "k"}})
	if err != nil {
		t.Fatal(err)
	}
	targettest.SendConversation(t, tg, "m")
	want := `[{"parts":[{"text":"first question"}],"role":"user"},{"parts":[{"text":"first answer"}],"role":"model"},{"parts":[{"text":"second question"}],"role":"user"}]`
	if got := targettest.JSON(t, body()["contents"]); got != want {
		t.Errorf("contents = %s, want %s", got, want)
	}
}

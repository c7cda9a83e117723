package ollama_test

import (
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/ollama"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestConversationBody checks that a conversation goes out as /api/chat's
// messages and as the flat template on /api/generate.
func TestConversationBody(t *testing.T) {
	for _, tc := range []struct {
		api       ollama.API
		key, want string
	}{
		{ollama.Chat, "messages", `[{"content":"first question","role":"user"},{"content":"first answer","role":"assistant"},{"content":"second question","role":"user"}]`},
		{ollama.Completions, "prompt", targettest.JSON(t, targettest.FlatConversation)},
	} {
		url, body := targettest.CaptureBody(t)
		tg, err := ollama.New(ollama.Config{Conn: targets.Conn{BaseURL: url}, API: tc.api})
		if err != nil {
			t.Fatal(err)
		}
		targettest.SendConversation(t, tg, "m")
		if got := targettest.JSON(t, body()[tc.key]); got != tc.want {
			t.Errorf("%s: %s = %s, want %s", tc.api, tc.key, got, tc.want)
		}
	}
}

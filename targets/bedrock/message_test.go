package bedrock_test

import (
	"testing"

	"github.com/inferbench/inferbench/targets/bedrock"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestConversationBody checks that a conversation goes out as Converse's
// messages, as the Anthropic body's messages on the native API, and as the
// flat template for a text model (Llama) on the native API.
func TestConversationBody(t *testing.T) {
	for _, tc := range []struct {
		api       bedrock.API
		model     string
		key, want string
	}{
		{bedrock.Chat, "m", "messages", `[{"content":[{"text":"first question"}],"role":"user"},{"content":[{"text":"first answer"}],"role":"assistant"},{"content":[{"text":"second question"}],"role":"user"}]`},
		{bedrock.Native, "anthropic.claude-3-haiku-20240307-v1:0", "messages", `[{"content":"first question","role":"user"},{"content":"first answer","role":"assistant"},{"content":"second question","role":"user"}]`},
		{bedrock.Native, "meta.llama3-8b-instruct-v1:0", "prompt", targettest.JSON(t, targettest.FlatConversation)},
	} {
		url, body := targettest.CaptureBody(t)
		targettest.SendConversation(t, newTarget(t, bedrock.Config{Endpoint: url, API: tc.api}), tc.model)
		if got := targettest.JSON(t, body()[tc.key]); got != tc.want {
			t.Errorf("%s %s: %s = %s, want %s", tc.api, tc.model, tc.key, got, tc.want)
		}
	}
}

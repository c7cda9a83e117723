package openai_test

import (
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/openai"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestConversationBody checks that a three-message conversation goes out as
// the chat and Responses APIs' message lists and as the documented flat
// template on the completions and llama.cpp native APIs.
func TestConversationBody(t *testing.T) {
	msgs := `[{"content":"first question","role":"user"},{"content":"first answer","role":"assistant"},{"content":"second question","role":"user"}]`
	for _, tc := range []struct {
		api    openai.API
		flavor openai.Flavor
		key    string
		want   string
	}{
		{openai.Chat, openai.FlavorVLLM, "messages", msgs},
		{openai.Chat, openai.FlavorOpenAI, "messages", msgs},
		{openai.Responses, openai.FlavorOpenAI, "input", msgs},
		{openai.Completions, openai.FlavorVLLM, "prompt", targettest.JSON(t, targettest.FlatConversation)},
		{openai.Native, openai.FlavorLlamaCpp, "prompt", targettest.JSON(t, targettest.FlatConversation)},
	} {
		t.Run(string(tc.api)+"/"+string(tc.flavor), func(t *testing.T) {
			url, body := targettest.CaptureBody(t)
			tg, err := openai.New(openai.Config{Conn: targets.Conn{BaseURL: url}, API: tc.api, Flavor: tc.flavor})
			if err != nil {
				t.Fatal(err)
			}
			targettest.SendConversation(t, tg, "m")
			b := body()
			if got := targettest.JSON(t, b[tc.key]); got != tc.want {
				t.Errorf("%s = %s, want %s", tc.key, got, tc.want)
			}
			if tc.key != "prompt" && b["prompt"] != nil {
				t.Errorf("a chat body carries a prompt too: %v", b["prompt"])
			}
		})
	}
}

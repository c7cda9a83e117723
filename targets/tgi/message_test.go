package tgi_test

import (
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/targettest"
	"github.com/inferbench/inferbench/targets/tgi"
)

// TestConversationBody checks that a conversation goes out as the Messages
// API's list (chat) and as the flat template on /generate_stream.
func TestConversationBody(t *testing.T) {
	for _, tc := range []struct {
		api       tgi.API
		key, want string
	}{
		{tgi.Chat, "messages", `[{"content":"first question","role":"user"},{"content":"first answer","role":"assistant"},{"content":"second question","role":"user"}]`},
		{tgi.Native, "inputs", targettest.JSON(t, targettest.FlatConversation)},
	} {
		url, body := targettest.CaptureBody(t)
		tg, err := tgi.New(tgi.Config{Conn: targets.Conn{BaseURL: url}, API: tc.api})
		if err != nil {
			t.Fatal(err)
		}
		targettest.SendConversation(t, tg, "m")
		if got := targettest.JSON(t, body()[tc.key]); got != tc.want {
			t.Errorf("%s: %s = %s, want %s", tc.api, tc.key, got, tc.want)
		}
	}
}

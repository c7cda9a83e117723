package targettest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/inferbench/inferbench/targets"
)

// Conversation is a three-message conversation (user, assistant, user):
// what the second turn of a multi-turn session sends.
var Conversation = []targets.Message{
	{Role: targets.RoleUser, Content: "first question"},
	{Role: targets.RoleAssistant, Content: "first answer"},
	{Role: targets.RoleUser, Content: "second question"},
}

// FlatConversation is Conversation flattened by targets.Request.FlatPrompt:
// what completions-style APIs send.
const FlatConversation = "User: first question\n\nAssistant: first answer\n\nUser: second question\n\nAssistant:"

// CaptureBody starts an HTTP server that keeps the body of the first
// request it receives and answers 500, and returns its URL and a function
// returning the captured body decoded as JSON (nil if none came).
func CaptureBody(t testing.TB) (string, func() map[string]any) {
	t.Helper()
	var (
		mu   sync.Mutex
		body []byte
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		if body == nil {
			body = b
		}
		mu.Unlock()
		http.Error(w, "captured", http.StatusInternalServerError)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, func() map[string]any {
		mu.Lock()
		defer mu.Unlock()
		if body == nil {
			return nil
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatalf("request body is not JSON: %v: %s", err, body)
		}
		return m
	}
}

// SendConversation streams a request carrying Conversation through tg,
// ignoring the outcome (the capture server answers 500).
func SendConversation(t testing.TB, tg targets.Target, model string) {
	t.Helper()
	req := targets.Request{Model: model, Prompt: "ignored when Messages is set", Messages: Conversation, MaxTokens: 8}
	_, _ = tg.Stream(context.Background(), req, func(targets.Chunk) {})
}

// JSON returns v encoded as JSON, for comparing decoded bodies.
func JSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

package openai_test

import (
	"net/http"
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/openai"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestFinalModel: Final.Model is the model the response names, not the
// one asked: llama-server answers as its alias ("tiny", -a tiny) whatever
// the request's model; the Ollama capture served a model named "tiny".
func TestFinalModel(t *testing.T) {
	for _, tc := range []struct{ fixture, want string }{
		{"llamacpp-chat-stream", "tiny"},
		{"ollama-0.17.4-v1-chat-stream", "tiny"},
	} {
		resp := &targettest.Response{Status: 200, Header: http.Header{"Content-Type": {"text/event-stream"}}, Body: targettest.Testdata(t, tc.fixture)}
		srv := targettest.NewServer(t, targettest.Replay{Response: resp, Split: targettest.ByEvent})
		r := stream(t, openai.Config{Conn: targets.Conn{BaseURL: srv.URL}, API: openai.Chat}, targets.Request{Model: "no-such-model", Prompt: "p"})
		if r.Err != nil {
			t.Fatalf("%s: %v", tc.fixture, r.Err)
		}
		if r.Final.Model != tc.want {
			t.Errorf("%s: Final.Model = %q; want %q", tc.fixture, r.Final.Model, tc.want)
		}
	}
}

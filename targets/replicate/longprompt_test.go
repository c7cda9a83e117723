package replicate_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/replicate"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestLongPromptEchoed: Replicate's prediction echoes its input, the
// prompt included, in the create call's answer and in the finished
// prediction. The create answer was read up to targets.MaxErrorRead (64
// KiB), so every request whose prompt was longer (some 16,000 tokens)
// failed as "undecodable prediction: unexpected EOF"; the finished
// prediction's 1 MiB bound lost the server's token counts past some
// 250,000. Both are read up to what the request sent and 1 MiB more.
func TestLongPromptEchoed(t *testing.T) {
	prompt := strings.Repeat("lorem ipsum ", 100_000) // 1.2 MB
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Input json.RawMessage `json:"input"`
		}
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &in)
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPost:
			w.WriteHeader(201)
			fmt.Fprintf(w, `{"id":"abc","status":"starting","input":{"prompt":%q},"urls":{"stream":"http://%s/stream/abc"}}`, prompt, r.Host)
		case r.URL.Path == "/stream/abc":
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, "event: output\ndata: hi\n\nevent: done\ndata: {}\n\n")
		default:
			fmt.Fprintf(w, `{"id":"abc","status":"succeeded","input":{"prompt":%q},"output":["hi"],"metrics":{"input_token_count":200000,"output_token_count":1}}`, prompt)
		}
	}))
	defer srv.Close()
	r := targettest.Stream(t, replicate.New, replicate.Config{Conn: targets.Conn{BaseURL: srv.URL, APIKey: "r8_key"}},
		targets.Request{Model: "meta/meta-llama-3-8b-instruct", Prompt: prompt, MaxTokens: 1})
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if u := r.Final.Usage; u == nil || u.PromptTokens != 200000 || u.CompletionTokens != 1 {
		t.Errorf("usage %+v; want the finished prediction's 200000 and 1", u)
	}
}

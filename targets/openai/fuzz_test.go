package openai_test

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/openai"
	"github.com/inferbench/inferbench/targets/targettest"
)

// FuzzStream feeds arbitrary bodies to the adapter: it must not panic, must
// end every stream with nil, a *targets.StreamError or a
// *targets.ProtocolError (the body is served from memory, so there is no
// transport error), and a successful stream must have ended on [DONE] or a
// finish_reason.
func FuzzStream(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txt")
	for _, p := range files {
		b, err := targettest.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("event: error\ndata: {\"error\":{\"code\":\"429\"}}\n\n"))
	f.Add([]byte("data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":{\"arguments\":{}}}]}}],\"usage\":{\"completion_tokens\":3}}\n\n"))
	tg, err := openai.New(openai.Config{Conn: targets.Conn{BaseURL: "http://replay.invalid", Client: &http.Client{Transport: &fuzzTransport{}}}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ctx := context.WithValue(context.Background(), bodyKey{}, body)
		final, err := tg.Stream(ctx, targets.Request{}, func(c targets.Chunk) {
			if c.Tokens < 0 {
				t.Errorf("negative Tokens %d", c.Tokens)
			}
		})
		var se *targets.StreamError
		var pe *targets.ProtocolError
		switch {
		case err == nil:
			if final.FinishReason == "" && !strings.Contains(string(body), "[DONE]") {
				t.Errorf("success without [DONE] or finish_reason")
			}
		case errors.As(err, &se), errors.As(err, &pe):
		default:
			t.Errorf("error %T %v", err, err)
		}
	})
}

type bodyKey struct{}

// fuzzTransport answers with the body carried by the request's context, so
// one Target serves every fuzz input.
type fuzzTransport struct{}

func (fuzzTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	body, _ := req.Context().Value(bodyKey{}).([]byte)
	return memTransport{body}.RoundTrip(req)
}

package mock_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/bedrock"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestBedrockAgainstMock runs both Bedrock APIs, every native family, concurrently (the
// race detector watches the SDK's shared state), against the mock.
func TestBedrockAgainstMock(t *testing.T) {
	m, err := mock.New(mock.Config{OutputTokens: 6, TTFT: time.Millisecond, ITL: 3 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	models := map[bedrock.API][]string{
		bedrock.Chat:   {"us.amazon.nova-micro-v1:0"},
		bedrock.Native: {"us.anthropic.claude-3-5-haiku-20241022-v1:0", "meta.llama3-1-8b-instruct-v1:0", "arn:aws:bedrock:us-east-1:123456789012:imported-model/abc", "mistral.mistral-7b-instruct-v0:2", "amazon.titan-text-express-v1"},
	}
	for api, ms := range models {
		creds := credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret-test", "")
		tg, err := bedrock.New(bedrock.Config{Endpoint: srv.URL, API: api, Credentials: &creds})
		if err != nil {
			t.Fatal(err)
		}
		for _, model := range ms {
			t.Run(string(api)+"/"+model, func(t *testing.T) {
				t.Parallel()
				for range 3 {
					r := targettest.Stream(t, func(*bedrock.Target) (*bedrock.Target, error) { return tg, nil }, tg, targets.Request{Model: model, Prompt: "one two three", MaxTokens: 6})
					if r.Err != nil {
						t.Fatal(r.Err)
					}
					if r.TokenChunks() != 6 || r.Final.Usage == nil || *r.Final.Usage != (targets.Usage{PromptTokens: 3, CompletionTokens: 6}) {
						t.Errorf("token chunks %d, usage %+v", r.TokenChunks(), r.Final.Usage)
					}
					if r.Final.Server == nil || r.Final.Server.Total < 10*time.Millisecond {
						t.Errorf("server timing %+v, want about the mock's 1 ms TTFT + 5 × 3 ms", r.Final.Server)
					}
					// The native API's firstByteLatency is the first token's,
					// well before the end.
					if api == bedrock.Native && (r.Final.Server.TTFT < time.Millisecond || r.Final.Server.TTFT > r.Final.Server.Total-5*time.Millisecond) {
						t.Errorf("server TTFT %v of total %v: want the first token's latency", r.Final.Server.TTFT, r.Final.Server.Total)
					}
				}
			})
		}
	}
}

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
					// The client's own time to the first token, on the same
					// clock as the mock's: the server built that event after
					// the request was sent and before the client read it.
					start := time.Now()
					var clientTTFT time.Duration
					var r targettest.Result
					r.Final, r.Err = tg.Stream(t.Context(), targets.Request{Model: model, Prompt: "one two three", MaxTokens: 6}, func(c targets.Chunk) {
						if c.HasToken() && clientTTFT == 0 {
							clientTTFT = time.Since(start)
						}
						r.Chunks = append(r.Chunks, c)
					})
					if r.Err != nil {
						t.Fatal(r.Err)
					}
					if r.TokenChunks() != 6 || r.Final.Usage == nil || *r.Final.Usage != (targets.Usage{PromptTokens: 3, CompletionTokens: 6}) {
						t.Errorf("token chunks %d, usage %+v", r.TokenChunks(), r.Final.Usage)
					}
					if r.Final.Server == nil || r.Final.Server.Total < 10*time.Millisecond {
						t.Fatalf("server timing %+v, want about the mock's 1 ms TTFT + 5 × 3 ms", r.Final.Server)
					}
					// The native API's firstByteLatency is the first token's:
					// at least the mock's 1 ms, and no later than the client
					// saw it (the mock rounds up to whole milliseconds). The
					// exact mapping is targets/bedrock's TestNativeInvocationMetrics.
					if api == bedrock.Native {
						if st := r.Final.Server; st.TTFT < time.Millisecond || st.TTFT > (clientTTFT+time.Millisecond-1).Truncate(time.Millisecond) || st.TTFT > st.Total {
							t.Errorf("server TTFT %v of total %v, client saw the first token at %v: want the first token's latency", st.TTFT, st.Total, clientTTFT)
						}
					}
				}
			})
		}
	}
}

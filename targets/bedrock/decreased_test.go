package bedrock_test

import (
	"encoding/base64"
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/bedrock"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestNativeCumulativeCountDecreased: a native family's per-chunk count is
// cumulative (meta's generation_token_count); one that went down (3, 2)
// gave Tokens 3, 0 and nothing said so. The decoder says it
// (Final.UsageDecreased); a count that rises says nothing.
func TestNativeCumulativeCountDecreased(t *testing.T) {
	chunk := func(json string) string {
		return `chunk {"bytes":"` + base64.StdEncoding.EncodeToString([]byte(json)) + `"}`
	}
	for _, c := range []struct {
		name          string
		first, second string
		want          bool
	}{
		{"down", "3", "2", true},
		{"up", "1", "2", false},
	} {
		body := encode(t,
			chunk(`{"generation":"Hi","prompt_token_count":4,"generation_token_count":`+c.first+`,"stop_reason":null}`),
			chunk(`{"generation":" there","prompt_token_count":null,"generation_token_count":`+c.second+`,"stop_reason":"length",`+
				`"amazon-bedrock-invocationMetrics":{"inputTokenCount":4,"outputTokenCount":5,"invocationLatency":900,"firstByteLatency":120}}`))
		srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 200, Header: eventStreamHeader, Body: body}})
		r := stream(t, newTarget(t, bedrock.Config{Endpoint: srv.URL, API: bedrock.Native}), t.Context(), targets.Request{Model: "meta.llama3-1-8b-instruct-v1:0", Prompt: "p"})
		if r.Err != nil || r.Final.UsageDecreased != c.want {
			t.Errorf("%s: %v, usage decreased %v; want %v", c.name, r.Err, r.Final.UsageDecreased, c.want)
		}
	}
}

package loadgen

import (
	"net/http/httptest"
	"os"
	"testing"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/targets/registry"
)

// TestStopHeldBedrockNativeThroughMock: end to end, the mock's Bedrock
// native API, each family's adapter and the load generator. A stop
// sequence met in the first token (" lorem") leaves nothing to stream: the
// record is a success of the one token the server counted, placed at the
// finish; one met in the fourth (" sit") streams three and the fourth,
// counted and held back, is placed at the finish, 4 chunks. Titan says its
// stop-sequence finish as STOP_CRITERIA_MET, which the load generator's
// list of each protocol's stop words did not hold: on Titan the first was
// a failure blaming hidden reasoning and the second kept 3 chunks of 4
// tokens. The adapter now says whether the output ended at a stop sequence
// (targets.Final.StoppedBySequence), whatever its protocol calls it.
func TestStopHeldBedrockNativeThroughMock(t *testing.T) {
	for k, v := range map[string]string{
		"AWS_REGION": "us-east-1", "AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_PROFILE": "", "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "",
	} {
		t.Setenv(k, v)
	}
	m, err := mock.New(mock.Config{OutputTokens: 10})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	tg, err := registry.New("bedrock", registry.Options{URL: srv.URL, API: "native", APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	for _, model := range []string{"amazon.titan-text-express-v1", "mistral.mistral-7b-instruct-v0:2", "anthropic.claude-3-haiku-20240307-v1:0"} {
		for _, c := range []struct {
			stop   string
			tokens int
		}{{" lorem", 1}, {" sit", 4}} {
			r, err := New(tg, Workload{Model: model, PromptTokens: 8, MaxTokens: 16, Stop: []string{c.stop}},
				Concurrency(1), Requests(1), Warmup(0), Level(1, 0), Spread(0))
			if err != nil {
				t.Fatal(err)
			}
			var col collect
			if _, err := run(t.Context(), r, col.add); err != nil {
				t.Fatal(err)
			}
			rec := col.recs[0]
			last := len(rec.Chunks) - 1
			if !rec.OK || rec.OutputTokens != c.tokens || len(rec.Chunks) != c.tokens || rec.Chunks[last][1] != 1 || rec.EndNS != rec.Chunks[last][0] {
				t.Errorf("%s, stop %q: ok %v (%s), %d tokens (finish %q), chunks %v, end %d; want %d tokens in %d chunks, the last of 1 at the end",
					model, c.stop, rec.OK, rec.Error, rec.OutputTokens, rec.FinishReason, rec.Chunks, rec.EndNS, c.tokens, c.tokens)
			}
		}
	}
}

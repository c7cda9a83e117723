package registry_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/registry"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestStopIsWhatIsSent: every kind's word on stop sequences (Kind.StopLimit)
// is what its adapter sends: where it says the API takes them, the body
// carries the request's stop sequence; where it says not, the body does
// not. The kinds that cannot, by name: a kind that stopped sending them
// fails here as well as above. The API "" is the kind's default.
func TestStopIsWhatIsSent(t *testing.T) {
	t.Setenv("AWS_REGION", "us-east-1")
	const marker = "STOP-7f3a"
	cannot := map[string]bool{}
	for _, k := range registry.All() {
		for _, api := range k.APIs {
			srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 500, Header: http.Header{}, Body: []byte("{}")}})
			url, model := srv.URL, "o/m"
			switch k.Name {
			case "vertex":
				url += "/v1/projects/p/locations/l"
			case "azure":
				url += "/openai/v1"
			case "bedrock":
				model = "anthropic.claude-3-haiku-20240307-v1:0" // the native family with a stop field
			}
			tg, err := registry.New(k.Name, registry.Options{URL: url, API: api, APIKey: "k"})
			if err != nil {
				t.Errorf("%s/%s: %v", k.Name, api, err)
				continue
			}
			_, _ = tg.Stream(t.Context(), targets.Request{Model: model, Prompt: "p", MaxTokens: 16, Stop: []string{marker}}, func(targets.Chunk) {})
			reqs := srv.Requests()
			if len(reqs) == 0 {
				t.Errorf("%s/%s: no request reached the server", k.Name, api)
				continue
			}
			sent := strings.Contains(string(reqs[0].Body), marker)
			_, says := k.StopLimit(api)
			if says != sent {
				t.Errorf("%s/%s: StopLimit says %v, but the body sent %s", k.Name, api, says, reqs[0].Body)
			}
			if !says {
				cannot[k.Name+"/"+api] = true
			}
		}
		if a, b := fmtLimit(k.StopLimit("")), fmtLimit(k.StopLimit(k.APIs[0])); a != b {
			t.Errorf("%s: StopLimit(\"\") %s, its default API %s's %s", k.Name, a, k.APIs[0], b)
		}
	}
	want := map[string]bool{"openai/responses": true, "azure/responses": true, "openrouter/responses": true}
	if diff := cmp.Diff(want, cannot); diff != "" {
		t.Errorf("APIs without stop sequences (-want +got):\n%s", diff)
	}
}

// TestStopLimits: the kinds whose API documents a bound are held to it:
// OpenAI's and Azure OpenAI's 4, Gemini's and Vertex's 5.
func TestStopLimits(t *testing.T) {
	for name, want := range map[string]int{"openai": 4, "azure": 4, "gemini": 5, "vertex": 5, "vllm": 0, "bedrock": 0, "anthropic": 0} {
		k, _ := registry.Lookup(name)
		if got, ok := k.StopLimit(""); got != want || !ok {
			t.Errorf("%s: StopLimit %d, %v; want %d, true", name, got, ok, want)
		}
	}
}

func fmtLimit(max int, ok bool) string {
	if !ok {
		return "none"
	}
	return strings.Repeat("I", max)
}

// TestStopNoCommaIsTheAdapters: Kind.StopNoComma says what each kind's
// adapter does with a stop sequence holding a comma: where it is set, the
// adapter refuses it before anything is sent (Replicate joins its
// sequences with commas); elsewhere the body carries it whole. The kinds
// that cannot, by name.
func TestStopNoCommaIsTheAdapters(t *testing.T) {
	t.Setenv("AWS_REGION", "us-east-1")
	const seq = "Human, AI-7f3a:"
	var noComma []string
	for _, k := range registry.All() {
		api := k.APIs[0]
		if _, ok := k.StopLimit(api); !ok {
			continue
		}
		srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 500, Header: http.Header{}, Body: []byte("{}")}})
		url, model := srv.URL, "o/m"
		switch k.Name {
		case "vertex":
			url += "/v1/projects/p/locations/l"
		case "azure":
			url += "/openai/v1"
		case "bedrock":
			model = "anthropic.claude-3-haiku-20240307-v1:0"
		}
		tg, err := registry.New(k.Name, registry.Options{URL: url, API: api, APIKey: "k"})
		if err != nil {
			t.Fatalf("%s: %v", k.Name, err)
		}
		_, err = tg.Stream(t.Context(), targets.Request{Model: model, Prompt: "p", MaxTokens: 16, Stop: []string{seq}}, func(targets.Chunk) {})
		reqs := srv.Requests()
		var re *targets.RequestError
		refused := errors.As(err, &re) && len(reqs) == 0
		if !refused && (len(reqs) == 0 || !strings.Contains(string(reqs[0].Body), `Human, AI-7f3a:`)) {
			t.Errorf("%s/%s: neither refused (%v) nor sent whole", k.Name, api, err)
		}
		if refused != k.StopNoComma {
			t.Errorf("%s/%s: StopNoComma %v, but the adapter refused it: %v", k.Name, api, k.StopNoComma, refused)
		}
		if k.StopNoComma {
			noComma = append(noComma, k.Name)
		}
	}
	if want := []string{"replicate"}; !slices.Equal(noComma, want) {
		t.Errorf("kinds whose stop sequences hold no comma: %q, want %q", noComma, want)
	}
}

// TestStopFamilyIsWhatIsSent: where Kind.StopFamily names a model family
// (Meta's Llama models on Bedrock's native API), the adapter refuses a
// request with stop sequences and sends nothing, so the check before a run
// refuses what would fail every request; for every other model and API it
// names none, and the body carries them.
func TestStopFamilyIsWhatIsSent(t *testing.T) {
	t.Setenv("AWS_REGION", "us-east-1")
	const marker = "STOP-7f3a"
	k, _ := registry.Lookup("bedrock")
	named := 0
	for _, api := range k.APIs {
		for _, model := range []string{"meta.llama3-8b-instruct-v1:0", "us.meta.llama3-2-3b-instruct-v1:0",
			"arn:aws:bedrock:us-east-1:123456789012:imported-model/abc", "anthropic.claude-3-haiku-20240307-v1:0",
			"mistral.mistral-7b-instruct-v0:2", "amazon.titan-text-express-v1"} {
			srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 500, Header: http.Header{}, Body: []byte("{}")}})
			tg, err := registry.New(k.Name, registry.Options{URL: srv.URL, API: api, APIKey: "k"})
			if err != nil {
				t.Fatal(err)
			}
			_, err = tg.Stream(t.Context(), targets.Request{Model: model, Prompt: "p", MaxTokens: 16, Stop: []string{marker}}, func(targets.Chunk) {})
			reqs := srv.Requests()
			sent := len(reqs) > 0 && strings.Contains(string(reqs[0].Body), marker)
			family := k.StopFamily(api, model)
			var re *targets.RequestError
			switch {
			case family != "" && (len(reqs) > 0 || !errors.As(err, &re)):
				t.Errorf("%s %s: StopFamily %q, but %d requests were sent (%v)", api, model, family, len(reqs), err)
			case family == "" && !sent:
				t.Errorf("%s %s: StopFamily names none, but no body carried the stop sequence (%v)", api, model, err)
			}
			if family != "" {
				named++
			}
		}
	}
	if named != 3 {
		t.Errorf("StopFamily named a family for %d models, want 3 (the Llama and imported ones on native)", named)
	}
}

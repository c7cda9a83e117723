package mock_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/registry"
)

// The mock's text is its vocabulary in order: " lorem ipsum dolor sit amet
// consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore
// et", then again. " sit" is token 3's whole text: a stop sequence that the
// text really contains, starting at token 3.
const stopAt3 = " sit"

// TestStopEndsTheStreamOnEveryKind: a stop sequence the mock's text
// contains ends the stream before the token it starts in, through every
// kind's own adapter and field: three tokens sent (" lorem ipsum dolor"),
// the stop sequence not in the output, the usage counting four, the three
// sent and the one the stop sequence starts in (generated, its text held
// back: vLLM, llama-server and Ollama count it), and each protocol's finish
// reason for a stop sequence, which its adapter takes for one
// (targets.Final.StoppedBySequence; Triton's stream says nothing of its
// end). Gemini's cumulative count gives the held
// token to its final event, of no text (TestStopFinishWhenHeldTokenGenerated);
// TGI sends the token that completes the stop
// sequence, on both its APIs (TestStopAsTGIDoes). A stop sequence the text does not
// contain changes nothing.
func TestStopEndsTheStreamOnEveryKind(t *testing.T) {
	setCloudEnv(t)
	m, err := mock.New(mock.Config{OutputTokens: 10})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		kind, api, path, model, finish string
	}{
		{"vllm", "chat", "", "m", "stop"},
		{"vllm", "completions", "", "m", "stop"},
		{"openai", "chat", "", "gpt", "stop"},
		{"sglang", "chat", "", "m", "stop"},
		{"trtllm", "chat", "", "m", "stop"},
		{"llamacpp", "chat", "", "m", "stop"},
		{"llamacpp", "native", "", "m", ""},
		{"groq", "chat", "/openai/v1", "m", "stop"},
		{"azure", "chat", "", "dep", "stop"},
		{"openrouter", "chat", "/api/v1", "m", "stop"},
		{"together", "chat", "/v1", "m", "stop"},
		{"tgi", "native", "", "m", "stop_sequence"},
		{"tgi", "chat", "/tgi", "m", "stop_sequence"},
		{"ollama", "chat", "", "m", "stop"},
		{"ollama", "completions", "", "m", "stop"},
		{"anthropic", "chat", "", "claude", "stop_sequence"},
		{"gemini", "chat", "", "gemini-2.5-flash", "STOP"},
		{"vertex", "chat", "/v1/projects/p/locations/l", "gemini-2.5-flash", "STOP"},
		{"bedrock", "chat", "", "us.amazon.nova-micro-v1:0", "stop_sequence"},
		{"bedrock", "native", "", "anthropic.claude-3-haiku-20240307-v1:0", "stop_sequence"},
		{"bedrock", "native", "", "mistral.mistral-7b-instruct-v0:2", ""},
		{"bedrock", "native", "", "amazon.titan-text-express-v1", "STOP_CRITERIA_MET"},
		{"replicate", "native", "", "meta/meta-llama-3-8b-instruct", ""},
		{"trtllm", "native", "", "ensemble", ""},
	} {
		for _, c := range []struct {
			stop          string
			tokens, usage int
			text          string
		}{{stopAt3, 3, 4, " lorem ipsum dolor"}, {"\n\nUser:", 10, 10, ""}} {
			name := tc.kind + "/" + tc.api + tc.path + "/" + tc.model
			tg, err := registry.New(tc.kind, registry.Options{URL: srv.URL + tc.path, API: tc.api, APIKey: "k"})
			if err != nil {
				t.Fatal(err)
			}
			n, text := 0, ""
			final, err := tg.Stream(t.Context(), targets.Request{Model: tc.model, Prompt: "a b c", MaxTokens: 16, Stop: []string{c.stop}}, func(ch targets.Chunk) {
				if ch.HasToken() {
					n += max(ch.Tokens, 1)
				}
				text += ch.Content
			})
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			want, usage, wantText := c.tokens, c.usage, c.text
			switch {
			case tc.kind == "tgi" && c.usage < 10:
				// TGI sends the token that completes the stop sequence.
				want, wantText = c.usage, c.text+c.stop
			}
			if n != want {
				t.Errorf("%s, stop %q: %d tokens, want %d", name, c.stop, n, want)
			}
			if c.text != "" && text != wantText {
				t.Errorf("%s, stop %q: text %q, want %q", name, c.stop, text, wantText)
			}
			if final.Usage != nil && final.Usage.CompletionTokens != usage {
				t.Errorf("%s, stop %q: usage %d output tokens, want %d", name, c.stop, final.Usage.CompletionTokens, usage)
			}
			if c.usage == 4 && tc.finish != "" && final.FinishReason != tc.finish {
				t.Errorf("%s, stop %q: finish %q, want %q", name, c.stop, final.FinishReason, tc.finish)
			}
			if says := tc.kind != "trtllm" || tc.api != "native"; c.usage == 4 && final.StoppedBySequence != says {
				t.Errorf("%s, stop %q: StoppedBySequence %v, want %v (finish %q)", name, c.stop, final.StoppedBySequence, says, final.FinishReason)
			}
		}
	}
}

// post sends body to path on the mock and returns the whole response.
func postMock(t *testing.T, m http.Handler, path, body string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodPost, path, strings.NewReader(body)))
	b, _ := io.ReadAll(rec.Result().Body)
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: %d %s", path, rec.Code, b)
	}
	return string(b)
}

// TestStopAsVLLMDoes: the stop sequence holds whatever ignore_eos says
// (vLLM's ignore_eos ignores the EOS token only), is checked only once
// min_tokens are out (vLLM's StopChecker skips the stop strings before:
// " sit" is then next met as token 19), is found across tokens (" dolor
// sit" starts at token 2), is given as OpenAI's single string too, and the
// first of several that the text meets ends it; the usage counts the token
// the stop sequence starts in beside those sent. Anthropic's stream names
// the sequence in message_delta's stop_sequence; TGI's says
// "stop_sequence".
func TestStopAsVLLMDoes(t *testing.T) {
	m, err := mock.New(mock.Config{OutputTokens: 24})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, fields, want string
	}{
		{"ignore_eos", `"stop":[" sit"],"ignore_eos":true`, `"completion_tokens":4`},
		{"min_tokens", `"stop":[" sit"],"min_tokens":5`, `"completion_tokens":20`},
		{"across tokens", `"stop":[" dolor sit"]`, `"completion_tokens":3`},
		{"one string", `"stop":" sit"`, `"completion_tokens":4`},
		{"the first met", `"stop":[" elit", " ipsum"]`, `"completion_tokens":2`},
		{"met nowhere", `"stop":["User:"]`, `"completion_tokens":24`},
	} {
		out := postMock(t, m, "/v1/completions", `{"model":"m","prompt":"a b c","stream":true,"stream_options":{"include_usage":true},"max_tokens":24,`+c.fields+`}`)
		if !strings.Contains(out, c.want) {
			t.Errorf("%s: want %s in\n%s", c.name, c.want, out)
		}
		if c.want != `"completion_tokens":24` && !strings.Contains(out, `"finish_reason":"stop"`) {
			t.Errorf("%s: no finish_reason stop in\n%s", c.name, out)
		}
	}
	out := postMock(t, m, "/v1/messages", `{"model":"c","max_tokens":24,"stream":true,"stop_sequences":[" sit"],"messages":[{"role":"user","content":"a b c"}]}`)
	if !strings.Contains(out, `"stop_reason":"stop_sequence","stop_sequence":" sit"`) || !strings.Contains(out, `"output_tokens":4`) {
		t.Errorf("anthropic: want stop_reason stop_sequence, stop_sequence \" sit\" and 4 output tokens (3 sent, 1 held back) in\n%s", out)
	}
	out = postMock(t, m, "/generate_stream", `{"inputs":"a b c","parameters":{"max_new_tokens":24,"details":true,"stop":[" sit"]}}`)
	if !strings.Contains(out, `"finish_reason":"stop_sequence","generated_tokens":4`) {
		t.Errorf("tgi: want finish_reason stop_sequence and 4 generated tokens in\n%s", out)
	}
}

// TestStopInTheFirstTokenThroughAdapters: a stop sequence met in the first
// token, through the adapters of the protocols whose finish rides an event
// of text (TGI's native API, Gemini, Vertex): the stream ends with its
// finish and one output token counted, no error. TGI sends that token
// (" lorem", its stop sequence); Gemini a final event of empty text.
func TestStopInTheFirstTokenThroughAdapters(t *testing.T) {
	setCloudEnv(t)
	m, err := mock.New(mock.Config{OutputTokens: 10})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		kind, api, path, model, finish, text string
	}{
		{"tgi", "native", "", "m", "stop_sequence", " lorem"},
		{"gemini", "chat", "", "gemini-2.5-flash", "STOP", ""},
		{"vertex", "chat", "/v1/projects/p/locations/l", "gemini-2.5-flash", "STOP", ""},
	} {
		tg, err := registry.New(tc.kind, registry.Options{URL: srv.URL + tc.path, API: tc.api, APIKey: "k"})
		if err != nil {
			t.Fatal(err)
		}
		text := ""
		final, err := tg.Stream(t.Context(), targets.Request{Model: tc.model, Prompt: "a b c", MaxTokens: 16, Stop: []string{" lorem"}}, func(ch targets.Chunk) {
			text += ch.Content
		})
		if err != nil {
			t.Errorf("%s/%s: %v", tc.kind, tc.api, err)
			continue
		}
		if final.FinishReason != tc.finish || final.Usage == nil || final.Usage.CompletionTokens != 1 || text != tc.text {
			t.Errorf("%s/%s: finish %q, usage %+v, text %q; want finish %q, 1 output token, text %q", tc.kind, tc.api, final.FinishReason, final.Usage, text, tc.finish, tc.text)
		}
	}
}

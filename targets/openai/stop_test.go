package openai_test

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/openai"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestStopSent: Request.Stop goes out as "stop" on every chat and
// completions flavour (OpenAI's API reference: "stop", up to 4 sequences;
// vLLM, SGLang, llama.cpp, TGI's Messages API and the hosted compatible
// APIs take the same field) and on llama.cpp's native /completion (its
// README: "stop", an array of stopping strings); nil sends no field at
// all. The Responses API has no stop parameter: nothing is sent there (the
// registry says so, and a scenario asking for it is refused).
func TestStopSent(t *testing.T) {
	stop := []string{"\n\nUser:", "###"}
	for _, tc := range []struct {
		api    openai.API
		flavor openai.Flavor
		sent   bool
	}{
		{openai.Chat, openai.FlavorVLLM, true},
		{openai.Completions, openai.FlavorVLLM, true},
		{openai.Chat, openai.FlavorOpenAI, true},
		{openai.Completions, openai.FlavorOpenAI, true},
		{openai.Chat, openai.FlavorAzure, true},
		{openai.Chat, openai.FlavorCompatible, true},
		{openai.Chat, openai.FlavorLlamaCpp, true},
		{openai.Native, openai.FlavorLlamaCpp, true},
		{openai.Responses, openai.FlavorOpenAI, false},
	} {
		for _, s := range [][]string{stop, nil} {
			url, body := targettest.CaptureBody(t)
			tg, err := openai.New(openai.Config{Conn: targets.Conn{BaseURL: url}, API: tc.api, Flavor: tc.flavor})
			if err != nil {
				t.Fatal(err)
			}
			_, _ = tg.Stream(t.Context(), targets.Request{Model: "m", Prompt: "p", MaxTokens: 8, Stop: s}, func(targets.Chunk) {})
			b := body()
			got, has := b["stop"]
			switch {
			case s != nil && tc.sent && targettest.JSON(t, got) != targettest.JSON(t, stop):
				t.Errorf("%s/%s: stop = %s, want %s", tc.api, tc.flavor, targettest.JSON(t, got), targettest.JSON(t, stop))
			case (s == nil || !tc.sent) && has:
				t.Errorf("%s/%s with stop %q: the body has stop %s", tc.api, tc.flavor, s, targettest.JSON(t, got))
			}
		}
	}
}

// TestLlamaCppStopTimingsAreNoPerEventCount replays streams recorded from
// llama-server 0.5.0 asked as the openai and vllm kinds ask (no
// timings_per_token) and ended by a stop sequence: the event that carries
// the text before the stop sequence also carries llama.cpp's timings,
// whose predicted_n counts every token of the output, not that event's. It
// was taken as the event's tokens: the completions stream's events held 4
// tokens of the server's 3 (1 + 3; against the real server, 16
// requests of up to 32 tokens held up to 56 of 32, 2026-12-06), and a
// level's ITL spread that event's gap over all of them. A predicted_n
// after token-bearing events that carried none is the output's count, as a
// usage after them is (decoder.tokenBeforeUsage).
func TestLlamaCppStopTimingsAreNoPerEventCount(t *testing.T) {
	for _, tc := range []struct {
		name   string
		api    openai.API
		tokens int // the server's usage
	}{
		{"llamacpp-0.5.0-completions-stream-stop", openai.Completions, 3},
		{"llamacpp-0.5.0-chat-stream-stop", openai.Chat, 2},
	} {
		for _, flavor := range []openai.Flavor{openai.FlavorOpenAI, openai.FlavorVLLM} {
			for _, sp := range []struct {
				name  string
				split targettest.Split
			}{{"by-event", targettest.ByEvent}, {"7-bytes", targettest.Every(7)}} {
				t.Run(tc.name+"/"+string(flavor)+"/"+sp.name, func(t *testing.T) {
					resp := &targettest.Response{Status: 200, Header: http.Header{"Content-Type": {"text/event-stream"}}, Body: targettest.Testdata(t, tc.name)}
					srv := targettest.NewServer(t, targettest.Replay{Response: resp, Split: sp.split})
					r := stream(t, openai.Config{Conn: targets.Conn{BaseURL: srv.URL}, API: tc.api, Flavor: flavor},
						targets.Request{Model: "m", Prompt: "p", Stop: []string{"x"}})
					if r.Err != nil {
						t.Fatal(r.Err)
					}
					if r.Final.FinishReason != "stop" {
						t.Errorf("finish reason %q, want stop", r.Final.FinishReason)
					}
					if got := r.OutputTokens(); got != tc.tokens {
						t.Fatalf("output tokens %d, want the server's %d", got, tc.tokens)
					}
					if got := r.TokenChunks(); got > tc.tokens {
						t.Errorf("the token-bearing chunks hold %d tokens, more than the server's %d", got, tc.tokens)
					}
				})
			}
		}
	}
}

// TestStoppedBySequence: Final.StoppedBySequence is what each flavour's
// finish can say of a stop sequence. finish_reason "stop" is said of the
// model's own end and of a stop sequence alike: with stop sequences sent
// it may be one (llama-server 0.5.0's stream met ["gum"]), without them it
// is not (OpenAI's own stream, and the same llama-server stream); "length"
// never is. llama.cpp's /completion says which: stop_type "word" is a
// stopping string, "eos" the model's end and "limit" n_predict's (both
// mapped to finish reasons there too). The Responses API sends no stop
// sequences.
func TestStoppedBySequence(t *testing.T) {
	native := targettest.Testdata(t, "llamacpp-native-completion-stream")
	nativeEnd := func(stopType string) []byte {
		return bytes.Replace(native, []byte(`"stop_type":"limit","stopping_word":""`), []byte(`"stop_type":"`+stopType+`","stopping_word":"hi"`), 1)
	}
	if bytes.Equal(nativeEnd("word"), native) {
		t.Fatal("the /completion fixture has no stop_type limit to replace")
	}
	stop := []string{"gum"}
	for _, tc := range []struct {
		name   string
		api    openai.API
		flavor openai.Flavor
		body   []byte
		stop   []string
		want   bool
	}{
		{"chat stop, stop sent", openai.Chat, openai.FlavorLlamaCpp, targettest.Testdata(t, "llamacpp-0.5.0-chat-stream-stop"), stop, true},
		{"completions stop, stop sent", openai.Completions, openai.FlavorOpenAI, targettest.Testdata(t, "llamacpp-0.5.0-completions-stream-stop"), stop, true},
		{"chat stop, none sent", openai.Chat, openai.FlavorLlamaCpp, targettest.Testdata(t, "llamacpp-0.5.0-chat-stream-stop"), nil, false},
		{"openai stop, none sent", openai.Chat, openai.FlavorOpenAI, targettest.Testdata(t, "openai-chat-stream-include-usage"), nil, false},
		{"chat length, stop sent", openai.Chat, openai.FlavorLlamaCpp, targettest.Testdata(t, "llamacpp-0.5.0-chat-stream-timings-per-token"), stop, false},
		{"completions length, stop sent", openai.Completions, openai.FlavorVLLM, targettest.Testdata(t, "llamacpp-completions-stream"), stop, false},
		{"native word", openai.Native, openai.FlavorLlamaCpp, nativeEnd("word"), stop, true},
		{"native eos, stop sent", openai.Native, openai.FlavorLlamaCpp, nativeEnd("eos"), stop, false},
		{"native limit, stop sent", openai.Native, openai.FlavorLlamaCpp, native, stop, false},
		{"responses", openai.Responses, openai.FlavorOpenAI, targettest.Testdata(t, "openai-responses-stream-output-text"), stop, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 200, Header: http.Header{"Content-Type": {"text/event-stream"}}, Body: tc.body}})
			r := stream(t, openai.Config{Conn: targets.Conn{BaseURL: srv.URL}, API: tc.api, Flavor: tc.flavor}, targets.Request{Model: "m", Prompt: "p", Stop: tc.stop})
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			if r.Final.StoppedBySequence != tc.want {
				t.Errorf("finish %q: StoppedBySequence %v, want %v", r.Final.FinishReason, r.Final.StoppedBySequence, tc.want)
			}
		})
	}
}

// TestStoppedBySequenceServerSays: where the server names what ended the
// output, Final.StoppedBySequence is what it says, not what finish_reason
// "stop" leaves open. vLLM's stop_reason and SGLang's matched_stop are the
// stop string that ended it, a token id (a stop_token_ids entry; SGLang
// names its model's EOS token so too) or null (vLLM's EOS, a length). This
// adapter sends no stop_token_ids, so a number is never
// one of the request's stop sequences; a string is one only when it equals
// one of them (a server's own stop strings are not the request's). Where
// the field is absent (OpenAI, Groq, llama-server) or of no such type, the
// finish alone says it, as before. The finish chunk names it; the token
// chunks' null says nothing. A stream that ended at EOS with the field
// null was taken for a stop sequence: its unstreamed EOS token timed as a
// held-back one.
func TestStoppedBySequenceServerSays(t *testing.T) {
	vllm := targettest.Testdata(t, "vllm-completions-stream-stop-reason")
	sglang := targettest.Testdata(t, "sglang-chat-stream-matched-stop")
	// end replaces the value the finish chunk names.
	end := func(body []byte, key, value string) []byte {
		old := []byte(`"finish_reason":"stop","` + key + `":" 4"`)
		if !bytes.Contains(body, old) {
			t.Fatalf("no %s to replace", old)
		}
		if value == "" { // the field left out
			return bytes.Replace(body, old, []byte(`"finish_reason":"stop"`), 1)
		}
		return bytes.Replace(body, old, []byte(`"finish_reason":"stop","`+key+`":`+value), 1)
	}
	stop := []string{"###", " 4"}
	for _, tc := range []struct {
		name string
		api  openai.API
		body []byte
		stop []string
		want bool
	}{
		{"vllm stop string", openai.Completions, vllm, stop, true},
		{"vllm stop string escaped", openai.Completions, end(vllm, "stop_reason", `"\u0020\u0034"`), stop, true},
		{"vllm EOS (null)", openai.Completions, end(vllm, "stop_reason", `null`), stop, false},
		{"vllm stop token id", openai.Completions, end(vllm, "stop_reason", `151645`), stop, false},
		{"vllm string not sent", openai.Completions, end(vllm, "stop_reason", `"<|im_end|>"`), stop, false},
		{"vllm no field: inferred", openai.Completions, end(vllm, "stop_reason", ""), stop, true},
		{"vllm other type: inferred", openai.Completions, end(vllm, "stop_reason", `[151645]`), stop, true},
		{"vllm stop string, none sent", openai.Completions, vllm, nil, false},
		{"sglang stop string", openai.Chat, sglang, stop, true},
		{"sglang EOS token id", openai.Chat, end(sglang, "matched_stop", `151645`), stop, false},
		{"sglang null", openai.Chat, end(sglang, "matched_stop", `null`), stop, false},
		{"sglang no field: inferred", openai.Chat, end(sglang, "matched_stop", ""), stop, true},
	} {
		for _, flavor := range []openai.Flavor{openai.FlavorVLLM, openai.FlavorCompatible} {
			for _, sp := range []struct {
				name  string
				split targettest.Split
			}{{"by-event", targettest.ByEvent}, {"7-bytes", targettest.Every(7)}} {
				t.Run(tc.name+"/"+string(flavor)+"/"+sp.name, func(t *testing.T) {
					srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 200, Header: http.Header{"Content-Type": {"text/event-stream"}}, Body: tc.body}, Split: sp.split})
					r := stream(t, openai.Config{Conn: targets.Conn{BaseURL: srv.URL}, API: tc.api, Flavor: flavor}, targets.Request{Model: "m", Prompt: "p", Stop: tc.stop})
					if r.Err != nil {
						t.Fatal(r.Err)
					}
					if r.Final.FinishReason != "stop" {
						t.Fatalf("finish %q, want stop", r.Final.FinishReason)
					}
					if r.Final.StoppedBySequence != tc.want {
						t.Errorf("StoppedBySequence %v, want %v", r.Final.StoppedBySequence, tc.want)
					}
					if got := r.OutputTokens(); got != 7 {
						t.Errorf("output tokens %d, want the server's 7", got)
					}
				})
			}
		}
	}
}

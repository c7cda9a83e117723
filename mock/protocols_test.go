package mock

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// wireEvent is one decoded protocol event: its SSE event name (if any) and
// its JSON payload.
type wireEvent struct{ event, data string }

// sseEvents extracts `event:` / `data:` lines, with or without the space
// after the colon, ignoring indentation (YAML cassettes) and CRs.
func sseEvents(raw string) []wireEvent {
	var out []wireEvent
	event := ""
	for line := range strings.SplitSeq(raw, "\n") {
		line = strings.TrimRight(strings.TrimLeft(line, " "), "\r")
		if v, ok := strings.CutPrefix(line, "event:"); ok {
			event = strings.TrimSpace(v)
			continue
		}
		if v, ok := strings.CutPrefix(line, "data:"); ok {
			out = append(out, wireEvent{event: event, data: strings.TrimPrefix(v, " ")})
			event = ""
		}
	}
	return out
}

// ndjsonEvents extracts Ollama's NDJSON objects.
func ndjsonEvents(raw string) []wireEvent {
	var out []wireEvent
	for line := range strings.SplitSeq(raw, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.HasPrefix(line, `{"model"`) && json.Valid([]byte(line)) {
			out = append(out, wireEvent{data: line})
		}
	}
	return out
}

// arrayEvents extracts the elements of a streamed JSON array.
func arrayEvents(t *testing.T, raw string) []wireEvent {
	t.Helper()
	i := strings.Index(raw, "\n[{") + 1 // the body starts a line; a request body may hold "[{" too
	if strings.HasPrefix(raw, "[{") {
		i = 0
	}
	if i < 0 {
		t.Fatalf("no JSON array in %q", raw)
	}
	var elems []json.RawMessage
	if err := json.Unmarshal([]byte(raw[i:]), &elems); err != nil {
		t.Fatalf("JSON array: %v", err)
	}
	var out []wireEvent
	for _, e := range elems {
		out = append(out, wireEvent{data: string(e)})
	}
	return out
}

func jsonField(t *testing.T, data string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(data), &m); err != nil {
		t.Fatalf("event %q: %v", data, err)
	}
	return m
}

type protoCase struct {
	name, fixture, path, body string
	header                    map[string]string
	extract                   func(t *testing.T, raw string) []wireEvent
	kind                      func(t *testing.T, e wireEvent) string
	// extra and missing are key paths the mock may add or leave out
	// relative to the recording, each with a reason in a comment.
	extra, missing []string
	// framing checks the mock's raw bytes.
	framing func(t *testing.T, raw string)
}

func sse(_ *testing.T, raw string) []wireEvent    { return sseEvents(raw) }
func ndjson(_ *testing.T, raw string) []wireEvent { return ndjsonEvents(raw) }

func openAIKind(t *testing.T, e wireEvent) string {
	if e.data == "[DONE]" {
		return "done"
	}
	c := jsonField(t, e.data)
	ch, _ := c["choices"].([]any)
	switch {
	case len(ch) == 0:
		return "usage"
	case ch[0].(map[string]any)["finish_reason"] != nil:
		return "finish"
	}
	d, _ := ch[0].(map[string]any)["delta"].(map[string]any)
	if s, _ := d["content"].(string); s == "" {
		return "role"
	}
	return "token"
}

func protoCases() []protoCase {
	chatBody := `{"model":"m","messages":[{"role":"user","content":"Count from 1 to 5"}],"stream":true,"max_tokens":40}`
	noDone := func(t *testing.T, raw string) {
		if strings.Contains(raw, "[DONE]") {
			t.Error("stream has a [DONE] terminator; this protocol has none")
		}
	}
	return []protoCase{
		{
			name: "groq", fixture: "groq-chat-stream-x_groq-usage.txt", path: "/openai/v1/chat/completions", body: chatBody,
			extract: sse, kind: openAIKind,
			framing: func(t *testing.T, raw string) {
				if !strings.HasSuffix(raw, "data: [DONE]\n\n") {
					t.Error("no data: [DONE] terminator")
				}
			},
		},
		{
			name: "tgi-chat", fixture: "tgi-1.4.3-chat-stream.txt", path: "/tgi/v1/chat/completions", body: chatBody,
			extract: sse,
			kind: func(t *testing.T, e wireEvent) string {
				if k := openAIKind(t, e); k == "finish" {
					return k
				}
				return "token" // TGI repeats the role in every token delta
			},
			framing: func(t *testing.T, raw string) {
				noDone(t, raw)
				for ev := range strings.SplitSeq(strings.TrimSuffix(raw, "\n\n"), "\n\n") {
					if !strings.HasPrefix(ev, "data:{") {
						t.Errorf("event %q does not start with `data:{` (TGI sends no space)", ev)
					}
				}
			},
		},
		{
			name: "tgi-generate_stream", fixture: "tgi-generate_stream-20-tokens-no-details.txt", path: "/generate_stream",
			body:    `{"inputs":"日本で一番高い山はなんですか？","parameters":{"max_new_tokens":20}}`,
			extract: sse,
			kind: func(t *testing.T, e wireEvent) string {
				if jsonField(t, e.data)["generated_text"] != nil {
					return "last"
				}
				return "token"
			},
			framing: func(t *testing.T, raw string) {
				noDone(t, raw)
				if strings.Contains(raw, "data: ") {
					t.Error("`data: ` with a space; TGI sends `data:`")
				}
			},
		},
		{
			name: "tgi-generate_stream-details", fixture: "tgi-generate_stream-details-single-token.txt", path: "/generate_stream",
			body:    `{"inputs":"test","parameters":{"details":true,"max_new_tokens":1},"stream":true}`,
			extract: sse,
			kind:    func(*testing.T, wireEvent) string { return "last" },
			// Current TGI's StreamDetails has input_length; the recorded older TGI omits it.
			extra: []string{"details.input_length"},
		},
		{
			name: "llamacpp-native", fixture: "llamacpp-native-completion-stream.txt", path: "/completion",
			body:    `{"prompt":"Say hi","n_predict":3,"stream":true}`,
			extract: sse,
			kind: func(t *testing.T, e wireEvent) string {
				if jsonField(t, e.data)["stop"] == true {
					return "last"
				}
				return "token"
			},
			// The mock reports the request's length settings; it has no
			// sampler, grammar or LoRA to report.
			missing: []string{"generation_settings.*"},
			framing: func(t *testing.T, raw string) {
				noDone(t, raw)
				if strings.Count(raw, "data: {") != strings.Count(raw, "\n\n") {
					t.Error("events are not one `data: ` line each")
				}
			},
		},
		{
			name: "ollama-generate", fixture: "ollama-generate-stream.txt", path: "/api/generate",
			body:    `{"model":"gemma3:1b","prompt":"Count from 1 to 5","stream":true,"options":{"num_predict":50,"temperature":0}}`,
			extract: ndjson,
			// Ollama omits zero metrics (omitempty); the mock has no model
			// load time, so load_duration is 0 and absent.
			missing: []string{"load_duration"},
			kind: func(t *testing.T, e wireEvent) string {
				if jsonField(t, e.data)["done"] == true {
					return "done"
				}
				return "token"
			},
			framing: func(t *testing.T, raw string) {
				noDone(t, raw)
				if strings.Contains(raw, "data:") || !strings.HasSuffix(raw, "}\n") {
					t.Error("not NDJSON")
				}
			},
		},
		{
			name: "anthropic", fixture: "anthropic-messages-stream-with-ping.txt", path: "/v1/messages",
			body:    `{"model":"claude-3-opus-20240229","messages":[{"role":"user","content":"Count from 1 to 5"}],"max_tokens":100,"stream":true,"temperature":0}`,
			header:  map[string]string{"X-Api-Key": "test", "Anthropic-Version": "2023-06-01"},
			extract: sse,
			kind:    func(_ *testing.T, e wireEvent) string { return e.event },
			// The recording's message_start also has usage.cache_creation.* and
			// usage.service_tier, which this mock does not model.
			missing: []string{"message.usage.cache_creation", "message.usage.cache_creation.ephemeral_5m_input_tokens", "message.usage.cache_creation.ephemeral_1h_input_tokens", "message.usage.service_tier"},
			framing: func(t *testing.T, raw string) {
				noDone(t, raw)
				for ev := range strings.SplitSeq(strings.TrimSuffix(raw, "\n\n"), "\n\n") {
					if !strings.HasPrefix(ev, "event: ") || !strings.Contains(ev, "\ndata: ") {
						t.Errorf("event %q is not `event:` + `data:`", ev)
					}
				}
				if !strings.Contains(raw, `{"type":"message_stop"              }`) {
					t.Error("no space-padded JSON as the API sends")
				}
			},
		},
		{
			name: "gemini-sse", fixture: "gemini-alt-sse-multi-token-chunks-thoughts-usage.txt",
			path:    "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
			body:    `{"contents": [{"parts": [{"text": "Count from 1 to 30, one number per line, digits only."}], "role": "user"}]}`,
			extract: sse,
			kind: func(t *testing.T, e wireEvent) string {
				c := jsonField(t, e.data)["candidates"].([]any)[0].(map[string]any)
				if c["finishReason"] != nil {
					return "last"
				}
				return "token"
			},
			// The recording is a thinking model on a paid tier: the mock has no
			// thoughts or service tier.
			missing: []string{"usageMetadata.thoughtsTokenCount", "usageMetadata.serviceTier"},
			framing: func(t *testing.T, raw string) {
				noDone(t, raw)
				if strings.Count(raw, "\r\n\r\n") != strings.Count(raw, "data: ") || strings.Contains(strings.ReplaceAll(raw, "\r\n", ""), "\n") {
					t.Error("events are not separated by CRLF CRLF")
				}
			},
		},
		{
			name: "gemini-array", fixture: "gemini-streamGenerateContent-json-array-no-sse.txt",
			path:    "/v1beta/models/gemini-2.0-flash:streamGenerateContent?%24alt=json%3Benum-encoding%3Dint",
			body:    `{"model":"models/gemini-2.0-flash","contents":[{"parts":[{"text":"Tell me a short story about a cat"}],"role":"user"}],"generationConfig":{"candidateCount":1,"maxOutputTokens":2048}}`,
			extract: arrayEvents,
			kind: func(t *testing.T, e wireEvent) string {
				c := jsonField(t, e.data)["candidates"].([]any)[0].(map[string]any)
				if c["finishReason"] != nil {
					return "last"
				}
				return "token"
			},
			// The recording's last event has safety ratings, candidate token
			// details and avgLogprobs, which the mock does not model.
			missing: []string{"candidates[].safetyRatings", "candidates[].safetyRatings[].category", "candidates[].safetyRatings[].probability",
				"usageMetadata.candidatesTokensDetails", "usageMetadata.candidatesTokensDetails[].modality", "usageMetadata.candidatesTokensDetails[].tokenCount", "candidates[].avgLogprobs"},
			// The recorded intermediate events omit candidates[].index and the
			// running candidatesTokenCount; the mock sends both on every event.
			extra: []string{"candidates[].index", "usageMetadata.candidatesTokenCount"},
			framing: func(t *testing.T, raw string) {
				if !strings.HasPrefix(raw, "[{") || !strings.HasSuffix(raw, "\n}\n]") || !strings.Contains(raw, "\n,\r\n{") {
					t.Errorf("not Gemini's streamed JSON array framing: %q…", raw[:min(len(raw), 80)])
				}
				if !strings.Contains(raw, `"finishReason": 1`) {
					t.Error("no integer finishReason under enum-encoding=int")
				}
			},
		},
	}
}

// listed reports whether key path p is in paths, where an entry "k.*"
// stands for every path under k.
func listed(paths []string, p string) bool {
	for _, l := range paths {
		if l == p || strings.HasSuffix(l, ".*") && strings.HasPrefix(p, strings.TrimSuffix(l, "*")) {
			return true
		}
	}
	return false
}

// TestProtocolsMatchTranscripts checks each protocol's stream against a
// recorded transcript of the same protocol: the same sequence of event
// kinds (runs compacted; Anthropic pings compared separately), the same
// JSON key paths per kind up to the listed exceptions, and the framing.
func TestProtocolsMatchTranscripts(t *testing.T) {
	for _, tc := range protoCases() {
		t.Run(tc.name, func(t *testing.T) {
			fb, err := os.ReadFile(filepath.Join("testdata", tc.fixture))
			if err != nil {
				t.Fatal(err)
			}
			s := newServer(t, Config{OutputTokens: 40})
			rec := newFlushRecorder()
			req := post(t.Context(), tc.path, tc.body)
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			s.ServeHTTP(rec, req)
			raw := rec.all()
			if rec.status != http.StatusOK {
				t.Fatalf("status %d: %s", rec.status, raw)
			}
			fix, got := tc.extract(t, string(fb)), tc.extract(t, raw)
			kinds := func(evs []wireEvent) []string {
				var ks []string
				for _, e := range evs {
					if k := tc.kind(t, e); k != "ping" {
						ks = append(ks, k)
					}
				}
				return slices.Compact(ks)
			}
			if fk, mk := kinds(fix), kinds(got); !slices.Equal(fk, mk) {
				t.Errorf("event kinds: mock %v, recording %v", mk, fk)
			}
			if tc.name == "anthropic" && !strings.Contains(raw, "event: ping\n") {
				t.Error("no ping event")
			}
			paths := func(evs []wireEvent) map[string]map[string]bool {
				m := map[string]map[string]bool{}
				for _, e := range evs {
					if e.data == "[DONE]" {
						continue
					}
					k := tc.kind(t, e)
					var v any
					if err := json.Unmarshal([]byte(e.data), &v); err != nil {
						t.Fatalf("%s event %q: %v", k, e.data, err)
					}
					if m[k] == nil {
						m[k] = map[string]bool{}
					}
					keyPaths("", v, m[k])
				}
				return m
			}
			fp, mp := paths(fix), paths(got)
			for kind := range fp {
				var extra, missing []string
				for p := range mp[kind] {
					if !fp[kind][p] && !listed(tc.extra, p) {
						extra = append(extra, p)
					}
				}
				for p := range fp[kind] {
					if !mp[kind][p] && !listed(tc.missing, p) {
						missing = append(missing, p)
					}
				}
				sort.Strings(extra)
				sort.Strings(missing)
				if len(extra)+len(missing) > 0 {
					t.Errorf("%s events: mock adds %v, lacks %v", kind, extra, missing)
				}
			}
			if tc.framing != nil {
				tc.framing(t, raw)
			}
		})
	}
}

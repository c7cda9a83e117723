package mock

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// nativeEvent is the part of a /completion event the tests read.
type nativeEvent struct {
	Content         string `json:"content"`
	Tokens          []int  `json:"tokens"`
	Stop            bool   `json:"stop"`
	StopType        string `json:"stop_type"`
	TokensPredicted int    `json:"tokens_predicted"`
	TokensEvaluated int    `json:"tokens_evaluated"`
	Timings         *struct {
		PromptN     int     `json:"prompt_n"`
		PromptMS    float64 `json:"prompt_ms"`
		PredictedN  int     `json:"predicted_n"`
		PredictedMS float64 `json:"predicted_ms"`
	} `json:"timings"`
	Error *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Type    string `json:"type"`
	} `json:"error"`
}

func decodeNative(t *testing.T, data string) nativeEvent {
	t.Helper()
	var e nativeEvent
	if err := json.Unmarshal([]byte(data), &e); err != nil {
		t.Fatalf("event %q: %v", data, err)
	}
	return e
}

// TestLlamaCppNativeStream: POST /completion streams one event per token
// with the running tokens_predicted, no [DONE], and a last event with stop
// true, the stop_type, the counts and the timings; n_predict caps the
// output ("limit"), the simulated model stops by itself under it ("eos"),
// and ignore_eos makes the end the limit's, as on the mock's other
// llama.cpp paths. Without "stream" the answer is one JSON object, as
// llama-server's default.
func TestLlamaCppNativeStream(t *testing.T) {
	for _, tc := range []struct {
		name       string
		configured int
		body       string
		want       int
		stopType   string
	}{
		{"n_predict caps", 40, `{"prompt":"Say hi to me","n_predict":3,"stream":true}`, 3, "limit"},
		{"model stops first", 5, `{"prompt":"Say hi to me","n_predict":16,"stream":true}`, 5, "eos"},
		{"ignore_eos", 5, `{"prompt":"Say hi to me","n_predict":16,"ignore_eos":true,"stream":true}`, 5, "limit"},
		{"no limit", 0, `{"prompt":"Say hi to me","n_predict":-1,"stream":true}`, DefaultMaxTokens, "limit"},
		{"max_tokens alias", 40, `{"prompt":"Say hi to me","max_tokens":2,"stream":true}`, 2, "limit"},
		{"token ids", 40, `{"prompt":[1,2,3,4],"n_predict":2,"stream":true}`, 2, "limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, Config{OutputTokens: tc.configured})
			rec := newFlushRecorder()
			s.ServeHTTP(rec, post(t.Context(), "/completion", tc.body))
			raw := rec.all()
			if rec.status != http.StatusOK || rec.header.Get("Content-Type") != "text/event-stream" {
				t.Fatalf("status %d, Content-Type %q: %s", rec.status, rec.header.Get("Content-Type"), raw)
			}
			if strings.Contains(raw, "[DONE]") {
				t.Error("a [DONE] terminator: llama.cpp's /completion sends none")
			}
			evs := sseEvents(raw)
			if len(evs) != tc.want+1 {
				t.Fatalf("%d events, want %d tokens and the last: %q", len(evs), tc.want, raw)
			}
			var text strings.Builder
			for k, ev := range evs[:tc.want] {
				e := decodeNative(t, ev.data)
				if e.Stop || e.TokensPredicted != k+1 || e.TokensEvaluated != 4 || len(e.Tokens) != 1 || e.Content != tokenText(k) {
					t.Errorf("token %d: %s", k, ev.data)
				}
				text.WriteString(e.Content)
			}
			last := decodeNative(t, evs[tc.want].data)
			if !last.Stop || last.StopType != tc.stopType || last.Content != "" || len(last.Tokens) != 0 ||
				last.TokensPredicted != tc.want || last.TokensEvaluated != 4 {
				t.Errorf("last event: %s", evs[tc.want].data)
			}
			if tm := last.Timings; tm == nil || tm.PromptN != 4 || tm.PredictedN != tc.want || tm.PromptMS < 0 || tm.PredictedMS < 0 {
				t.Errorf("timings: %s", evs[tc.want].data)
			}
			if text.String() != outputText(tc.want) {
				t.Errorf("text %q", text.String())
			}
		})
	}
	s := newServer(t, Config{OutputTokens: 4})
	rec := newFlushRecorder()
	s.ServeHTTP(rec, post(t.Context(), "/completion", `{"prompt":"a b c","n_predict":10}`))
	e := decodeNative(t, strings.TrimSpace(rec.all()))
	if !strings.HasPrefix(rec.header.Get("Content-Type"), "application/json") || !e.Stop || e.StopType != "eos" ||
		e.Content != outputText(4) || e.TokensPredicted != 4 || e.TokensEvaluated != 3 || e.Timings == nil {
		t.Errorf("not streamed: %s %s", rec.header.Get("Content-Type"), rec.all())
	}
}

// TestLlamaCppNativeErrors: llama-server's error object
// {"error":{"code","message","type"}} (llamacpp-chat-error-400) for a bad
// request and an injected fault, and in the stream for an error event.
func TestLlamaCppNativeErrors(t *testing.T) {
	s := newServer(t, Config{OutputTokens: 5})
	for _, tc := range []struct {
		body, fault string
		status      int
		typ         string
	}{
		{`{"n_predict":3}`, "", 400, "invalid_request_error"},
		{`{"prompt":"a","n_predict":3`, "", 400, "invalid_request_error"},
		{`{"prompt":{"a":1}}`, "", 400, "invalid_request_error"},
		{`{"prompt":"a","n_predict":0}`, "", 400, "invalid_request_error"},
		{`{"prompt":"a","stream":true}`, "503", 503, "unavailable_error"},
		{`{"prompt":"a","stream":true}`, "500", 500, "server_error"},
	} {
		rec := newFlushRecorder()
		req := post(t.Context(), "/completion", tc.body)
		if tc.fault != "" {
			req.Header.Set(FaultHeader, tc.fault)
		}
		s.ServeHTTP(rec, req)
		var e nativeEvent
		if err := json.Unmarshal([]byte(rec.all()), &e); err != nil || rec.status != tc.status || e.Error == nil ||
			e.Error.Code != tc.status || e.Error.Type != tc.typ || e.Error.Message == "" {
			t.Errorf("%s (fault %q): %d %s", tc.body, tc.fault, rec.status, rec.all())
		}
	}
	rec := newFlushRecorder()
	req := post(t.Context(), "/completion", `{"prompt":"a","stream":true}`)
	req.Header.Set(FaultHeader, "error-event; after=2")
	s.ServeHTTP(rec, req)
	evs := sseEvents(rec.all())
	if len(evs) != 3 {
		t.Fatalf("error event: %q", rec.all())
	}
	if e := decodeNative(t, evs[2].data); e.Error == nil || e.Error.Code != 500 || e.Error.Type != "server_error" {
		t.Errorf("error event: %s", evs[2].data)
	}
}

package mock

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// geminiEvent is the part of a Gemini response the tests read.
type geminiEvent struct {
	Candidates []struct {
		Content struct {
			Parts []struct {
				Text *string `json:"text"`
			} `json:"parts"`
		} `json:"content"`
		FinishReason string `json:"finishReason"`
	} `json:"candidates"`
	UsageMetadata struct {
		CandidatesTokenCount int `json:"candidatesTokenCount"`
	} `json:"usageMetadata"`
}

// TestStopInTheFirstTokenGemini: a stop sequence met in the first token
// leaves no text to send, and Gemini's finish rides an event: the stream
// is one final event with empty text, finishReason STOP and the held token
// counted (candidatesTokenCount 1), as Gemini sends an output's end with
// no text (gemini-alt-sse-midstream-503-raw-json-error: `"parts":
// [{"text": ""}]`, `"finishReason": "STOP"`), when that token was generated
// (receipt + TTFT). The JSON-array form is one array of that one object.
func TestStopInTheFirstTokenGemini(t *testing.T) {
	for _, sse := range []bool{true, false} {
		synctest.Test(t, func(t *testing.T) {
			const ttft = 50 * time.Millisecond
			s := newServer(t, Config{TTFT: ttft, ITL: 10 * time.Millisecond, OutputTokens: 64})
			path := "/v1beta/models/gemini-2.5-flash:streamGenerateContent"
			if sse {
				path += "?alt=sse"
			}
			rec := newFlushRecorder()
			start := time.Now()
			s.ServeHTTP(rec, post(t.Context(), path, `{"contents":[{"parts":[{"text":"a b c"}]}],"generationConfig":{"stopSequences":[" lorem"]}}`))
			out := rec.all()
			var evs []geminiEvent
			if sse {
				for _, block := range strings.Split(out, "\r\n\r\n") {
					if block == "" {
						continue
					}
					data, ok := strings.CutPrefix(block, "data: ")
					var ev geminiEvent
					if !ok || json.Unmarshal([]byte(data), &ev) != nil {
						t.Fatalf("sse: event %q is not a data: event of JSON", block)
					}
					evs = append(evs, ev)
				}
			} else if err := json.Unmarshal([]byte(out), &evs); err != nil {
				t.Fatalf("array: %v in %q", err, out)
			}
			if len(evs) != 1 {
				t.Fatalf("sse=%v: %d events, want 1 final event: %q", sse, len(evs), out)
			}
			ev := evs[0]
			if len(ev.Candidates) != 1 || len(ev.Candidates[0].Content.Parts) != 1 || ev.Candidates[0].Content.Parts[0].Text == nil ||
				*ev.Candidates[0].Content.Parts[0].Text != "" || ev.Candidates[0].FinishReason != "STOP" || ev.UsageMetadata.CandidatesTokenCount != 1 {
				t.Errorf("sse=%v: want one candidate of empty text, finishReason STOP, candidatesTokenCount 1: %q", sse, out)
			}
			rec.mu.Lock()
			defer rec.mu.Unlock()
			for _, f := range rec.flushes {
				if d := f.at.Sub(start); d != ttft {
					t.Errorf("sse=%v: %q flushed at +%v, want +%v", sse, f.data, d, ttft)
				}
			}
		})
	}
}

// tgiEvent is the part of a TGI /generate_stream event the tests read.
type tgiEvent struct {
	Token struct {
		Text string `json:"text"`
	} `json:"token"`
	GeneratedText *string `json:"generated_text"`
	Details       *struct {
		FinishReason    string `json:"finish_reason"`
		GeneratedTokens int    `json:"generated_tokens"`
	} `json:"details"`
}

// TestStopAsTGIDoes: TGI's StoppingCriteria checks, after each token, that
// the output so far ends with a stop sequence (StopSequenceCriteria: the
// escaped sequence anchored with `$`), and the token that completes it is
// sent: the stream and generated_text keep the stop sequence and
// generated_tokens counts it (huggingface/text-generation-inference
// server/text_generation_server/utils/tokens.py; issue #1039, "Par"
// stops with generated_text "… is Par", "Pari", inside the token
// "Paris", never stops). The length cap is checked before it. So " sit"
// ends after token 3 with " sit" sent, the stream's end when token 3 went
// out; " lorem" sends token 0 and its details; " si" ends inside a token
// and stops nothing; " sit" as token 3 of max_new_tokens 4 is a length.
func TestStopAsTGIDoes(t *testing.T) {
	for _, c := range []struct {
		stop, fields string
		events       int
		text, finish string
	}{
		{" sit", "", 4, " lorem ipsum dolor sit", "stop_sequence"},
		{" lorem", "", 1, " lorem", "stop_sequence"},
		{" si", "", 10, "", "eos_token"},
		{" sit", `"max_new_tokens":4,`, 4, " lorem ipsum dolor sit", "length"},
	} {
		synctest.Test(t, func(t *testing.T) {
			const ttft, itl = 50 * time.Millisecond, 10 * time.Millisecond
			s := newServer(t, Config{TTFT: ttft, ITL: itl, OutputTokens: 10})
			body := `{"inputs":"a b c","parameters":{` + c.fields + `"details":true,"stop":["` + c.stop + `"]}}`
			rec := newFlushRecorder()
			start := time.Now()
			s.ServeHTTP(rec, post(t.Context(), "/generate_stream", body))
			done := time.Since(start)
			var evs []tgiEvent
			for _, block := range strings.Split(rec.all(), "\n\n") {
				if block == "" {
					continue
				}
				data, ok := strings.CutPrefix(block, "data:")
				var ev tgiEvent
				if !ok || json.Unmarshal([]byte(data), &ev) != nil {
					t.Fatalf("stop %q: event %q is not a data: event of JSON", c.stop, block)
				}
				evs = append(evs, ev)
			}
			if len(evs) != c.events {
				t.Fatalf("stop %q: %d events, want %d: %q", c.stop, len(evs), c.events, rec.all())
			}
			last := evs[len(evs)-1]
			if last.Details == nil || last.Details.FinishReason != c.finish || last.Details.GeneratedTokens != c.events {
				t.Errorf("stop %q: last event's details %+v, want finish_reason %s, generated_tokens %d", c.stop, last.Details, c.finish, c.events)
			}
			if c.text != "" && (last.GeneratedText == nil || *last.GeneratedText != c.text || last.Token.Text != c.stop) {
				t.Errorf("stop %q: last event sends %q, generated_text %v; want the stop sequence sent and generated_text %q", c.stop, last.Token.Text, last.GeneratedText, c.text)
			}
			if want := ttft + time.Duration(c.events-1)*itl; done != want {
				t.Errorf("stop %q: stream ended at +%v, want +%v (when its last token went out)", c.stop, done, want)
			}
			// /generate: the same text and count.
			rr := httptest.NewRecorder()
			s.ServeHTTP(rr, post(t.Context(), "/generate", body))
			var g struct {
				GeneratedText string `json:"generated_text"`
			}
			if err := json.Unmarshal(rr.Body.Bytes(), &g); err != nil {
				t.Fatal(err)
			}
			if c.text != "" && g.GeneratedText != c.text {
				t.Errorf("stop %q: /generate generated_text %q, want %q", c.stop, g.GeneratedText, c.text)
			}
			if h := rr.Header().Get("X-Generated-Tokens"); h != itoa(c.events) {
				t.Errorf("stop %q: /generate x-generated-tokens %s, want %d", c.stop, h, c.events)
			}
		})
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestStopReplicate: Replicate's official language models run vLLM through
// cog-vllm, whose output_token_count is len(outputs[0].token_ids)
// (replicate/cog-vllm predict.py, "Emit input and output tokens" #34):
// vLLM keeps the token a stop sequence starts in among the token ids, its
// text held back. So the prediction counts 4 for " sit" (3 sent), its
// stream ends when that token was generated (receipt + TTFT + 3·ITL, not
// when token 2 went out), and its predict_time runs to then.
func TestStopReplicate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const ttft, itl = 50 * time.Millisecond, 10 * time.Millisecond
		s := newServer(t, Config{TTFT: ttft, ITL: itl, OutputTokens: 10})
		rr := httptest.NewRecorder()
		s.ServeHTTP(rr, post(t.Context(), "/v1/models/meta/meta-llama-3-8b-instruct/predictions",
			`{"input":{"prompt":"a b c","max_tokens":16,"stop_sequences":" sit"},"stream":true}`))
		var p struct {
			URLs map[string]string `json:"urls"`
		}
		if rr.Code != http.StatusCreated || json.Unmarshal(rr.Body.Bytes(), &p) != nil {
			t.Fatalf("create: %d %s", rr.Code, rr.Body)
		}
		get := func(w http.ResponseWriter, raw string) {
			u, err := url.Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			s.ServeHTTP(w, httptest.NewRequestWithContext(t.Context(), http.MethodGet, u.RequestURI(), nil))
		}
		rec := newFlushRecorder()
		start := time.Now()
		get(rec, p.URLs["stream"])
		done := time.Since(start)
		if out := rec.all(); strings.Count(out, "event: output") != 3 || !strings.HasSuffix(out, "event: done\ndata: {}\n\n") {
			t.Errorf("stream %q, want 3 outputs and done", out)
		}
		if want := ttft + 3*itl; done != want {
			t.Errorf("stream ended at +%v, want +%v (when the held token was generated)", done, want)
		}
		pr := httptest.NewRecorder()
		get(pr, p.URLs["get"])
		var pred struct {
			Output  []string `json:"output"`
			Metrics struct {
				OutputTokenCount int     `json:"output_token_count"`
				PredictTime      float64 `json:"predict_time"`
			} `json:"metrics"`
		}
		if err := json.Unmarshal(pr.Body.Bytes(), &pred); err != nil {
			t.Fatalf("%v: %s", err, pr.Body)
		}
		if strings.Join(pred.Output, "") != " lorem ipsum dolor" || pred.Metrics.OutputTokenCount != 4 {
			t.Errorf("prediction %s: want output \" lorem ipsum dolor\" and output_token_count 4 (3 sent, 1 held back)", pr.Body)
		}
		if want := (ttft + 3*itl).Seconds(); pred.Metrics.PredictTime != want {
			t.Errorf("predict_time %v, want %v", pred.Metrics.PredictTime, want)
		}
	})
}

// TestStopAsTGIDoesOnItsChatAPI: TGI's Messages API passes its stop list to
// the same StoppingCriteria (router/src/lib.rs hands ChatRequest.stop to
// GenerateParameters.stop; no trimming in the router), so its stream keeps
// the stop sequence too (text-generation-inference issue #1724: stop "7"
// still shown on TGI 2.0.2's /v1/chat/completions) and stops only where the
// output ends with it (issue #1979).
func TestStopAsTGIDoesOnItsChatAPI(t *testing.T) {
	s := newServer(t, Config{OutputTokens: 10})
	for _, c := range []struct {
		stop, text, finish string
	}{
		{" sit", " lorem ipsum dolor sit", "stop_sequence"},
		{" si", " lorem ipsum dolor sit amet consectetur adipiscing elit sed do", "eos_token"},
	} {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, post(t.Context(), "/tgi/v1/chat/completions",
			`{"model":"m","messages":[{"role":"user","content":"a b c"}],"stream":true,"stop":["`+c.stop+`"]}`))
		text, finish := "", ""
		for _, block := range strings.Split(rec.Body.String(), "\n\n") {
			data, ok := strings.CutPrefix(block, "data:")
			if !ok || data == "[DONE]" {
				continue
			}
			ch := decodeChunk(t, data)
			for _, choice := range ch.Choices {
				if choice.Delta != nil && choice.Delta.Content != nil {
					text += *choice.Delta.Content
				}
				if choice.FinishReason != nil {
					finish = *choice.FinishReason
				}
			}
		}
		if text != c.text || finish != c.finish {
			t.Errorf("stop %q: text %q, finish %q; want %q, %q", c.stop, text, finish, c.text, c.finish)
		}
	}
}

// TestStopFinishWhenHeldTokenGenerated: where a protocol's finish rides an
// event of text (current vLLM's chat shape: finish_reason on the last
// token's chunk; Gemini: finishReason on the last event), a stop sequence
// that holds a token back must not put the finish on the last token sent,
// ITL before the held token was generated: the finish is an event of its
// own when the held token was generated (receipt + TTFT + 3·ITL for
// " sit"), as vLLM sends the step that met the stop sequence (no text,
// finish_reason stop) and Gemini its empty-text final event. Before, the
// Gemini stream's finish came at +70ms and the stream closed at +80ms with
// nothing more: a client read its end and its 4th token 10 ms early.
func TestStopFinishWhenHeldTokenGenerated(t *testing.T) {
	const ttft, itl = 50 * time.Millisecond, 10 * time.Millisecond
	for _, c := range []struct {
		name, path, body, finish string
	}{
		{"vllm chat", "/v1/chat/completions", `{"model":"m","messages":[{"role":"user","content":"a b c"}],"stream":true,"stop":[" sit"]}`, `"finish_reason":"stop"`},
		{"gemini sse", "/v1beta/models/g:streamGenerateContent?alt=sse", `{"contents":[{"parts":[{"text":"a b c"}]}],"generationConfig":{"stopSequences":[" sit"]}}`, `"finishReason": "STOP"`},
		{"gemini array", "/v1beta/models/g:streamGenerateContent", `{"contents":[{"parts":[{"text":"a b c"}]}],"generationConfig":{"stopSequences":[" sit"]}}`, `"finishReason": "STOP"`},
	} {
		synctest.Test(t, func(t *testing.T) {
			s := newServer(t, Config{TTFT: ttft, ITL: itl, OutputTokens: 64})
			rec := newFlushRecorder()
			start := time.Now()
			s.ServeHTTP(rec, post(t.Context(), c.path, c.body))
			rec.mu.Lock()
			defer rec.mu.Unlock()
			found := false
			for _, f := range rec.flushes {
				if !strings.Contains(f.data, c.finish) {
					continue
				}
				found = true
				if d := f.at.Sub(start); d != ttft+3*itl {
					t.Errorf("%s: finish flushed at +%v, want +%v (when the held token was generated): %q", c.name, d, ttft+3*itl, f.data)
				}
				if strings.Contains(f.data, "dolor") {
					t.Errorf("%s: the finish rides token 2's event: %q", c.name, f.data)
				}
			}
			if !found {
				t.Errorf("%s: no finish in %q", c.name, rec.all())
			}
		})
	}
	// Gemini's array form stays one JSON array, the count on its last.
	s := newServer(t, Config{OutputTokens: 64})
	rr := httptest.NewRecorder()
	s.ServeHTTP(rr, post(t.Context(), "/v1beta/models/g:streamGenerateContent", `{"contents":[{"parts":[{"text":"a b c"}]}],"generationConfig":{"stopSequences":[" sit"]}}`))
	var evs []geminiEvent
	if err := json.Unmarshal(rr.Body.Bytes(), &evs); err != nil || len(evs) != 4 || evs[3].UsageMetadata.CandidatesTokenCount != 4 || evs[2].UsageMetadata.CandidatesTokenCount != 3 {
		t.Errorf("gemini array: %v, want 3 text events and a final one counting 4: %s", err, rr.Body)
	}
}

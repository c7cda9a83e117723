package mock

import (
	"testing"
	"testing/synctest"
	"time"
)

// TestStopFixedTiming: on a fake clock, a stop sequence that ends the
// stream early leaves every token's time exact: token k at receipt + TTFT
// + k·ITL; the tail (finish, usage, [DONE]) when token 3, the one the stop
// sequence starts in, was generated (its text held back, its count in the
// usage, as vLLM's), and nothing waits for the tokens after it.
func TestStopFixedTiming(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const ttft, itl = 50 * time.Millisecond, 10 * time.Millisecond
		s := newServer(t, Config{TTFT: ttft, ITL: itl, OutputTokens: 64, ChatStream: ChatStreamEarlyRole})
		rec := newFlushRecorder()
		start := time.Now()
		s.ServeHTTP(rec, post(t.Context(), "/v1/chat/completions",
			`{"model":"m","messages":[{"role":"user","content":"a b c"}],"stream":true,"stream_options":{"include_usage":true},"max_tokens":64,"stop":[" sit"]}`))
		done := time.Since(start)
		evs := rec.events(t)
		// role, 3 tokens, finish, usage, [DONE]
		if got, want := len(evs), 3+4; got != want {
			t.Fatalf("%d events, want %d: %v", got, want, evs)
		}
		for k := range 3 {
			want := ttft + time.Duration(k)*itl
			if d := evs[1+k].at.Sub(start); d != want {
				t.Errorf("token %d flushed at +%v, want +%v", k, d, want)
			}
		}
		last := ttft + 3*itl
		for _, e := range evs[4:] {
			if d := e.at.Sub(start); d != last {
				t.Errorf("tail event %q flushed at +%v, want +%v", e.data, d, last)
			}
		}
		if done != last {
			t.Errorf("handler returned at +%v, want +%v", done, last)
		}
		fin := decodeChunk(t, evs[4].data)
		if len(fin.Choices) != 1 || fin.Choices[0].FinishReason == nil || *fin.Choices[0].FinishReason != "stop" {
			t.Errorf("finish chunk %s, want finish_reason stop", evs[4].data)
		}
		if u := decodeChunk(t, evs[5].data).Usage; u == nil || u.CompletionTokens != 4 {
			t.Errorf("usage %s, want 4 completion tokens (3 sent, 1 held back)", evs[5].data)
		}
	})
}

// TestStopInTheFirstToken: a stop sequence met in the first token leaves
// no token to send; the stream still ends when that token was generated
// (receipt + TTFT), not on receipt, with finish_reason stop and that token
// counted, as vLLM, llama-server and Ollama count it.
func TestStopInTheFirstToken(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const ttft = 50 * time.Millisecond
		s := newServer(t, Config{TTFT: ttft, ITL: 10 * time.Millisecond, OutputTokens: 64, ChatStream: ChatStreamEarlyRole})
		rec := newFlushRecorder()
		start := time.Now()
		s.ServeHTTP(rec, post(t.Context(), "/v1/chat/completions",
			`{"model":"m","messages":[{"role":"user","content":"a b c"}],"stream":true,"stream_options":{"include_usage":true},"stop":" lorem"}`))
		evs := rec.events(t)
		if len(evs) != 4 { // role, finish, usage, [DONE]
			t.Fatalf("%d events, want 4", len(evs))
		}
		for _, e := range evs[1:] {
			if d := e.at.Sub(start); d != ttft {
				t.Errorf("tail event %q at +%v, want +%v", e.data, d, ttft)
			}
		}
		if u := decodeChunk(t, evs[2].data).Usage; u == nil || u.CompletionTokens != 1 {
			t.Errorf("usage %s, want 1 completion token", evs[2].data)
		}
	})
}

package session

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/registry"
)

// usageStream is a server's answer to every request of a run: lines
// written one at a time, 2 ms apart, as an outside tester's servers wrote
// them (an OpenAI-compatible, Anthropic, TGI or Ollama stream whose final
// output count the stream contradicts or strains).
type usageStream struct {
	kind, api, contentType string
	lines                  []string
}

func (u usageStream) serve(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", u.contentType)
		for _, l := range u.lines {
			time.Sleep(2 * time.Millisecond)
			fmt.Fprint(w, l)
			w.(http.Flusher).Flush()
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// sse is one data event of obj.
func sse(obj any) string {
	b, _ := json.Marshal(obj)
	return "data: " + string(b) + "\n\n"
}

// openAIChunk is a chat completion chunk with content (none when ""), a
// finish reason and a usage (cumulative completion tokens), each left out
// when zero.
func openAIChunk(content, finish string, completion int) string {
	d := map[string]any{"id": "x", "object": "chat.completion.chunk", "model": "m", "choices": []any{}}
	if content != "" || finish != "" {
		delta := map[string]any{}
		if content != "" {
			delta["content"] = content
		}
		var fr any
		if finish != "" {
			fr = finish
		}
		d["choices"] = []any{map[string]any{"index": 0, "delta": delta, "finish_reason": fr}}
	}
	if completion >= 0 {
		d["usage"] = map[string]any{"prompt_tokens": 10, "completion_tokens": completion, "total_tokens": 10 + completion}
	}
	return sse(d)
}

// openAIFinal is five one-token chunks, a finish and a usage-only chunk
// saying completion output tokens, as hs.py's lying and under1 modes.
func openAIFinal(completion int) usageStream {
	var l []string
	for range 5 {
		l = append(l, openAIChunk("t", "", -1))
	}
	l = append(l, openAIChunk("", "length", -1), openAIChunk("", "", completion), "data: [DONE]\n\n")
	return usageStream{"openai", "chat", "text/event-stream", l}
}

// cumulative is vLLM with --continuous-usage: each content chunk carries
// its cumulative usage, then the finish and a usage-only chunk say final.
func cumulative(counts []int, final int) usageStream {
	var l []string
	for _, c := range counts {
		l = append(l, openAIChunk("t", "", c))
	}
	l = append(l, openAIChunk("", "length", final), openAIChunk("", "", final), "data: [DONE]\n\n")
	return usageStream{"vllm", "chat", "text/event-stream", l}
}

func anthropicLying(output int) usageStream {
	ev := func(typ string, d map[string]any) string {
		d["type"] = typ
		b, _ := json.Marshal(d)
		return "event: " + typ + "\ndata: " + string(b) + "\n\n"
	}
	l := []string{
		ev("message_start", map[string]any{"message": map[string]any{"id": "x", "type": "message", "role": "assistant", "model": "m", "content": []any{},
			"usage": map[string]any{"input_tokens": 10, "output_tokens": 1}}}),
		ev("content_block_start", map[string]any{"index": 0, "content_block": map[string]any{"type": "text", "text": ""}}),
	}
	for range 5 {
		l = append(l, ev("content_block_delta", map[string]any{"index": 0, "delta": map[string]any{"type": "text_delta", "text": " x"}}))
	}
	l = append(l, ev("content_block_stop", map[string]any{"index": 0}),
		ev("message_delta", map[string]any{"delta": map[string]any{"stop_reason": "max_tokens"}, "usage": map[string]any{"output_tokens": output}}),
		ev("message_stop", map[string]any{}))
	return usageStream{"anthropic", "chat", "text/event-stream", l}
}

func tgiLying(generated int) usageStream {
	var l []string
	for i := 1; i <= 5; i++ {
		d := map[string]any{"index": i, "token": map[string]any{"id": i, "text": " x", "logprob": -0.1, "special": false}, "generated_text": nil, "details": nil}
		if i == 5 {
			d["generated_text"] = "xx"
			d["details"] = map[string]any{"finish_reason": "length", "generated_tokens": generated, "seed": nil}
		}
		l = append(l, sse(d))
	}
	return usageStream{"tgi", "native", "text/event-stream", l}
}

func ollamaLying(eval int) usageStream {
	line := func(d map[string]any) string { b, _ := json.Marshal(d); return string(b) + "\n" }
	var l []string
	for range 5 {
		l = append(l, line(map[string]any{"model": "m", "message": map[string]any{"role": "assistant", "content": " x"}, "done": false}))
	}
	l = append(l, line(map[string]any{"model": "m", "message": map[string]any{"role": "assistant", "content": ""}, "done": true, "done_reason": "length",
		"prompt_eval_count": 10, "eval_count": eval, "eval_duration": 1000}))
	return usageStream{"ollama", "chat", "application/x-ndjson", l}
}

// events is the output-token source of a count bounded by its stream's
// events (rundir.SourceEvents), spelled as requests.jsonl and
// summary.json spell it.
const events = rundir.TokenSource("events")

// usageRun runs 4 requests, 2 at a time, against u's server and returns
// the level and its table.
func usageRun(t *testing.T, u usageStream) (report.Level, string) {
	t.Helper()
	o := Options{Concurrency: 2, Requests: 4, MaxTokens: 6000}
	quietOptions(t, u.serve(t), &o)
	o.Kind, o.API, o.ContinuousUsage = u.kind, u.api, u.kind == "vllm"
	var log strings.Builder
	res, err := Run(t.Context(), t.Context(), &o, &log)
	if err != nil {
		t.Fatalf("%s: %v\n%s", u.kind, err, log.String())
	}
	var tab strings.Builder
	if err := report.WriteTable(&tab, res.Summary, res.Manifest); err != nil {
		t.Fatal(err)
	}
	l := res.Summary.Levels[0]
	if l.Requests.OK != 4 {
		t.Fatalf("%s: %d of 4 ok\n%s", u.kind, l.Requests.OK, tab.String())
	}
	return l, tab.String()
}

// TestUsageBelowStreamIsBounded: 5 content chunks and then a usage of 1
// completion token read 18.4 out tok/s (streamed about 95), no TPOT and
// no warning: an event with text carries a token, so fewer tokens than
// such events is impossible. The output tokens are the events' count
// (source events), TPOT has its 4 samples, and the table warns.
func TestUsageBelowStreamIsBounded(t *testing.T) {
	l, tab := usageRun(t, openAIFinal(1))
	if l.OutputTokens != 20 || l.OutputTokensSource[events] != 4 || l.TPOTMS.N != 4 {
		t.Errorf("output tokens %d (sources %v), TPOT n=%d; want 20 (events 4), 4", l.OutputTokens, l.OutputTokensSource, l.TPOTMS.N)
	}
	want := "WARNING: 4 of 4 requests (any outcome): the server counted fewer output tokens than the events that streamed them (the first said 1 for 5 events)"
	if !strings.Contains(tab, want) {
		t.Errorf("table:\n%s\nwant %q", tab, want)
	}
}

// TestUsageFarAboveStreamWarns: 5 content chunks then 5,000 output tokens
// (OpenAI usage), 777,777 (Anthropic message_delta), 99,999 (TGI
// generated_tokens) or 100,000 (Ollama eval_count) read 94,258 out tok/s
// and a TPOT of 0.00 ms without a word. The count is kept (speculative
// decoding may be true), and the level warns with the count and the most
// tokens an event.
func TestUsageFarAboveStreamWarns(t *testing.T) {
	for _, c := range []struct {
		u   usageStream
		out int
	}{{openAIFinal(5000), 5000}, {anthropicLying(777777), 777777}, {tgiLying(99999), 99999}, {ollamaLying(100000), 100000}} {
		l, tab := usageRun(t, c.u)
		if l.OutputTokens != int64(4*c.out) || l.OutputTokensSource[rundir.SourceServer] != 4 {
			t.Errorf("%s: output tokens %d (%v); want the server's %d (server 4)", c.u.kind, l.OutputTokens, l.OutputTokensSource, 4*c.out)
		}
		want := fmt.Sprintf("WARNING: 4 of 4 requests (any outcome): the server counted more than 16 output tokens per token-bearing event (at most %.1f): speculative decoding, a server's stream interval",
			float64(c.out)/5)
		if !strings.Contains(tab, want) {
			t.Errorf("%s: table:\n%s\nwant %q", c.u.kind, tab, want)
		}
	}
}

// TestCumulativeUsageGoingBackIsDropped: a continuous usage of
// 1,2,1,5,0,1000,3 then a final 3 was recorded as chunks of
// [1,1,1,4,1,1000,1] tokens (~1009) beside 3 output tokens: 2,016 ITL
// samples of 0.01 ms from 2 requests. Its per-event counts are dropped
// (one token each, as without continuous usage), and 3 being fewer than
// the 7 events, the output tokens are 7.
func TestCumulativeUsageGoingBackIsDropped(t *testing.T) {
	l, tab := usageRun(t, cumulative([]int{1, 2, 1, 5, 0, 1000, 3}, 3))
	if l.ITLMS.N != 4*6 || l.OutputTokens != 4*7 || l.OutputTokensSource[events] != 4 {
		t.Errorf("ITL n=%d, output tokens %d (%v); want 24, 28 (events 4)", l.ITLMS.N, l.OutputTokens, l.OutputTokensSource)
	}
	for _, want := range []string{
		"WARNING: 4 of 4 requests (any outcome): the per-event token counts of the server's cumulative usage summed past its final count",
		"WARNING: 4 of 4 requests (any outcome): the server counted fewer output tokens than the events that streamed them (the first said 3 for 7 events)",
	} {
		if !strings.Contains(tab, want) {
			t.Errorf("table:\n%s\nwant %q", tab, want)
		}
	}
}

// TestMultiTokenChunksNotWarned: speculative decoding's several tokens an
// event are trusted as before, without a warning, below the bound: a
// cumulative usage rising 4 an event (its ITL spread over 4 tokens each),
// and 5 events with a final usage of 80 (16 each, the bound).
func TestMultiTokenChunksNotWarned(t *testing.T) {
	l, tab := usageRun(t, cumulative([]int{4, 8, 12, 16, 20}, 20))
	if l.OutputTokens != 4*20 || l.ITLMS.N != 4*16 || l.OutputTokensSource[rundir.SourceServer] != 4 {
		t.Errorf("continuous: output tokens %d (%v), ITL n=%d; want 80 (server 4), 64", l.OutputTokens, l.OutputTokensSource, l.ITLMS.N)
	}
	l2, tab2 := usageRun(t, openAIFinal(80))
	if l2.OutputTokens != 4*80 || l2.OutputTokensSource[rundir.SourceServer] != 4 {
		t.Errorf("final usage: output tokens %d (%v); want 320 (server 4)", l2.OutputTokens, l2.OutputTokensSource)
	}
	for _, s := range []string{tab, tab2} {
		if strings.Contains(s, "output tokens per token-bearing event") || strings.Contains(s, "fewer output tokens") || strings.Contains(s, "per-event token counts") {
			t.Errorf("table:\n%s\nwant no usage warning", s)
		}
	}
}

// probeVerdict probes u's server as `inferbench targets probe` does and
// returns its usage line.
func probeVerdict(t *testing.T, u usageStream) (*ProbeResult, string) {
	t.Helper()
	return probeLine(t, u, "usage reported")
}

// probeLine probes u's server as `inferbench targets probe` does and
// returns its result and the verdict's line that starts with prefix.
func probeLine(t *testing.T, u usageStream, prefix string) (*ProbeResult, string) {
	t.Helper()
	target, err := registry.New(u.kind, registry.Options{URL: u.serve(t), API: u.api, ContinuousUsage: u.kind == "vllm"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Probe(t.Context(), target, "m", targets.Redactor{})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	res.Write(&out, ProbeSubject{Kind: u.kind, Model: "m"})
	for l := range strings.Lines(out.String()) {
		if strings.HasPrefix(l, prefix) {
			return res, l
		}
	}
	t.Fatalf("no %s line:\n%s", prefix, out.String())
	return nil, ""
}

// TestProbeSaysUsageContradicted: `targets probe` printed "5 with tokens"
// and "usage reported yes: 10 prompt, 1 output tokens: output tokens will
// be the server's count" without a word; it says the contradiction on its
// usage line, as a run's report judges it: a count below the events, one
// far above them, per-event counts going back.
func TestProbeSaysUsageContradicted(t *testing.T) {
	for _, c := range []struct {
		u    usageStream
		want string
	}{
		{openAIFinal(1), "yes, but wrong: 10 prompt, 1 output tokens, fewer than the 5 events that carried tokens (an event with text carries a token): output tokens will be the events' count (5 here), a lower bound"},
		{openAIFinal(5000), "yes: 10 prompt, 5000 output tokens, 1000.0 per token-bearing event (5 events), more than 16: speculative decoding, a stream interval or unstreamed reasoning tokens do this legitimately"},
		{anthropicLying(777777), "yes: 10 prompt, 777777 output tokens, 155555.4 per token-bearing event (5 events), more than 16"},
		{cumulative([]int{1, 2, 1, 5, 0, 1000, 3}, 3), "yes, but wrong: 10 prompt, 3 output tokens, fewer than the 7 events that carried tokens (an event with text carries a token): output tokens will be the events' count (7 here), a lower bound; its per-event counts (a cumulative usage's increases) sum to 1009, past its final count: each event will count one token"},
		{openAIFinal(80), "yes: 10 prompt, 80 output tokens: output tokens will be the server's count\n"},
	} {
		_, line := probeVerdict(t, c.u)
		if !strings.Contains(line, c.want) {
			t.Errorf("%s: %q\nwant %q", c.u.kind, line, c.want)
		}
	}
	// The cap is judged on the bounded count: 7 events, not 1009 tokens.
	res, _ := probeVerdict(t, cumulative([]int{1, 2, 1, 5, 0, 1000, 3}, 3))
	if n, past := res.PastMaxTokens(); n != 7 || past {
		t.Errorf("past max tokens %d, %v; want 7, within the cap of 8", n, past)
	}
}

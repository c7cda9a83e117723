package loadgen

import (
	"slices"
	"testing"
)

// TestWorkloadSendsStop: the workload's stop sequences are on every
// request it makes: a plain one, one of a trace's lengths, the spread's
// probe, a dataset's prompt and a session's turns; a workload without
// them sends none (nil, so no adapter writes an empty field).
func TestWorkloadSendsStop(t *testing.T) {
	stop := []string{"\n\nUser:", "###"}
	w := Workload{Model: "m", PromptTokens: 4, MaxTokens: 8, Stop: stop}
	r1, _, _ := w.Request(1)
	r2, _, _ := w.RequestWith(2, 3, 5)
	r3, _, _ := w.ProbeRequest(3)
	d := w
	d.Prompt = func(uint64) (string, int) { return "a dataset prompt", 3 }
	r4, _, _ := d.Request(4)
	s := sessionWorkload()
	s.Stop = stop
	r5, _, _ := s.turnRequest(s.newConversation(5), 1, 5)
	for i, r := range []struct {
		name string
		stop []string
	}{{"request", r1.Stop}, {"trace request", r2.Stop}, {"probe", r3.Stop}, {"dataset request", r4.Stop}, {"session turn", r5.Stop}} {
		if !slices.Equal(r.stop, stop) {
			t.Errorf("%d %s: stop %q, want %q", i, r.name, r.stop, stop)
		}
	}
	none := Workload{Model: "m", PromptTokens: 4, MaxTokens: 8}
	if r, _, _ := none.Request(1); r.Stop != nil {
		t.Errorf("a workload without stop sequences sent %q", r.Stop)
	}
}

// TestStopKeepsIgnoreEOSWithoutMinTokens: with stop sequences, ignore_eos
// is sent as asked but min_tokens is not: vLLM checks no stop string
// before min_tokens tokens are out (vllm/engine/output_processor/
// stop_checker.py: "skip the stop string/token checks if not"), so the
// min_tokens = max_tokens that exact lengths send would have kept every
// stop sequence from ever ending an output on vLLM, SGLang and the mock.
// Without stop sequences exact lengths still send both.
func TestStopKeepsIgnoreEOSWithoutMinTokens(t *testing.T) {
	w := Workload{Model: "m", PromptTokens: 4, MaxTokens: 8, IgnoreEOS: true, Stop: []string{"###"}}
	if r, _, _ := w.Request(1); !r.IgnoreEOS || r.MinTokens != 0 {
		t.Errorf("with stop: ignore_eos %v, min_tokens %d; want true, 0", r.IgnoreEOS, r.MinTokens)
	}
	w.Stop = nil
	if r, _, _ := w.Request(1); !r.IgnoreEOS || r.MinTokens != 8 {
		t.Errorf("without stop: ignore_eos %v, min_tokens %d; want true, 8", r.IgnoreEOS, r.MinTokens)
	}
}

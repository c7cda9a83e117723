package scenarios

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestReadTrace(t *testing.T) {
	got, err := ReadTraceFile("testdata/trace.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	want := []TraceEntry{
		{0, 512, 128, nil},
		{12500 * time.Microsecond, 1024, 64, nil},
		{12500 * time.Microsecond, 100, 1, nil}, // ties keep file order
		{time.Second, 2048, 256, nil},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadTrace (-want +got):\n%s", diff)
	}
	// Absolute timestamps (Unix ms) become offsets from the first.
	got, err = ReadTrace(strings.NewReader(
		`{"timestamp": 1700000000000, "prompt_tokens": 10, "output_tokens": 5}` + "\n\n" +
			`{"timestamp": 1700000000250.5, "prompt_tokens": 20, "output_tokens": 6, "id": "r2"}` + "\n"))
	want = []TraceEntry{{0, 10, 5, nil}, {250500 * time.Microsecond, 20, 6, nil}}
	if err != nil || !cmp.Equal(want, got) {
		t.Errorf("timestamps: ReadTrace = %v, %v; want %v", got, err, want)
	}
}

func TestReadTraceErrors(t *testing.T) {
	line := func(ms string) string {
		return `{"offset_ms": ` + ms + `, "prompt_tokens": 1, "output_tokens": 1}` + "\n"
	}
	for _, tt := range []struct{ in, want string }{
		{line("0") + line("10") + line("5"), "trace: line 3: arrivals must be in time order: 5ms comes after 10ms"},
		{line("0") + "\n" + line("-1"), "trace: line 3: arrival must be between 0 and 1e+10 ms, got -1"},
		{line("0") + `{"offset_ms": 1, "prompt_tokens": 1}`, "trace: line 2: no output_tokens (or output_length)"},
		{`{"offset_ms": 1, "prompt_tokens": 0, "output_tokens": 1}`, "trace: line 1: prompt_tokens must be between 1 and 16777216, got 0"},
		{`{"prompt_tokens": 1, "output_tokens": 1}`, "trace: line 1: no offset_ms (or timestamp)"},
		{`{"offset_ms": 0, "timestamp": 0, "prompt_tokens": 1, "output_tokens": 1}`, "trace: line 1: give offset_ms or timestamp, not both"},
		{`{"timestamp": 500, "input_length": 1, "output_length": 1}` + "\n" + `{"timestamp": 0, "input_length": 1, "output_length": 1}`,
			"trace: line 2: arrivals must be in time order: timestamp 0 comes before the first line's 500"},
		{line("0") + `{"timestamp": 5, "prompt_tokens": 1, "output_tokens": 1}`, "trace: line 2: mixes offset_ms and timestamp: use one of them throughout"},
		{line("0") + `{"offset_ms": "soon"}`, "trace: line 2: offset_ms: a JSON string where a number belongs"},
		{`{"offset_ms": 0, "prompt_tokens": 1, "input_length": 1, "output_tokens": 1}`, "trace: line 1: give prompt_tokens or input_length, not both"},
		{`{"timestamp": 0, "input_length": 0, "output_length": 1}`, "trace: line 1: input_length must be between 1 and 16777216, got 0"},
		{`{"timestamp": 0, "input_length": 5}`, "trace: line 1: no output_tokens (or output_length)"},
		{`{"timestamp": 0, "input_length": 5, "output_length": 1, "hash_ids": [0, -1]}`, "trace: line 1: hash_ids: a JSON number -1 where a whole number ≥ 0 belongs"},
		{"", "trace: no requests"},
	} {
		if _, err := ReadTrace(strings.NewReader(tt.in)); err == nil || err.Error() != tt.want {
			t.Errorf("ReadTrace(%q) = %v;\nwant %s", tt.in, err, tt.want)
		}
	}
}

// TestReadMooncakeTrace: a Mooncake trace (kvcache-ai/Mooncake's FAST'25
// traces, replayed by AIPerf and Dynamo) is read as it is: timestamp in ms
// from the first request, input_length and output_length as the prompt
// and output tokens, hash_ids kept (session replays them as shared text).
// Before, every line was refused ("no prompt_tokens"). Twelve lines of the conversation trace, as published
// (testdata/mooncake-conversation-sample.md).
func TestReadMooncakeTrace(t *testing.T) {
	got, err := ReadTraceFile("testdata/mooncake-conversation-sample.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 12 {
		t.Fatalf("%d entries; want 12", len(got))
	}
	seq := func(ids ...uint64) []uint64 { return ids }
	for i, want := range map[int]TraceEntry{
		0:  {0, 6758, 500, seq(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)},
		3:  {0, 2290, 316, seq(0, 42, 43, 44, 45)},
		9:  {3 * time.Second, 915, 355, seq(0, 462)},
		10: {5999 * time.Millisecond, 1053, 26, seq(0, 773, 774)},
		11: {9 * time.Second, 1477, 615, seq(0, 820, 821)},
	} {
		if diff := cmp.Diff(want, got[i]); diff != "" {
			t.Errorf("entry %d (-want +got):\n%s", i, diff)
		}
	}
}

// TestTraceGivesTheLengths: a trace's lines give every request's prompt
// and output tokens, so lengths written beside load.trace would be ignored
// unseen: they are refused where written. ApplyDefaults fills in none
// for a trace (the run's typical lengths are the trace's medians), so the
// scenario it leaves is valid and says no lengths the run does not use.
func TestTraceGivesTheLengths(t *testing.T) {
	const trace = "name: a\nload:\n  trace: {file: testdata/trace.jsonl}\n"
	_, err := Load("s.yaml", []byte(trace+"workload:\n  prompt_tokens: 100\n  output_tokens: {dist: uniform, min: 1, max: 9}\n"))
	want := []string{
		"s.yaml:5:18: workload.prompt_tokens: not used with load.trace: each line gives its request's prompt and output tokens",
		"s.yaml:6:18: workload.output_tokens: not used with load.trace: each line gives its request's prompt and output tokens",
	}
	if diff := cmp.Diff(want, errLines(err)); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	s, err := Load("s.yaml", []byte(trace))
	if err != nil {
		t.Fatal(err)
	}
	s.Target.URL, s.Target.Model = "http://127.0.0.1:8000", "m"
	s.ApplyDefaults()
	if err := s.ValidateRunnable(); err != nil || !s.Workload.PromptTokens.IsZero() || !s.Workload.OutputTokens.IsZero() {
		t.Errorf("a trace after ApplyDefaults: %v (prompt tokens %+v, output tokens %+v); want valid, no lengths",
			err, s.Workload.PromptTokens, s.Workload.OutputTokens)
	}
}

// TestTraceLengthsInOrder: lengths given by flags (no position in a file)
// are reported in one order, prompt then output: the check walked a map,
// and the two lines came out in either order from one run to the next.
func TestTraceLengthsInOrder(t *testing.T) {
	s := &Scenario{Name: "a", Load: LoadProfile{Trace: &Trace{File: "testdata/trace.jsonl"}},
		Workload: Workload{PromptTokens: Fixed(9), OutputTokens: Fixed(9)}}
	want := []string{
		"workload.prompt_tokens: not used with load.trace: each line gives its request's prompt and output tokens",
		"workload.output_tokens: not used with load.trace: each line gives its request's prompt and output tokens",
	}
	for range 20 {
		if diff := cmp.Diff(want, errLines(s.Validate())); diff != "" {
			t.Fatalf("errors (-want +got):\n%s", diff)
		}
	}
}

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
		{0, 512, 128},
		{12500 * time.Microsecond, 1024, 64},
		{12500 * time.Microsecond, 100, 1}, // ties keep file order
		{time.Second, 2048, 256},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadTrace (-want +got):\n%s", diff)
	}
	// Absolute timestamps (Unix ms) become offsets from the first.
	got, err = ReadTrace(strings.NewReader(
		`{"timestamp": 1700000000000, "prompt_tokens": 10, "output_tokens": 5}` + "\n\n" +
			`{"timestamp": 1700000000250.5, "prompt_tokens": 20, "output_tokens": 6, "id": "r2"}` + "\n"))
	want = []TraceEntry{{0, 10, 5}, {250500 * time.Microsecond, 20, 6}}
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
		{line("0") + `{"offset_ms": 1, "prompt_tokens": 1}`, "trace: line 2: no output_tokens"},
		{`{"offset_ms": 1, "prompt_tokens": 0, "output_tokens": 1}`, "trace: line 1: prompt_tokens must be between 1 and 16777216, got 0"},
		{`{"prompt_tokens": 1, "output_tokens": 1}`, "trace: line 1: no offset_ms (or timestamp)"},
		{`{"offset_ms": 0, "timestamp": 0, "prompt_tokens": 1, "output_tokens": 1}`, "trace: line 1: give offset_ms or timestamp, not both"},
		{line("0") + `{"timestamp": 5, "prompt_tokens": 1, "output_tokens": 1}`, "trace: line 2: mixes offset_ms and timestamp: use one of them throughout"},
		{line("0") + `{"offset_ms": "soon"}`, "trace: line 2: offset_ms: a JSON string where a number belongs"},
		{"", "trace: no requests"},
	} {
		if _, err := ReadTrace(strings.NewReader(tt.in)); err == nil || err.Error() != tt.want {
			t.Errorf("ReadTrace(%q) = %v;\nwant %s", tt.in, err, tt.want)
		}
	}
}

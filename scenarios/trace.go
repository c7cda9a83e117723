package scenarios

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/inferbench/inferbench/internal/jsonerr"
)

// TraceEntry is one request of a recorded trace.
type TraceEntry struct {
	// Offset is when the request arrived, from the trace's start (not yet
	// multiplied by the scenario's time_scale).
	Offset time.Duration
	// PromptTokens is the request's prompt length in tokens.
	PromptTokens int
	// OutputTokens is the request's output length in tokens.
	OutputTokens int
	// HashIDs are the line's hash_ids (a Mooncake trace): its prompt in
	// blocks of TraceBlockTokens tokens, the same id for the same content
	// under the same ids before it; nil when the line names none.
	HashIDs []uint64
}

// TraceBlockTokens is the size of a Mooncake trace's prompt blocks, which
// its hash_ids name, unless load.trace.block_tokens says otherwise: 512
// tokens (the Mooncake traces' block size, and AIPerf's and Dynamo's
// default when they replay them).
const TraceBlockTokens = 512

// traceLine is one line of a trace file.
type traceLine struct {
	OffsetMS     *float64 `json:"offset_ms"`
	Timestamp    *float64 `json:"timestamp"`
	PromptTokens *int     `json:"prompt_tokens"`
	OutputTokens *int     `json:"output_tokens"`
	// InputLength, OutputLength and HashIDs are a Mooncake trace's names
	// (kvcache-ai/Mooncake's mooncake_trace.jsonl, replayed by NVIDIA
	// AIPerf and Dynamo): its timestamp is ms from the first request.
	InputLength  *int     `json:"input_length"`
	OutputLength *int     `json:"output_length"`
	HashIDs      []uint64 `json:"hash_ids"`
}

// maxTraceMS bounds an arrival time in milliseconds (about 100 days): far
// beyond any trace, it keeps the conversion to nanoseconds from overflowing.
const maxTraceMS = 1e10

// ReadTrace reads a trace: JSONL, one request a line,
// {"offset_ms": 0, "prompt_tokens": 512, "output_tokens": 128}. Instead of
// offset_ms a line may give "timestamp", an absolute time in milliseconds
// (e.g. Unix epoch ms), made relative to the first line's. Fractions of a
// millisecond are kept; blank lines are skipped and other keys ignored.
// Arrivals must not go back in time. Errors give the line number.
//
// A Mooncake trace's lines, {"timestamp": 3052, "input_length": 7234,
// "output_length": 794, "hash_ids": [0, 28, 29]}, are read as well: the
// lengths are its prompt and output tokens, and its hash_ids (blocks of
// TraceBlockTokens prompt tokens, an id shared by requests whose prompts
// share that block) are kept for the prompts to share their blocks'
// text (session: sizing.blocks).
func ReadTrace(r io.Reader) ([]TraceEntry, error) {
	var out []TraceEntry
	var clk traceClock
	err := eachLine(r, maxTraceLine, func(b []byte) error {
		e, err := parseTraceLine(b, &clk)
		if err == nil && len(out) > 0 && e.Offset < out[len(out)-1].Offset {
			err = fmt.Errorf("arrivals must be in time order: %v comes after %v", e.Offset, out[len(out)-1].Offset)
		}
		out = append(out, e)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("trace: %w", err)
	}
	if len(out) == 0 {
		return nil, errors.New("trace: no requests")
	}
	return out, nil
}

// ReadTraceFile reads the trace file at path (see ReadTrace): its errors
// name the file and the line, as ReadPromptsFile's do.
func ReadTraceFile(path string) ([]TraceEntry, error) {
	return readFile(path, func(r io.Reader) ([]TraceEntry, error) {
		e, err := ReadTrace(r)
		return e, unprefixed(err, "trace: ")
	})
}

// traceClock turns a line's offset_ms or timestamp into milliseconds from
// the trace's start; a trace uses one of the two throughout.
type traceClock struct {
	stamps bool    // the trace uses timestamp
	first  float64 // the first timestamp
	lines  int     // lines seen
}

// parseTraceLine decodes one line.
func parseTraceLine(b []byte, clk *traceClock) (TraceEntry, error) {
	var tl traceLine
	if err := json.Unmarshal(b, &tl); err != nil {
		return TraceEntry{}, jsonerr.TypeError(err)
	}
	var ms float64
	switch {
	case tl.OffsetMS != nil && tl.Timestamp != nil:
		return TraceEntry{}, errors.New("give offset_ms or timestamp, not both")
	case tl.OffsetMS == nil && tl.Timestamp == nil:
		return TraceEntry{}, errors.New("no offset_ms (or timestamp)")
	case clk.lines > 0 && clk.stamps != (tl.Timestamp != nil):
		return TraceEntry{}, errors.New("mixes offset_ms and timestamp: use one of them throughout")
	case tl.OffsetMS != nil:
		ms = *tl.OffsetMS
	default:
		if clk.lines == 0 {
			clk.stamps, clk.first = true, *tl.Timestamp
		}
		ms = *tl.Timestamp - clk.first
		if ms < 0 {
			// Its offset from the first line would read as a negative
			// arrival, which the user never wrote.
			return TraceEntry{}, fmt.Errorf("arrivals must be in time order: timestamp %g comes before the first line's %g", *tl.Timestamp, clk.first)
		}
	}
	clk.lines++
	if !(ms >= 0 && ms <= maxTraceMS) {
		return TraceEntry{}, fmt.Errorf("arrival must be between 0 and %g ms, got %g", float64(maxTraceMS), ms)
	}
	e := TraceEntry{Offset: time.Duration(math.Round(ms * float64(time.Millisecond))), HashIDs: tl.HashIDs}
	for _, f := range []struct {
		name, alias string
		v, av       *int
		dst         *int
	}{
		{"prompt_tokens", "input_length", tl.PromptTokens, tl.InputLength, &e.PromptTokens},
		{"output_tokens", "output_length", tl.OutputTokens, tl.OutputLength, &e.OutputTokens},
	} {
		switch {
		case f.v != nil && f.av != nil:
			return TraceEntry{}, fmt.Errorf("give %s or %s, not both", f.name, f.alias)
		case f.v == nil && f.av != nil:
			f.name, f.v = f.alias, f.av
		}
		switch {
		case f.v == nil:
			return TraceEntry{}, fmt.Errorf("no %s (or %s)", f.name, f.alias)
		case *f.v < 1 || *f.v > MaxLength:
			return TraceEntry{}, fmt.Errorf("%s must be between 1 and %d, got %d", f.name, MaxLength, *f.v)
		}
		*f.dst = *f.v
	}
	return e, nil
}

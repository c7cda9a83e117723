package gpu

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sync"

	"github.com/inferbench/inferbench/internal/jsonl"
)

// A JSONLWriter writes Samples as JSON Lines, one Sample a line (gpu.jsonl).
// It is safe for concurrent use.
type JSONLWriter struct {
	mu sync.Mutex // guards bw
	bw *bufio.Writer
}

// NewJSONLWriter returns a JSONLWriter writing to w. The caller closes w.
func NewJSONLWriter(w io.Writer) *JSONLWriter {
	return &JSONLWriter{bw: bufio.NewWriter(w)}
}

// Write writes one line per Sample and flushes, so that each tick reaches
// w whole. Its signature fits [Watch]'s emit.
func (jw *JSONLWriter) Write(samples []Sample) error {
	jw.mu.Lock()
	defer jw.mu.Unlock()
	for i := range samples {
		b, err := json.Marshal(&samples[i])
		if err != nil {
			return fmt.Errorf("gpu.jsonl: encode sample: %w", err)
		}
		b = append(b, '\n')
		if _, err := jw.bw.Write(b); err != nil {
			return fmt.Errorf("gpu.jsonl: write: %w", err)
		}
	}
	if err := jw.bw.Flush(); err != nil {
		return fmt.Errorf("gpu.jsonl: write: %w", err)
	}
	return nil
}

// ReadJSONL reads every Sample of a gpu.jsonl stream, gaps included. Blank
// lines are skipped; a line that is not a Sample is an error naming its line
// number.
func ReadJSONL(r io.Reader) ([]Sample, error) { return jsonl.Read[Sample](r, "gpu.jsonl") }

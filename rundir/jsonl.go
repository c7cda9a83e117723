package rundir

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// MaxLine is the longest telemetry line readJSONL accepts.
const MaxLine = 4 << 20

// readJSONL decodes every line of r as a T. Blank lines are skipped; a line that
// does not decode is an error naming the file (name) and the line number,
// returned with the values read before it.
func readJSONL[T any](r io.Reader, name string) ([]T, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLine)
	var out []T
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			return out, fmt.Errorf("%s line %d: %w", name, line, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("%s: read: %w", name, err)
	}
	return out, nil
}

package render

import (
	"encoding/json"
	"fmt"
	"io"
)

// WriteJSON writes r as indented JSON: every run's manifest and summary,
// the SLO checks, the priced levels and costs, the comparisons with their
// confidence intervals, the crossover and the figure files. Keys are
// snake_case and a public contract: fields are added, never renamed.
func WriteJSON(w io.Writer, r *Report) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("report json: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

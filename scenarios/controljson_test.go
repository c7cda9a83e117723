package scenarios

import (
	"encoding/json"
	"slices"
	"testing"
)

// TestJSONEscapesControlCharacters: a description or stop sequence
// holding a control character other than tab, LF or CR (ESC, \x01, \x04,
// \x1e, DEL) is written to run.json as JSON reads it (\u001b), and read
// back by any JSON reader as given. MarshalJSON wrote YAML's "\x04"
// escape, which is no JSON: json.Marshal refused the scenario, and run.json
// was written without it (the SLO lost with it).
func TestJSONEscapesControlCharacters(t *testing.T) {
	for _, x := range []string{"\x1b[0m", "\x01", "\x04", "\x1e", "\x7f", "\a", "\t", "\r\n", "\u2028", "plain"} {
		s, err := Load("t.yaml", []byte("name: t\nslo:\n  ttft: 30ms\n"))
		if err != nil {
			t.Fatal(err)
		}
		s.Description = "tab" + x + "here"
		s.Workload.Stop = Stop{x, "</s>"}
		b, err := json.Marshal(s)
		if err != nil {
			t.Errorf("%q: json.Marshal: %v", x, err)
			continue
		}
		var back struct {
			Description string `json:"description"`
			Workload    struct {
				Stop []string `json:"stop"`
			} `json:"workload"`
			SLO struct {
				TTFT string `json:"ttft"`
			} `json:"slo"`
		}
		if err := json.Unmarshal(b, &back); err != nil {
			t.Errorf("%q: %s: %v", x, b, err)
			continue
		}
		if back.Description != s.Description || !slices.Equal(back.Workload.Stop, s.Workload.Stop) || back.SLO.TTFT != "30ms" {
			t.Errorf("%q: read back description %q, stop %q, slo.ttft %q from %s", x, back.Description, back.Workload.Stop, back.SLO.TTFT, b)
		}
		var again Scenario
		// Loading tidies a description's line ends (tidyText).
		if err := json.Unmarshal(b, &again); err != nil || again.Description != tidyText(s.Description) || !slices.Equal(again.Workload.Stop, s.Workload.Stop) {
			t.Errorf("%q: UnmarshalJSON: description %q, stop %q, %v", x, again.Description, again.Workload.Stop, err)
		}
	}
}

package plot

import (
	"bytes"
	"strings"
	"testing"
)

// The timeline shows when requests failed: a run with 9 % of its requests
// failed (429s, 500s and cut streams) had a timeline of steady in-flight
// requests and tokens, nothing of the failures on it. A run where none
// failed gets no failure panel, and its caption does not call the
// failures "not recorded".
func TestTimelineDrawsFailures(t *testing.T) {
	steady := []Point{{T: 0.5, V: 4}, {T: 1.5, V: 4}, {T: 2.5, V: 4}}
	with := Timeline{Label: "faults", Series: map[Quantity][]Point{InFlight: steady, OutputTokensPerS: steady,
		FailedPerS: {{T: 0.5, V: 0}, {T: 1.5, V: 2}, {T: 2.5, V: 0}}}}
	without := Timeline{Label: "clean", Series: map[Quantity][]Point{InFlight: steady, OutputTokensPerS: steady}}
	// A run with its failures counted and none failed: render gives every
	// run the series, so that in a qualification a run where none failed
	// is drawn at 0 beside one where some did, not left out.
	zero := Timeline{Label: "zero", Series: map[Quantity][]Point{InFlight: steady, OutputTokensPerS: steady,
		FailedPerS: {{T: 0.5, V: 0}, {T: 1.5, V: 0}, {T: 2.5, V: 0}}}}
	for _, tt := range []struct {
		tl    Timeline
		panel bool
	}{{with, true}, {without, false}, {zero, false}} {
		f := TimelineFigure([]Timeline{tt.tl})
		var b bytes.Buffer
		if err := f.Write(&b, SVG); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(b.String(), ">failed requests/s<"); got != tt.panel {
			t.Errorf("%s: failure panel drawn %v; want %v", tt.tl.Label, got, tt.panel)
		}
		if strings.Contains(f.Caption, "failed requests/s (no") {
			t.Errorf("%s: caption %q calls the failures not recorded", tt.tl.Label, f.Caption)
		}
	}
}

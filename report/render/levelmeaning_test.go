package render

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// The report says what a load level is: an open-loop run at 5, 20 and 80
// requests/s had its levels written "5", "20", "80" in the load-level
// table, the Pareto figure's point labels and the timeline, with nothing
// to say they were rates and not 80 concurrent users (history's tables
// write "80/s" and "c=8").
func TestReportSaysWhatALevelIs(t *testing.T) {
	root := writeRuns(t, map[string]rendertest.Spec{"a100": rendertest.A100()})
	for _, tt := range []struct {
		profile, want string
	}{
		{"sweep", "level: concurrent streams (closed loop)"},
		{"concurrency", "level: concurrent streams (closed loop)"},
		{"rate", "level: requests per second offered (open loop)"},
	} {
		rep := buildWith(t, []string{filepath.Join(root, "a100")}, report.SLO{}, func(runs []*Run) {
			runs[0].Manifest.Load.Profile = tt.profile
		})
		if notes := rep.levelTable(0).Notes; !slices.Contains(notes, tt.want) {
			t.Errorf("profile %s: load-level table notes %q; want %q", tt.profile, notes, tt.want)
		}
		for _, f := range rep.Plots() {
			if f.Name == "pareto" && !strings.Contains(f.Caption, strings.TrimPrefix(tt.want, "level: ")) {
				t.Errorf("profile %s: Pareto caption %q does not say what its level labels are (%s)", tt.profile, f.Caption, tt.want)
			}
		}
	}
}

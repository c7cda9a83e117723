package smi

import (
	"context"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// A sample's Error lists its reasons one way, "; " between them, as
// gpu.AddError (which Watch uses after a backend) writes them: smi joined
// its own with newlines, so one Error mixed "\n" and "; ".
func TestSampleErrorOneSeparator(t *testing.T) {
	run := func(context.Context, string, ...string) ([]byte, error) {
		return []byte("0, GPU-a, NVIDIA H100 80GB HBM3, 250, 24, -5, 81559, 1e300, 59, 1980, 0x0\n"), nil
	}
	n, _ := NewNvidiaSMI(run)
	nv, _ := n.Sample(t.Context(), nil)
	amd, _ := ParseAMDSMIMetric([]byte(`[{"gpu": 0, "usage": {"gfx_activity": {"value": 250, "unit": "%"}}, "mem_usage": {"used_vram": {"value": 1, "unit": "TB"}}, "power": {"socket_power": {"value": -1, "unit": "W"}}}]`))
	rocm, _ := ParseROCmSMI([]byte(`{"card0": {"GPU use (%)": "-3", "Average Graphics Package Power (W)": "1e300", "Temperature (Sensor edge) (C)": "1e9"}}`))
	for _, tt := range []struct {
		tool string
		ss   []rundir.GPUSample
	}{{"nvidia-smi", nv}, {"amd-smi", amd}, {"rocm-smi", rocm}} {
		if len(tt.ss) != 1 {
			t.Fatalf("%s: %d samples; want 1", tt.tool, len(tt.ss))
		}
		e := tt.ss[0].Error
		if strings.Contains(e, "\n") || strings.Count(e, "; ") != 2 {
			t.Errorf("%s: Error %q; want its three reasons on one line, \"; \" between", tt.tool, e)
		}
	}
}

package dcgm

import (
	"strings"
	"testing"
	"time"
)

// TestParsePowerWindow: DCGM_FI_DEV_POWER_USAGE is NVML's
// nvmlDeviceGetPowerUsage (DCGM's DcgmCacheManager reads field 155 with
// it), the mean over 1 s on Ampere (except GA100) and newer GPUs,
// instantaneous on GA100 and older; DCGM_FI_DEV_POWER_USAGE_INSTANT (157)
// is NVML_FI_DEV_POWER_INSTANT. A dcgm sample says so in power_window_ns
// as the NVML and nvidia-smi samples do: the recorded H100 page read every
// GPU's power as instantaneous (0), so a level's mean power and its
// integrated energy placed a 1 s mean 0.5 s late, which on an H200 going
// from idle to its cap read the energy 20 % low.
func TestParsePowerWindow(t *testing.T) {
	for _, tt := range []struct {
		fixture string
		want    time.Duration
	}{
		{"dcgm-exporter-h100x8-eks-sampled.txt", time.Second}, // compute capability 9.0
		{"dcgm-exporter-a800x8-mig-excerpt.txt", 0},           // GA100 (8.0): instantaneous
	} {
		p, err := Parse(strings.NewReader(string(fixture(t, tt.fixture))))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range p.Samples {
			if s.PowerW == nil || s.PowerWindowNS != int64(tt.want) {
				t.Errorf("%s: gpu %d (%s): power %v over %d ns; want a reading over %d ns", tt.fixture, s.Index, s.Name, s.PowerW, s.PowerWindowNS, tt.want)
			}
		}
	}
}

// TestParseInstantPowerAndComputeCapability: a page with only the
// instantaneous field (an exporter configured with
// DCGM_FI_DEV_POWER_USAGE_INSTANT in place of POWER_USAGE) reads it as
// power over 0 ns; with both, POWER_USAGE is the power, as NVML's is. A
// page that exports DCGM_FI_DEV_CUDA_COMPUTE_CAPABILITY (major << 16 |
// minor, as DcgmCacheManager stores it) is read by it, whatever the
// model's name says; a name the table does not know, without it, leaves
// the span unknown (0).
func TestParseInstantPowerAndComputeCapability(t *testing.T) {
	line := func(family, name, v string) string {
		return family + `{gpu="0",UUID="GPU-x",modelName="` + name + `",Hostname="h"} ` + v + "\n"
	}
	for _, tt := range []struct {
		name, page string
		power      float64
		window     time.Duration
	}{
		{"instant only", line("DCGM_FI_DEV_POWER_USAGE_INSTANT", "NVIDIA H100 80GB HBM3", "331.5"), 331.5, 0},
		{"both", line("DCGM_FI_DEV_POWER_USAGE", "NVIDIA H100 80GB HBM3", "320") + line("DCGM_FI_DEV_POWER_USAGE_INSTANT", "NVIDIA H100 80GB HBM3", "331.5"), 320, time.Second},
		{"capability 9.0", line("DCGM_FI_DEV_POWER_USAGE", "Some GPU", "320") + line("DCGM_FI_DEV_CUDA_COMPUTE_CAPABILITY", "Some GPU", "589824"), 320, time.Second},
		{"capability 8.0", line("DCGM_FI_DEV_POWER_USAGE", "NVIDIA H100 80GB HBM3", "320") + line("DCGM_FI_DEV_CUDA_COMPUTE_CAPABILITY", "NVIDIA H100 80GB HBM3", "524288"), 320, 0},
		{"unknown name", line("DCGM_FI_DEV_POWER_USAGE", "Some GPU", "320"), 320, 0},
	} {
		p, err := Parse(strings.NewReader(tt.page))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		s := p.Samples[0]
		if s.PowerW == nil || *s.PowerW != tt.power || s.PowerWindowNS != int64(tt.window) {
			t.Errorf("%s: power %v over %d ns; want %v W over %d ns", tt.name, s.PowerW, s.PowerWindowNS, tt.power, tt.window)
		}
	}
}

package dcgm

import (
	"strings"
	"testing"
)

// notConverted is a line as dcgm-exporter prints a field it cannot turn
// into a number (NVIDIA/gpu-monitoring-tools#122, NVIDIA/dcgm-exporter#394
// and #482; the same A800 scrape that the fixture is an excerpt of has it
// for DCGM_FI_DEV_VGPU_PER_PROCESS_UTILIZATION on every GPU).
const notConverted = `DCGM_FI_DEV_VGPU_PER_PROCESS_UTILIZATION{gpu="1",UUID="GPU-9e5b8fec-61bf-5124-a0a9-079af1b65cc6",device="nvidia1",modelName="NVIDIA A800-SXM4-80GB",Hostname="msxf-hpc-64-35-ai",DCGM_FI_DRIVER_VERSION="535.129.03",DCGM_FI_PROCESS_NAME="/usr/bin/dcgm-exporter"} ERROR - FAILED TO CONVERT TO STRING` + "\n"

// TestParseSkipsAFamilyItDoesNotRead: a family Parse does not read cannot
// fail the page. Before, the A800 page with one line of a field the
// exporter could not convert failed whole ("expected float as value"),
// and the run had no GPU telemetry at all.
func TestParseSkipsAFamilyItDoesNotRead(t *testing.T) {
	page := string(fixture(t, "dcgm-exporter-a800x8-mig-excerpt.txt")) + "# TYPE DCGM_FI_DEV_VGPU_PER_PROCESS_UTILIZATION gauge\n" + notConverted
	p, err := Parse(strings.NewReader(page))
	if err != nil {
		t.Fatalf("the A800 page with an unconverted field: %v; want its 8 GPUs", err)
	}
	if len(p.Samples) != 8 || p.Samples[1].PowerW == nil || *p.Samples[1].PowerW != 55.942 {
		t.Errorf("%d GPUs, GPU 1 power %v; want 8 and 55.942 W", len(p.Samples), p.Samples[1].PowerW)
	}
}

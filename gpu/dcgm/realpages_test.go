package dcgm

import (
	"strconv"
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

// migFB is the framebuffer part of the same A800 scrape (gqcn/johns-blog,
// the part after the fixture's excerpt), GPU 0 in MIG mode with three
// 2g.20gb instances and GPU 1 whole: each instance's series holds that
// instance's memory (19957 MiB free of its 20 GB), not a copy of the GPU's
// (GPU 1, whole, 81226 MiB free). Labels are cut to those Parse reads.
const migFB = `DCGM_FI_DEV_FB_FREE{gpu="0",UUID="GPU-1f027ee8-6e1e-2b8c-0108-3d370e5f0418",modelName="NVIDIA A800-SXM4-80GB",GPU_I_PROFILE="2g.20gb",GPU_I_ID="3",Hostname="msxf-hpc-64-35-ai"} 19957
DCGM_FI_DEV_FB_FREE{gpu="0",UUID="GPU-1f027ee8-6e1e-2b8c-0108-3d370e5f0418",modelName="NVIDIA A800-SXM4-80GB",GPU_I_PROFILE="2g.20gb",GPU_I_ID="5",Hostname="msxf-hpc-64-35-ai"} 19957
DCGM_FI_DEV_FB_FREE{gpu="0",UUID="GPU-1f027ee8-6e1e-2b8c-0108-3d370e5f0418",modelName="NVIDIA A800-SXM4-80GB",GPU_I_PROFILE="2g.20gb",GPU_I_ID="6",Hostname="msxf-hpc-64-35-ai"} 19957
DCGM_FI_DEV_FB_FREE{gpu="1",UUID="GPU-9e5b8fec-61bf-5124-a0a9-079af1b65cc6",modelName="NVIDIA A800-SXM4-80GB",Hostname="msxf-hpc-64-35-ai"} 81226
DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-1f027ee8-6e1e-2b8c-0108-3d370e5f0418",modelName="NVIDIA A800-SXM4-80GB",GPU_I_PROFILE="2g.20gb",GPU_I_ID="3",Hostname="msxf-hpc-64-35-ai"} 10
DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-1f027ee8-6e1e-2b8c-0108-3d370e5f0418",modelName="NVIDIA A800-SXM4-80GB",GPU_I_PROFILE="2g.20gb",GPU_I_ID="5",Hostname="msxf-hpc-64-35-ai"} 10
DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-1f027ee8-6e1e-2b8c-0108-3d370e5f0418",modelName="NVIDIA A800-SXM4-80GB",GPU_I_PROFILE="2g.20gb",GPU_I_ID="6",Hostname="msxf-hpc-64-35-ai"} 10
DCGM_FI_DEV_FB_USED{gpu="1",UUID="GPU-9e5b8fec-61bf-5124-a0a9-079af1b65cc6",modelName="NVIDIA A800-SXM4-80GB",Hostname="msxf-hpc-64-35-ai"} 2
`

// TestParseMIGMemoryIsPerInstance: under MIG the memory used is the sum
// of the instances' (3 × 10 MiB), and the GPU's total is unknown: the
// instances' used + free is the memory of the instances made, not of the
// GPU. Before, the first instance's series was taken as the GPU's: 10 MiB
// used of 19967 MiB, for an 80 GB A800.
func TestParseMIGMemoryIsPerInstance(t *testing.T) {
	p, err := Parse(strings.NewReader(migFB))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Samples) != 2 {
		t.Fatalf("%d GPUs; want 2", len(p.Samples))
	}
	const mib = 1 << 20
	mig, whole := p.Samples[0], p.Samples[1]
	if mig.MemoryUsedBytes == nil || *mig.MemoryUsedBytes != 30*mib {
		t.Errorf("MIG GPU: %s used; want 30 MiB (3 instances × 10)", bytesOf(mig.MemoryUsedBytes))
	}
	if mig.MemoryTotalBytes != nil || p.Devices[0].MemoryTotalBytes != nil {
		t.Errorf("MIG GPU: total %s (device %s); want unknown", bytesOf(mig.MemoryTotalBytes), bytesOf(p.Devices[0].MemoryTotalBytes))
	}
	if whole.MemoryUsedBytes == nil || *whole.MemoryUsedBytes != 2*mib || whole.MemoryTotalBytes == nil || *whole.MemoryTotalBytes != 81228*mib {
		t.Errorf("whole GPU: %s of %s; want 2 MiB of 81228 MiB", bytesOf(whole.MemoryUsedBytes), bytesOf(whole.MemoryTotalBytes))
	}
}

func bytesOf(b *uint64) string {
	if b == nil {
		return "unknown"
	}
	return strconv.FormatUint(*b/(1<<20), 10) + " MiB"
}

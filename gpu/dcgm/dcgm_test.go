package dcgm

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/internal/fixtures"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets/targettest"
)

// fixture returns a recorded page (testdata/telemetry, copied from the recordings) without
// its two provenance lines (testdata/telemetry/README.md).
func fixture(t testing.TB, name string) []byte { return fixtures.Telemetry(t, name) }

// serve returns a Scraper reading page from an httptest server.
func serve(t *testing.T, page []byte) *Scraper {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		w.Write(page)
	}))
	t.Cleanup(srv.Close)
	s, err := New(srv.URL+"/metrics", srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestScrapeH100EKS(t *testing.T) {
	s := serve(t, fixture(t, "dcgm-exporter-h100x8-eks-sampled.txt"))
	got, err := s.Sample(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 8 {
		t.Fatalf("Sample() gave %d GPUs; want 8", len(got))
	}
	// GPU 0 carries extra pod labels; it must still be one GPU.
	want0 := rundir.GPUSample{Index: 0, UUID: "GPU-c4529c8d-69c4-b61d-e0bc-7b2460096005", Name: "NVIDIA H100 80GB HBM3",
		UtilizationPct: gpu.Ptr(0.0), MemoryUtilizationPct: gpu.Ptr(0.0), PowerW: gpu.Ptr(113.611), PowerWindowNS: int64(time.Second), TemperatureC: gpu.Ptr(30.0)}
	if diff := cmp.Diff(want0, got[0]); diff != "" {
		t.Errorf("GPU 0 (-want +got):\n%s", diff)
	}
	// The sample is truncated: MEM_COPY_UTIL stops at GPU 5, so GPU 7 has
	// no memory utilization (nil, not 0). No FB or energy families at all.
	want7 := rundir.GPUSample{Index: 7, UUID: "GPU-04d228d3-3b5a-3534-f5cf-969706647d56", Name: "NVIDIA H100 80GB HBM3",
		UtilizationPct: gpu.Ptr(0.0), PowerW: gpu.Ptr(66.997), PowerWindowNS: int64(time.Second), TemperatureC: gpu.Ptr(26.0)}
	if diff := cmp.Diff(want7, got[7]); diff != "" {
		t.Errorf("GPU 7 (-want +got):\n%s", diff)
	}
	devs, err := s.Devices(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	wantDev := rundir.GPUDevice{Index: 2, UUID: "GPU-fbc2c554-4d37-8938-0032-f923bad0f716", Name: "NVIDIA H100 80GB HBM3",
		Host: "ip-10-0-171-111.ec2.internal", DriverVersion: "580.105.08"}
	if diff := cmp.Diff(wantDev, devs[2]); diff != "" {
		t.Errorf("Devices()[2] (-want +got):\n%s", diff)
	}
}

func TestScrapeA800MIG(t *testing.T) {
	s := serve(t, fixture(t, "dcgm-exporter-a800x8-mig-excerpt.txt"))
	got, err := s.Sample(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 8 {
		t.Fatalf("Sample() gave %d GPUs; want 8 (three MIG series of GPU 0 are one GPU)", len(got))
	}
	// GPU 0: three MIG copies; the first series wins, never the sum
	// (3 × 257858316 mJ would triple-count). No utilization under MIG.
	want0 := rundir.GPUSample{Index: 0, UUID: "GPU-1f027ee8-6e1e-2b8c-0108-3d370e5f0418", Name: "NVIDIA A800-SXM4-80GB",
		PowerW: gpu.Ptr(78.174), EnergyMJ: gpu.Ptr[uint64](257858316), TemperatureC: gpu.Ptr(33.0)}
	if diff := cmp.Diff(want0, got[0]); diff != "" {
		t.Errorf("GPU 0 (-want +got):\n%s", diff)
	}
	want1 := rundir.GPUSample{Index: 1, UUID: "GPU-9e5b8fec-61bf-5124-a0a9-079af1b65cc6", Name: "NVIDIA A800-SXM4-80GB",
		UtilizationPct: gpu.Ptr(0.0), MemoryUtilizationPct: gpu.Ptr(0.0), PowerW: gpu.Ptr(55.942), EnergyMJ: gpu.Ptr[uint64](187554325), TemperatureC: gpu.Ptr(27.0)}
	if diff := cmp.Diff(want1, got[1]); diff != "" {
		t.Errorf("GPU 1 (-want +got):\n%s", diff)
	}
	devs, err := s.Devices(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if devs[0].MIGEnabled == nil || !*devs[0].MIGEnabled || devs[1].MIGEnabled != nil {
		t.Errorf("MIG: GPU 0 %v, GPU 1 %v; want true and unknown (nil)", devs[0].MIGEnabled, devs[1].MIGEnabled)
	}
	if devs[0].DriverVersion != "535.129.03" || devs[0].Host != "msxf-hpc-64-35-ai" {
		t.Errorf("GPU 0 driver %q host %q; want 535.129.03 msxf-hpc-64-35-ai", devs[0].DriverVersion, devs[0].Host)
	}
}

// TestParseMemoryClocksAndReasons covers the families the recorded pages
// lack, in a page written for this test in dcgm-exporter's format: FB in
// MiB, SM clock, the clocks-event mask (0x44 = sw_power_cap |
// hw_thermal_slowdown), and the older throttle-reasons name.
func TestParseMemoryClocksAndReasons(t *testing.T) {
	page := `# TYPE DCGM_FI_DEV_FB_USED gauge
DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-a",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",Hostname="h"} 19818
DCGM_FI_DEV_FB_USED{gpu="1",UUID="GPU-b",device="nvidia1",modelName="NVIDIA H100 80GB HBM3",Hostname="h"} 0
DCGM_FI_DEV_FB_FREE{gpu="0",UUID="GPU-a",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",Hostname="h"} 61263
DCGM_FI_DEV_FB_FREE{gpu="1",UUID="GPU-b",device="nvidia1",modelName="NVIDIA H100 80GB HBM3",Hostname="h"} 81081
DCGM_FI_DEV_FB_RESERVED{gpu="0",UUID="GPU-a",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",Hostname="h"} 479
DCGM_FI_DEV_FB_TOTAL{gpu="1",UUID="GPU-b",device="nvidia1",modelName="NVIDIA H100 80GB HBM3",Hostname="h"} 81559
DCGM_FI_DEV_SM_CLOCK{gpu="0",UUID="GPU-a",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",Hostname="h"} 1980
DCGM_FI_DEV_CLOCKS_EVENT_REASONS{gpu="0",UUID="GPU-a",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",Hostname="h"} 68
DCGM_FI_DEV_CLOCK_THROTTLE_REASONS{gpu="1",UUID="GPU-b",device="nvidia1",modelName="NVIDIA H100 80GB HBM3",Hostname="h"} 0
DCGM_FI_DEV_ENFORCED_POWER_LIMIT{gpu="0",UUID="GPU-a",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",Hostname="h"} 700
`
	p, err := Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	const mib = 1 << 20
	want := []rundir.GPUSample{
		{Index: 0, UUID: "GPU-a", Name: "NVIDIA H100 80GB HBM3", MemoryUsedBytes: gpu.Ptr[uint64](19818 * mib),
			MemoryTotalBytes: gpu.Ptr[uint64]((19818 + 61263 + 479) * mib), MemoryReservedBytes: gpu.Ptr[uint64](479 * mib),
			SMClockMHz: gpu.Ptr(1980.0), ClockEventReasons: []string{"sw_power_cap", "hw_thermal_slowdown"}},
		{Index: 1, UUID: "GPU-b", Name: "NVIDIA H100 80GB HBM3", MemoryUsedBytes: gpu.Ptr[uint64](0),
			MemoryTotalBytes: gpu.Ptr[uint64](81559 * mib), ClockEventReasons: []string{}},
	}
	if diff := cmp.Diff(want, p.Samples); diff != "" {
		t.Errorf("Parse samples (-want +got):\n%s", diff)
	}
	if p.Devices[0].PowerLimitW == nil || *p.Devices[0].PowerLimitW != 700 {
		t.Errorf("power limit = %v; want 700 W", p.Devices[0].PowerLimitW)
	}
}

func TestScrapeErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/down":
			http.Error(w, "exporter starting", http.StatusServiceUnavailable)
		case "/empty":
			w.Write([]byte("# just a comment\nprocess_open_fds 3\n"))
		case "/garbage":
			w.Write([]byte("DCGM_FI_DEV_GPU_UTIL{gpu=\"0\" 12\n"))
		}
	}))
	defer srv.Close()
	for _, path := range []string{"/down", "/empty", "/garbage"} {
		s, err := New(srv.URL+path, srv.Client())
		if err != nil {
			t.Fatal(err)
		}
		if got, err := s.Sample(t.Context(), nil); err == nil || len(got) != 0 {
			t.Errorf("Sample(%s) = %d samples, %v; want none and an error", path, len(got), err)
		}
	}
	for _, bad := range []string{"", "gpu-host:9400/metrics", "ftp://h/metrics"} {
		if _, err := New(bad, nil); err == nil {
			t.Errorf("New(%q) = nil error; want one", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"dcgm-exporter-h100x8-eks-sampled.txt", "dcgm-exporter-a800x8-mig-excerpt.txt"} {
		for _, fam := range targettest.MetricFamilies(fixture(f, name)) {
			f.Add(fam)
		}
	}
	f.Add(fixture(f, "dcgm-exporter-h100x8-eks-sampled.txt")) // one whole page (8 KB)
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(bytes.NewReader(b))
		if err != nil {
			return
		}
		if len(p.Devices) != len(p.Samples) {
			t.Fatalf("Parse: %d devices, %d samples", len(p.Devices), len(p.Samples))
		}
		if _, err := json.Marshal(p); err != nil {
			t.Fatalf("Parse(%q) = %+v, which cannot be written to gpu.jsonl: %v", b, p, err)
		}
	})
}

func BenchmarkParseH100Page(b *testing.B) {
	page := fixture(b, "dcgm-exporter-h100x8-eks-sampled.txt")
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(page)); err != nil {
			b.Fatal(err)
		}
	}
}

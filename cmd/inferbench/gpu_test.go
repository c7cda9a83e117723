package main

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/internal/fixtures"
)

// TestGPUListWithoutGPU runs the whole app: with no NVIDIA tool on PATH the
// smi backend prints one clear line and exits non-zero.
func TestGPUListWithoutGPU(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	var out, errOut bytes.Buffer
	err := newApp(&out, &errOut).RunContext(t.Context(), []string{"inferbench", "gpu", "list", "--backend", "smi"})
	code := exitCode(err, &errOut)
	if code == 0 || !errors.Is(err, gpu.ErrUnavailable) {
		t.Fatalf("gpu list without nvidia-smi: exit %d, err %v; want non-zero and ErrUnavailable", code, err)
	}
	msg := errOut.String()
	if strings.Count(msg, "\n") != 1 || !strings.Contains(msg, "nvidia-smi is not on PATH") {
		t.Errorf("stderr = %q; want one line saying nvidia-smi is not on PATH", msg)
	}
	if out.Len() != 0 {
		t.Errorf("stdout = %q; want nothing", out.String())
	}
}

func TestGPUListDCGMFixture(t *testing.T) {
	page, err := os.ReadFile(fixtures.Path("dcgm-exporter-h100x8-eks-sampled.txt"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(page) }))
	defer srv.Close()
	var out, errOut bytes.Buffer
	err = newApp(&out, &errOut).RunContext(t.Context(), []string{"inferbench", "gpu", "list", "--backend", "dcgm", "--url", srv.URL + "/metrics"})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 9 || !strings.Contains(lines[8], "GPU-04d228d3-3b5a-3534-f5cf-969706647d56") || !strings.Contains(lines[1], "580.105.08") {
		t.Errorf("gpu list --backend dcgm printed:\n%s", out.String())
	}
}

func TestGPUUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"gpu", "watch", "--format", "csv"},
		{"gpu", "watch", "--interval", "0s"},
		{"gpu", "list", "--backend", "none"},
		{"gpu", "list", "extra"},
	} {
		var out, errOut bytes.Buffer
		err := newApp(&out, &errOut).RunContext(t.Context(), append([]string{"inferbench"}, args...))
		if code := exitCode(err, &errOut); code != exitUsage {
			t.Errorf("inferbench %v: exit %d (%v); want %d", args, code, err, exitUsage)
		}
	}
}

// TestGPUBackendNamesItsURLFlag: --backend mock or dcgm without --url is a
// usage error naming --url; it said only "gpu backend mock: needs the mock
// engine's base URL" (dcgm: "the exporter's metrics URL"), naming no flag.
func TestGPUBackendNamesItsURLFlag(t *testing.T) {
	t.Setenv("INFERBENCH_GPU_URL", "")
	for _, b := range []string{"mock", "dcgm"} {
		for _, args := range [][]string{{"gpu", "list", "--backend", b}, {"gpu", "watch", "--backend", b, "--count", "1"}} {
			var out, errOut bytes.Buffer
			err := newApp(&out, &errOut).RunContext(t.Context(), append([]string{"inferbench"}, args...))
			if code := exitCode(err, &errOut); code != exitUsage || err == nil || !strings.Contains(err.Error(), "--url") {
				t.Errorf("inferbench %v: exit %d (%v); want %d naming --url", args, code, err, exitUsage)
			}
		}
	}
}

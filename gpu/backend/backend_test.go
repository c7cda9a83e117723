package backend

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/gpu/dcgm"
	"github.com/inferbench/inferbench/gpu/smi"
	"github.com/inferbench/inferbench/rundir"
)

var errNoNVML = gpu.Unavailable("NVML: libnvidia-ml.so.1 not found (no NVIDIA driver on this host)")

func noNVML() (gpu.Sampler, error) { return nil, errNoNVML }

func pathWith(tools ...string) func(string) (string, error) {
	return func(name string) (string, error) {
		for _, t := range tools {
			if t == name {
				return "/usr/bin/" + name, nil
			}
		}
		return "", errors.New("not found")
	}
}

// fakeSampler stands in for a working NVML backend.
type fakeSampler struct{}

func (fakeSampler) Devices(context.Context) ([]rundir.GPUDevice, error) { return nil, nil }
func (fakeSampler) Sample(_ context.Context, d []rundir.GPUSample) ([]rundir.GPUSample, error) {
	return d, nil
}
func (fakeSampler) Close() error { return nil }

func TestOpen(t *testing.T) {
	tests := []struct {
		name     string
		backend  string
		opts     Options
		wantType string // %T of the sampler; "" for an error
		wantErr  error  // errors.Is target, nil for any
		errText  string
	}{
		{"auto prefers NVML", "", Options{OpenNVML: func() (gpu.Sampler, error) { return fakeSampler{}, nil }, LookPath: pathWith("nvidia-smi")}, "backend.fakeSampler", nil, ""},
		{"auto falls back to nvidia-smi", Auto, Options{OpenNVML: noNVML, LookPath: pathWith("nvidia-smi")}, "*smi.NvidiaSMI", nil, ""},
		{"auto without GPU", Auto, Options{OpenNVML: noNVML, LookPath: pathWith()}, "", gpu.ErrUnavailable, "nvidia-smi is not on PATH"},
		{"nvml unavailable", NVML, Options{OpenNVML: noNVML}, "", gpu.ErrUnavailable, "libnvidia-ml.so.1 not found"},
		{"smi not on PATH", SMI, Options{LookPath: pathWith()}, "", gpu.ErrUnavailable, "nvidia-smi is not on PATH"},
		{"smi", SMI, Options{LookPath: pathWith("nvidia-smi")}, "*smi.NvidiaSMI", nil, ""},
		{"amd-smi", AMDSMI, Options{LookPath: pathWith("amd-smi")}, "*smi.AMDSMI", nil, ""},
		{"rocm-smi", AMDSMI, Options{LookPath: pathWith("rocm-smi")}, "*smi.AMDSMI", nil, ""},
		{"amd none", AMDSMI, Options{LookPath: pathWith()}, "", gpu.ErrUnavailable, "neither amd-smi nor rocm-smi"},
		{"dcgm", DCGM, Options{URL: "http://gpu-host:9400/metrics"}, "*dcgm.Scraper", nil, ""},
		{"dcgm no URL", DCGM, Options{}, "", nil, "metrics URL"},
		{"dcgm bad URL", DCGM, Options{URL: "gpu-host:9400"}, "", nil, "want http(s)"},
		{"mock", Mock, Options{URL: "http://127.0.0.1:8000"}, "*dcgm.Scraper", nil, ""},
		{"none", None, Options{}, "", gpu.ErrDisabled, ""},
		{"unknown", "cuda", Options{}, "", nil, `unknown gpu backend "cuda" (want one of auto, nvml, dcgm, `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(t.Context(), tt.backend, tt.opts)
			if tt.wantType != "" {
				if err != nil {
					t.Fatalf("Open(%q) = %v", tt.backend, err)
				}
				if got := fmt.Sprintf("%T", s); got != tt.wantType {
					t.Errorf("Open(%q) = %s; want %s", tt.backend, got, tt.wantType)
				}
				return
			}
			if s != nil {
				t.Errorf("Open(%q) sampler = %#v; want a nil interface on error", tt.backend, s)
			}
			if err == nil {
				t.Fatalf("Open(%q) = nil error; want one", tt.backend)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("Open(%q) = %v; want it to wrap %v", tt.backend, err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.errText) {
				t.Errorf("Open(%q) = %q; want it to mention %q", tt.backend, err, tt.errText)
			}
			// The run prints it after "GPU telemetry off: ": it says why,
			// not that again.
			if strings.Contains(err.Error(), gpu.ErrUnavailable.Error()) {
				t.Errorf("Open(%q) = %q; want it without %q", tt.backend, err, gpu.ErrUnavailable)
			}
		})
	}
}

func TestOpenMockURL(t *testing.T) {
	s, err := Open(t.Context(), Mock, Options{URL: "http://127.0.0.1:8000/v1"})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.(*dcgm.Scraper).URL; got != "http://127.0.0.1:8000/dcgm/metrics" {
		t.Errorf("mock URL = %q; want http://127.0.0.1:8000/dcgm/metrics", got)
	}
	var _ smi.Runner = smi.Exec
}

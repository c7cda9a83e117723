package main

import (
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/rundir"
)

// TestGPUURLWhereItMeansSomething: INFERBENCH_GPU_URL, the env source of
// run's --gpu-url, applies only with a backend that takes a URL (dcgm,
// mock): exported, it refused every run on auto, none or mock ("--gpu-url:
// only applies with backend: dcgm") though no --gpu-url was typed. A typed
// --gpu-url with mock is the mock's URL, as run --help says; typed with
// none it is still refused.
func TestGPUURLWhereItMeansSomething(t *testing.T) {
	m, err := mock.New(mock.Config{TTFT: time.Millisecond, ITL: time.Millisecond, OutputTokens: 2})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	defer srv.Close()
	gpuSrv := httptest.NewServer(m) // the mock's page, served at another URL than --url
	defer gpuSrv.Close()
	run := func(name string, extra ...string) (*rundir.Manifest, string, error) {
		dir := filepath.Join(t.TempDir(), name)
		args := append([]string{"run", "--url", srv.URL, "--model", "m", "--requests", "2", "--max-tokens", "2", "--out", dir, "-q"}, extra...)
		_, stderr, err := runApp(t, args...)
		if err != nil {
			return nil, stderr, err
		}
		r, err := rundir.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		return r.Manifest, stderr, nil
	}
	t.Setenv("INFERBENCH_GPU_URL", "http://127.0.0.1:1/metrics")
	for _, backend := range []string{"", "none"} {
		extra := []string{}
		if backend != "" {
			extra = append(extra, "--gpu-backend", backend)
		}
		if _, stderr, err := run("env-"+backend, extra...); err != nil {
			t.Errorf("backend %q with INFERBENCH_GPU_URL exported: %v\n%s", backend, err, stderr)
		}
	}
	// Typed with mock: the mock's URL (the env's, port 1, would fail).
	if man, stderr, err := run("typed-mock", "--gpu-backend", "mock", "--gpu-url", gpuSrv.URL); err != nil {
		t.Errorf("--gpu-backend mock --gpu-url: %v\n%s", err, stderr)
	} else if man.GPUBackend != "mock" {
		t.Errorf("--gpu-backend mock --gpu-url: telemetry backend %q (%s); want mock", man.GPUBackend, man.GPUTelemetryOff)
	}
	// Exported with mock: the env's URL is the mock's.
	t.Setenv("INFERBENCH_GPU_URL", gpuSrv.URL)
	if man, stderr, err := run("env-mock", "--gpu-backend", "mock"); err != nil || man.GPUBackend != "mock" {
		t.Errorf("--gpu-backend mock, INFERBENCH_GPU_URL exported: %v %+v\n%s", err, man, stderr)
	}
	// Typed with none: still refused, by its name.
	if _, _, err := run("typed-none", "--gpu-backend", "none", "--gpu-url", gpuSrv.URL); err == nil || !strings.Contains(err.Error(), "--gpu-url") {
		t.Errorf("--gpu-backend none --gpu-url: %v; want refused naming --gpu-url", err)
	}
}

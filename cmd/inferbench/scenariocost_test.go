package main

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/rundir"
)

// TestScenarioCostPricesTheRun: a scenario's cost section (gpu, gpus,
// offer) was read, checked and then used by nothing: run recorded no GPU,
// and report and crossover --run priced on-demand. Now run records
// cost.gpu × cost.gpus as --gpu would (run.json's gpu_stated), and the
// report's headline and crossover price cost.offer unless --offer says; a
// cost.gpu the catalog lacks is refused at its line, not as --gpu.
func TestScenarioCostPricesTheRun(t *testing.T) {
	m, err := mock.New(mock.Config{OutputTokens: 8})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	f := filepath.Join(dir, "s.yaml")
	body := "name: s\ntarget:\n  kind: vllm\n  url: " + srv.URL + "\n  model: m\nload:\n  concurrency: 2\n  requests: 20\n  warmup: 0\n" +
		"cost:\n  gpu: h100-sxm\n  gpus: 2\n  offer: spot\n"
	if err := os.WriteFile(f, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	run := filepath.Join(dir, "run")
	if _, stderr, err := runApp(t, "run", "--scenario", f, "--out", run, "-q"); err != nil {
		t.Fatalf("run: %v\n%s", err, stderr)
	}
	man, err := rundir.ReadManifest(run)
	if err != nil {
		t.Fatal(err)
	}
	if man.GPUStated != "h100-sxmx2" {
		t.Errorf("run.json gpu_stated %q; want h100-sxmx2 from cost.gpu and cost.gpus", man.GPUStated)
	}
	out := filepath.Join(dir, "rep")
	if _, stderr, err := runApp(t, "report", "--out", out, "--format", "json", run); err != nil {
		t.Fatalf("report: %v\n%s", err, stderr)
	}
	raw, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Crossover struct {
			Offer string `json:"offer"`
		} `json:"crossover"`
	}
	if err := json.Unmarshal(raw, &rep); err != nil || rep.Crossover.Offer != "spot" {
		t.Errorf("report.json crossover offer %q (%v); want spot, the scenario's cost.offer", rep.Crossover.Offer, err)
	}
	xo, _, err := runApp(t, "crossover", "--run", run, "--tokens-per-day", "100M")
	if err != nil || !strings.Contains(xo, "spot") {
		t.Errorf("crossover --run: %v\n%s\nwant the run's scenario's spot offer priced", err, xo)
	}
	bad := strings.Replace(body, "gpu: h100-sxm", "gpu: h100-sxn", 1)
	if err := os.WriteFile(f, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err := runApp(t, "scenarios", "validate", f)
	if msg := stdout + stderr + errString(err); !strings.Contains(msg, "s.yaml:11:8: cost.gpu: ") {
		t.Errorf("a cost.gpu the catalog lacks: %s; want it refused at s.yaml:11:8", msg)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/report/render/rendertest"
)

// TestReportGPUStated: a run whose run.json lists no GPU (a server on
// another machine) is priced with --gpu ID[xN] as stated by the user: two
// H100s at aws-p5-od, 2 × 6.88 $/h; a bad ID is a usage error (exit 2).
func TestReportGPUStated(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "remote")
	spec := rendertest.H100()
	spec.GPUName = ""
	if err := rendertest.WriteRun(dir, spec); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "rep")
	if _, err := costRunApp(t, "report", "--out", out, "--format", "json,md", "--gpu", "h100-sxmx2", dir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Runs []struct {
			GPU     string `json:"gpu"`
			GPUFrom string `json:"gpu_from"`
			GPUs    int    `json:"gpus"`
			Costs   []struct {
				Offer      string  `json:"offer"`
				USDPerHour float64 `json:"usd_per_hour"`
			} `json:"costs"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	r := rep.Runs[0]
	if r.GPU != "h100-sxm" || r.GPUFrom != "stated by the user" || r.GPUs != 2 || len(r.Costs) == 0 {
		t.Fatalf("run = %+v; want h100-sxm ×2 stated by the user, priced", r)
	}
	if r.Costs[0].Offer != "aws-p5-od" || !costCloseTo(r.Costs[0].USDPerHour, 2*6.88) {
		t.Errorf("first cost row %+v; want aws-p5-od at 2 × 6.88 $/h", r.Costs[0])
	}
	md, _ := os.ReadFile(filepath.Join(out, "report.md"))
	if !strings.Contains(string(md), "h100-sxm (stated by the user)") {
		t.Errorf("report.md does not say the GPU was stated by the user")
	}
	if _, err := costRunApp(t, "report", "--gpu", "h100", dir); exitCode(err, io.Discard) != exitUsage {
		t.Errorf("--gpu h100: err %v ; want a usage error", err)
	}
	if _, err := costRunApp(t, "report", "--gpu", "h100-sxm", "--gpu", "a100-80gb", dir); exitCode(err, io.Discard) != exitUsage {
		t.Errorf("two --gpu for one run: err %v; want a usage error", err)
	}
}

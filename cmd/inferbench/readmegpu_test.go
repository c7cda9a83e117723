package main

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// TestREADMEMockGPURunsRecordTheGPU (QA: README's adaptive block ran
// `run --scenario qualify` against `inferbench mock --gpu a100-80gb`
// without the mock's telemetry: run.json named no GPU, and a report of
// the runs had no cost table): every README run against a mock started
// with --gpu, until its kill, reads the mock's GPU telemetry
// (--gpu-backend mock, as scripts/demo.sh does) or states the GPU (--gpu).
func TestREADMEMockGPURunsRecordTheGPU(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	gpuMock, checked := false, 0
	for _, cmd := range readmeCommands(readme) {
		args := shellWords(cmd)
		if len(args) < 2 || !strings.HasSuffix(args[0], "inferbench") {
			if strings.HasPrefix(cmd, "kill %") {
				gpuMock = false
			}
			continue
		}
		switch args[1] {
		case "mock":
			gpuMock = slices.Contains(args, "--gpu")
		case "run":
			if !gpuMock {
				continue
			}
			checked++
			if !slices.Contains(args, "--gpu") && !slices.ContainsFunc(args, func(a string) bool { return strings.HasPrefix(a, "--gpu-backend") }) {
				t.Errorf("README: %q runs against a mock with a GPU profile without --gpu-backend mock: its run.json names no GPU, and a report of it has no cost table", cmd)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no README run against a mock started with --gpu: the check found nothing to check")
	}
}

//go:build linux

package session

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// smallDisk mounts a tmpfs of size bytes for the test (root on Linux; the
// test is skipped where it cannot mount one).
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EACCES) {
			t.Skipf("cannot mount a tmpfs here: %v", err)
		}
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

// TestRealDiskFullRunJSONSaysFailed: a run whose disk fills (here a
// 256 KiB tmpfs) stops and says how many records it wrote and lost, and
// run.json says so too, as README promises. On a really full disk run.json
// kept saying running (its rewrite, to a temporary file renamed over it,
// found no room) and summary.json was never written: report took the run
// for one killed. Every file written ends on whole lines.
func TestRealDiskFullRunJSONSaysFailed(t *testing.T) {
	disk := smallDisk(t, "256k")
	_, srv := mockServer(t, mock.Config{OutputTokens: 64})
	o := &Options{Kind: "vllm", URL: srv.URL, Model: "m", API: "chat", Concurrency: 4, Requests: 2000, MaxTokens: 64, PromptTokens: 4,
		Timeout: 10 * time.Second, Out: filepath.Join(disk, "run"), GPUBackend: "none", ServerMetrics: "off",
		GPUInterval: 20 * time.Millisecond, NoProbe: true}
	var log strings.Builder
	res, err := Run(t.Context(), t.Context(), o, &log)
	if err == nil || res == nil || res.Lost == 0 {
		t.Fatalf("run on a disk that fills: %v, %+v; want a failure with records lost\n%s", err, res, log.String())
	}
	m, err := rundir.ReadManifest(o.Out)
	if err != nil {
		t.Fatal(err)
	}
	if m.ExitState != rundir.ExitFailed || !strings.Contains(m.ExitReason, "lost") || m.Records != res.Manifest.Records {
		t.Errorf("run.json: exit %s %q, %d records; want failed, the records written (%d) and lost said", m.ExitState, m.ExitReason, m.Records, res.Manifest.Records)
	}
	if _, err := report.ReadSummary(filepath.Join(o.Out, rundir.SummaryFile)); err != nil {
		t.Errorf("summary.json: %v", err)
	}
	entries, _ := os.ReadDir(o.Out)
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".jsonl") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(o.Out, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > 0 && !bytes.HasSuffix(b, []byte("\n")) {
			t.Errorf("%s ends in a cut line: %q", e.Name(), b[bytes.LastIndexByte(b, '\n')+1:])
		}
	}
}

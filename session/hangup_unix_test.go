//go:build unix

package session

import (
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/rundir"
)

// TestHangupStopsTheRunCleanly: a terminal that closes (an SSH session
// dropped, a window closed) sends SIGHUP, which ended the process at once
// by its default action: a -c 4 run hung up 1.5 s in left run.json saying
// running, no summary.json, and the 4 requests in flight unrecorded. A run
// now takes a hangup as it takes SIGTERM: it stops sending, its requests in
// flight get --grace, and the run directory is finished, interrupted.
func TestHangupStopsTheRunCleanly(t *testing.T) {
	// A test binary started with SIGHUP ignored (make test under nohup)
	// would leave it ignored, as a run under nohup does
	// (cmd/inferbench TestNohupRunIgnoresHangup): this test is of the
	// default action.
	was := hangupIgnored
	hangupIgnored = false
	defer func() { hangupIgnored = was }()
	// The test's own channel: without the run's, the signal is caught here
	// and the run goes on to its end, instead of the test binary dying.
	mine := make(chan os.Signal, 1)
	signal.Notify(mine, syscall.SIGHUP)
	defer signal.Stop(mine)
	_, srv := mockServer(t, mock.Config{TTFT: 10 * time.Millisecond, ITL: 10 * time.Millisecond, OutputTokens: 100})
	o := &Options{Kind: "vllm", URL: srv.URL, Model: "m", API: "chat", Concurrency: 4, Requests: 12, MaxTokens: 100, PromptTokens: 4,
		Timeout: 10 * time.Second, Out: filepath.Join(t.TempDir(), "run"), GPUBackend: "none", ServerMetrics: "off",
		GPUInterval: 50 * time.Millisecond, NoProbe: true, Grace: 0}
	time.AfterFunc(300*time.Millisecond, func() { syscall.Kill(os.Getpid(), syscall.SIGHUP) })
	var log strings.Builder
	res, err := Run(t.Context(), t.Context(), o, &log)
	if err != nil || res == nil {
		t.Fatalf("run: %v, %+v\n%s", err, res, log.String())
	}
	m, err := rundir.ReadManifest(o.Out)
	if err != nil {
		t.Fatal(err)
	}
	if m.ExitState != rundir.ExitInterrupted || !strings.Contains(m.ExitReason, "signal") {
		t.Errorf("run.json: %s %q after a hangup 0.3 s into a 3 s run; want interrupted by the signal", m.ExitState, m.ExitReason)
	}
	if !strings.Contains(log.String(), "hangup") {
		t.Errorf("the log does not say the run stopped on a hangup:\n%s", log.String())
	}
}

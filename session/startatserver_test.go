package session

import (
	"context"
	"net"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/prompt"
	"github.com/inferbench/inferbench/rundir"
)

// TestStartAtAsksTheServerAfterTheWait: a run told to start later
// (--start-at) whose server is not up yet asks it nothing until then: the
// probe, prompt sizing by the server and its version come after the wait.
// Before, sizing asked at once, was refused, and the run went on with
// estimated prompts against a server that was up in time ("prompt sizing:
// estimated (… connection refused)").
func TestStartAtAsksTheServerAfterTheWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dial := fixedMockBubble(t, 20*time.Millisecond, 5*time.Millisecond, 8)
		up := time.Now().Add(2 * time.Second)
		var o Options
		quietOptions(t, "http://gpu-box:8000", &o)
		o.Concurrency, o.Requests, o.MaxTokens, o.PromptTokens = 1, 4, 8, 32
		o.NoProbe, o.PromptSizing, o.StartAt = false, SizingAuto, time.Now().Add(6*time.Second)
		o.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
			if time.Now().Before(up) {
				return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
			}
			return dial(ctx, network, addr)
		}
		var log strings.Builder
		res, err := Run(t.Context(), t.Context(), &o, &log)
		if err != nil {
			t.Fatalf("run: %v\n%s", err, log.String())
		}
		m, err := rundir.ReadManifest(o.Out)
		if err != nil {
			t.Fatal(err)
		}
		if m.Load.InputTokensSource != string(prompt.SourceServerTokenize) || strings.Contains(log.String(), "refused") {
			t.Errorf("prompts sized by %q; want the server's count, asked after the wait:\n%s", m.Load.InputTokensSource, log.String())
		}
		if res.Manifest.Start.Before(o.StartAt) || strings.Contains(log.String(), "passed") {
			t.Errorf("started %v, --start-at %v:\n%s", res.Manifest.Start, o.StartAt, log.String())
		}
	})
}

package session

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// TestSecondStopSaidOnTheLog: the second Ctrl-C (ctx ends after drain)
// is said on the run's log, which redraws the live line, after the first's
// "stopping" line: cmd wrote it straight to stderr, over the live line,
// whose end was left behind it ("…in flight0  stopping  100 tok/s").
func TestSecondStopSaidOnTheLog(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := adaptiveOptions(t, "http://mock")
		o.Precision, o.Concurrency, o.Requests, o.Grace, o.MaxTokens = 0, 2, 100, time.Minute, 50
		o.Dial = fixedMockBubble(t, 5*time.Millisecond, 100*time.Millisecond, 50) // 5 s a request
		hard, cancelHard := context.WithCancelCause(t.Context())
		drain, stop := context.WithCancel(hard)
		time.AfterFunc(time.Second, stop)
		time.AfterFunc(2*time.Second, func() { cancelHard(errors.New("interrupted by signal interrupt")) })
		var log strings.Builder
		res, err := Run(hard, drain, o, &log)
		if res == nil || res.Manifest.ExitState != rundir.ExitInterrupted {
			t.Fatalf("run: %v, %+v; want interrupted\n%s", err, res, log.String())
		}
		first := strings.Index(log.String(), "inferbench: stopping (")
		second := strings.Index(log.String(), "inferbench: stopping now (interrupted by signal interrupt): cancelling the requests in flight\n")
		if first < 0 || second < first {
			t.Errorf("log:\n%s\nwant the first stop's line, then the second's", log.String())
		}
	})
}

package main

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/rundir"
)

// TestRunThatMeasuredNothingIsNotASuccess: a closed-loop level whose
// warm-up outlasts its --duration (one stream, 100 warm-up requests of
// 4 tokens, 35 ms each, against 1 s) measures no request. The run directory is complete and
// reportable, but the run answered nothing: exit 2 with the reason, not 0
// (README, "Exit codes"). A shard dealt no request is not judged: the
// merged run is.
func TestRunThatMeasuredNothingIsNotASuccess(t *testing.T) {
	for _, c := range []struct {
		name  string
		extra []string
		code  int // 0: no error
		want  string
	}{
		{"warm-up outlasts the duration", []string{"--duration", "1s", "--warmup", "100"}, exitUsage,
			"no request was measured: the warm-up (100 requests) took the whole --duration 1s"},
		{"measured", []string{"--duration", "1s", "--warmup", "2"}, 0, ""},
		{"a shard dealt nothing", []string{"--requests", "3", "--warmup", "0", "--shard", "3/4"}, 0, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "run")
			var err error
			var stderr string
			synctest.Test(t, func(t *testing.T) {
				m, merr := mock.New(mock.Config{TTFT: 5 * time.Millisecond, ITL: 10 * time.Millisecond, OutputTokens: 5})
				if merr != nil {
					t.Fatal(merr)
				}
				pn := serveOnPipe(t, m)
				_, stderr, err = runOnPipe(t.Context(), pn, append([]string{"--url", "http://mock", "--model", "m", "-c", "1",
					"--max-tokens", "4", "--no-probe", "--gpu-backend", "none", "--server-metrics", "off", "--out", dir, "-q"}, c.extra...)...)
			})
			if c.code == 0 {
				if err != nil {
					t.Fatalf("run: %v\n%s", err, stderr)
				}
				return
			}
			ce, ok := errors.AsType[*exitCodeError](err)
			if !ok || ce.code != c.code || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("run: %v (%T); want exit %d with %q", err, err, c.code, c.want)
			}
			m, rerr := rundir.ReadManifest(dir)
			if rerr != nil || m.ExitState != rundir.ExitComplete || m.Records == 0 {
				t.Errorf("run.json: %+v, %v; want a complete run with its warm-up records", m, rerr)
			}
		})
	}
}

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRunRefusesAbsurdRates: a rate whose first request lies more than a
// day out (--rate 1e-300 waited until interrupted), a level that would
// send no measured request (--rate 0.001 --duration 2s ended at once with
// 0 records and exit 0), one that would schedule more than 100 million
// requests (normalized by a first pass over its gaps before the first is
// sent; --rate 1e6 --duration 1h, 3.6 billion, is in the scenarios' tests:
// drawn whole it would have tried to allocate about 55 GiB), a ramp that pushes the first request past
// a day and a gamma shape of 0 (silently taken as 1) or nearly 0 (every
// request 292 years out) are each refused before anything is sent: exit 2,
// one line, naming the flag typed (and, from a file, its file:line:col).
func TestRunRefusesAbsurdRates(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "slow.yaml")
	if err := os.WriteFile(file, []byte("name: slow\nload:\n  rate: [5, 1e-300]\n  requests: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	base := []string{"run", "--target", "openai", "--url", "http://127.0.0.1:1", "--model", "m", "--gpu-backend", "none"}
	for i, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--rate", "1e-300", "--requests", "3"}, "--rate: 1e-300 requests per second is less than one a day"},
		{[]string{"--rate", "5,1e-300"}, "--rate: 1e-300 requests per second is less than one a day"},
		{[]string{"--rate", "1e300"}, "--rate: must be > 0 and at most 1000000 requests per second, got 1e+300"},
		{[]string{"--rate", "0.001", "--duration", "2s"}, "--rate: 0.001 requests per second over 2s expects 0.002 requests: the level would send none"},
		{[]string{"--rate", "1", "--duration", "3s", "--warmup", "5"}, "the level would send 3, all of them warm-up (5), and measure none"},
		{[]string{"--rate", "1000", "--requests", "100000001"}, "--requests: an open-loop level schedules at most 100000000 requests"},
		{[]string{"--rate", "2e-5", "--ramp-up", "100h"}, "--ramp-up: at 2e-05 requests per second a ramp-up of 100h0m0s expects the first request 52h42m17s after the start"},
		{[]string{"--rate", "1", "--arrival", "gamma", "--burstiness", "0"}, "--burstiness: must be > 0"},
		{[]string{"--rate", "1", "--arrival", "gamma", "--burstiness", "1e-10"}, "--burstiness: must be at least 0.01"},
		{[]string{"--scenario", file}, "slow.yaml:3:13: load.rate[1]: 1e-300 requests per second is less than one a day"},
	} {
		// Refused, a case returns at once; the deadline only turns a
		// regression (a run that waits for its first request) into a
		// failure instead of a hang.
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		var stdout, stderr bytes.Buffer
		err := runArgs(ctx, newApp(&stdout, &stderr), append(append([]string{"inferbench"}, base...), append(tt.args, "--out", filepath.Join(dir, "out"+strconv.Itoa(i)))...))
		code := exitCode(err, &stderr)
		if code != exitUsage || !strings.Contains(stderr.String(), tt.want) || strings.Count(strings.TrimSpace(stderr.String()), "\n") != 0 {
			t.Errorf("run %s: exit %d, stderr %q; want exit 2 and one line with %q", strings.Join(tt.args, " "), code, stderr.String(), tt.want)
		}
		cancel()
	}
}

// TestCalibrateRefusesAbsurdRates: calibrate's send-lag schedule has run's
// bounds; --rate 1e300 made its length overflow (makeslice: cap out of
// range) after the earlier measurements had run.
func TestCalibrateRefusesAbsurdRates(t *testing.T) {
	checkUsageError(t, "--rate: at most 1000000 requests per second and 10000000 requests over --window, got 1e+300 over 3s", "calibrate", "--rate", "1e300")
	checkUsageError(t, "--rate: at most 1000000 requests per second and 10000000 requests over --window, got 1e+06 over 11s", "calibrate", "--rate", "1e6", "--window", "11s")
	// Too few: a tiny rate sent nothing and printed a send lag of 0.000 ms.
	checkUsageError(t, "--rate: the send lag's p99 needs at least 100 requests over --window, got 0.1 req/s over 3s (0.3)", "calibrate", "--rate", "0.1")
	checkUsageError(t, "--burst: want 0 (skip) to 100000 requests, got -1", "calibrate", "--burst", "-1")
	checkUsageError(t, "--burst: want 0 (skip) to 100000 requests, got 100001", "calibrate", "--burst", "100001")
	// A list's bad count is named, not strconv's words ("strconv.Atoi:
	// parsing "x": invalid syntax").
	checkUsageError(t, `--bias-streams: "x" is not a whole number`, "calibrate", "--bias-streams", "1,x")
	checkUsageError(t, "--bias-streams: want counts ≥ 1, got 0", "calibrate", "--bias-streams", "0")
}

// TestRunNamesTheFlagOverAScenarioValue: a load value given by flag over a
// scenario file is named by its flag, not by the file's line where the
// value it replaced was written (nor, for a key the file lacks, by the line
// of the section it would sit in). Before, `--scenario f --rate 1e-9` over
// f's `rate: 5` said "f.yaml:4:9: load.rate: 1e-09 requests per second …",
// pointing at the 5. A value the file gave keeps its file:line:col.
func TestRunNamesTheFlagOverAScenarioValue(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "five.yaml")
	if err := os.WriteFile(file, []byte("name: five\ntarget: {url: \"http://127.0.0.1:1\", model: m}\nload:\n  rate: 5\n  duration: 10s\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i, tt := range []struct {
		args []string
		want string // the whole line, after "inferbench: "
	}{
		{[]string{"--rate", "1e-9"}, "--rate: 1e-09 requests per second is less than one a day"},
		{[]string{"--arrival", "gamma", "--burstiness", "0.001"}, "--burstiness: must be at least 0.01"},
		{[]string{"--rate", "2e-5", "--ramp-up", "100h"}, "--ramp-up: at 2e-05 requests per second a ramp-up of 100h0m0s expects"},
		// The rate is the file's: its line stays.
		{[]string{"--duration", "1ms"}, file + ":4:9: load.rate: 5 requests per second over 1ms expects 0.005 requests"},
	} {
		args := append([]string{"run", "--scenario", file, "--gpu-backend", "none", "--out", filepath.Join(dir, "out"+strconv.Itoa(i))}, tt.args...)
		_, stderr, code := mainArgs(t, args...)
		if line := strings.TrimSpace(stderr); code != exitUsage || !strings.HasPrefix(line, "inferbench: "+tt.want) || strings.Contains(line, "\n") {
			t.Errorf("inferbench %s: exit %d, stderr %q; want exit 2 and one line starting %q", strings.Join(args, " "), code, stderr, "inferbench: "+tt.want)
		}
	}
	// Without a file: --sweep, like the other load flags, is named by its
	// flag (it said "load.sweep[1]: levels must increase: 2 follows 4").
	checkUsageError(t, "--sweep: levels must increase: 2 follows 4", "run", "--url", "http://127.0.0.1:1", "--model", "m",
		"--gpu-backend", "none", "--sweep", "4,2", "--out", filepath.Join(dir, "sweep"))
	// So are the SLO's and the telemetry's (they said slo.percentile:,
	// gpu.backend:).
	checkUsageError(t, "--slo-percentile: must be one of 50, 90, 95, 99, 99.9, got 97", "run", "--url", "http://127.0.0.1:1", "--model", "m",
		"--slo-percentile", "97", "--out", filepath.Join(dir, "pct"))
	checkUsageError(t, `--gpu-backend: unknown backend "nvidia"`, "run", "--url", "http://127.0.0.1:1", "--model", "m",
		"--gpu-backend", "nvidia", "--out", filepath.Join(dir, "gpu"))
	checkUsageError(t, `--shard: want I/N with 0 ≤ I < N (e.g. 0/4), got "3/2"`, "run", "--url", "http://127.0.0.1:1", "--model", "m",
		"--shard", "3/2", "--out", filepath.Join(dir, "shard"))
}

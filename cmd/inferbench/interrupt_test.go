package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// TestMain lets a test re-run this binary as the real inferbench command
// (INFERBENCH_MAIN=1), so signal handling is tested on a real process.
func TestMain(m *testing.M) {
	if os.Getenv("INFERBENCH_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// inferbenchCmd returns a command running this test binary as inferbench.
func inferbenchCmd(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), "INFERBENCH_MAIN=1")
	return cmd
}

// mockProcess starts `inferbench mock` with args on a free loopback port
// as a process of its own, stopped when the test ends, and returns its URL.
func mockProcess(t *testing.T, args ...string) string {
	t.Helper()
	mockCmd := inferbenchCmd(t, append([]string{"mock", "--listen", "127.0.0.1:0"}, args...)...)
	out, err := mockCmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := mockCmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mockCmd.Process.Signal(os.Interrupt); mockCmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("mock: %v", err)
	}
	return strings.TrimSpace(line[strings.Index(line, "http://"):])
}

// TestSIGINTLeavesReportableRun: a real inferbench process benchmarking a
// real mock process gets SIGINT mid-run: it stops sending, lets requests in
// flight finish within --grace, writes run.json as interrupted with only
// complete lines in requests.jsonl, exits 130, and `report` works on the
// directory.
func TestSIGINTLeavesReportableRun(t *testing.T) {
	if testing.Short() {
		t.Skip("real processes")
	}
	url := mockProcess(t, "--ttft", "20ms", "--itl", "5ms", "--output-tokens", "40")

	dir := filepath.Join(t.TempDir(), "run")
	run := inferbenchCmd(t, "run", "--url", url, "--model", "m", "--concurrency", "8", "--requests", "100000",
		"--max-tokens", "40", "--grace", "5s", "--gpu-backend", "none", "--out", dir, "-q")
	var stderr strings.Builder
	run.Stderr = &stderr
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	// Mid-run is when requests.jsonl holds ten records (the writer flushes
	// each), not a fixed time after the start: a loaded machine can take
	// longer than any such time to start the process and send.
	records := filepath.Join(dir, rundir.RecordsFile)
	for giveUp := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		if b, _ := os.ReadFile(records); bytes.Count(b, []byte("\n")) >= 10 {
			break
		}
		if time.Now().After(giveUp) {
			run.Process.Kill()
			run.Wait()
			t.Fatalf("no ten records in a minute\n%s", stderr.String())
		}
	}
	if err := run.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := run.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Fatalf("run exited with %v; want code %d\n%s", err, exitInterrupted, stderr.String())
	}
	m, err := rundir.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.ExitState != rundir.ExitInterrupted || m.Records == 0 || m.End == nil {
		t.Errorf("manifest: state %s records %d end %v", m.ExitState, m.Records, m.End)
	}
	b, err := os.ReadFile(filepath.Join(dir, rundir.RecordsFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(b) == 0 || b[len(b)-1] != '\n' {
		t.Error("requests.jsonl does not end with a complete line")
	}
	recs := readRecords(t, dir)
	if int64(len(recs)) != m.Records {
		t.Errorf("run.json says %d records, requests.jsonl holds %d", m.Records, len(recs))
	}
	// With a 5 s grace, every request in flight (≈ 0.22 s each) finished.
	for _, r := range recs {
		if !r.OK {
			t.Errorf("record %d: %s %s; want every in-flight request finished in grace", r.ID, r.ErrorClass, r.Error)
		}
	}
	if _, _, err := runApp(t, "report", dir); err != nil {
		t.Errorf("report on the interrupted run: %v", err)
	}
}

// TestInterruptInBubble: cancelling a sweep mid-way with no grace leaves
// every finished level reportable and in-flight requests recorded as canceled.
func TestInterruptInBubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m, err := mock.New(mock.Config{TTFT: 50 * time.Millisecond, ITL: 10 * time.Millisecond, OutputTokens: 20})
		if err != nil {
			t.Fatal(err)
		}
		pn := serveOnPipe(t, m)
		dir := filepath.Join(t.TempDir(), "run")
		ctx, cancel := context.WithCancelCause(t.Context())
		// Each level first sends its spread probe (0.24 s): level 1 takes
		// 0.24 + 20 × 0.24 s, level 2 0.24 s and half that, level 4 sends its
		// requests from ~8.04 s to ~9.3 s: stop during level 4.
		time.AfterFunc(8500*time.Millisecond, func() { cancel(context.Canceled) })
		_, _, err = runOnPipe(ctx, pn, "--url", "http://mock", "--model", "m", "--sweep", "1,2,4", "--requests", "20",
			"--max-tokens", "20", "--grace", "0s", "--gpu-backend", "none", "--server-metrics", "off", "--out", dir, "-q")
		var ce *exitCodeError
		if !errors.As(err, &ce) || ce.code != exitInterrupted {
			t.Fatalf("run = %v; want interrupted", err)
		}
		sum, warnings, err := report.SummarizeRun(dir, report.SLO{})
		if err != nil || len(warnings) != 0 {
			t.Fatalf("summarize: %v %v", err, warnings)
		}
		if len(sum.Levels) != 3 || sum.Levels[0].Requests.OK != 20 || sum.Levels[1].Requests.OK != 20 {
			t.Fatalf("levels: %+v", sum.Levels)
		}
		if c := sum.Levels[2].Errors[rundir.Canceled]; c == 0 {
			t.Errorf("level 4: no canceled records (%+v)", sum.Levels[2].Requests)
		}
	})
}

// TestStarvedClientFlagged: a real inferbench process held to one core
// (GOMAXPROCS=1) is asked for far more requests per second than one core
// can send; the summary must flag the level client-bound.
func TestStarvedClientFlagged(t *testing.T) {
	if testing.Short() {
		t.Skip("real processes")
	}
	m, err := mock.New(mock.Config{TTFT: 0, ITL: 0, OutputTokens: 2})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "run")
	run := inferbenchCmd(t, "run", "--url", srv.URL, "--model", "m", "--rate", "20000", "--arrival", "constant",
		"--duration", "250ms", "--requests", "0", "--max-concurrency", "64", "--max-tokens", "2", "--prompt-tokens", "8", "--timeout", "30s",
		"--gpu-backend", "none", "--out", dir, "-q")
	run.Env = append(run.Env, "GOMAXPROCS=1")
	if out, err := run.CombinedOutput(); err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	sum, err := report.ReadSummary(filepath.Join(dir, rundir.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	c := sum.Levels[0].Client
	if c == nil || !c.Bound {
		t.Fatalf("client = %+v; want the starved client flagged", c)
	}
	t.Logf("flagged: %v (achieved %.0f req/s of 20000)", c.Reasons, sum.Levels[0].AchievedRatePerS)
}

// TestCommandsStopOnSignal: a command other than run stops promptly on the
// first SIGINT with exit 130: here `history list` against a PostgreSQL
// that accepts connections and never answers (it would wait out its
// connect timeout otherwise).
func TestCommandsStopOnSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("real processes")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	// The signal is sent once the command has connected: main installed
	// its handler before it ran the command, so the signal cannot come
	// first (a fixed sleep did, on a loaded machine, and the process died
	// of SIGINT before Go had a handler).
	connected := make(chan struct{}, 1)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, never answered
			select {
			case connected <- struct{}{}:
			default:
			}
		}
	}()
	cmd := inferbenchCmd(t, "history", "list", "--store", "postgres://u@"+l.Addr().String()+"/db")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-connected:
	case <-time.After(time.Minute):
		t.Fatal("history list never connected to the store")
	}
	interruptWithinBound(t, cmd, "history list", &stderr)
}

// interruptWithinBound sends cmd, a started inferbench process, SIGINT and
// checks that it exits 130 within stopBound (with two seconds of slack
// for a loaded machine).
func interruptWithinBound(t *testing.T, cmd *exec.Cmd, what string, stderr *strings.Builder) {
	t.Helper()
	sent := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	took := time.Since(sent)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted || took > stopBound+2*time.Second {
		t.Errorf("%s after SIGINT: %v after %v, stderr %q; want exit 130 within %v", what, err, took, stderr.String(), stopBound)
	}
}

// TestWatchSaysItWasInterrupted: a command that stops on its own at the
// first signal (watch, here on a directory yet to be made) exits 130 and
// says what stopped it, not "context canceled", and that it is the
// watching that stopped, not the run ("interrupted by signal interrupt"
// alone read as if the run had been).
func TestWatchSaysItWasInterrupted(t *testing.T) {
	if testing.Short() {
		t.Skip("real processes")
	}
	dir := filepath.Join(t.TempDir(), "later")
	cmd := inferbenchCmd(t, "watch", dir)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(pipe)
	if !sc.Scan() || !strings.Contains(sc.Text(), "waiting for a run to create it") {
		t.Fatalf("watch's first line %q; want it waiting", sc.Text())
	}
	cmd.Process.Signal(syscall.SIGINT)
	var rest []string
	for sc.Scan() {
		rest = append(rest, sc.Text())
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted || !slices.Equal(rest, []string{"inferbench: stopped watching " + dir + " (interrupted by signal interrupt); its run goes on"}) {
		t.Errorf("watch after SIGINT: %v, then stderr %q; want exit 130 and the one line saying so", err, rest)
	}
}

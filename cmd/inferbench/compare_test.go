package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/rundir/rundirtest"
)

// gateApp runs `inferbench ARGS…` with the compare and history commands
// and returns stdout, stderr and the process exit code main would give.
func gateApp(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	app := &cli.App{Name: "inferbench", Writer: &stdout, ErrWriter: &stderr, ExitErrHandler: func(*cli.Context, error) {},
		Commands: []*cli.Command{compareCommand(), historyCommand()},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usagef("%v", err)
		}}
	err := app.RunContext(t.Context(), append([]string{"inferbench"}, args...))
	code := exitCode(err, &stderr)
	return stdout.String(), stderr.String(), code
}

// mockRun runs `inferbench run` against the mock cfg in a synctest bubble
// (virtual time: fixed-mode timings are exact) at concurrency 4 with 80
// measured requests of 16 output tokens, into dir.
func mockRun(t *testing.T, cfg mock.Config, dir string, extra ...string) {
	t.Helper()
	synctest.Test(t, func(t *testing.T) {
		m, err := mock.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		pn := serveOnPipe(t, m)
		// No probe: every run then starts at the bubble's same virtual time,
		// and the history orders them by id, as the test expects.
		args := append([]string{"--url", "http://mock", "--model", "m", "--concurrency", "4", "--requests", "80", "--no-probe",
			"--warmup", "4", "--max-tokens", "16", "--gpu-backend", "none", "--server-metrics", "off", "--out", dir, "-q"}, extra...)
		if _, stderr, err := runOnPipe(t.Context(), pn, args...); err != nil {
			t.Fatalf("run %s: %v\n%s", dir, err, stderr)
		}
	})
}

// fixedMock is the mock in fixed-timing mode.
func fixedMock(ttft time.Duration) mock.Config {
	return mock.Config{TTFT: ttft, ITL: 10 * time.Millisecond, OutputTokens: 16}
}

// jitterMock is the simulated engine (H100, 8B model) with seeded 10 %
// step-time jitter: two runs of one configuration differ by noise only.
func jitterMock(seed int64) mock.Config {
	return mock.Config{GPU: "h100-sxm", Model: "llama-3-8b", StepJitter: 0.10, Seed: seed, OutputTokens: 16}
}

// TestCompareTTFTRegression is issue #9's first check: mock runs with TTFT
// 50 ms and 80 ms; compare exits 1 and names TTFT, and writes JUnit with
// the TTFT p95 case failed.
func TestCompareTTFTRegression(t *testing.T) {
	dir := t.TempDir()
	base, cand := filepath.Join(dir, "base"), filepath.Join(dir, "cand")
	mockRun(t, fixedMock(50*time.Millisecond), base)
	mockRun(t, fixedMock(80*time.Millisecond), cand)
	junit := filepath.Join(dir, "junit.xml")
	stdout, stderr, code := gateApp(t, "compare", "--junit", junit, base, cand)
	if code != 1 {
		t.Fatalf("compare 50 ms vs 80 ms: exit %d; want 1\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "regression: level 4: TTFT p95 50.00 → 80.00 ms, +60.0%") {
		t.Errorf("stderr does not name the TTFT p95 regression:\n%s", stderr)
	}
	// E2E grows by 30 ms of 200 (+15 %) and, in a closed loop, output
	// tokens/s drops as much (−13 %): both past their limits. Over the
	// steady state the rates are exact: 4 streams × 16 tokens / 0.200 s =
	// 320.0 tok/s and / 0.230 s = 278.3. TPOT does not change.
	for _, also := range []string{"E2E p95 200.0 → 230.0 ms, +15.0%", "output tokens/s 320.0 → 278.3 tok/s, -13.0%"} {
		if !strings.Contains(stderr, also) {
			t.Errorf("stderr does not name %q:\n%s", also, stderr)
		}
	}
	if strings.Contains(stderr, "TPOT") {
		t.Errorf("stderr names TPOT, which did not change:\n%s", stderr)
	}
	x, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(x, []byte(`name="ttft_p95" classname="inferbench.`)) {
		t.Errorf("JUnit has no ttft_p95 case:\n%s", x)
	}
	if !bytes.Contains(x, []byte(`type="regression"`)) {
		t.Errorf("JUnit has no failure:\n%s", x)
	}
}

// TestCompareSameConfigurationPasses is issue #9's second check: two runs
// of one configuration on the jittered engine (seeds 1 and 2) differ by
// noise only: exit 0.
func TestCompareSameConfigurationPasses(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	mockRun(t, jitterMock(1), a)
	mockRun(t, jitterMock(2), b)
	stdout, stderr, code := gateApp(t, "compare", "--format", "json", a, b)
	if code != 0 {
		t.Fatalf("compare of one configuration: exit %d; want 0\n%s\n%s", code, stdout, stderr)
	}
	var res struct {
		Regression bool
		Rows       []struct {
			Metric        string
			Baseline      float64
			Candidate     float64
			CILow, CIHigh *float64
			Verdict       string
		}
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	// The runs do differ (the jitter is real), so the gate passed on the
	// statistics, not on identical numbers.
	differ := false
	for _, r := range res.Rows {
		if r.Metric == "ttft_p95" && r.Baseline != r.Candidate {
			differ = true
		}
	}
	if res.Regression || !differ || len(res.Rows) == 0 {
		t.Errorf("regression %v, ttft_p95 differs %v, %d rows; want no regression between differing runs", res.Regression, differ, len(res.Rows))
	}
}

// TestCompareNotComparable: a different model is exit 2 with the reason;
// so is a missing run.
func TestCompareNotComparable(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	mockRun(t, fixedMock(50*time.Millisecond), a)
	mockRun(t, fixedMock(50*time.Millisecond), b)
	rundirtest.EditManifest(t, b, func(m *rundir.Manifest) {
		m.Target.Model = "other"
	})
	_, stderr, code := gateApp(t, "compare", a, b)
	if code != 2 || !strings.Contains(stderr, `model differs: baseline "m", candidate "other"`) {
		t.Errorf("compare of different models: exit %d, stderr %q; want 2 with the reason", code, stderr)
	}
	if _, _, code := gateApp(t, "compare", a, filepath.Join(dir, "missing")); code != 2 {
		t.Errorf("compare with a missing run: exit %d; want 2", code)
	}
	if _, _, code := gateApp(t, "compare", a); code != 2 {
		t.Errorf("compare with one argument: exit %d; want 2 (usage)", code)
	}
}

// TestHistoryGate is the nightly recipe: runs added to the history, then
// compare --baseline history:median-of-7 and history:latest.
func TestHistoryGate(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "history.db")
	var runs []string
	for i := range 3 {
		r := filepath.Join(dir, "night", string(rune('a'+i)))
		mockRun(t, jitterMock(int64(i+1)), r)
		runs = append(runs, r)
	}
	stdout, stderr, code := gateApp(t, "history", "add", "--store", store, runs[0], runs[1], runs[2])
	if code != 0 || strings.Count(stdout, "added as #") != 3 {
		t.Fatalf("history add: exit %d\n%s\n%s", code, stdout, stderr)
	}
	// Adding again is harmless.
	if stdout, _, code := gateApp(t, "history", "add", "--store", store, runs[1]); code != 0 || !strings.Contains(stdout, "already in the history as #2") {
		t.Errorf("history add again: exit %d, %q", code, stdout)
	}
	// Tonight's run, same configuration, added then compared with the
	// median of the earlier ones (itself left out).
	tonight := filepath.Join(dir, "night", "d")
	mockRun(t, jitterMock(4), tonight)
	gateApp(t, "history", "add", "--store", store, tonight)
	stdout, stderr, code = gateApp(t, "compare", "--store", store, "--baseline", "history:median-of-7", tonight)
	if code != 0 || !strings.Contains(stdout, "history:median-of-7 (#3 #2 #1, summaries)") {
		t.Errorf("compare with median-of-7: exit %d; want 0 over #1–#3\n%s\n%s", code, stdout, stderr)
	}
	// A slower stack (fixed 80 ms TTFT against the engine's ~20 ms) on the
	// same scenario, model and target kind regresses against the history.
	slow := filepath.Join(dir, "slow")
	mockRun(t, mock.Config{TTFT: 200 * time.Millisecond, ITL: 10 * time.Millisecond, OutputTokens: 16, Model: "llama-3-8b"}, slow)
	_, stderr, code = gateApp(t, "compare", "--store", store, "--baseline", "history:median-of-7", slow)
	if code != 1 || !strings.Contains(stderr, "TTFT p95") {
		t.Errorf("slow candidate vs median-of-7: exit %d; want 1 naming TTFT\n%s", code, stderr)
	}
	// history:latest finds tonight's run directory and compares request by request.
	stdout, stderr, code = gateApp(t, "compare", "--store", store, "--baseline", "history:latest", slow)
	if code != 1 || !strings.Contains(stdout, "history:#4 (") || !strings.Contains(stdout, "bootstrap over requests of both runs") {
		t.Errorf("slow candidate vs latest: exit %d\n%s\n%s", code, stdout, stderr)
	}
	// list, show and trend.
	stdout, _, code = gateApp(t, "history", "list", "--store", store)
	if code != 0 || strings.Count(stdout, "\n") != 5 {
		t.Errorf("history list: exit %d\n%s", code, stdout)
	}
	stdout, _, code = gateApp(t, "history", "show", "--store", store, "2")
	if code != 0 || !strings.Contains(stdout, "TTFT p95") || !strings.Contains(stdout, runs[1]) {
		t.Errorf("history show 2: exit %d\n%s", code, stdout)
	}
	png := filepath.Join(t.ArtifactDir(), "trend.png")
	stdout, stderr, code = gateApp(t, "history", "trend", "--store", store, "--metric", "ttft_p95", "--out", png)
	if code != 0 || !strings.Contains(stdout, "(4 points)") {
		t.Errorf("history trend: exit %d\n%s\n%s", code, stdout, stderr)
	}
	// An empty history: exit 2, or 0 with --allow-empty-baseline.
	empty := filepath.Join(dir, "empty.db")
	if _, _, code := gateApp(t, "compare", "--store", empty, "--baseline", "history:latest", tonight); code != 2 {
		t.Errorf("compare with an empty history: exit %d; want 2", code)
	}
	if _, _, code := gateApp(t, "compare", "--store", empty, "--allow-empty-baseline", "--baseline", "history:latest", tonight); code != 0 {
		t.Errorf("compare --allow-empty-baseline with an empty history: exit %d; want 0", code)
	}
}

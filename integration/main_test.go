//go:build integration

package integration

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// inferbenchBin is the inferbench binary the tests run, as a user would:
// $INFERBENCH_BIN when set, else one TestMain builds from this tree.
var inferbenchBin string

func TestMain(m *testing.M) {
	if inferbenchBin = os.Getenv("INFERBENCH_BIN"); inferbenchBin != "" {
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "inferbench-integration-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	inferbenchBin = filepath.Join(dir, "inferbench")
	build := exec.Command("go", "build", "-o", inferbenchBin, "github.com/inferbench/inferbench/cmd/inferbench")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build inferbench:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// serverURL returns the URL in the environment variable, or fails the test:
// with the integration tag, a missing server is an error, not a skip.
func serverURL(t *testing.T, env string) string {
	t.Helper()
	u := os.Getenv(env)
	if u == "" {
		t.Fatalf("%s is not set: run `make test-integration` (it starts the servers with scripts/real-servers.sh)", env)
	}
	return u
}

// benchRun is one `inferbench run`: its run directory, measured records and summary.
type benchRun struct {
	dir     string
	records []*rundir.Record // measured stage only
	retried int              // attempts marked retried
	sum     *report.Summary
	output  string
}

// runBench runs `inferbench run ARGS --out DIR --quiet --gpu-backend none`,
// which must exit 0, and reads the run directory back.
func runBench(t *testing.T, args ...string) benchRun {
	t.Helper()
	return runBenchExit(t, 0, args...)
}

// runBenchExit is runBench for a run that must end with exit code want
// (README's exit-code table: 1 when every measured request failed).
func runBenchExit(t *testing.T, want int, args ...string) benchRun {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	args = append([]string{"run", "--quiet", "--gpu-backend", "none", "--out", dir}, args...)
	out, err := exec.CommandContext(ctx, inferbenchBin, args...).CombinedOutput()
	code := 0
	if exit, ok := errors.AsType[*exec.ExitError](err); ok {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("inferbench %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	if code != want {
		t.Fatalf("inferbench %s: exit code %d, want %d\n%s", strings.Join(args, " "), code, want, out)
	}
	r := benchRun{dir: dir, output: string(out)}
	f, err := os.Open(filepath.Join(dir, "requests.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for rec, err := range rundir.ReadRecords(f) {
		if err != nil {
			t.Fatal(err)
		}
		if rec.Retried {
			r.retried++
			continue
		}
		if rec.Stage == "measure" {
			r.records = append(r.records, rec)
		}
	}
	r.sum, err = report.ReadSummary(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// checkComplete checks that every measured request of r succeeded and ran
// to exactly maxTokens output tokens as counted by the server, with
// plausible TTFT and inter-token latency.
func checkComplete(t *testing.T, r benchRun, want int, maxTokens int) {
	t.Helper()
	if len(r.records) != want {
		t.Fatalf("%d measured records, want %d", len(r.records), want)
	}
	if r.retried != 0 {
		t.Errorf("%d attempts were retried", r.retried)
	}
	bad := 0
	for _, rec := range r.records {
		problem := ""
		switch {
		case !rec.OK:
			problem = fmt.Sprintf("failed: %s: %s", rec.ErrorClass, rec.Error)
		case rec.OutputTokens != maxTokens:
			problem = fmt.Sprintf("%d output tokens, want %d", rec.OutputTokens, maxTokens)
		case rec.OutputTokensSource != "server":
			problem = fmt.Sprintf("output tokens from %q, want server", rec.OutputTokensSource)
		case rec.FinishReason != "length":
			problem = fmt.Sprintf("finish reason %q, want length", rec.FinishReason)
		case rec.InputTokens <= 0:
			problem = "no input tokens"
		case rec.FirstTokenNS <= rec.SentNS || rec.EndNS < rec.FirstTokenNS:
			problem = fmt.Sprintf("sent %d ns, first token %d ns, end %d ns", rec.SentNS, rec.FirstTokenNS, rec.EndNS)
		}
		if problem != "" {
			bad++
			if bad <= 5 {
				t.Errorf("request %d: %s", rec.ID, problem)
			}
		}
	}
	if bad > 5 {
		t.Errorf("… %d bad requests in all", bad)
	}
	for _, l := range r.sum.Levels {
		if l.Requests.Failed != 0 || len(l.Errors) != 0 {
			t.Errorf("level %g: %d failed, errors %v", l.Level, l.Requests.Failed, l.Errors)
		}
		// Plausible for a 2-core CPU and a model of at most 58 M parameters:
		// a token every 0.02–100 ms, a first token within 5 s.
		if l.ITLMS.P50 < 0.02 || l.ITLMS.P50 > 100 {
			t.Errorf("level %g: ITL p50 %.3f ms is implausible", l.Level, l.ITLMS.P50)
		}
		if l.TTFTMS.P50 <= 0 || l.TTFTMS.P99 > 5000 {
			t.Errorf("level %g: TTFT p50 %.3f ms, p99 %.3f ms are implausible", l.Level, l.TTFTMS.P50, l.TTFTMS.P99)
		}
		if l.OutputTokensPerS <= 0 {
			t.Errorf("level %g: output tokens/s %g", l.Level, l.OutputTokensPerS)
		}
	}
}

// logLevels logs each level's headline figures (the report's numbers).
func logLevels(t *testing.T, name string, r benchRun) {
	t.Helper()
	for _, l := range r.sum.Levels {
		t.Logf("%s c=%g: %d ok, %.0f out tok/s, TTFT p50 %.2f ms p99 %.2f ms, ITL p50 %.3f ms p99 %.3f ms, server TTFT p50 %.2f ms (n=%d)",
			name, l.Level, l.Requests.OK, l.OutputTokensPerS, l.TTFTMS.P50, l.TTFTMS.P99, l.ITLMS.P50, l.ITLMS.P99,
			l.ServerTTFTMS.P50, l.ServerTTFTMS.N)
	}
}

// promMetric reads one unlabelled counter or gauge from a Prometheus text
// endpoint (llama-server's /metrics).
func promMetric(t *testing.T, url, name string) float64 {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 2 && f[0] == name {
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return v
		}
	}
	t.Fatalf("%s not in %s", name, url)
	return 0
}

// percentile is the p-th percentile of v by linear interpolation between
// closest ranks (NumPy's default, as the report uses).
func percentile(v []float64, p float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	x := p / 100 * float64(len(s)-1)
	i := int(x)
	if i+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[i] + (x-float64(i))*(s[i+1]-s[i])
}

// drain reads and closes a response body.
func drain(resp *http.Response) []byte {
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return b
}

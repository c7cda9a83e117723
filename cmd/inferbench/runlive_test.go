package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/report"
)

// syncBuffer is a buffer written by a running command and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// liveMock serves the mock with fixed timing (faults as given) for a test.
func liveMock(t *testing.T, cfg mock.Config) string {
	t.Helper()
	m, err := mock.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestRunPlainProgress: with stderr not a terminal, a two-level sweep prints
// plain progress lines (every --progress-interval) and one result line per
// level with the level's counts, all on stderr with no control character;
// stdout carries the results table and nothing of the progress.
func TestRunPlainProgress(t *testing.T) {
	url := liveMock(t, mock.Config{TTFT: 20 * time.Millisecond, ITL: 5 * time.Millisecond, OutputTokens: 8})
	dir := filepath.Join(t.TempDir(), "run")
	stdout, stderr, err := runApp(t, "run", "--target", "vllm", "--url", url, "--model", "m", "--sweep", "1,2",
		"-n", "24", "--warmup", "2", "--max-tokens", "8", "--progress-interval", "100ms", "--gpu-backend", "none", "--out", dir)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr)
	}
	if i := strings.IndexFunc(stderr, func(r rune) bool { return r < ' ' && r != '\n' || r == 0x7f }); i >= 0 {
		t.Errorf("stderr holds a control character %q at %d:\n%q", stderr[i], i, stderr)
	}
	progress := regexp.MustCompile(`(?m)^inferbench: level 1 stream  (\d+)/26  in flight [01] `)
	if n := len(progress.FindAllString(stderr, -1)); n < 1 {
		t.Errorf("no plain progress line of level 1 in stderr:\n%s", stderr)
	}
	// 24 requests are fewer than a p95 needs: the p95s are marked. The
	// SLO column is "-", followed by CLIENT-BOUND where a loaded test
	// machine held the client back (its verdict is the summary's, tested
	// elsewhere).
	for _, want := range []string{`(?m)^streams\s+ok\s+failed\s+TTFT p50\s+TTFT p95`, `(?m)^\s+1\s+24\s+0\s+\S+ms\s+\S+ms\*\s+\S+ms\*\s+[0-9.]+\s+-(\s+CLIENT-BOUND.*)?$`,
		`(?m)^\s+2\s+24\s+0\s+\S+ms\s+\S+ms\*\s+\S+ms\*\s+[0-9.]+\s+-(\s+CLIENT-BOUND.*)?$`} {
		if !regexp.MustCompile(want).MatchString(stderr) {
			t.Errorf("stderr has no line matching %s:\n%s", want, stderr)
		}
	}
	if strings.Contains(stdout, "inferbench: level") || strings.Contains(stdout, "\x1b") {
		t.Errorf("progress on stdout:\n%s", stdout)
	}
	if !strings.Contains(stdout, "goodput req/s") {
		t.Errorf("stdout lacks the results table:\n%s", stdout)
	}

	// --quiet: neither progress nor result lines; --progress off: result lines only.
	_, stderr, err = runApp(t, "run", "--target", "vllm", "--url", url, "--model", "m", "-n", "4",
		"--max-tokens", "8", "--progress-interval", "1ms", "--gpu-backend", "none", "--quiet", "--out", dir+"-q")
	if err != nil || strings.Contains(stderr, "inferbench: level") || strings.Contains(stderr, "TTFT p95") {
		t.Errorf("--quiet: %v; stderr shows progress:\n%s", err, stderr)
	}
	_, stderr, err = runApp(t, "run", "--target", "vllm", "--url", url, "--model", "m", "-n", "4",
		"--max-tokens", "8", "--progress-interval", "1ms", "--gpu-backend", "none", "--progress", "off", "--out", dir+"-off")
	if err != nil || strings.Contains(stderr, "inferbench: level") || !strings.Contains(stderr, "TTFT p95") {
		t.Errorf("--progress off: %v; want the result line and no progress line:\n%s", err, stderr)
	}
}

// TestRunLiveFlagsBad: the live view's flag mistakes are one-line usage
// errors (exit 2) before anything runs.
func TestRunLiveFlagsBad(t *testing.T) {
	for _, args := range [][]string{
		{"--progress", "sometimes"},
		{"--progress-interval", "0s"},
		{"--live-linger", "5s"},
		{"--live", ":1", "--live-linger", "-1s"},
	} {
		dir := filepath.Join(t.TempDir(), "run")
		_, stderr, err := runApp(t, append([]string{"run", "--url", "http://127.0.0.1:9", "--model", "m", "--out", dir}, args...)...)
		code := exitCode(err, io.Discard)
		if code != exitUsage || strings.Count(strings.TrimSpace(err.Error()), "\n") != 0 {
			t.Errorf("%v: exit %d, %v (stderr %q); want a one-line usage error", args, code, err, stderr)
		}
		if _, serr := os.Stat(dir); serr == nil {
			t.Errorf("%v: the run directory was created", args)
		}
	}
}

// scrapeURL reads url with the Prometheus text parser.
func scrapeURL(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("%s does not parse: %v", url, err)
	}
	return fams
}

// requestsTotal sums inferbench_requests_total's series of outcome, checking
// each carries the run's label.
func requestsTotal(t *testing.T, fams map[string]*dto.MetricFamily, outcome, run string) float64 {
	t.Helper()
	var sum float64
	f := fams["inferbench_requests_total"]
	if f == nil {
		t.Fatal("no inferbench_requests_total")
	}
	for _, m := range f.Metric {
		labels := map[string]string{}
		for _, l := range m.Label {
			labels[l.GetName()] = l.GetValue()
		}
		if labels["run"] != run {
			t.Errorf("run label %q; want %q", labels["run"], run)
		}
		if labels["outcome"] == outcome {
			sum += m.GetCounter().GetValue()
		}
	}
	return sum
}

// TestLiveMetricsDuringRun: `run --live` serves /metrics while the mock
// (with 10 % of requests failing) is measured: the counters grow between
// two scrapes during the run, and once the run has written summary.json
// (the server lingers) they equal its counts; Ctrl-C ends the linger.
func TestLiveMetricsDuringRun(t *testing.T) {
	url := liveMock(t, mock.Config{TTFT: 10 * time.Millisecond, ITL: 5 * time.Millisecond, OutputTokens: 8,
		Faults: mock.FaultRates{mock.Fault500: 0.1}})
	dir := filepath.Join(t.TempDir(), "live-run")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- newApp(&stdout, &stderr).RunContext(ctx, []string{"inferbench", "run", "--target", "vllm", "--url", url,
			"--model", "m", "-c", "2", "-n", "120", "--max-tokens", "8", "--gpu-backend", "none",
			"--live", ":0", "--live-linger", "10m", "--out", dir})
	}()
	base := liveURL(t, &stderr, done)
	summary := filepath.Join(dir, "summary.json")
	total := func() float64 {
		fams := scrapeURL(t, base+"metrics")
		return requestsTotal(t, fams, "ok", "live-run") + requestsTotal(t, fams, "failed", "live-run")
	}
	// Two scrapes while the run runs, the second after more requests ended.
	first, second := 0.0, 0.0
	for second <= first || first == 0 {
		if _, err := os.Stat(summary); err == nil {
			t.Fatalf("the run ended before two scrapes saw its counters grow (%g, %g)", first, second)
		}
		n := total()
		if first == 0 {
			first = n
		} else {
			second = n
		}
		time.Sleep(20 * time.Millisecond)
	}
	for {
		if _, err := os.Stat(summary); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	fams := scrapeURL(t, base+"metrics")
	b, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	var sum report.Summary
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	l := sum.Levels[0]
	ok, failed := requestsTotal(t, fams, "ok", "live-run"), requestsTotal(t, fams, "failed", "live-run")
	if ok != float64(l.Requests.OK) || failed != float64(l.Requests.Failed) || l.Requests.Total != 120 || failed == 0 {
		t.Errorf("/metrics at the end: ok %g failed %g; summary.json: %+v (want equal, some failed)", ok, failed, l.Requests)
	}
	if tok := fams["inferbench_output_tokens_total"].Metric[0].GetCounter().GetValue(); tok != float64(l.OutputTokens) {
		t.Errorf("inferbench_output_tokens_total %g; summary.json %d", tok, l.OutputTokens)
	}
	if n := fams["inferbench_ttft_seconds"].Metric[0].GetHistogram().GetSampleCount(); n != uint64(l.Requests.OK) {
		t.Errorf("inferbench_ttft_seconds count %d; want %d", n, l.Requests.OK)
	}
	select {
	case err := <-done:
		t.Fatalf("the run returned before its linger: %v", err)
	default:
	}
	cancel() // Ctrl-C ends the linger
	<-done
	if _, err := http.Get(base + "metrics"); err == nil {
		t.Error("the live server still answers after the run returned")
	}
	if !strings.Contains(stdout.String(), "goodput req/s") {
		t.Errorf("stdout lacks the results table:\n%s", stdout.String())
	}
}

// TestLiveDocsNameRealFlags: every --flag that docs/live.md and the
// README's "Watching a run" section name is a flag of run, watch or mock,
// and every flag of the live view is named in both.
func TestLiveDocsNameRealFlags(t *testing.T) {
	flags := map[string]bool{}
	for _, c := range newApp(io.Discard, io.Discard).Commands {
		switch c.Name {
		case "run", "watch", "mock":
			for _, f := range c.Flags {
				for _, n := range f.Names() {
					flags[n] = true
				}
			}
		}
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(readme), "### Watching a run")
	if !ok {
		t.Fatal(`README.md has no "### Watching a run" section`)
	}
	sec, _, _ = strings.Cut(sec, "\n### ")
	doc, err := os.ReadFile("../../docs/live.md")
	if err != nil {
		t.Fatal(err)
	}
	flag := regexp.MustCompile("(?:^|[\\s`(])--([a-z][a-z-]*)")
	for name, text := range map[string]string{"README.md": sec, "docs/live.md": string(doc)} {
		for _, m := range flag.FindAllStringSubmatch(text, -1) {
			if !flags[m[1]] {
				t.Errorf("%s names --%s, which no run, watch or mock flag is", name, m[1])
			}
		}
		for _, f := range liveFlags() {
			if !strings.Contains(text, "--"+f.Names()[0]) {
				t.Errorf("%s does not name --%s", name, f.Names()[0])
			}
		}
	}
}

// liveURL waits for the live view's URL on a run's stderr; done (buffered)
// carries the run's end, and still does if the test fails here.
func liveURL(t *testing.T, stderr *syncBuffer, done chan error) string {
	t.Helper()
	addr := regexp.MustCompile(`live view at (http://127\.0\.0\.1:\d+/)`)
	for {
		if m := addr.FindStringSubmatch(stderr.String()); m != nil {
			return m[1]
		}
		select {
		case err := <-done:
			done <- err
			t.Fatalf("run ended before serving: %v\n%s", err, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// TestAdaptiveLinesInOrder: an adaptive level's stop line comes before its
// result line, and the run's spend line after the last level's result
// (it came before it: the view printed the result at its next refresh).
func TestAdaptiveLinesInOrder(t *testing.T) {
	url := liveMock(t, mock.Config{TTFT: 20 * time.Millisecond, ITL: 5 * time.Millisecond, OutputTokens: 8})
	_, stderr, err := runApp(t, "run", "--target", "vllm", "--url", url, "--model", "m", "--sweep", "2,4", "--precision", "10%",
		"--slo-ttft", "1s", "--max-tokens", "8", "--progress-interval", "1h", "--gpu-backend", "none", "--out", filepath.Join(t.TempDir(), "run"))
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr)
	}
	at := func(re string) int {
		loc := regexp.MustCompile(re).FindStringIndex(stderr)
		if loc == nil {
			t.Fatalf("stderr has no line matching %s:\n%s", re, stderr)
		}
		return loc[0]
	}
	stop2, res2 := at(`(?m)^inferbench: level 2: stopped`), at(`(?m)^\s+2\s+\d+\s+0\s`)
	stop4, res4 := at(`(?m)^inferbench: level 4: stopped`), at(`(?m)^\s+4\s+\d+\s+0\s`)
	spend := at(`(?m)^inferbench: adaptive: `)
	if !(stop2 < res2 && res2 < stop4 && stop4 < res4 && res4 < spend) {
		t.Errorf("lines out of order (stop 2 at %d, result 2 at %d, stop 4 at %d, result 4 at %d, spend at %d):\n%s",
			stop2, res2, stop4, res4, spend, stderr)
	}
}

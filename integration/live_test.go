//go:build integration

package integration

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/inferbench/inferbench/live"
	"github.com/inferbench/inferbench/report"
)

// lockedBuffer collects a child process's output while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// child is an inferbench process the test runs beside others.
type child struct {
	stderr lockedBuffer
	done   chan error // the process's Wait, once
	err    error
	exited bool
}

// startChild starts inferbench ARGS with stdout discarded.
func startChild(t *testing.T, ctx context.Context, args ...string) *child {
	t.Helper()
	c := &child{done: make(chan error, 1)}
	cmd := exec.CommandContext(ctx, inferbenchBin, args...)
	cmd.Stderr = &c.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { c.done <- cmd.Wait() }()
	return c
}

// ended reports whether the process has exited, without waiting.
func (c *child) ended() bool {
	if !c.exited {
		select {
		case c.err = <-c.done:
			c.exited = true
		default:
		}
	}
	return c.exited
}

// wait waits for the process and fails the test unless it exited 0.
func (c *child) wait(t *testing.T, name string) {
	t.Helper()
	if !c.exited {
		c.err, c.exited = <-c.done, true
	}
	if c.err != nil {
		t.Fatalf("%s: %v\n%s", name, c.err, c.stderr.String())
	}
}

// liveCounts are the figures of one scrape of the run's /metrics.
type liveCounts struct {
	ok, failed, outTokens, ttftCount, inFlight, level float64
}

// scrapeLive reads base+"metrics" with the Prometheus text parser.
func scrapeLive(t *testing.T, base, run string) liveCounts {
	t.Helper()
	resp, err := http.Get(base + "metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	for _, name := range []string{"inferbench_requests_total", "inferbench_output_tokens_total", "inferbench_ttft_seconds"} {
		if fams[name] == nil || len(fams[name].Metric) == 0 {
			t.Fatalf("/metrics has no %s", name)
		}
	}
	var c liveCounts
	for _, m := range fams["inferbench_requests_total"].Metric {
		labels := map[string]string{}
		for _, l := range m.Label {
			labels[l.GetName()] = l.GetValue()
		}
		if labels["run"] != run {
			t.Errorf("inferbench_requests_total labelled run=%q; want %q", labels["run"], run)
		}
		switch labels["outcome"] {
		case "ok":
			c.ok += m.GetCounter().GetValue()
		case "failed":
			c.failed += m.GetCounter().GetValue()
		}
	}
	c.outTokens = fams["inferbench_output_tokens_total"].Metric[0].GetCounter().GetValue()
	c.ttftCount = float64(fams["inferbench_ttft_seconds"].Metric[0].GetHistogram().GetSampleCount())
	// The gauges appear once the run has started its first level.
	if f := fams["inferbench_in_flight"]; f != nil && len(f.Metric) > 0 {
		c.inFlight = f.Metric[0].GetGauge().GetValue()
	}
	if f := fams["inferbench_level"]; f != nil && len(f.Metric) > 0 {
		c.level = f.Metric[0].GetGauge().GetValue()
	}
	return c
}

// liveInit is the first event of /events.
type liveInit struct {
	Snapshot live.Snapshot `json:"snapshot"`
	Points   []live.Point  `json:"points"`
}

// readInit reads /events up to its init event.
func readInit(t *testing.T, base string) liveInit {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"events", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("/events: Content-Type %q", ct)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 64<<20)
	event := ""
	for sc.Scan() {
		line := sc.Text()
		if e, ok := strings.CutPrefix(line, "event: "); ok {
			event = e
		}
		if data, ok := strings.CutPrefix(line, "data: "); ok && event == "init" {
			var in liveInit
			if err := json.Unmarshal([]byte(data), &in); err != nil {
				t.Fatalf("/events init: %v", err)
			}
			return in
		}
	}
	t.Fatalf("/events ended without an init event: %v", sc.Err())
	return liveInit{}
}

// resultLine is a level's permanent result line: ` level ok failed TTFT p50 TTFT p95 …`.
// TTFT and TPOT read 85.3ms, 1.52s or -, marked * on a small sample; the
// SLO verdict may be followed by its notes ("(resent by the HTTP client:
// 154 of 515)": llama-server closes its connections after a stream).
var resultLine = regexp.MustCompile(`(?m)^\s+(\d+)\s+(\d+)\s+(\d+)(?:\s+(?:[0-9.]+m?s\*?|-)){3}\s+[0-9.]+\s+(pass|FAIL|-)(?:[\s:].*)?$`)

// checkResultLines checks that text holds one result line per level of sum,
// with its ok and failed counts.
func checkResultLines(t *testing.T, who, text string, sum *report.Summary) {
	t.Helper()
	got := map[string][2]int{}
	for _, m := range resultLine.FindAllStringSubmatch(text, -1) {
		ok, _ := strconv.Atoi(m[2])
		failed, _ := strconv.Atoi(m[3])
		got[m[1]] = [2]int{ok, failed}
	}
	if len(got) != len(sum.Levels) {
		t.Errorf("%s: %d result lines, want %d:\n%s", who, len(got), len(sum.Levels), text)
	}
	for _, l := range sum.Levels {
		want := [2]int{l.Requests.OK, l.Requests.Failed}
		if g := got[strconv.FormatFloat(l.Level, 'f', -1, 64)]; g != want {
			t.Errorf("%s: level %g result line ok/failed %v; summary.json %v", who, l.Level, g, want)
		}
	}
}

// liveURLOf waits for the run to print its live address on stderr.
func liveURLOf(t *testing.T, run *child) string {
	t.Helper()
	addr := regexp.MustCompile(`live view at (http://127\.0\.0\.1:\d+/)`)
	for {
		if m := addr.FindStringSubmatch(run.stderr.String()); m != nil {
			return m[1]
		}
		if run.ended() {
			t.Fatalf("the run ended before serving: %v\n%s", run.err, run.stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestLlamaCppLive: a two-level sweep against llama-server with --live and
// `inferbench watch` following its directory from another process. During
// the run /metrics parses with the Prometheus text parser and its counters
// grow between two scrapes; once summary.json is written (the server
// lingers) they equal its counts, and /events' history holds the engine's
// scraped queue; the run's stderr (a log: no control characters) and the
// watcher's both carry one result line per level with summary.json's counts.
func TestLlamaCppLive(t *testing.T) {
	url := serverURL(t, "INFERBENCH_LLAMACPP_URL")
	dir := filepath.Join(t.TempDir(), "live-llama")
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	run := startChild(t, ctx, "run", "--target", "llamacpp", "--url", url, "--model", "tiny", "--api", "completions",
		"--sweep", "2,4", "-n", "0", "--duration", "6s", "--max-tokens", "32", "--prompt-tokens", "32",
		"--gpu-backend", "none", "--progress-interval", "1s", "--live", "127.0.0.1:0", "--live-linger", "8s", "--out", dir)
	watch := startChild(t, ctx, "watch", "--progress-interval", "1s", dir)
	base := liveURLOf(t, run)
	summary := filepath.Join(dir, "summary.json")
	var first, second liveCounts
	for second.ok+second.failed <= first.ok+first.failed || first.ok+first.failed == 0 {
		if _, err := os.Stat(summary); err == nil {
			t.Fatalf("the run ended before two scrapes saw its counters grow (%+v, %+v)", first, second)
		}
		c := scrapeLive(t, base, "live-llama")
		if c.inFlight < 0 || c.inFlight > 4 {
			t.Errorf("inferbench_in_flight %g; want 0…4 at levels 2 and 4", c.inFlight)
		}
		if first.ok+first.failed == 0 {
			first = c
		} else {
			second = c
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("two scrapes during the run: %+v, then %+v", first, second)
	for {
		if _, err := os.Stat(summary); err == nil {
			break
		}
		if run.ended() {
			t.Fatalf("the run ended without summary.json: %v\n%s", run.err, run.stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	end := scrapeLive(t, base, "live-llama")
	in := readInit(t, base)
	sum, err := report.ReadSummary(summary)
	if err != nil {
		t.Fatal(err)
	}
	checkLiveEnd(t, end, in, sum)
	run.wait(t, "inferbench run --live")
	watch.wait(t, "inferbench watch")
	log := run.stderr.String()
	if i := strings.IndexFunc(log, func(r rune) bool { return r < ' ' && r != '\n' || r == 0x7f }); i >= 0 {
		t.Errorf("the run's stderr (not a terminal) holds control character %q at %d", log[i], i)
	}
	if !strings.Contains(log, "inferbench: level 2 ") {
		t.Errorf("the run's stderr has no plain progress line of level 2:\n%s", log)
	}
	checkResultLines(t, "run", log, sum)
	checkResultLines(t, "watch", watch.stderr.String(), sum)
	t.Logf("watch:\n%s", watch.stderr.String())
}

// checkLiveEnd compares the final scrape and /events with summary.json.
func checkLiveEnd(t *testing.T, end liveCounts, in liveInit, sum *report.Summary) {
	t.Helper()
	var ok, failed int
	var tokens int64
	for _, l := range sum.Levels {
		ok, failed, tokens = ok+l.Requests.OK, failed+l.Requests.Failed, tokens+l.OutputTokens
	}
	if ok == 0 || failed != 0 {
		t.Errorf("summary.json: %d ok, %d failed; want some ok and none failed", ok, failed)
	}
	want := liveCounts{ok: float64(ok), failed: float64(failed), outTokens: float64(tokens), ttftCount: float64(ok), level: 4}
	if end != want {
		t.Errorf("/metrics at the end %+v; summary.json says %+v", end, want)
	}
	if s := in.Snapshot; s.OK != int64(ok) || s.Failed != int64(failed) || !s.Ended || len(s.Levels) != 2 {
		t.Errorf("/events snapshot: ok %d failed %d ended %v, %d levels; want %d, %d, true, 2", s.OK, s.Failed, s.Ended, len(s.Levels), ok, failed)
	}
	var ttft, server int
	for _, p := range in.Points {
		if p.TTFT != nil && p.TTFT[0] > 0 {
			ttft++
		}
		if p.Server != nil && p.Server.Running != nil {
			server++
		}
	}
	if ttft == 0 || server == 0 {
		t.Errorf("/events: %d points, %d with a TTFT, %d with llama-server's scraped queue; want some of each", len(in.Points), ttft, server)
	}
	t.Logf("/metrics at the end: %+v; /events: %d points (%d with the engine's queue)", end, len(in.Points), server)
}

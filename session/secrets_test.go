package session

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
)

// TestRunJSONHidesURLSecrets: a key in the URL's query (a proxy's ?key=)
// is redacted in run.json — the target and the resolved scenario — and in
// the lines the run says, while the requests still carry it. So is a token
// in the GPU exporter's URL (the scenario's gpu.url), which run.json kept.
func TestRunJSONHidesURLSecrets(t *testing.T) {
	_, srv := mockServer(t, mock.Config{OutputTokens: 2})
	url := srv.URL + "?api_key=s3cr3t-value"
	s := &scenarios.Scenario{Name: "x", Target: scenarios.Target{Kind: "vllm", URL: url, Model: "m", API: "chat"},
		GPU: scenarios.GPU{URL: "http://dcgm:9400/metrics?access_token=gpus3cr3t0123456789"}}
	dir := filepath.Join(t.TempDir(), "run")
	o := &Options{Kind: "vllm", URL: url, Model: "m", API: "chat", Concurrency: 1, Requests: 2, MaxTokens: 2, PromptTokens: 4,
		Timeout: 10 * time.Second, Out: dir, GPUBackend: "none", ServerMetrics: "off", GPUInterval: 50 * time.Millisecond, Scenario: s}
	var log strings.Builder
	res, err := Run(t.Context(), t.Context(), o, &log)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	if res.Summary.Levels[0].Requests.OK != 2 {
		t.Errorf("requests %+v; want 2 ok (the key still reaches the server)", res.Summary.Levels[0].Requests)
	}
	b, err := os.ReadFile(filepath.Join(dir, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	for what, text := range map[string]string{"run.json": string(b), "the run's log": log.String()} {
		if strings.Contains(text, "s3cr3t") {
			t.Errorf("%s shows the key:\n%s", what, text)
		}
	}
	if !strings.Contains(string(b), "api_key=REDACTED") || !strings.Contains(string(b), "access_token=REDACTED") {
		t.Errorf("run.json does not show the redacted parameter:\n%s", b)
	}
}

// TestRunJSONHidesTheAPIKeyWhereverTheURLHasIt: an API key put in the
// target's URL under a parameter of no key-like name (?foo=, a proxy's
// own), or in the GPU exporter's, was shown as written in run.json (and
// so in every report of it) and in the run's lines: the run knows the key,
// and removes it wherever it stands.
func TestRunJSONHidesTheAPIKeyWhereverTheURLHasIt(t *testing.T) {
	const key = "sk-secret-0123456789"
	_, srv := mockServer(t, mock.Config{OutputTokens: 2})
	url := srv.URL + "?foo=" + key
	s := &scenarios.Scenario{Name: "x", Target: scenarios.Target{Kind: "vllm", URL: url, Model: "m", API: "chat"},
		GPU: scenarios.GPU{URL: "http://dcgm:9400/metrics?tenant=" + key}}
	dir := filepath.Join(t.TempDir(), "run")
	o := &Options{Kind: "vllm", URL: url, Model: "m", API: "chat", Concurrency: 1, Requests: 2, MaxTokens: 2, PromptTokens: 4,
		Timeout: 10 * time.Second, Out: dir, GPUBackend: "none", ServerMetrics: "off", GPUInterval: 50 * time.Millisecond, Scenario: s,
		APIKey: key}
	var log strings.Builder
	res, err := Run(t.Context(), t.Context(), o, &log)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	if res.Summary.Levels[0].Requests.OK != 2 {
		t.Errorf("requests %+v; want 2 ok", res.Summary.Levels[0].Requests)
	}
	b, err := os.ReadFile(filepath.Join(dir, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	for what, text := range map[string]string{"run.json": string(b), "the run's log": log.String()} {
		if strings.Contains(text, key) {
			t.Errorf("%s shows the key:\n%s", what, text)
		}
	}
	if !strings.Contains(string(b), "foo=[REDACTED]") {
		t.Errorf("run.json does not show where the key was:\n%s", b)
	}
}

// TestDiskFullSaysItOnce: when the records cannot be written (a full
// disk), the run stops, says once how many records it wrote and lost, and
// run.json says failed with the counts.
func TestDiskFullSaysItOnce(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full here")
	}
	_, srv := mockServer(t, mock.Config{OutputTokens: 2})
	dir := filepath.Join(t.TempDir(), "run")
	o := &Options{Kind: "vllm", URL: srv.URL, Model: "m", API: "chat", Concurrency: 2, Requests: 50, MaxTokens: 2, PromptTokens: 4,
		Timeout: 10 * time.Second, Out: dir, GPUBackend: "none", ServerMetrics: "off", GPUInterval: 50 * time.Millisecond, NoProbe: true,
		recordWriter: func(string) (*rundir.RecordWriter, error) {
			f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
			return rundir.NewRecordWriter(f), err
		}}
	var log strings.Builder
	res, err := Run(t.Context(), t.Context(), o, &log)
	if err == nil || res == nil {
		t.Fatalf("run on a full disk: %v, %v; want a failure with a result", err, res)
	}
	if res.Lost < 1 || res.Manifest.ExitState != rundir.ExitFailed || !strings.Contains(res.Manifest.ExitReason, "lost") {
		t.Errorf("lost %d, exit %s %q; want records lost and run.json failed saying so", res.Lost, res.Manifest.ExitState, res.Manifest.ExitReason)
	}
	if n := strings.Count(log.String(), "lost"); n != 1 {
		t.Errorf("the log says 'lost' %d times; want once:\n%s", n, log.String())
	}
	// The write error is said once: the record writer's Close repeats the
	// error its Write returned, which the run already stopped on.
	if n := strings.Count(res.Manifest.ExitReason, "no space left"); n != 1 {
		t.Errorf("run.json's exit reason says the write error %d times; want once: %q", n, res.Manifest.ExitReason)
	}
	if n := strings.Count(err.Error(), "no space left"); n != 1 {
		t.Errorf("the run's error says the write error %d times; want once: %q", n, err)
	}
	mf, err := rundir.ReadManifest(dir)
	if err != nil || mf.ExitState != rundir.ExitFailed {
		t.Errorf("run.json: %v %+v; want failed", err, mf)
	}
}

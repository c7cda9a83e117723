package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestK8sManifestRefusesWhatItsPodsRunRefuses: the manifest judges each
// pod's command line with run's own code (podRunCheck), so what every
// pod's run refuses, it refuses, in run's words, naming the files as the
// pod does, and writes nothing; run itself, given the same flags over the
// same scenario (a local copy of the trace), refuses each in those words.
// The manifest judged only the flags after -- it lays itself: each case
// gave a manifest (exit 0) before.
func TestK8sManifestRefusesWhatItsPodsRunRefuses(t *testing.T) {
	dir := t.TempDir()
	file, trace := filepath.Join(dir, "s.yaml"), filepath.Join(dir, "t.jsonl")
	if err := os.WriteFile(file, []byte("name: s\ntarget: {model: m, url: http://vllm:8000}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(trace, []byte(`{"timestamp": 0, "input_length": 10, "output_length": 5}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--precision", "0.05", "--dataset", "trace:/results/t.jsonl"}, "load.adaptive: does not apply to a trace replay (its requests are the trace's)"},
		{[]string{"--precision=0.05", "--dataset=trace:/results/t.jsonl"}, "load.adaptive: does not apply to a trace replay"},
		{[]string{"--dataset", "trace:/results/t.jsonl", "--prompt-tokens", "100"}, "--prompt-tokens: not used with load.trace"},
		{[]string{"--dataset", "jsonl:/results/p.jsonl", "--prompt-tokens", "100", "-c", "2"}, "--prompt-tokens is not used with --dataset jsonl: the prompts come from the file"},
		{[]string{"-c", "2", "--slo-percentile", "42"}, "--slo-percentile: must be one of 50, 90, 95, 99, 99.9, got 42"},
		{[]string{"-c", "2", "--shared-prefix-tokens", "-1"}, "--shared-prefix-tokens: must not be negative, got -1"},
		{[]string{"-c", "2", "--think-time", "2s"}, "--think-time: needs workload.turns"},
		{[]string{"-c", "2", "--turns", "0"}, "--turns: must be between 1 and 1000 turns, got 0"},
		{[]string{"-c", "2", "--gpu-backend", "bogus"}, `--gpu-backend: unknown backend "bogus"`},
		{[]string{"-c", "2", "--dataset-min-input", "5"}, "--dataset-min-input needs a dataset of prompts"},
		{[]string{"-c", "2", "--prompt-sizing", "tokenizer"}, "--prompt-sizing: tokenizer needs workload.tokenizer"},
		// session.Check, what FromScenario refuses before it reads anything.
		{[]string{"-c", "2", "--spread", "bogus"}, `--spread: want auto or a non-negative duration, got "bogus"`},
		{[]string{"-c", "2", "--server-metrics", "bogus"}, "--server-metrics: want auto, off or the server's /metrics URL, which has no scheme"},
		{[]string{"-c", "2", "--grace", "-1s"}, "--grace must not be negative"},
		{[]string{"-c", "2", "--retries", "-1"}, "--retries must not be negative"},
		{[]string{"-c", "2", "--gpu", "h999"}, `--gpu: unknown gpu "h999"`},
		{[]string{"-c", "2", "--api", "native"}, `--api: target openai speaks chat, completions, responses, not "native"`},
		// liveRunFrom, which listens on nothing (live.CheckAddr).
		{[]string{"-c", "2", "--progress", "bogus"}, `--progress: want auto, on or off, got "bogus"`},
		{[]string{"-c", "2", "--progress-interval", "0s"}, "--progress-interval must be positive"},
		{[]string{"-c", "2", "--live-linger", "1s"}, "--live-linger needs --live"},
		{[]string{"-c", "2", "--live", "bad:addr:x"}, "--live bad:addr:x: live: address bad:addr:x: too many colons in address"},
		{[]string{"-c", "2", "--live", ":99999"}, "--live :99999: live: address :99999: invalid port"},
		{[]string{"-c", "2", "--live", "http://0.0.0.0:9464/"}, "--live http://0.0.0.0:9464/: live: want an address to listen on (:PORT or HOST:PORT), not a URL: give 0.0.0.0:9464"},
	} {
		shards := []string{"1", "2"}
		if strings.HasPrefix(c.args[0], "--precision") {
			shards = shards[:1] // over 2, the manifest's shard check refuses it first (session.ShardRefusal)
		}
		for _, shards := range shards {
			out, stderr, code := k8sApp(t, append([]string{"manifest", "--scenario", file, "--shards", shards, "--image", "img:1", "--"}, c.args...)...)
			if code != exitUsage || out != "" || !strings.Contains(stderr, "k8s: every pod's inferbench run would refuse it: ") || !strings.Contains(stderr, c.want) {
				t.Errorf("--shards %s -- %q: exit %d, %d bytes out, stderr %q; want exit 2 saying %q", shards, c.args, code, len(out), stderr, c.want)
			}
			if strings.Contains(stderr, "inferbench-k8s-") {
				t.Errorf("--shards %s -- %q: the stand-ins' directory named: %s", shards, c.args, stderr)
			}
		}
		// Run's own refusal of the same, a local file for the claim's.
		args := make([]string, len(c.args))
		for i, a := range c.args {
			args[i] = strings.ReplaceAll(a, "/results/t.jsonl", trace)
		}
		var stderr bytes.Buffer
		app := &cli.App{Name: "inferbench", Writer: &bytes.Buffer{}, ErrWriter: &stderr, ExitErrHandler: func(*cli.Context, error) {},
			Commands: []*cli.Command{runCommand(t.Context())}}
		err := app.RunContext(t.Context(), append([]string{"inferbench", "run", "--scenario", file, "--out", filepath.Join(dir, "run"), "--no-probe"}, args...))
		if code := exitCode(err, &stderr); code != exitUsage || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("run -- %q: exit %d %q; want exit 2 saying %q", args, code, stderr.String(), c.want)
		}
	}
	// What run takes, the manifest takes: a trace on the claim, a
	// tokenizer on it, a seed, a spread, a GPU, a live port (not
	// listened on here); the stand-ins are gone after. A claim's path
	// is one k8s takes as on it (a pod's //results is its /results):
	// a tokenizer or trace at //results/… was refused as missing.
	for _, args := range [][]string{{"--dataset", "trace:/results/t.jsonl"}, {"-c", "2", "--tokenizer", "/results/tok.json"}, {"-c", "2", "--seed", "5"},
		{"-c", "2", "--tokenizer", "//results/tok.json"}, {"--dataset=trace://results/t.jsonl"}, {"-c", "2", "--tokenizer=/results/./tok.json"},
		{"-c", "2", "--spread", "2s", "--gpu", "h100-sxmx2", "--live", ":9464", "--progress", "off"}} {
		if out, stderr, code := k8sApp(t, append([]string{"manifest", "--scenario", file, "--shards", "2", "--image", "img:1", "--"}, args...)...); code != 0 || !strings.Contains(out, "kind: Job") {
			t.Errorf("-- %q: exit %d %s; want a manifest", args, code, stderr)
		}
	}
}

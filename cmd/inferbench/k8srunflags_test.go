package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/scenarios"
)

// TestK8sManifestLaysRunFlagsAsRun: the run flags after -- are laid over
// the scenario by run's own code (scenarios.LayRunFlags), so the manifest
// refuses what every pod's run refuses, in run's words, and names the flag
// rather than the YAML key. They were laid by a copy without run's
// refusals: each of these gave a manifest (exit 0) that every pod refused.
func TestK8sManifestLaysRunFlagsAsRun(t *testing.T) {
	file := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(file, []byte("name: s\ntarget: {model: m, url: http://vllm:8000}\nload: {concurrency: 4, requests: 40}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	base := []string{"manifest", "--scenario", file, "--shards", "2", "--image", "img:1", "--"}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--sweep", "2,4", "--concurrency", "8"}, "--concurrency goes with neither --sweep"},
		{[]string{"--rate", "5", "--concurrency", "8"}, "--concurrency goes with neither --sweep"},
		{[]string{"--sweep", "2", "--rate", "5"}, "--sweep and --rate exclude each other"},
		{[]string{"--requests", "0"}, "--requests 0 means no count limit"},
		{[]string{"--concurrency", "0"}, "--concurrency must be at least 1"},
		{[]string{"--min-requests", "10"}, "--min-requests applies only with --precision above 0"},
		{[]string{"--precision", "2"}, "--precision: want a precision between 0 and 1"},
		{[]string{"--warmup", "-1"}, "--warmup: "},
		{[]string{"--target", "bogus"}, `--target: unknown kind "bogus"`},
		{[]string{"--target", "openai", "--api", "native"}, `--api: target openai speaks chat`},
	} {
		out, stderr, code := k8sApp(t, append(base, c.args...)...)
		if code != exitUsage || !strings.Contains(stderr, c.want) || out != "" {
			t.Errorf("-- %q: exit %d, stderr %q, %d bytes out; want exit 2 saying %q", c.args, code, stderr, len(out), c.want)
		}
	}
	// What run takes, the manifest takes.
	for _, args := range [][]string{{"--concurrency", "8"}, {"--rate", "5"}, {"--requests", "0", "--duration", "1m"}, {"--target", "openai", "--api", "chat"}} {
		if _, stderr, code := k8sApp(t, append(base, args...)...); code != 0 {
			t.Errorf("-- %q: exit %d %s; want a manifest", args, code, stderr)
		}
	}
}

// TestRunFlagKeysAreRunFlags: scenarios.LayRunFlags, FlagNamed and k8s
// manifest know run's flags by name; a run flag renamed or dropped must
// break this, not leave a flag unlaid or an error naming a key.
func TestRunFlagKeysAreRunFlags(t *testing.T) {
	names := map[string]bool{}
	for _, f := range runCommand(t.Context()).Flags {
		for _, n := range f.Names() {
			names[n] = true
		}
	}
	for key, flag := range scenarios.RunFlagKeys {
		if !names[flag] {
			t.Errorf("scenarios.RunFlagKeys[%q] = %q: run has no such flag", key, flag)
		}
	}
	for _, flag := range append(scenarios.LaidRunFlags, "max-tokens", "prompt-tokens") {
		if !names[flag] {
			t.Errorf("scenarios.LaidRunFlags: run has no flag %q", flag)
		}
	}
}

// TestK8sManifestShardsWithRunFlags: deploy/k8s's shard checks, with the
// load flags after -- read by run's own flag set (its tests name their
// own): a renamed or re-typed run flag that the manifest no longer lays
// breaks this. Each refusal names the flag after --; what every pod runs
// is taken.
func TestK8sManifestShardsWithRunFlags(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		load string
		args []string
		want string // "": taken
	}{
		{"{concurrency: 32, requests: 400}", []string{"-c", "4"}, "--concurrency 4 after --"},
		{"{concurrency: 4, requests: 400}", []string{"--rate", "10"}, ""},
		{"{concurrency: 4, requests: 400}", []string{"--sweep", "4,8"}, ""},
		{"{concurrency: 16, requests: 400}", []string{"-n", "4"}, "--requests 4 after --"},
		{"{concurrency: 16, requests: 4}", []string{"--duration", "30s"}, ""},
		{"{rate: 10, requests: 400}", []string{"--max-concurrency", "4"}, "--max-concurrency 4 after --"},
		{"{concurrency: 8, requests: 400}", []string{"--precision", "5%"}, "--precision 0.05 after --"},
		{"{concurrency: 8, requests: 400, adaptive: {precision: 0.05}}", []string{"--precision", "0"}, ""},
		{"{concurrency: 8, requests: 40}", []string{"--sweep", "2,8", "--bisect", "2"}, "--bisect 2 after --"},
		{"{sweep: [2, 4, 8], requests: 40, capacity_search: {bisect: true}}", []string{"--bisect", "0"}, ""},
	} {
		file := filepath.Join(dir, "s.yaml")
		src := "name: s\ntarget: {model: m, url: 'http://vllm:8000'}\nslo: {ttft: 1s}\nload: " + c.load + "\n"
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		out, stderr, code := k8sApp(t, append([]string{"manifest", "--scenario", file, "--shards", "8", "--image", "img:1", "--"}, c.args...)...)
		switch {
		case c.want == "" && code != 0:
			t.Errorf("%s -- %q: exit %d %s; want a manifest", c.load, c.args, code, stderr)
		case c.want != "" && (code != exitUsage || !strings.Contains(stderr, c.want) || out != ""):
			t.Errorf("%s -- %q: exit %d, stderr %q; want exit 2 saying %q", c.load, c.args, code, stderr, c.want)
		}
	}
}

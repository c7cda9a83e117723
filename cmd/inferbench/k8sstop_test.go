package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestK8sManifestChecksStop: the stop sequences every pod's run would
// send are judged as run judges them, the run flags after -- laid over the
// scenario (--target, --api, --stop): five for OpenAI (four at most), an
// empty one, one on the Responses API, or the file's own on an API the
// flags do not change, are refused with no manifest; every pod's run
// refused them (exit 2) after the Job was applied.
func TestK8sManifestChecksStop(t *testing.T) {
	file := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(file, []byte("name: s\ntarget: {kind: openai, api: responses, url: \"http://127.0.0.1:18000\", model: m}\nworkload: {stop: x}\nload: {concurrency: 2, requests: 2}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	nightly := []string{"manifest", "--scenario", "nightly", "--shards", "2", "--image", "i:v1", "--model", "M", "--url", "http://127.0.0.1:18000", "--pvc", "p", "--"}
	withFile := []string{"manifest", "--scenario", file, "--shards", "2", "--image", "i:v1", "--pvc", "p", "--"}
	for _, tc := range []struct {
		args []string
		want string // "" passes
	}{
		{append(nightly, "--target", "openai", "--stop", "a", "--stop", "b", "--stop", "c", "--stop", "d", "--stop", "e"), "--stop: target openai takes at most 4 stop sequences, got 5"},
		{append(nightly, "--stop", ""), "--stop: an empty stop sequence"},
		{append(nightly, "--target", "openai", "--api", "responses", "--stop", "a"), "--stop: target openai sends no stop sequences on API responses"},
		{append(nightly, "--target", "openai", "--stop", "a", "--stop", "b", "--stop", "c", "--stop", "d"), ""},
		{append(nightly, "--ignore-eos", "--stop", "a"), ""},
		{withFile, "s.yaml:3:18: workload.stop: target openai sends no stop sequences on API responses"},
		{append(withFile, "--api", "chat"), ""},
	} {
		out, stderr, code := k8sApp(t, tc.args...)
		if tc.want == "" {
			if code != 0 || out == "" {
				t.Errorf("%q: exit %d %s; want a manifest", tc.args, code, stderr)
			}
			continue
		}
		if code != exitUsage || !strings.Contains(stderr, tc.want) || out != "" {
			t.Errorf("%q: exit %d, stderr %q, %d bytes out; want exit 2 saying %q and no manifest", tc.args, code, stderr, len(out), tc.want)
		}
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestK8sManifestRefusesLocalFiles: with run's own flags, every run flag
// that names a file (--dataset, --tokenizer, --api-key-file) is refused
// after -- unless the pods have it, and so is a scenario's empirical
// length list or tokenizer: the manifest was written, exit 0, and every
// pod failed after its image pull.
func TestK8sManifestRefusesLocalFiles(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"emp.yaml":      "name: e\ntarget: {model: m}\nload: {concurrency: 2, requests: 10}\nworkload:\n  prompt_tokens: {dist: empirical, file: good.txt}\n",
		"good.txt":      "100\n200\n",
		"tok.yaml":      "name: t\ntarget: {model: m}\nload: {concurrency: 2}\nworkload: {prompt_sizing: tokenizer, tokenizer: qwen3.json.gz}\n",
		"qwen3.json.gz": "{}",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	base := []string{"manifest", "--shards", "2", "--image", "img:1", "--url", "http://vllm:8000"}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--scenario", filepath.Join(dir, "emp.yaml")}, "workload.prompt_tokens.file: good.txt is a file the pods would not have"},
		{[]string{"--scenario", filepath.Join(dir, "tok.yaml")}, "workload.tokenizer: qwen3.json.gz is a file the pods would not have"},
		{[]string{"--scenario", "nightly", "--model", "m", "--", "--dataset", "jsonl:prompts.jsonl"}, "--dataset after -- names prompts.jsonl"},
		{[]string{"--scenario", "nightly", "--model", "m", "--", "--tokenizer", "qwen3.json.gz"}, "--tokenizer after -- names qwen3.json.gz"},
		{[]string{"--scenario", "nightly", "--model", "m", "--", "--api-key-file", "/run/key"}, "--api-key-file /run/key after -- names a file the pods would not have"},
	} {
		out, stderr, code := k8sApp(t, append(base, c.args...)...)
		if code != exitUsage || !strings.Contains(stderr, c.want) || out != "" {
			t.Errorf("%q: exit %d, stderr %q, %d bytes out; want exit 2 saying %q", c.args, code, stderr, len(out), c.want)
		}
	}
	out, stderr, code := k8sApp(t, append(base, "--scenario", "nightly", "--model", "m", "--", "--tokenizer", "/results/tok/qwen3.json.gz")...)
	if code != 0 || !strings.Contains(out, "/results/tok/qwen3.json.gz") {
		t.Errorf("a tokenizer on the claim: exit %d %s; want a manifest", code, stderr)
	}
}

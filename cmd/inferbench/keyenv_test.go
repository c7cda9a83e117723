package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAPIKeyEnvThatIsNotSet: --api-key-env naming a variable that is not
// set (or is empty) is a typo or a forgotten export: refused, exit 2, before
// anything is sent; it ran without a key, and only a server that checks
// keys said so (as 401s). The key's value never appears. A scenario file's
// target.api_key_env that is not set is warned of, not refused (a shared
// file may name a key a local server does not need); the kind's default
// variable unset is nothing to say (vLLM runs without a key).
func TestAPIKeyEnvThatIsNotSet(t *testing.T) {
	dir := t.TempDir()
	base := []string{"run", "--target", "openai", "--url", "http://127.0.0.1:1", "--model", "m", "--gpu-backend", "none", "--requests", "1", "--no-probe"}
	t.Setenv("INFERBENCH_TEST_EMPTY_KEY", "")
	for _, env := range []string{"INFERBENCH_TEST_NO_SUCH_KEY", "INFERBENCH_TEST_EMPTY_KEY"} {
		checkUsageError(t, "--api-key-env "+env+": the environment variable is not set or is empty",
			append(base, "--api-key-env", env, "--out", filepath.Join(dir, env))...)
	}
	// With a key file the variable is not read.
	keyFile := filepath.Join(dir, "key")
	if err := os.WriteFile(keyFile, []byte("sk-test-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, stderr, _ := mainArgs(t, append(base, "--api-key-env", "INFERBENCH_TEST_NO_SUCH_KEY", "--api-key-file", keyFile,
		"--timeout", "1s", "--out", filepath.Join(dir, "file"))...)
	if strings.Contains(stderr, "INFERBENCH_TEST_NO_SUCH_KEY") || strings.Contains(stderr, "sk-test-secret") {
		t.Errorf("with --api-key-file: stderr %q; want no word of the variable, and never the key", stderr)
	}
	// A scenario's variable: a warning, and the run goes on.
	file := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(file, []byte("name: s\ntarget: {kind: openai, url: \"http://127.0.0.1:1\", model: m, api_key_env: INFERBENCH_TEST_NO_SUCH_KEY}\nload: {concurrency: 1, requests: 1}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, _ = mainArgs(t, "run", "--scenario", file, "--gpu-backend", "none", "--no-probe", "--timeout", "1s", "--out", filepath.Join(dir, "scen"))
	if !strings.Contains(stderr, "inferbench: warning: target.api_key_env INFERBENCH_TEST_NO_SUCH_KEY is not set or is empty: requests go without a key") {
		t.Errorf("scenario's unset variable: stderr %q; want the warning", stderr)
	}
	// The kind's default unset: nothing said.
	t.Setenv("OPENAI_API_KEY", "")
	_, stderr, _ = mainArgs(t, append(base, "--timeout", "1s", "--out", filepath.Join(dir, "default"))...)
	if strings.Contains(stderr, "OPENAI_API_KEY is not set") {
		t.Errorf("the kind's default variable unset: stderr %q; want nothing said of it", stderr)
	}
}

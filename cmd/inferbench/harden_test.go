package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestK8sManifestRefusesURLCredentials: `k8s manifest --url` with a
// password or a ?key= (and a scenario whose target.url has a ?key=) is a
// one-line usage error that does not show it, and no manifest is printed
// (the password used to land in the Job's args).
func TestK8sManifestRefusesURLCredentials(t *testing.T) {
	file := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(file, []byte(chatScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	keyed := filepath.Join(t.TempDir(), "keyed.yaml")
	if err := os.WriteFile(keyed, []byte(strings.Replace(chatScenario, `"http://mock"`, `"http://mock/v1?api_key=PASSWORD"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"--scenario", file, "--url", "http://u:PASSWORD@vllm:8000"},
		{"--scenario", file, "--url", "http://vllm:8000/v1?key=PASSWORD"},
		{"--scenario", keyed},
	} {
		out, stderr, code := k8sApp(t, append([]string{"manifest", "--shards", "2", "--image", "img:1"}, args...)...)
		if code != exitUsage || out != "" || strings.Contains(stderr, "PASSWORD") || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "credential") {
			t.Errorf("%q: exit %d, %d bytes of manifest, stderr %q; want exit 2, one line without the password", args, code, len(out), stderr)
		}
	}
}

// TestK8sTarRefusesLinkAndEmpty: `k8s tar LINK` and `k8s tar EMPTY_DIR`
// fail (they used to exit 0 with an empty archive); `k8s tar ..` names
// its entries under the parent's name.
func TestK8sTarRefusesLinkAndEmpty(t *testing.T) {
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "bench")
	if err := os.MkdirAll(filepath.Join(dir, "shard-0"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(dir, filepath.Join(tmp, "link")); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{filepath.Join(tmp, "link"), dir} {
		out, stderr, code := k8sApp(t, "tar", d)
		if code != exitUsage || out != "" {
			t.Errorf("tar %s: exit %d, %d bytes out, %q; want exit 2 and no archive", d, code, len(out), stderr)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "shard-0", "run.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join(dir, "shard-0"))
	out, stderr, code := k8sApp(t, "tar", "..")
	if code != 0 || strings.Contains(out, "../") || !strings.Contains(out, "bench/shard-0/run.json") {
		t.Errorf("tar ..: exit %d %q; want entries under bench/", code, stderr)
	}
}

// TestHistoryStoreRefused: a misspelt --store is a one-line usage error
// with the password masked, and creates no file.
func TestHistoryStoreRefused(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, store := range []string{"postgress://u:PASSWORD@host/db", "host=db user=u password=PASSWORD dbname=x"} {
		_, _, err := runApp(t, "history", "list", "--store", store)
		var stderr strings.Builder
		code := exitCode(err, &stderr)
		if code != exitUsage || strings.Contains(stderr.String(), "PASSWORD") || strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("--store %q: exit %d %q; want exit 2, one line, the password masked", store, code, stderr.String())
		}
	}
	if left, _ := os.ReadDir(dir); len(left) > 0 {
		t.Errorf("refused stores left files behind: %v", left)
	}
}

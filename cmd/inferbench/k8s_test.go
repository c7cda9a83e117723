package main

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

func k8sApp(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	app := &cli.App{Name: "inferbench", Writer: &stdout, ErrWriter: &stderr, ExitErrHandler: func(*cli.Context, error) {},
		Commands: []*cli.Command{k8sCommand()},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usagef("%v", err)
		}}
	err := app.RunContext(t.Context(), append([]string{"inferbench", "k8s"}, args...))
	code := exitCode(err, &stderr)
	return stdout.String(), stderr.String(), code
}

// TestK8sManifestCommand: the command's output decodes as a Job with N
// completions running the scenario (written back from the ConfigMap) as
// shards; a bisecting scenario is refused.
func TestK8sManifestCommand(t *testing.T) {
	file := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(file, []byte(chatScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := k8sApp(t, "manifest", "--scenario", file, "--shards", "3", "--image", "img:1", "--", "--warmup", "0")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	docs := strings.Split(out, "\n---\n")
	var job batchv1.Job
	if len(docs) != 2 || yaml.UnmarshalStrict([]byte(docs[1]), &job) != nil {
		t.Fatalf("not a ConfigMap and a Job:\n%s", out)
	}
	if *job.Spec.Completions != 3 || *job.Spec.Parallelism != 3 {
		t.Errorf("completions %d parallelism %d; want 3", *job.Spec.Completions, *job.Spec.Parallelism)
	}
	args := strings.Join(job.Spec.Template.Spec.Containers[0].Args, " ")
	if !strings.Contains(args, "--shard $(JOB_COMPLETION_INDEX)/3") || !strings.HasSuffix(args, "--warmup 0") {
		t.Errorf("args %q", args)
	}
	if !strings.Contains(docs[0], "concurrency: 16") {
		t.Errorf("ConfigMap lacks the scenario:\n%s", docs[0])
	}
	_, stderr, code = k8sApp(t, "manifest", "--scenario", "interactive-chat", "--model", "m", "--shards", "2", "--image", "img:1")
	if code != exitUsage || !strings.Contains(stderr, "bisects for capacity") {
		t.Errorf("bisecting scenario: exit %d %q; want 2", code, stderr)
	}
	// nightly names no model: without --model every pod's run would fail.
	_, stderr, code = k8sApp(t, "manifest", "--scenario", "nightly", "--shards", "2", "--image", "img:1")
	if code != exitUsage || !strings.Contains(stderr, "names no model") {
		t.Errorf("nightly without --model: exit %d %q; want 2, names no model", code, stderr)
	}
	out, stderr, code = k8sApp(t, "manifest", "--scenario", "nightly", "--model", "meta-llama/Llama-3.1-8B-Instruct", "--shards", "2", "--image", "img:1")
	docs = strings.Split(out, "\n---\n")
	if code != 0 || len(docs) != 2 || yaml.UnmarshalStrict([]byte(docs[1]), &job) != nil {
		t.Fatalf("nightly --model: exit %d %s\n%s", code, stderr, out)
	}
	if args := strings.Join(job.Spec.Template.Spec.Containers[0].Args, " "); !strings.Contains(args, "--model meta-llama/Llama-3.1-8B-Instruct") ||
		!strings.Contains(docs[0], "model: meta-llama/Llama-3.1-8B-Instruct") {
		t.Errorf("pods do not ask for the model: args %q\n%s", args, docs[0])
	}
}

// TestK8sManifestChecksRunFlags: the run flags after -- are read with
// inferbench run's own flags as the manifest is made, in run's words, so
// that a typo fails here and not in every pod after its image pull; the
// flags the Job's args set themselves are refused, and valid flags (an
// alias among them) pass as given.
func TestK8sManifestChecksRunFlags(t *testing.T) {
	base := []string{"manifest", "--scenario", "nightly", "--model", "m", "--shards", "2", "--image", "img:1", "--url", "http://vllm:8000", "--"}
	for _, tc := range []struct {
		args []string
		want string // "" passes
	}{
		{[]string{"-c", "4", "--max-tokens", "64", "--warmup=0"}, ""},
		{[]string{"--concurency", "8"}, "k8s: after --, inferbench run: unknown flag --concurency (did you mean --concurrency?); see inferbench run --help"},
		{[]string{"-c", "8x"}, `k8s: after --, inferbench run: -c: invalid value "8x": want a whole number`},
		{[]string{"--timeout", "30"}, `--timeout: invalid value "30": want a duration with its unit`},
		{[]string{"--max-tokens", "64", "extra"}, `"extra" is not a flag`},
		{[]string{"--out", "/results/x"}, "k8s: --out after -- is the Job's own"},
		{[]string{"--shard", "0/1"}, "k8s: --shard after -- is the Job's own"},
		{[]string{"--url", "http://other:8000"}, "k8s: --url after -- and k8s manifest's --url both set it"},
	} {
		out, stderr, code := k8sApp(t, append(base, tc.args...)...)
		if tc.want == "" {
			if code != 0 || !strings.Contains(out, "- --max-tokens") {
				t.Errorf("%q: exit %d %s; want a manifest", tc.args, code, stderr)
			}
			continue
		}
		if code != exitUsage || !strings.Contains(stderr, tc.want) || out != "" {
			t.Errorf("%q: exit %d, stderr %q, %d bytes out; want exit 2 saying %q and no manifest", tc.args, code, stderr, len(out), tc.want)
		}
	}
}

// TestK8sCollect: the collector pod, the tar stream of a run directory
// tree (what kubectl exec carries out of the pod) unpacks to the same
// bytes, and hold ends at --for or when the process is told to stop.
func TestK8sCollect(t *testing.T) {
	out, stderr, code := k8sApp(t, "collector", "--image", "img:1", "--name", "bench", "--hold", "5m")
	var pod corev1.Pod
	if code != 0 || yaml.UnmarshalStrict([]byte(out), &pod) != nil || pod.Name != "bench-collect" ||
		pod.Spec.Volumes[0].PersistentVolumeClaim.ClaimName != "inferbench-results" {
		t.Fatalf("collector: exit %d %s\n%s", code, stderr, out)
	}

	root := filepath.Join(t.TempDir(), "bench")
	want := map[string]string{"bench/shard-0/run.json": `{"a":1}`, "bench/shard-1/requests.jsonl": "{}\n{}\n"}
	for name, body := range want {
		p := filepath.Join(filepath.Dir(root), name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, stderr, code = k8sApp(t, "tar", root)
	if code != 0 {
		t.Fatalf("tar: exit %d %s", code, stderr)
	}
	got := map[string]string{}
	tr := tar.NewReader(strings.NewReader(out))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not a tar stream: %v", err)
		}
		if h.Typeflag == tar.TypeReg {
			b, _ := io.ReadAll(tr)
			got[h.Name] = string(b)
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("unpacked %q, want %q", got, want)
	}
	if _, stderr, code := k8sApp(t, "tar"); code != exitUsage || !strings.Contains(stderr, "one directory") {
		t.Errorf("tar without a directory: exit %d %q", code, stderr)
	}
	if _, stderr, code := k8sApp(t, "tar", filepath.Join(root, "absent")); code != exitUsage || !strings.Contains(stderr, "absent") {
		t.Errorf("tar of a missing directory: exit %d %q", code, stderr)
	}

	start := time.Now()
	if _, stderr, code := k8sApp(t, "hold", "--for", "20ms"); code != 0 || time.Since(start) < 20*time.Millisecond {
		t.Errorf("hold: exit %d %q after %v", code, stderr, time.Since(start))
	}
	// Stopped (SIGTERM cancels the app's context): returns at once, exit 0.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	app := &cli.App{Name: "inferbench", Writer: io.Discard, ErrWriter: io.Discard, Commands: []*cli.Command{k8sCommand()}}
	start = time.Now()
	if err := app.RunContext(ctx, []string{"inferbench", "k8s", "hold", "--for", "1h"}); err != nil || time.Since(start) > time.Minute {
		t.Errorf("stopped hold: %v after %v", err, time.Since(start))
	}
}

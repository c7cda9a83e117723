package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
	batchv1 "k8s.io/api/batch/v1"
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
	_, stderr, code = k8sApp(t, "manifest", "--scenario", "interactive-chat", "--shards", "2", "--image", "img:1")
	if code != exitUsage || !strings.Contains(stderr, "bisects for capacity") {
		t.Errorf("bisecting scenario: exit %d %q; want 2", code, stderr)
	}
}

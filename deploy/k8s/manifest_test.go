package k8s

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/scenarios"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// TestManifestDecodesAsIndexedJob decodes the YAML stream back, strictly
// (no unknown field), into a batch/v1 Job and a v1 ConfigMap and checks the
// fields a sharded run depends on.
func TestManifestDecodesAsIndexedJob(t *testing.T) {
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	b, err := manifestOf(t, Options{Name: "bench", Namespace: "load", Image: "registry.example/inferbench:1", Shards: 4,
		URL: "http://vllm:8000", StartAt: &at, Now: at.Add(-5 * time.Minute), PVC: "results", Secret: "keys"})
	if err != nil {
		t.Fatal(err)
	}
	docs := bytes.Split(b, []byte("\n---\n"))
	if len(docs) != 2 {
		t.Fatalf("%d documents; want ConfigMap and Job:\n%s", len(docs), b)
	}
	var cm corev1.ConfigMap
	if err := yaml.UnmarshalStrict(docs[0], &cm); err != nil {
		t.Fatalf("ConfigMap: %v", err)
	}
	var job batchv1.Job
	if err := yaml.UnmarshalStrict(docs[1], &job); err != nil {
		t.Fatalf("Job: %v", err)
	}
	if cm.APIVersion != "v1" || cm.Kind != "ConfigMap" || cm.Name != "bench-scenario" || cm.Namespace != "load" ||
		!strings.Contains(cm.Data[ScenarioKey], "concurrency: 16") {
		t.Errorf("ConfigMap %+v", cm)
	}
	s := job.Spec
	if job.APIVersion != "batch/v1" || job.Kind != "Job" || job.Name != "bench" || job.Namespace != "load" {
		t.Errorf("Job header %s %s %s/%s", job.APIVersion, job.Kind, job.Namespace, job.Name)
	}
	if s.CompletionMode == nil || *s.CompletionMode != batchv1.IndexedCompletion || s.Completions == nil || *s.Completions != 4 ||
		s.Parallelism == nil || *s.Parallelism != 4 || s.BackoffLimit == nil || *s.BackoffLimit != 0 {
		t.Errorf("Job spec: mode %v completions %v parallelism %v backoff %v", s.CompletionMode, s.Completions, s.Parallelism, s.BackoffLimit)
	}
	pod := s.Template.Spec
	if pod.RestartPolicy != corev1.RestartPolicyNever || len(pod.Containers) != 1 {
		t.Fatalf("pod %+v", pod)
	}
	c := pod.Containers[0]
	want := []string{"run", "--shard", "$(JOB_COMPLETION_INDEX)/4", "--scenario", "/etc/inferbench/scenario.yaml",
		"--out", "/results/bench/shard-$(JOB_COMPLETION_INDEX)", "--quiet", "--url", "http://vllm:8000", "--start-at", "2026-11-27T10:00:00Z", "--model", "m"}
	if c.Image != "registry.example/inferbench:1" || !slices.Equal(c.Command, []string{"/inferbench"}) || !slices.Equal(c.Args, want) {
		t.Errorf("container %s %v %v; want args %v", c.Image, c.Command, c.Args, want)
	}
	if len(c.Env) != 1 || c.Env[0].Name != IndexEnv || c.Env[0].ValueFrom == nil || c.Env[0].ValueFrom.FieldRef == nil ||
		c.Env[0].ValueFrom.FieldRef.FieldPath != "metadata.annotations['batch.kubernetes.io/job-completion-index']" {
		t.Errorf("index env %+v", c.Env)
	}
	if len(c.EnvFrom) != 1 || c.EnvFrom[0].SecretRef == nil || c.EnvFrom[0].SecretRef.Name != "keys" {
		t.Errorf("envFrom %+v", c.EnvFrom)
	}
	vols := map[string]corev1.Volume{}
	for _, v := range pod.Volumes {
		vols[v.Name] = v
	}
	if v := vols["scenario"]; v.ConfigMap == nil || v.ConfigMap.Name != "bench-scenario" {
		t.Errorf("scenario volume %+v", v)
	}
	if v := vols["results"]; v.PersistentVolumeClaim == nil || v.PersistentVolumeClaim.ClaimName != "results" {
		t.Errorf("results volume %+v", v)
	}
	if strings.Contains(string(b), "api_key") || strings.Contains(string(b), "OPENAI_API_KEY") {
		t.Error("the manifest names a key; it must come from the Secret only")
	}
}

func TestManifestRefuse(t *testing.T) {
	_, err := manifestOf(t, Options{Shards: 0})
	for _, want := range []string{"image is required", "shards must be at least 1", "PersistentVolumeClaim"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err %v; want it to say %q", err, want)
		}
	}
}

// manifestOf is ScenarioManifest of a scenario of 16 workers, 100 requests
// and model m, with o.
func manifestOf(t *testing.T, o Options) ([]byte, error) {
	t.Helper()
	s, err := scenarios.Load("s.yaml", []byte("name: s\ntarget: {model: m, url: 'http://vllm:8000'}\nload: {concurrency: 16, requests: 100}\n"))
	if err != nil {
		t.Fatal(err)
	}
	return ScenarioManifest(s, "s.yaml", "", o)
}

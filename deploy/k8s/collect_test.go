package k8s

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// TestCollectorPod decodes the pod back strictly and checks what collecting
// depends on: the claim mounted read-only where the Job wrote, the hold
// command, a deadline past the hold, the restricted security context.
func TestCollectorPod(t *testing.T) {
	b, err := CollectorManifest(CollectorOptions{Name: "bench", Namespace: "load", Image: "img:1", PVC: "results", Hold: 20 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	var pod corev1.Pod
	if err := yaml.UnmarshalStrict(b, &pod); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if pod.APIVersion != "v1" || pod.Kind != "Pod" || pod.Name != "bench-collect" || pod.Namespace != "load" {
		t.Errorf("header %s %s %s/%s", pod.APIVersion, pod.Kind, pod.Namespace, pod.Name)
	}
	s := pod.Spec
	if s.RestartPolicy != corev1.RestartPolicyNever || s.ActiveDeadlineSeconds == nil || *s.ActiveDeadlineSeconds != 20*60+60 {
		t.Errorf("restart %v deadline %v", s.RestartPolicy, s.ActiveDeadlineSeconds)
	}
	if len(s.Containers) != 1 {
		t.Fatalf("%d containers", len(s.Containers))
	}
	c := s.Containers[0]
	if c.Image != "img:1" || !slices.Equal(c.Command, []string{"/inferbench"}) || !slices.Equal(c.Args, []string{"k8s", "hold", "--for", "20m0s"}) {
		t.Errorf("container %s %v %v", c.Image, c.Command, c.Args)
	}
	if len(c.VolumeMounts) != 1 || c.VolumeMounts[0].MountPath != ResultsDir || !c.VolumeMounts[0].ReadOnly {
		t.Errorf("mounts %+v", c.VolumeMounts)
	}
	if len(s.Volumes) != 1 || s.Volumes[0].PersistentVolumeClaim == nil || s.Volumes[0].PersistentVolumeClaim.ClaimName != "results" ||
		!s.Volumes[0].PersistentVolumeClaim.ReadOnly {
		t.Errorf("volumes %+v", s.Volumes)
	}
	if sc := c.SecurityContext; sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
		t.Errorf("security context %+v", sc)
	}
	if _, err := CollectorPod(CollectorOptions{}); err == nil || !strings.Contains(err.Error(), "image") || !strings.Contains(err.Error(), "PersistentVolumeClaim") {
		t.Errorf("no image, no claim: %v", err)
	}
	// Defaults: the name and the hold.
	if p, err := CollectorPod(CollectorOptions{Image: "i", PVC: "c"}); err != nil || p.Name != "inferbench-collect" ||
		p.Spec.Containers[0].Args[3] != DefaultHold.String() {
		t.Errorf("defaults: %v %+v", err, p)
	}
}

// TestWriteTar: the archive holds DIR's directories and regular files
// under DIR's base name, with their bytes and modes, in lexical order; a
// symbolic link is left out and named.
func TestWriteTar(t *testing.T) {
	root := filepath.Join(t.TempDir(), "bench")
	files := map[string]string{
		"shard-0/run.json":       `{"exit_state":"complete"}`,
		"shard-0/requests.jsonl": strings.Repeat(`{"id":0}`+"\n", 1000),
		"shard-1/run.json":       `{"exit_state":"interrupted"}`,
		"shard-1/empty.jsonl":    "",
	}
	for name, body := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("run.json", filepath.Join(root, "shard-1", "link")); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	skipped, err := WriteTar(&buf, root+"/")
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) != 1 || !strings.HasSuffix(skipped[0], "link") {
		t.Errorf("skipped %q; want the link", skipped)
	}
	tr := tar.NewReader(&buf)
	var names []string
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if h.Uname != "" || h.Uid != 0 {
			t.Errorf("%s: owner %s/%d", h.Name, h.Uname, h.Uid)
		}
		if h.Typeflag == tar.TypeDir {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		rel := strings.TrimPrefix(h.Name, "bench/")
		if string(b) != files[rel] || h.Mode&0o777 != 0o640 {
			t.Errorf("%s: %d bytes mode %o; want %d bytes mode 640", h.Name, len(b), h.Mode, len(files[rel]))
		}
	}
	want := []string{"bench/", "bench/shard-0/", "bench/shard-0/requests.jsonl", "bench/shard-0/run.json",
		"bench/shard-1/", "bench/shard-1/empty.jsonl", "bench/shard-1/run.json"}
	if !slices.Equal(names, want) {
		t.Errorf("entries %q\nwant    %q", names, want)
	}
	if _, err := WriteTar(io.Discard, filepath.Join(root, "shard-0", "run.json")); err == nil {
		t.Error("a file taken for a directory")
	}
	if _, err := WriteTar(io.Discard, filepath.Join(root, "absent")); err == nil {
		t.Error("a missing directory accepted")
	}
}

package k8s

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/scenarios"
)

// TestManifestRefuseURLCredentials: a target URL with user info or a
// key-like query parameter is refused, and the error does not show it.
func TestManifestRefuseURLCredentials(t *testing.T) {
	for _, u := range []string{"http://u:PASSWORD@vllm:8000", "http://vllm:8000/v1?key=PASSWORD", "https://proxy/v1?x=1&Access_Token=PASSWORD"} {
		_, err := manifestOf(t, Options{Image: "i", Shards: 1, PVC: "p", URL: u})
		if err == nil || !strings.Contains(err.Error(), "credential") || strings.Contains(err.Error(), "PASSWORD") {
			t.Errorf("URL %s: err %v; want a refusal that does not show the credential", u, err)
		}
	}
	if _, err := manifestOf(t, Options{Image: "i", Shards: 1, PVC: "p", URL: "http://vllm:8000/v1?model=m"}); err != nil {
		t.Errorf("a URL without credentials: %v", err)
	}
	// The run flags after -- travel into the Job's args as given (but
	// --server-args, redacted: TestJobArgsRedactServerArgs): the same rule
	// holds there.
	for _, args := range [][]string{
		{"--url", "http://u:PASSWORD@x:8000"},
		{"--url=http://x:8000/?api_key=PASSWORD"},
		{"--gpu-url", "http://dcgm:9400/metrics?access_token=PASSWORD"},
	} {
		_, err := manifestOf(t, Options{Image: "i", Shards: 1, PVC: "p", Args: args})
		if err == nil || !strings.Contains(err.Error(), "after --") || strings.Contains(err.Error(), "PASSWORD") {
			t.Errorf("run flags %q: err %v; want a refusal that does not show the credential", args, err)
		}
	}
	if _, err := manifestOf(t, Options{Image: "i", Shards: 1, PVC: "p", Args: []string{"--gpu-url", "http://dcgm:9400/metrics", "--concurrency", "8"}}); err != nil {
		t.Errorf("run flags without credentials: %v", err)
	}
}

// TestManifestRefuseBadNames: a name the API server or the kubelet would
// refuse (a namespace with capitals or an underscore, a claim with an
// underscore, an image with a space) is refused when the manifest is made,
// each by its field, all at once; before, the manifest was written and
// kubectl apply failed, or the pods failed as InvalidImageName. The
// collector pod checks the same.
func TestManifestRefuseBadNames(t *testing.T) {
	good := Options{Image: "registry.example/inferbench:v1", Shards: 2, PVC: "inferbench-results",
		Namespace: "bench", Secret: "inferbench-keys", Name: "nightly-4x"}
	if _, err := manifestOf(t, good); err != nil {
		t.Fatalf("good names: %v", err)
	}
	bad := good
	bad.Name, bad.Namespace, bad.PVC, bad.Secret, bad.Image = "Nightly", "Bad_NS", "my_pvc", "a b", "x y"
	_, err := manifestOf(t, bad)
	for _, want := range []string{`name "Nightly": a lowercase RFC 1123 label`, `namespace "Bad_NS": a lowercase RFC 1123 label`,
		`PersistentVolumeClaim "my_pvc": a lowercase RFC 1123 subdomain`, `Secret "a b": a lowercase RFC 1123 subdomain`,
		`image "x y": an image reference holds no white space`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("bad names: %v; want %q", err, want)
		}
	}
	if _, err := CollectorPod(CollectorOptions{Image: "x\ty", PVC: "p", Namespace: "NS"}); err == nil ||
		!strings.Contains(err.Error(), `image "x\ty"`) || !strings.Contains(err.Error(), `namespace "NS"`) {
		t.Errorf("collector with bad names: %v", err)
	}
}

// tarNames returns the entry names of a tar stream.
func tarNames(t *testing.T, b []byte) []string {
	t.Helper()
	var names []string
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
	}
}

// climbs reports whether a tar entry name would land outside the directory
// it is unpacked in.
func climbs(name string) bool {
	if strings.HasPrefix(name, "/") {
		return true
	}
	for _, el := range strings.Split(name, "/") {
		if el == ".." {
			return true
		}
	}
	return false
}

// TestWriteTarNamesStayInside: "..", "." and a path with ".." in it are
// archived under the base name of the directory they mean, and no entry
// name is absolute or holds "..".
func TestWriteTarNamesStayInside(t *testing.T) {
	top := filepath.Join(t.TempDir(), "results")
	if err := os.MkdirAll(filepath.Join(top, "bench", "shard-0"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(top, "bench", "shard-0", "run.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join(top, "bench", "shard-0"))
	for dir, first := range map[string]string{
		"..":                   "bench/",
		".":                    "shard-0/",
		"../../bench/../bench": "bench/",
		"../":                  "bench/",
	} {
		var buf bytes.Buffer
		if _, err := WriteTar(&buf, dir); err != nil {
			t.Fatalf("WriteTar(%q): %v", dir, err)
		}
		names := tarNames(t, buf.Bytes())
		if len(names) == 0 || names[0] != first {
			t.Errorf("WriteTar(%q): entries %q; want them under %s", dir, names, first)
		}
		for _, n := range names {
			if climbs(n) {
				t.Errorf("WriteTar(%q): entry %q climbs out", dir, n)
			}
		}
	}
	if _, err := WriteTar(io.Discard, "/"); err == nil {
		t.Error("the root accepted: its entries would have no base name")
	}
}

// TestWriteTarRefusesLinksAndEmptiness: a link given as the directory is
// refused (it used to give an empty archive and no error); a directory
// with no regular file is an error with nothing written; a link inside
// pointing outside is left out and named, never followed.
func TestWriteTarRefusesLinksAndEmptiness(t *testing.T) {
	tmp := t.TempDir()
	outside := filepath.Join(tmp, "outside")
	if err := os.MkdirAll(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("s3cr3t"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(tmp, "link")
	if err := os.Symlink(outside, link); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{link, link + "/"} {
		var buf bytes.Buffer
		_, err := WriteTar(&buf, dir)
		if err == nil || !strings.Contains(err.Error(), "symbolic link") || buf.Len() != 0 {
			t.Errorf("WriteTar(%q) = %v with %d bytes; want a refusal and nothing written", dir, err, buf.Len())
		}
	}

	empty := filepath.Join(tmp, "empty")
	if err := os.MkdirAll(filepath.Join(empty, "shard-0"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(empty, "shard-0", "out")); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	skipped, err := WriteTar(&buf, empty)
	if err == nil || !strings.Contains(err.Error(), "no regular file") || buf.Len() != 0 {
		t.Errorf("WriteTar(empty) = %v with %d bytes; want an error and nothing written", err, buf.Len())
	}
	if len(skipped) != 1 || !strings.HasSuffix(skipped[0], "out") {
		t.Errorf("skipped %q; want the link named", skipped)
	}

	if err := os.WriteFile(filepath.Join(empty, "shard-0", "run.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if _, err := WriteTar(&buf, empty); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte("s3cr3t")) {
		t.Error("the archive holds a file reached through a link")
	}
}

// TestScenarioManifestRefusesURLCredentials: the scenario travels in the
// ConfigMap, so its target.url and its gpu.url may carry no credential
// (gpu.url's access_token was written into the ConfigMap); the error does
// not show it.
func TestScenarioManifestRefusesURLCredentials(t *testing.T) {
	for _, src := range []string{
		"name: s\nload: {concurrency: 1, requests: 2}\ntarget: {model: m, url: 'http://vllm:8000/?api_key=PASSWORD'}\n",
		"name: s\nload: {concurrency: 1, requests: 2}\ntarget: {model: m}\ngpu: {backend: dcgm, url: 'http://dcgm:9400/metrics?access_token=PASSWORD'}\n",
	} {
		s, err := scenarios.Load("s.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		_, err = ScenarioManifest(s, "s.yaml", "", Options{Image: "i", Shards: 1, PVC: "p"})
		if err == nil || !strings.Contains(err.Error(), "holds a credential") || strings.Contains(err.Error(), "PASSWORD") {
			t.Errorf("%s: err %v; want a refusal that does not show the credential", src, err)
		}
	}
}

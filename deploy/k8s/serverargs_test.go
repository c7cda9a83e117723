package k8s

import (
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/scenarios"
)

// TestJobArgsRedactServerArgs: --server-args after -- is the server's
// launch command as pasted, which may hold its keys; the Job's args, read
// by anyone who can read the Job, carry it as session.RedactLaunchArgs
// writes it (run.json keeps it so too). They carried
// `--api-key=sk-secret HF_TOKEN=hf_abc` as given: only a bearer token or
// a URL's credential was caught.
func TestJobArgsRedactServerArgs(t *testing.T) {
	flags := append([]cli.Flag{&cli.StringFlag{Name: "server-args"}}, loadFlags...)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--server-args", "vllm serve m --api-key=sk-secret HF_TOKEN=hf_abc"}, "vllm serve m --api-key=REDACTED HF_TOKEN=REDACTED"},
		{[]string{"-c", "4", "-server-args=vllm serve m --hf-token hf_abc"}, "-server-args=vllm serve m --hf-token REDACTED"},
		{[]string{"--server-args", "proxy -H 'Authorization: Bearer sk-secret'", "-n", "8"}, "Authorization: Bearer REDACTED"},
		{[]string{"--server-args", "vllm serve m --download-dir http://u:hf_abc@mirror/"}, "--download-dir http://u:REDACTED@mirror/"},
		{[]string{"--server-args=serve --max-num-batched-tokens 8192"}, "--server-args=serve --max-num-batched-tokens 8192"},
	} {
		s, err := scenarios.Load("s.yaml", []byte("name: s\ntarget: {model: m, url: 'http://vllm:8000'}\nload: {concurrency: 4, requests: 100}\n"))
		if err != nil {
			t.Fatal(err)
		}
		b, err := ScenarioManifest(s, "s.yaml", "", Options{Image: "i", Shards: 2, PVC: "p", Args: c.args, RunFlags: flags})
		if err != nil {
			t.Errorf("%q: %v", c.args, err)
			continue
		}
		if y := string(b); strings.Contains(y, "sk-secret") || strings.Contains(y, "hf_abc") || !strings.Contains(y, c.want) {
			t.Errorf("%q: the Job's args show a secret or lack %q:\n%s", c.args, c.want, y)
		}
	}
}

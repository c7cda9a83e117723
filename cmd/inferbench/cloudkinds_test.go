package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// The kinds of issue #23 through the whole `run` command (docs/backends.md).

// cloudKind is one kind and API as a run reaches it on the mock.
type cloudKind struct {
	kind, api, path, model string
}

// cloudKinds are the new adapters and the mock route of each: every
// protocol decoder once (the OpenAI-compatible providers that share the
// vLLM route are in TestRunCloudKinds).
var cloudKinds = []cloudKind{
	{"bedrock", "chat", "", "us.amazon.nova-micro-v1:0"},
	{"bedrock", "native", "", "us.meta.llama3-1-8b-instruct-v1:0"},
	{"azure", "chat", "", "my-deployment"},
	{"azure", "responses", "/azure/openai/v1", "my-deployment"},
	{"openai", "responses", "", "gpt-5"},
	{"vertex", "chat", "/v1/projects/p/locations/europe-west4", "gemini-2.5-flash"},
	{"openrouter", "chat", "/api/v1", "meta-llama/llama-3.3-70b-instruct"},
	{"replicate", "native", "", "meta/meta-llama-3-8b-instruct"},
	{"trtllm", "native", "", "ensemble"},
}

// setCloudEnv gives the cloud kinds their credentials and region from the
// environment, as a user's shell would, and keeps the AWS SDK away from
// this machine's files and instance metadata.
func setCloudEnv(t *testing.T) {
	t.Helper()
	for k, v := range map[string]string{
		"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "aws-secret-test", "AWS_SESSION_TOKEN": "",
		"AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull, "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_BEARER_TOKEN_BEDROCK": "", "AWS_PROFILE": "",
		"AZURE_OPENAI_API_KEY": "azure-key-test", "AZURE_OPENAI_AD_TOKEN": "",
		"GOOGLE_OAUTH_ACCESS_TOKEN": "ya29.test", "GOOGLE_CLOUD_PROJECT": "p", "GOOGLE_CLOUD_LOCATION": "europe-west4",
		"OPENAI_API_KEY": "sk-test", "OPENROUTER_API_KEY": "or-test", "REPLICATE_API_TOKEN": "r8_test",
	} {
		t.Setenv(k, v)
	}
}

// TestFaultMatrixCloud is TestFaultMatrix over the new adapters: every
// fault the mock injects lands in the same class through each.
func TestFaultMatrixCloud(t *testing.T) {
	setCloudEnv(t)
	want := map[mock.FaultKind]rundir.ErrorClass{
		mock.Fault429:         rundir.RateLimited,
		mock.Fault500:         rundir.HTTP5xx,
		mock.Fault503:         rundir.HTTP5xx,
		mock.FaultSlowHeaders: rundir.Timeout,
		mock.FaultErrorEvent:  rundir.StreamErr,
		mock.FaultDisconnect:  rundir.Connection,
		mock.FaultStall:       rundir.Timeout,
		mock.FaultMalformed:   rundir.Protocol,
		mock.FaultOversized:   "",
	}
	for _, k := range cloudKinds {
		for _, fault := range mock.FaultKinds() {
			t.Run(fmt.Sprintf("%s-%s/%s", k.kind, k.api, fault), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					m, err := mock.New(mock.Config{TTFT: 10 * time.Millisecond, ITL: 5 * time.Millisecond, OutputTokens: 8,
						Faults: mock.FaultRates{fault: 1}, FaultAfterTokens: 2, FaultDuration: 2 * time.Second})
					if err != nil {
						t.Fatal(err)
					}
					pn := serveOnPipe(t, m)
					dir := filepath.Join(t.TempDir(), "run")
					_, stderr, err := runOnPipe(t.Context(), pn, "--target", k.kind, "--api", k.api, "--url", "http://mock"+k.path,
						"--model", k.model, "--requests", "3", "--max-tokens", "8", "--timeout", "500ms", "--spread", "0",
						"--no-probe", "--gpu-backend", "none", "--server-metrics", "off", "--out", dir, "-q")
					if err != nil && !(want[fault] != "" && allFailed(err)) {
						t.Fatalf("run: %v\n%s", err, stderr)
					}
					recs := readRecords(t, dir)
					if len(recs) != 3 {
						t.Fatalf("records = %d; want 3", len(recs))
					}
					for _, r := range recs {
						if r.ErrorClass != want[fault] || r.OK != (want[fault] == "") {
							t.Errorf("record %d: ok %v class %q (%s); want class %q", r.ID, r.OK, r.ErrorClass, r.Error, want[fault])
						}
					}
					sum, _, err := report.SummarizeRun(dir, report.SLO{})
					if err != nil {
						t.Fatal(err)
					}
					if w := want[fault]; w != "" && sum.Levels[0].Errors[w] != 3 {
						t.Errorf("summary errors = %v; want %s 3", sum.Levels[0].Errors, w)
					}
				})
			})
		}
	}
}

// TestRunCloudKinds: every new kind runs against the mock with exact fixed
// timings (virtual time): all requests succeed, each with the requested
// output length as the server counted it (or counted from events where the
// protocol reports none), and TTFT is the mock's.
func TestRunCloudKinds(t *testing.T) {
	setCloudEnv(t)
	for _, env := range []string{"TOGETHER_API_KEY", "FIREWORKS_API_KEY", "DEEPINFRA_API_KEY", "NVIDIA_API_KEY", "SGLANG_API_KEY"} {
		t.Setenv(env, "k-test")
	}
	kinds := append(append([]cloudKind{}, cloudKinds...),
		cloudKind{"azure", "completions", "", "my-deployment"},
		cloudKind{"together", "chat", "/v1", "meta-llama/Llama-3.3-70B-Instruct-Turbo"},
		cloudKind{"fireworks", "chat", "/v1", "accounts/fireworks/models/llama-v3p1-8b-instruct"},
		cloudKind{"deepinfra", "chat", "/v1", "meta-llama/Llama-3.3-70B-Instruct"},
		cloudKind{"nim", "chat", "/v1", "meta/llama-3.1-8b-instruct"},
		cloudKind{"sglang", "chat", "", "m"},
		cloudKind{"trtllm", "chat", "", "m"},
		cloudKind{"trtllm", "completions", "", "m"},
	)
	for _, k := range kinds {
		t.Run(k.kind+"-"+k.api, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				m, err := mock.New(mock.Config{TTFT: 40 * time.Millisecond, ITL: 10 * time.Millisecond, OutputTokens: 12})
				if err != nil {
					t.Fatal(err)
				}
				pn := serveOnPipe(t, m)
				dir := filepath.Join(t.TempDir(), "run")
				_, stderr, err := runOnPipe(t.Context(), pn, "--target", k.kind, "--api", k.api, "--url", "http://mock"+k.path,
					"--model", k.model, "--requests", "4", "--concurrency", "2", "--max-tokens", "12", "--spread", "0",
					"--gpu-backend", "none", "--server-metrics", "off", "--out", dir, "-q")
				if err != nil {
					t.Fatalf("run: %v\n%s", err, stderr)
				}
				recs := readRecords(t, dir)
				if len(recs) != 4 {
					t.Fatalf("records = %d; want 4", len(recs))
				}
				for _, r := range recs {
					if !r.OK || r.OutputTokens != 12 {
						t.Errorf("record %d: ok %v output %d (%s) %s", r.ID, r.OK, r.OutputTokens, r.OutputTokensSource, r.Error)
					}
					// The create call of a Replicate prediction is part of
					// its TTFT, and takes no virtual time here.
					if r.FirstTokenNS-r.SentNS != int64(40*time.Millisecond) {
						t.Errorf("record %d: ttft %v, want the mock's 40ms", r.ID, time.Duration(r.FirstTokenNS-r.SentNS))
					}
				}
			})
		})
	}
}

// echoCredentialsServer answers every request 401 with a message quoting
// every credential header it received, in a body each protocol reads as
// its error (OpenAI's, Bedrock's, Gemini's, Replicate's keys at once).
func echoCredentialsServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := fmt.Sprintf("denied: %s %s %s", r.Header.Get("Authorization"), r.Header.Get("Api-Key"), r.Header.Get("X-Amz-Security-Token"))
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-Errortype", "AccessDeniedException")
		w.WriteHeader(401)
		fmt.Fprintf(w, `{"message":%q,"detail":%q,"error":{"message":%q,"code":401,"status":"UNAUTHENTICATED"}}`, m, m, m)
	}))
}

// TestNoCloudSecretWritten: the new credentials (an Azure key and an Entra
// token, a Bedrock API key and an AWS session token, a Vertex access
// token, a Replicate token), echoed back by the server, appear in no
// output, error, record or report.
func TestNoCloudSecretWritten(t *testing.T) {
	setCloudEnv(t)
	srv := echoCredentialsServer()
	defer srv.Close()
	const (
		azureKey   = "AZKEY-LEAKCHECK-0f1e2d3c"
		entraToken = "eyJLEAKCHECK.entra.token"
		bedrockKey = "ABSK-LEAKCHECK-9a8b7c6d"
		awsSession = "AWSSESSION-LEAKCHECK-5e4f"
		vertexTok  = "ya29.LEAKCHECK-vertex"
		r8Token    = "r8_LEAKCHECK-replicate"
	)
	secrets := []string{azureKey, entraToken, bedrockKey, awsSession, vertexTok, r8Token}
	cases := []struct {
		name, kind, api, model string
		env                    map[string]string
	}{
		{"azure key", "azure", "chat", "d", map[string]string{"AZURE_OPENAI_API_KEY": azureKey}},
		{"azure entra token", "azure", "chat", "d", map[string]string{"AZURE_OPENAI_API_KEY": "", "AZURE_OPENAI_AD_TOKEN": entraToken}},
		{"bedrock api key", "bedrock", "chat", "m", map[string]string{"AWS_BEARER_TOKEN_BEDROCK": bedrockKey}},
		{"aws session token", "bedrock", "native", "meta.llama3-8b-instruct-v1:0", map[string]string{"AWS_SESSION_TOKEN": awsSession}},
		{"vertex token", "vertex", "chat", "gemini-2.5-flash", map[string]string{"GOOGLE_OAUTH_ACCESS_TOKEN": vertexTok}},
		{"replicate token", "replicate", "native", "o/m", map[string]string{"REPLICATE_API_TOKEN": r8Token}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			dir := filepath.Join(t.TempDir(), "run")
			args := []string{"run", "--target", tc.kind, "--api", tc.api, "--url", srv.URL, "--model", tc.model, "--requests", "3",
				"--gpu-backend", "none", "--out", dir}
			var all bytes.Buffer
			stdout, stderr, err := runApp(t, args...)
			all.WriteString(stdout + stderr)
			if err == nil || !strings.Contains(err.Error(), "key rejected") {
				t.Errorf("run with a rejected credential = %v; want the probe to stop it", err)
			} else {
				all.WriteString(err.Error())
			}
			stdout, stderr, err = runApp(t, append(args, "--no-probe")...)
			all.WriteString(stdout + stderr)
			if err != nil {
				all.WriteString(err.Error())
			}
			stdout, stderr, err = runApp(t, "report", dir)
			all.WriteString(stdout + stderr)
			if err != nil {
				all.WriteString(err.Error())
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
				all.Write(b)
			}
			for _, s := range secrets {
				if bytes.Contains(all.Bytes(), []byte(s)) {
					t.Errorf("%s appears in the output or the run directory", s)
				}
			}
			recs := readRecords(t, dir)
			// The spread probe and the 3 measured requests, all refused.
			if len(recs) != 4 || recs[0].ErrorClass != rundir.HTTP4xx || !strings.Contains(recs[0].Error, "[REDACTED]") {
				t.Errorf("records: %d, first %+v", len(recs), recs[0])
			}
		})
	}
}

// TestProbeCloudKinds: `targets probe` works on every new kind against the
// mock, says whether usage and server timings come back, and prints no
// credential.
func TestProbeCloudKinds(t *testing.T) {
	setCloudEnv(t)
	srv := newMock(t)
	for _, tc := range []struct {
		cloudKind
		usage, timings string
	}{
		{cloudKind{"bedrock", "chat", "", "us.amazon.nova-micro-v1:0"}, "yes", "yes: total "},
		{cloudKind{"bedrock", "native", "", "anthropic.claude-3-haiku-20240307-v1:0"}, "yes", "yes: total "},
		{cloudKind{"azure", "chat", "", "dep"}, "yes", "no"},
		{cloudKind{"azure", "responses", "/azure/openai/v1", "dep"}, "yes", "no"},
		{cloudKind{"openai", "responses", "", "gpt-5"}, "yes", "no"},
		{cloudKind{"vertex", "chat", "/v1/projects/p/locations/l", "gemini-2.5-flash"}, "yes", "no"},
		{cloudKind{"together", "chat", "/v1", "m"}, "yes", "no"},
		{cloudKind{"openrouter", "chat", "/api/v1", "m"}, "yes", "no"},
		{cloudKind{"sglang", "chat", "", "m"}, "yes", "no"},
		{cloudKind{"trtllm", "native", "", "ensemble"}, "no", "no"},
		// This mock has no delays: Replicate's reported times are 0, so none.
		{cloudKind{"replicate", "native", "", "meta/meta-llama-3-8b-instruct"}, "yes", "no"},
	} {
		t.Run(tc.kind+"/"+tc.api, func(t *testing.T) {
			out, errOut, code := runTargets(t, "probe", "--target", tc.kind, "--api", tc.api, "--url", srv.URL+tc.path, "--model", tc.model)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			for _, want := range []string{"reachable", "streaming works  yes: ", "8 with tokens", "usage reported   " + tc.usage, "server timings   " + tc.timings} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			for _, secret := range []string{"aws-secret-test", "azure-key-test", "ya29.test", "sk-test", "or-test", "r8_test"} {
				if strings.Contains(out+errOut, secret) {
					t.Errorf("credential %s printed", secret)
				}
			}
		})
	}
}

// TestTargetsListCloudKinds: `targets list` shows each new kind with its key
// variable, its default URL (with the placeholder the environment fills)
// and its notes.
func TestTargetsListCloudKinds(t *testing.T) {
	out, errOut, code := runTargets(t, "list")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for kind, want := range map[string][]string{
		"bedrock":    {"AWS_BEARER_TOKEN_BEDROCK", "https://bedrock-runtime.{region}.amazonaws.com", "ConverseStream"},
		"azure":      {"AZURE_OPENAI_API_KEY", "chat,completions,responses", "AZURE_OPENAI_AD_TOKEN"},
		"vertex":     {"GOOGLE_OAUTH_ACCESS_TOKEN", "https://{location}-aiplatform.googleapis.com", "Application Default Credentials"},
		"together":   {"TOGETHER_API_KEY", "https://api.together.xyz/v1"},
		"fireworks":  {"FIREWORKS_API_KEY", "https://api.fireworks.ai/inference/v1"},
		"deepinfra":  {"DEEPINFRA_API_KEY", "https://api.deepinfra.com/v1/openai"},
		"openrouter": {"OPENROUTER_API_KEY", "https://openrouter.ai/api/v1", "OPENROUTER PROCESSING"},
		"nim":        {"NVIDIA_API_KEY", "https://integrate.api.nvidia.com/v1"},
		"sglang":     {"SGLANG_API_KEY", "ignore_eos"},
		"trtllm":     {"generate_stream"},
		"replicate":  {"REPLICATE_API_TOKEN", "https://api.replicate.com", "urls.stream"},
	} {
		line := ""
		for l := range strings.Lines(out) {
			if strings.HasPrefix(l, kind+" ") {
				line = l
			}
		}
		for _, w := range want {
			if !strings.Contains(line, w) {
				t.Errorf("%s: line %q lacks %q", kind, line, w)
			}
		}
	}
}

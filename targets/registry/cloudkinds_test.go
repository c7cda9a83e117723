package registry_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/cost"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/registry"
)

// setCloudEnv gives the cloud kinds what they read from the environment
// (a region, a project, AWS credentials) and keeps the AWS SDK away from
// this machine's files and instance metadata.
func setCloudEnv(t *testing.T) {
	t.Helper()
	for k, v := range map[string]string{
		"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDTEST", "AWS_SECRET_ACCESS_KEY": "secret-test", "AWS_SESSION_TOKEN": "",
		"AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull, "AWS_EC2_METADATA_DISABLED": "true",
		"AWS_BEARER_TOKEN_BEDROCK": "", "AWS_PROFILE": "",
		"GOOGLE_CLOUD_PROJECT": "proj", "GOOGLE_CLOUD_LOCATION": "us-central1", "AZURE_OPENAI_AD_TOKEN": "",
	} {
		t.Setenv(k, v)
	}
}

func TestNewKindsKeyEnv(t *testing.T) {
	want := map[string]string{
		"bedrock": "AWS_BEARER_TOKEN_BEDROCK", "azure": "AZURE_OPENAI_API_KEY", "vertex": "GOOGLE_OAUTH_ACCESS_TOKEN",
		"together": "TOGETHER_API_KEY", "fireworks": "FIREWORKS_API_KEY", "deepinfra": "DEEPINFRA_API_KEY",
		"openrouter": "OPENROUTER_API_KEY", "nim": "NVIDIA_API_KEY", "sglang": "SGLANG_API_KEY", "trtllm": "",
		"replicate": "REPLICATE_API_TOKEN",
	}
	for kind, env := range want {
		if got := registry.DefaultKeyEnv(kind); got != env {
			t.Errorf("DefaultKeyEnv(%q) = %q; want %q", kind, got, env)
		}
	}
}

// TestAzureKeyKinds: an Azure key goes in api-key; an Entra ID token (a JWT
// in the key variable, or $AZURE_OPENAI_AD_TOKEN when that is empty) as a
// bearer token.
func TestAzureKeyKinds(t *testing.T) {
	setCloudEnv(t)
	var got []http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Clone())
		w.Header().Set("Content-Type", "text/event-stream")
		w.Write([]byte("data: {\"choices\":[{\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"))
	}))
	t.Cleanup(srv.Close)
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln"
	for _, key := range []string{"0123456789abcdef0123456789abcdef", jwt, ""} {
		if key == "" {
			t.Setenv("AZURE_OPENAI_AD_TOKEN", "eyJ.from.env")
		}
		tg, err := registry.New("azure", registry.Options{URL: srv.URL, APIKey: key})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tg.Stream(t.Context(), targets.Request{Model: "d", Prompt: "p"}, func(targets.Chunk) {}); err != nil {
			t.Fatal(err)
		}
	}
	if got[0].Get("Api-Key") != "0123456789abcdef0123456789abcdef" || got[0].Get("Authorization") != "" ||
		got[1].Get("Authorization") != "Bearer "+jwt || got[1].Get("Api-Key") != "" ||
		got[2].Get("Authorization") != "Bearer eyJ.from.env" {
		t.Errorf("headers: %v", got)
	}
}

// TestEngineInfo: every self-hosted engine recorded says where its version
// is; SGLang's Prometheus page is at /metrics, and trtllm-serve's /metrics is
// its iteration stats as JSON, not a Prometheus page (nvidia.github.io/
// TensorRT-LLM, commands/trtllm-serve: "runtime-iteration statistics"; its
// Prometheus page, /prometheus/metrics, has request histograms only), so
// --server-metrics auto scrapes nothing there.
func TestEngineInfo(t *testing.T) {
	for _, name := range []string{"sglang", "trtllm"} {
		k, _ := registry.Lookup(name)
		if !k.SelfHosted || k.Engine == nil || k.Engine.VersionPath == "" || k.Engine.VersionField == "" {
			t.Errorf("%s: %+v %+v", name, k, k.Engine)
		}
	}
	if k, _ := registry.Lookup("sglang"); k.Engine.MetricsPath != "/metrics" {
		t.Errorf("sglang metrics path %q", k.Engine.MetricsPath)
	}
	if k, _ := registry.Lookup("trtllm"); k.Engine.MetricsPath != "" {
		t.Errorf("trtllm metrics path %q; want none", k.Engine.MetricsPath)
	}
	for _, hosted := range []string{"openai", "bedrock", "azure", "vertex", "together", "replicate", "openrouter"} {
		if k, _ := registry.Lookup(hosted); k.SelfHosted {
			t.Errorf("%s marked self-hosted", hosted)
		}
	}
}

// TestCostKnowsTheKinds keeps the cost model's kind lists in step with the
// registry: its self-hosted list is the registry's SelfHosted kinds, and
// every provider's target_kinds are kinds --target takes.
func TestCostKnowsTheKinds(t *testing.T) {
	var self []string
	for _, name := range registry.Kinds() {
		if k, _ := registry.Lookup(name); k.SelfHosted {
			self = append(self, name)
		}
	}
	if want := cost.SelfHostedKinds(); !slices.Equal(self, want) {
		t.Errorf("registry self-hosted kinds = %v; report/cost says %v", self, want)
	}
	c, err := cost.Load("")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range c.Providers {
		for _, k := range p.TargetKinds {
			if _, ok := registry.Lookup(k); !ok {
				t.Errorf("provider %s: target kind %q is not a registry kind", p.ID, k)
			}
		}
	}
}

// TestBackendsDocNamesEveryKind keeps docs/backends.md's table in step
// with the registry: one row per kind, with its key variable.
func TestBackendsDocNamesEveryKind(t *testing.T) {
	doc, err := os.ReadFile("../../docs/backends.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range registry.Kinds() {
		k, _ := registry.Lookup(name)
		key := "—"
		if k.KeyEnv != "" {
			key = "`" + k.KeyEnv + "`"
		}
		row := "| `" + name + "` | "
		i := strings.Index(string(doc), row)
		if i < 0 {
			t.Errorf("docs/backends.md has no table row for %s", name)
			continue
		}
		line, _, _ := strings.Cut(string(doc[i:]), "\n")
		if !strings.Contains(line, "| "+key+" |") {
			t.Errorf("docs/backends.md row %q lacks the key variable %s", line, key)
		}
	}
}

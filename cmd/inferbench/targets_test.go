package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/targets/registry"
)

// runTargets runs `inferbench targets ARGS…` in process, with the targets
// command added to the app if app.go does not register it yet.
func runTargets(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	app := newApp(&out, &errOut)
	if app.Command("targets") == nil {
		app.Commands = append(app.Commands, targetsCommand())
	}
	err := app.RunContext(t.Context(), append([]string{"inferbench", "targets"}, args...))
	code = exitCode(err, &errOut)
	return out.String(), errOut.String(), code
}

func TestTargetsList(t *testing.T) {
	out, errOut, code := runTargets(t, "list")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, k := range registry.All() {
		line := ""
		for l := range strings.Lines(out) {
			if strings.HasPrefix(l, k.Name+" ") {
				line = l
			}
		}
		if line == "" || !strings.Contains(line, k.Protocol) || !strings.Contains(line, strings.Join(k.APIs, ",")) ||
			(k.KeyEnv != "" && !strings.Contains(line, k.KeyEnv)) {
			t.Errorf("kind %s: line %q", k.Name, line)
		}
	}
}

func newMock(t *testing.T) *httptest.Server {
	t.Helper()
	m, err := mock.New(mock.Config{OutputTokens: 8})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	return srv
}

// TestProbeMock: every kind the mock serves probes fine, usage is reported
// (the mock always reports it) and so tokens will be the server's.
func TestProbeMock(t *testing.T) {
	srv := newMock(t)
	// TGI's and Gemini's streams name no model: the probe says it could
	// not check it.
	for _, tc := range []struct{ kind, path, api, timings, model string }{
		{"vllm", "", "", "no", "yes (m)"},
		{"groq", "/openai/v1", "", "yes: prompt ", "yes (m)"},
		{"tgi", "", "", "no", "not checked: the response names no model"},
		{"ollama", "", "completions", "yes: prompt ", "yes (m)"},
		{"anthropic", "", "", "no", "yes (m)"},
		{"gemini", "", "", "no", "not checked: the response names no model"},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			if env := registry.DefaultKeyEnv(tc.kind); env != "" {
				t.Setenv(env, "test-key-123")
			}
			args := []string{"probe", "--target", tc.kind, "--url", srv.URL + tc.path, "--model", "m"}
			if tc.api != "" {
				args = append(args, "--api", tc.api)
			}
			out, errOut, code := runTargets(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			for _, want := range []string{"reachable", "model present    " + tc.model, "streaming works  yes: ", "8 with tokens",
				"usage reported   yes", "8 output tokens", "server timings   " + tc.timings} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			if strings.Contains(out+errOut, "test-key-123") {
				t.Errorf("key printed:\n%s", out)
			}
		})
	}
}

// TestProbeFailures: each failure gives exit code 1 and one line saying what.
func TestProbeFailures(t *testing.T) {
	answer := func(status int, ct, body string) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ct)
			w.WriteHeader(status)
			w.Write([]byte(body))
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	cases := []struct {
		name, kind, url, keyEnv, key string
		want                         string
	}{
		{"wrong key", "openai", answer(401, "application/json", `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}`),
			"OPENAI_API_KEY", "sk-wrong-key", "probe: key rejected: http 401: Incorrect API key provided"},
		{"no key", "anthropic", answer(401, "application/json", `{"type":"error","error":{"type":"authentication_error","message":"x-api-key header is required"}}`),
			"ANTHROPIC_API_KEY", "", "(no key sent: $ANTHROPIC_API_KEY is empty)"},
		{"model missing", "ollama", answer(404, "application/json", `{"error":"model \"m\" not found, try pulling it first"}`),
			"", "", "probe: model or endpoint not found: http 404: model \"m\" not found"},
		{"not a stream", "vllm", answer(200, "application/json", `{"choices":[]}`),
			"", "", "probe: not a usable stream"},
		{"no token", "vllm", answer(200, "text/event-stream", "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"),
			"", "", "carried no token"},
		{"unreachable", "vllm", closedURL, "", "", "probe: unreachable: "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.keyEnv != "" {
				t.Setenv(tc.keyEnv, tc.key)
			}
			_, errOut, code := runTargets(t, "probe", "--target", tc.kind, "--url", tc.url, "--model", "m")
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if !strings.Contains(errOut, tc.want) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
				t.Errorf("stderr %q, want one line with %q", errOut, tc.want)
			}
			if tc.key != "" && strings.Contains(errOut, tc.key) {
				t.Errorf("key printed: %s", errOut)
			}
		})
	}
	// A bad kind or API is a usage error; so is a model the API has no
	// place for: nothing was sent, the endpoint was not judged.
	if _, _, code := runTargets(t, "probe", "--target", "nope", "--url", "http://h", "--model", "m"); code != 2 {
		t.Errorf("unknown kind: exit %d, want 2", code)
	}
	_, errOut, code := runTargets(t, "probe", "--target", "replicate", "--url", answer(404, "text/plain", ""), "--model", "m")
	if want := `probe: nothing sent: replicate: model "m": want owner/name`; code != 2 || !strings.Contains(errOut, want) {
		t.Errorf("replicate model m: exit %d, stderr %q; want 2 and %q", code, errOut, want)
	}
}

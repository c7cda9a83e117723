package session

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// echoingServer answers every POST with what a hostile server can do with
// the credentials it was sent: the bearer key and the URL's api_key, put in
// the Content-Type (mode "ctype": no usable stream) or, in a valid vLLM
// stream, in the model the response names (mode "model").
func echoingServer(t *testing.T, mode string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		echo := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ") + "+" + r.URL.Query().Get("api_key")
		if mode == "ctype" {
			w.Header().Set("Content-Type", "text/"+echo)
			fmt.Fprint(w, "data: {}\n\n")
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprintf(w, "data: {\"id\":\"x\",\"model\":%q,\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":null}]}\n\n", echo)
		fmt.Fprintf(w, "data: {\"id\":\"x\",\"model\":%q,\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n", echo)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestProbeHidesEchoedSecrets: what the probe says of a server's answer —
// its content type in a "not a usable stream" warning, the model it names
// — had the key and the URL's credentials in it when the server echoed
// them (the records already hid them): the run's log, `targets probe`'s
// verdict and its error now show [REDACTED], and the records still do.
func TestProbeHidesEchoedSecrets(t *testing.T) {
	const key, urlKey = "sk-ant-SECRETKEY123", "urlsecret-456789"
	for _, mode := range []string{"ctype", "model"} {
		url := echoingServer(t, mode).URL + "?api_key=" + urlKey
		dir := filepath.Join(t.TempDir(), "run")
		o := &Options{Kind: "vllm", URL: url, Model: "m", API: "chat", APIKey: key, Concurrency: 1, Requests: 2, MaxTokens: 2,
			PromptTokens: 4, Timeout: 10 * time.Second, Out: dir, GPUBackend: "none", ServerMetrics: "off", GPUInterval: 50 * time.Millisecond}
		var log strings.Builder
		_, err := Run(t.Context(), t.Context(), o, &log)
		recs, _ := os.ReadFile(filepath.Join(dir, "requests.jsonl"))
		t.Setenv("ECHO_TEST_KEY", key)
		var verdict strings.Builder
		perr := ProbeEndpoint(t.Context(), ProbeOptions{Kind: "vllm", URL: url, Model: "m", API: "chat", KeyEnv: "ECHO_TEST_KEY", Timeout: 10 * time.Second}, &verdict)
		said := fmt.Sprint(err) + log.String()
		for what, text := range map[string]string{"the run's log": said, "requests.jsonl": string(recs), "targets probe": fmt.Sprint(perr) + verdict.String()} {
			if strings.Contains(text, "SECRETKEY") || strings.Contains(text, "urlsecret") {
				t.Errorf("%s: %s shows a credential:\n%s", mode, what, text)
			}
		}
		if !strings.Contains(said+fmt.Sprint(perr)+verdict.String(), "[REDACTED]") {
			t.Errorf("%s: nothing redacted: is the echo reaching what the probe says?\nlog: %s\nprobe: %v %s", mode, said, perr, verdict.String())
		}
	}
}

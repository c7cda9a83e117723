package vertex_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/targettest"
	"github.com/inferbench/inferbench/targets/vertex"
)

var update = flag.Bool("update", false, "rewrite testdata/ from the shared fixtures")

// Vertex AI streams are the Gemini API's; these recordings are of the
// Gemini API and stand for them.
var testdataSources = []targettest.Source{
	{Name: "gemini-alt-sse-multi-token-chunks-thoughts-usage", Note: "response body"},
	{Name: "gemini-error-429-resource-exhausted-retryinfo", Note: "response body"},
}

func TestTestdataMatchesFixtures(t *testing.T) {
	targettest.SyncTestdata(t, *update, testdataSources)
}

func TestRoot(t *testing.T) {
	cases := []struct {
		cfg  vertex.Config
		want string
	}{
		{vertex.Config{Project: "p1"}, "https://us-central1-aiplatform.googleapis.com/v1/projects/p1/locations/us-central1/publishers/google"},
		{vertex.Config{BaseURL: vertex.DefaultBaseURL, Project: "p1", Location: "europe-west4"}, "https://europe-west4-aiplatform.googleapis.com/v1/projects/p1/locations/europe-west4/publishers/google"},
		{vertex.Config{Project: "p1", Location: "global"}, "https://aiplatform.googleapis.com/v1/projects/p1/locations/global/publishers/google"},
		{vertex.Config{BaseURL: "https://us-east5-aiplatform.googleapis.com/v1/projects/x/locations/us-east5/"}, "https://us-east5-aiplatform.googleapis.com/v1/projects/x/locations/us-east5/publishers/google"},
		{vertex.Config{BaseURL: "http://127.0.0.1:9/gw", Project: "p", Location: "l"}, "http://127.0.0.1:9/gw/v1/projects/p/locations/l/publishers/google"},
	}
	for _, tc := range cases {
		got, err := tc.cfg.Root()
		if err != nil || got != tc.want {
			t.Errorf("%v: %q %v, want %q", tc.cfg, got, err, tc.want)
		}
	}
	if _, err := (vertex.Config{}).Root(); err == nil || !strings.Contains(err.Error(), "GOOGLE_CLOUD_PROJECT") {
		t.Errorf("no project: %v", err)
	}
}

var splits = []struct {
	name  string
	split targettest.Split
}{
	{"by-event", targettest.ByEvent}, {"mid-line", targettest.MidLine}, {"7-bytes", targettest.Every(7)}, {"whole", targettest.Whole},
}

// TestFixtures: a recorded Gemini stream through the Vertex URL and bearer
// token, four ways (events and counts as the gemini adapter's test reads
// them: 115 output tokens in three events).
func TestFixtures(t *testing.T) {
	body := string(targettest.Testdata(t, "gemini-alt-sse-multi-token-chunks-thoughts-usage"))
	for _, sp := range splits {
		t.Run(sp.name, func(t *testing.T) {
			srv := targettest.ReplayOnce(t, 200, http.Header{"Content-Type": {"text/event-stream"}}, body, sp.split)
			r := targettest.Stream(t, vertex.New, vertex.Config{BaseURL: srv.URL, Project: "my-proj", Location: "europe-west4", AccessToken: "ya29.token"},
				targets.Request{Model: "gemini-2.5-flash", Prompt: "p", MaxTokens: 200})
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			if r.TokenChunks() != 115 || r.OutputTokens() != 115 || r.Final.FinishReason != "STOP" {
				t.Errorf("token chunks %d, output %d, finish %q", r.TokenChunks(), r.OutputTokens(), r.Final.FinishReason)
			}
			req := srv.Requests()[0]
			if req.Path != "/v1/projects/my-proj/locations/europe-west4/publishers/google/models/gemini-2.5-flash:streamGenerateContent" ||
				req.Header.Get("Authorization") != "Bearer ya29.token" || req.Header.Get("X-Goog-Api-Key") != "" {
				t.Errorf("%s %v", req.Path, req.Header)
			}
		})
	}
}

// TestErrors: Vertex's array-wrapped error and the recorded 429 body.
func TestErrors(t *testing.T) {
	cases := []struct {
		body  string
		class rundir.ErrorClass
		code  string
	}{
		{string(targettest.Testdata(t, "gemini-error-429-resource-exhausted-retryinfo")), rundir.RateLimited, "RESOURCE_EXHAUSTED"},
		{`[{"error":{"code":403,"message":"Permission 'aiplatform.endpoints.predict' denied","status":"PERMISSION_DENIED"}}]`, rundir.HTTP4xx, "PERMISSION_DENIED"},
	}
	for _, tc := range cases {
		status := 429
		if tc.class == rundir.HTTP4xx {
			status = 403
		}
		srv := targettest.ReplayOnce(t, status, http.Header{"Content-Type": {"application/json"}}, tc.body, nil)
		r := targettest.Stream(t, vertex.New, vertex.Config{BaseURL: srv.URL, Project: "p", AccessToken: "tok"}, targets.Request{Model: "m", Prompt: "p"})
		var he *targets.HTTPError
		if loadgen.Classify(r.Err) != tc.class || !errors.As(r.Err, &he) || he.Code != tc.code {
			t.Errorf("err %v, want class %s code %s", r.Err, tc.class, tc.code)
		}
	}
}

// TestTokenRedacted: a token echoed by the server is not in the error.
func TestTokenRedacted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(401)
		fmt.Fprintf(w, `[{"error":{"code":401,"message":"bad credential %s","status":"UNAUTHENTICATED"}}]`, r.Header.Get("Authorization"))
	}))
	t.Cleanup(srv.Close)
	r := targettest.Stream(t, vertex.New, vertex.Config{BaseURL: srv.URL, Project: "p", AccessToken: "ya29.SECRET-VERTEX"}, targets.Request{Model: "m", Prompt: "p"})
	if r.Err == nil || strings.Contains(fmt.Sprintf("%v %+v", r.Err, r.Err), "SECRET-VERTEX") || !strings.Contains(r.Err.Error(), "[REDACTED]") {
		t.Errorf("err %v", r.Err)
	}
}

// TestApplicationDefaultCredentials: with no token given, the target
// finds a service account through GOOGLE_APPLICATION_CREDENTIALS, gets an
// access token from its token_uri (a local server here) once, and sends
// it with every request.
func TestApplicationDefaultCredentials(t *testing.T) {
	var tokenCalls atomic.Int32
	tokenSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tokenCalls.Add(1)
		r.ParseForm()
		if r.Form.Get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" || r.Form.Get("assertion") == "" {
			http.Error(w, "bad grant", 400)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"ya29.from-adc","token_type":"Bearer","expires_in":3600}`)
	}))
	t.Cleanup(tokenSrv.Close)
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: must(x509.MarshalPKCS8PrivateKey(key))})
	sa, _ := json.Marshal(map[string]string{"type": "service_account", "project_id": "p", "private_key_id": "k1", "private_key": string(pemKey),
		"client_email": "bench@p.iam.gserviceaccount.com", "client_id": "1", "token_uri": tokenSrv.URL})
	path := filepath.Join(t.TempDir(), "sa.json")
	if err := os.WriteFile(path, sa, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", path)

	body := "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"hi\"}],\"role\": \"model\"},\"finishReason\": \"STOP\"}]}\r\n\r\n"
	srv := targettest.ReplayOnce(t, 200, http.Header{"Content-Type": {"text/event-stream"}}, body, nil)
	tg, err := vertex.New(vertex.Config{BaseURL: srv.URL, Project: "p"})
	if err != nil {
		t.Fatal(err)
	}
	if tokenCalls.Load() != 0 {
		t.Error("New fetched a token: it must not do I/O")
	}
	for range 3 {
		if _, err := tg.Stream(t.Context(), targets.Request{Model: "m", Prompt: "p"}, func(targets.Chunk) {}); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range srv.Requests() {
		if r.Header.Get("Authorization") != "Bearer ya29.from-adc" {
			t.Errorf("authorization %q", r.Header.Get("Authorization"))
		}
	}
	if n := tokenCalls.Load(); n != 1 {
		t.Errorf("%d token requests for 3 streams, want 1 (the token is reused)", n)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestNoCredentials: with no token and no Application Default Credentials,
// a request is never sent, and the error says so under the kind's name
// (it read "unreachable: gemini: access token: …" once).
func TestNoCredentials(t *testing.T) {
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", filepath.Join(t.TempDir(), "absent.json"))
	srv := targettest.ReplayOnce(t, 200, http.Header{"Content-Type": {"text/event-stream"}}, "", nil)
	r := targettest.Stream(t, vertex.New, vertex.Config{BaseURL: srv.URL, Project: "p"}, targets.Request{Model: "m", Prompt: "p"})
	if loadgen.Classify(r.Err) != rundir.Request || !strings.HasPrefix(fmt.Sprint(r.Err), "vertex: no access token: ") {
		t.Errorf("err %v (class %s), want a request never sent, led by \"vertex: no access token: \"", r.Err, loadgen.Classify(r.Err))
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests reached the server", n)
	}
}

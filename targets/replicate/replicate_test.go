package replicate_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/replicate"
	"github.com/inferbench/inferbench/targets/targettest"
)

// fakeAPI is Replicate's API: create, the stream (served by stream), and
// the finished prediction (metrics; "" for a 404).
type fakeAPI struct {
	*httptest.Server
	mu        sync.Mutex
	requests  []*http.Request
	bodies    [][]byte
	streamURL func(base string) string
	stream    http.Handler
	metrics   string
	create    func(w http.ResponseWriter) bool // answers the create call instead, if it returns true
}

func newFakeAPI(t *testing.T, stream http.Handler) *fakeAPI {
	f := &fakeAPI{stream: stream,
		metrics: `{"id":"abc","status":"succeeded","metrics":{"input_token_count":3,"output_token_count":7,"time_to_first_token":0.25,"predict_time":1.5,"total_time":2.0}}`}
	f.streamURL = func(base string) string { return base + "/stream/abc" }
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.requests = append(f.requests, r.Clone(context.Background()))
		f.bodies = append(f.bodies, b)
		f.mu.Unlock()
		switch {
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/predictions"):
			if f.create != nil && f.create(w) {
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(201)
			fmt.Fprintf(w, `{"id":"abc","model":"meta/meta-llama-3-8b-instruct","status":"starting","error":null,"urls":{"get":"%s/v1/predictions/abc","stream":%q,"cancel":"%s/v1/predictions/abc/cancel"}}`,
				f.URL, f.streamURL(f.URL), f.URL)
		case r.URL.Path == "/stream/abc":
			f.stream.ServeHTTP(w, r)
		case r.URL.Path == "/v1/predictions/abc" && f.metrics != "":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, f.metrics)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeAPI) paths() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var p []string
	for _, r := range f.requests {
		p = append(p, r.Method+" "+r.URL.Path)
	}
	return p
}

func sseHandler(body string, split targettest.Split) http.Handler {
	return targettest.Handler(targettest.Replay{Response: &targettest.Response{Status: 200,
		Header: http.Header{"Content-Type": {"text/event-stream"}}, Body: []byte(body)}, Split: split})
}

var splits = []struct {
	name  string
	split targettest.Split
}{
	{"by-event", targettest.ByEvent}, {"mid-line", targettest.MidLine}, {"7-bytes", targettest.Every(7)}, {"whole", targettest.Whole},
}

// TestFixture: the documented stream, four ways: five output events (the
// last spans two data lines, joined with "\n"), done, then the metrics.
func TestFixture(t *testing.T) {
	body := string(targettest.Testdata(t, "replicate-stream-docs"))
	for _, sp := range splits {
		t.Run(sp.name, func(t *testing.T) {
			api := newFakeAPI(t, sseHandler(body, sp.split))
			r := targettest.Stream(t, replicate.New, replicate.Config{Conn: targets.Conn{BaseURL: api.URL, APIKey: "r8_key"}},
				targets.Request{Model: "meta/meta-llama-3-8b-instruct", Prompt: "Tell me a story", MaxTokens: 64, MinTokens: 64})
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			want := []targets.Chunk{{Content: "Once"}, {Content: " upon"}, {Content: " a"}, {Content: " time"}, {Content: "...\nThe end"}, {}}
			if diff := cmp.Diff(want, r.Chunks); diff != "" {
				t.Errorf("chunks (-want +got):\n%s", diff)
			}
			wantFinal := targets.Final{Usage: &targets.Usage{PromptTokens: 3, CompletionTokens: 7}, FinishReason: "done",
				Server: &targets.ServerTiming{TTFT: 250 * time.Millisecond, Decode: 1250 * time.Millisecond, Total: 2 * time.Second}}
			if diff := cmp.Diff(wantFinal, r.Final); diff != "" {
				t.Errorf("final (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"POST /v1/models/meta/meta-llama-3-8b-instruct/predictions", "GET /stream/abc", "GET /v1/predictions/abc"}, api.paths()); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
			var create map[string]any
			json.Unmarshal(api.bodies[0], &create)
			wantBody := map[string]any{"input": map[string]any{"prompt": "Tell me a story", "max_tokens": 64.0, "min_tokens": 64.0}, "stream": true}
			if !cmp.Equal(create, wantBody) {
				t.Errorf("create body %v", create)
			}
			for _, req := range api.requests {
				if req.Header.Get("Authorization") != "Bearer r8_key" {
					t.Errorf("%s %s: authorization %q", req.Method, req.URL.Path, req.Header.Get("Authorization"))
				}
			}
			if api.requests[1].Header.Get("Accept") != "text/event-stream" {
				t.Errorf("stream accept %q", api.requests[1].Header.Get("Accept"))
			}
		})
	}
}

func TestModelURLs(t *testing.T) {
	for model, want := range map[string]string{
		"meta/meta-llama-3-70b-instruct":   "POST /v1/models/meta/meta-llama-3-70b-instruct/predictions",
		"owner/model:5c7d5dc6dd8bf75c1acd": "POST /v1/predictions",
		"deployments/acme/my-llama":        "POST /v1/deployments/acme/my-llama/predictions",
	} {
		api := newFakeAPI(t, sseHandler("event: done\ndata: {}\n\n", nil))
		r := targettest.Stream(t, replicate.New, replicate.Config{Conn: targets.Conn{BaseURL: api.URL + "/v1"}}, targets.Request{Model: model, Prompt: "p"})
		if r.Err != nil || api.paths()[0] != want {
			t.Errorf("%s: %v %v, want %s", model, r.Err, api.paths(), want)
		}
		if strings.Contains(model, ":") && !bytes.Contains(api.bodies[0], []byte(`"version":"5c7d5dc6dd8bf75c1acd"`)) {
			t.Errorf("version not sent: %s", api.bodies[0])
		}
	}
	for _, bad := range []string{"", "justname", "a/b/c", ":v", "o/m:"} {
		r := targettest.Stream(t, replicate.New, replicate.Config{Conn: targets.Conn{BaseURL: "http://127.0.0.1:9"}}, targets.Request{Model: bad})
		if r.Err == nil || !strings.Contains(r.Err.Error(), "replicate: ") {
			t.Errorf("model %q: %v", bad, r.Err)
		}
	}
}

// TestCredentialRule: the token goes to the stream URL the API returned on
// another https host; not to a plain-http URL on another host; and a
// redirect off the stream host is refused (targets.CheckRedirect), so the
// third host gets nothing.
func TestCredentialRule(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]string{} // server → Authorization received
	record := func(name string, h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			seen[name] = r.Header.Get("Authorization")
			mu.Unlock()
			h.ServeHTTP(w, r)
		})
	}
	done := sseHandler("event: output\ndata: hi\n\nevent: done\ndata: {}\n\n", nil)
	third := httptest.NewServer(record("third", done))
	t.Cleanup(third.Close)
	thirdURL := strings.Replace(third.URL, "127.0.0.1", "localhost", 1) // another host name
	tlsStream := httptest.NewTLSServer(record("stream", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, thirdURL+"/s", http.StatusFound)
			return
		}
		done.ServeHTTP(w, r)
	})))
	t.Cleanup(tlsStream.Close)
	plainStream := httptest.NewServer(record("plain", done))
	t.Cleanup(plainStream.Close)
	plainURL := strings.Replace(plainStream.URL, "127.0.0.1", "localhost", 1)

	for _, tc := range []struct {
		name, stream string
		wantErr      bool
		want         map[string]string
	}{
		{"https stream host", tlsStream.URL + "/s", false, map[string]string{"stream": "Bearer r8_key"}},
		{"plain http on another host", plainURL + "/s", true, map[string]string{}},
		{"redirect off the stream host", tlsStream.URL + "/redirect", false, map[string]string{"stream": "Bearer r8_key"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			clear(seen)
			mu.Unlock()
			api := newFakeAPI(t, done)
			api.streamURL = func(string) string { return tc.stream }
			r := targettest.Stream(t, replicate.New, replicate.Config{Conn: targets.Conn{BaseURL: api.URL, APIKey: "r8_key", Client: tlsStream.Client()}},
				targets.Request{Model: "o/m", Prompt: "p"})
			var pe *targets.ProtocolError
			var he *targets.HTTPError
			switch {
			case strings.HasSuffix(tc.stream, "/redirect"):
				if !errors.As(r.Err, &he) || he.Status != http.StatusFound {
					t.Fatalf("err %v, want the refused redirect's HTTP 302", r.Err)
				}
			case tc.wantErr != errors.As(r.Err, &pe):
				t.Fatalf("err %v, want a protocol error: %t", r.Err, tc.wantErr)
			}
			mu.Lock()
			defer mu.Unlock()
			if diff := cmp.Diff(tc.want, seen); diff != "" {
				t.Errorf("authorization received (-want +got):\n%s", diff)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	out := "event: output\ndata: a\n\n"
	cases := []struct {
		name    string
		create  func(w http.ResponseWriter) bool
		stream  http.Handler
		abort   bool
		metrics string
		class   rundir.ErrorClass
		usage   bool
	}{
		{name: "throttled at create", class: rundir.RateLimited, create: func(w http.ResponseWriter) bool {
			w.Header().Set("Content-Type", "application/problem+json")
			w.Header().Set("Retry-After", "2")
			w.WriteHeader(429)
			fmt.Fprint(w, `{"title":"Request was throttled.","detail":"Request was throttled. Expected available in 2 seconds.","status":429}`)
			return true
		}},
		{name: "invalid input", class: rundir.HTTP4xx, create: func(w http.ResponseWriter) bool {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(422)
			fmt.Fprint(w, `{"title":"Input validation failed","detail":"- input.max_tokens: Must be greater than or equal to 1","status":422}`)
			return true
		}},
		{name: "model does not stream", class: rundir.Protocol, create: func(w http.ResponseWriter) bool {
			w.WriteHeader(201)
			fmt.Fprint(w, `{"id":"abc","status":"starting","urls":{"get":"x"}}`)
			return true
		}},
		{name: "error event", stream: sseHandler(out+"event: error\ndata: {\"detail\":\"CUDA out of memory\"}\n\nevent: done\ndata: {\"reason\":\"error\"}\n\n", nil), class: rundir.StreamErr},
		{name: "canceled", stream: sseHandler(out+"event: done\ndata: {\"reason\":\"canceled\"}\n\n", nil), class: rundir.StreamErr},
		{name: "malformed done", stream: sseHandler(out+"event: done\ndata: {\"reason\":\n\n", nil), class: rundir.Protocol},
		{name: "ended before done", stream: sseHandler(out, nil), class: rundir.Protocol},
		{name: "connection cut", stream: targettest.Handler(targettest.Replay{Response: &targettest.Response{Status: 200, Header: http.Header{"Content-Type": {"text/event-stream"}}, Body: []byte(out)}, Abort: true}), class: rundir.Connection},
		{name: "metrics unavailable", stream: sseHandler(out+"event: done\ndata: {}\n\n", nil), metrics: "-", class: ""},
		{name: "metrics", stream: sseHandler(out+"event: done\ndata: {}\n\n", nil), class: "", usage: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stream := tc.stream
			if stream == nil {
				stream = sseHandler("", nil)
			}
			api := newFakeAPI(t, stream)
			api.create = tc.create
			if tc.metrics == "-" {
				api.metrics = ""
			}
			r := targettest.Stream(t, replicate.New, replicate.Config{Conn: targets.Conn{BaseURL: api.URL, APIKey: "k"}}, targets.Request{Model: "o/m", Prompt: "p"})
			if got := loadgen.Classify(r.Err); got != tc.class {
				t.Errorf("class %q, want %q (%v)", got, tc.class, r.Err)
			}
			if tc.class == "" && (r.Final.Usage != nil) != tc.usage {
				t.Errorf("usage %+v, want present %t", r.Final.Usage, tc.usage)
			}
			var he *targets.HTTPError
			if tc.class == rundir.RateLimited && (!errors.As(r.Err, &he) || he.RetryAfter != 2*time.Second || !strings.Contains(he.Message, "throttled")) {
				t.Errorf("err %#v", r.Err)
			}
		})
	}
}

// TestFirstByteHook: TTFB is the stream body's first byte: the hook fires
// once, after the create call.
func TestFirstByteHook(t *testing.T) {
	api := newFakeAPI(t, sseHandler("event: output\ndata: a\n\nevent: done\ndata: {}\n\n", nil))
	tg, _ := replicate.New(replicate.Config{Conn: targets.Conn{BaseURL: api.URL}})
	calls, pathsAtHook := 0, 0
	ctx := targets.WithFirstByte(t.Context(), func() { calls++; pathsAtHook = len(api.paths()) })
	if _, err := tg.Stream(ctx, targets.Request{Model: "o/m", Prompt: "p"}, func(targets.Chunk) {}); err != nil {
		t.Fatal(err)
	}
	if calls != 1 || pathsAtHook != 2 {
		t.Errorf("hook called %d times, after %d calls; want once, during the stream (2nd call)", calls, pathsAtHook)
	}
}

// TestKeyRedacted: a server echoing the token gets it redacted.
func TestKeyRedacted(t *testing.T) {
	api := newFakeAPI(t, nil)
	api.create = func(w http.ResponseWriter) bool {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(401)
		fmt.Fprint(w, `{"title":"Unauthenticated","detail":"Invalid token r8_SECRETTOKEN","status":401}`)
		return true
	}
	r := targettest.Stream(t, replicate.New, replicate.Config{Conn: targets.Conn{BaseURL: api.URL, APIKey: "r8_SECRETTOKEN"}}, targets.Request{Model: "o/m", Prompt: "p"})
	if r.Err == nil || strings.Contains(fmt.Sprintf("%v %+v", r.Err, r.Err), "r8_SECRETTOKEN") {
		t.Errorf("err %v", r.Err)
	}
}

// FuzzStream feeds arbitrary bodies to the stream decoder: the create and
// metrics calls answer normally, the stream call with the input.
func FuzzStream(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txt")
	for _, s := range targettest.FuzzSeeds(f, files) {
		f.Add(s)
	}
	f.Add([]byte("event: error\ndata: {\"detail\":\"x\"}\n\n"))
	tg, err := replicate.New(replicate.Config{Conn: targets.Conn{BaseURL: "http://fuzz.invalid", Client: &http.Client{Transport: fuzzTransport{}}}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ctx := context.WithValue(context.Background(), bodyKey{}, body)
		_, err := tg.Stream(ctx, targets.Request{Model: "o/m", Prompt: "p"}, func(c targets.Chunk) {
			if c.Tokens < 0 {
				t.Errorf("negative Tokens %d", c.Tokens)
			}
		})
		var se *targets.StreamError
		var pe *targets.ProtocolError
		if err != nil && !errors.As(err, &se) && !errors.As(err, &pe) {
			t.Errorf("error %T %v", err, err)
		}
	})
}

type bodyKey struct{}

type fuzzTransport struct{}

func (fuzzTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	resp := &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Request: r}
	switch {
	case r.Method == http.MethodPost:
		resp.StatusCode = 201
		resp.Body = io.NopCloser(strings.NewReader(`{"id":"abc","status":"starting","urls":{"stream":"https://stream.fuzz.invalid/s"}}`))
	case r.URL.Host == "stream.fuzz.invalid":
		body, _ := r.Context().Value(bodyKey{}).([]byte)
		resp.Header.Set("Content-Type", "text/event-stream")
		resp.Body = io.NopCloser(bytes.NewReader(body))
	default:
		resp.StatusCode = 404
		resp.Body = io.NopCloser(strings.NewReader(`{"detail":"Not found."}`))
	}
	return resp, nil
}

// TestUndecodableDoneRedacted: a done event that does not decode is quoted
// in the error with the token removed, as every other undecodable event is.
func TestUndecodableDoneRedacted(t *testing.T) {
	api := newFakeAPI(t, sseHandler("event: output\ndata: a\n\nevent: done\ndata: {\"reason\": r8_SECRETTOKEN}\n\n", nil))
	r := targettest.Stream(t, replicate.New, replicate.Config{Conn: targets.Conn{BaseURL: api.URL, APIKey: "r8_SECRETTOKEN"}}, targets.Request{Model: "o/m", Prompt: "p"})
	var pe *targets.ProtocolError
	msg := fmt.Sprintf("%v %+v", r.Err, r.Err)
	if !errors.As(r.Err, &pe) || strings.Contains(msg, "r8_SECRETTOKEN") || !strings.Contains(msg, "[REDACTED]") {
		t.Errorf("err %T %s; want a ProtocolError quoting the event with the token redacted", r.Err, msg)
	}
}

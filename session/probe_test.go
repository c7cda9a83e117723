package session

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/registry"
	"github.com/inferbench/inferbench/targets/targettest"
)

// capIgnorer streams tokens tokens whatever max tokens says, then ends
// cleanly or, with timeout, fails as a request past its deadline does.
type capIgnorer struct {
	tokens  int
	timeout bool
}

func (c capIgnorer) Stream(ctx context.Context, req targets.Request, on func(targets.Chunk)) (targets.Final, error) {
	for range c.tokens {
		on(targets.Chunk{Content: "x"})
	}
	if c.timeout {
		return targets.Final{}, context.DeadlineExceeded
	}
	return targets.Final{FinishReason: "stop"}, nil
}

// TestProbeFlagsPastMaxTokens (issue 20 item 22): the probe asks for
// ProbeMaxTokens; a server that sends 20 is flagged in the verdict when the
// stream ends well and in the error when it times out; one within the cap
// says so.
func TestProbeFlagsPastMaxTokens(t *testing.T) {
	res, err := Probe(t.Context(), capIgnorer{tokens: 20}, "m", targets.Redactor{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	res.Write(&b, ProbeSubject{Model: "m"})
	if !strings.Contains(b.String(), "output cap       NO: asked for 8, got 20") {
		t.Errorf("verdict does not flag 20 > 8 tokens:\n%s", b.String())
	}
	_, err = Probe(t.Context(), capIgnorer{tokens: 20, timeout: true}, "m", targets.Redactor{})
	if err == nil || !strings.Contains(err.Error(), "run past its max tokens (20 > 8)") || strings.Contains(err.Error(), "\n") {
		t.Errorf("timed-out probe: error %v; want one line flagging 20 > 8 tokens", err)
	}
	res, err = Probe(t.Context(), capIgnorer{tokens: 3}, "m", targets.Redactor{})
	if err != nil {
		t.Fatal(err)
	}
	b.Reset()
	res.Write(&b, ProbeSubject{Model: "m"})
	if !strings.Contains(b.String(), "output cap       yes: 3 of at most 8") {
		t.Errorf("verdict:\n%s", b.String())
	}
}

// TestProbeModelLlamaServer: llama-server ignores the request's model and
// answers as its alias, so a probe for no-such-model must not say "model
// present yes" (issue #20 item 23).
func TestProbeModelLlamaServer(t *testing.T) {
	body, err := targettest.ReadFile("../targets/openai/testdata/llamacpp-chat-stream.txt")
	if err != nil {
		t.Fatal(err)
	}
	resp := &targettest.Response{Status: 200, Header: http.Header{"Content-Type": {"text/event-stream"}}, Body: body}
	srv := targettest.NewServer(t, targettest.Replay{Response: resp, Split: targettest.ByEvent})
	target, err := registry.New("llamacpp", registry.Options{URL: srv.URL, Client: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Probe(context.Background(), target, "no-such-model", targets.Redactor{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	res.Write(&b, ProbeSubject{Model: "no-such-model"})
	if !strings.Contains(b.String(), "model present    no: asked for no-such-model, the response names tiny") {
		t.Errorf("verdict:\n%s", b.String())
	}
}

// TestModelVerdict: yes when the response names the model asked (or a
// dated snapshot, or Ollama's :latest), no for another, not checked when
// it names none.
func TestModelVerdict(t *testing.T) {
	for _, tc := range []struct{ named, asked, want string }{
		{"m", "m", "yes (m)"},
		{"gpt-4o-2024-08-06", "gpt-4o", "yes (gpt-4o, answered as gpt-4o-2024-08-06)"},
		{"llama3:latest", "llama3", "yes (llama3, answered as llama3:latest)"},
		{"tiny", "no-such-model", "no: asked for no-such-model, the response names tiny"},
		{"", "m", "not checked: the response names no model (m asked)"},
	} {
		got := (&ProbeResult{Model: tc.named}).ModelVerdict(tc.asked)
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("named %q asked %q: %q; want prefix %q", tc.named, tc.asked, got, tc.want)
		}
	}
}

// TestWarnOtherModel: a run warns once when the server answers as another
// model, and says nothing when it names the one asked or none.
func TestWarnOtherModel(t *testing.T) {
	var b bytes.Buffer
	warnOtherModel(&ProbeResult{Model: "tiny"}, "no-such-model", &b)
	if b.String() != "inferbench: warning: asked for model no-such-model, the response names tiny (the server serves that model whatever is asked): the run measures tiny\n" {
		t.Errorf("warning %q", b.String())
	}
	b.Reset()
	warnOtherModel(&ProbeResult{Model: "m"}, "m", &b)
	warnOtherModel(&ProbeResult{}, "m", &b)
	if b.Len() != 0 {
		t.Errorf("warned without cause: %q", b.String())
	}
}

// TestProbe404NamesTheURL: a 404 names the URL the adapter posted to, with
// its key-like query redacted, so a wrong path shows in the one line; on
// Azure, where the model is the deployment in the path, with the deployment
// asked for, not a placeholder.
func TestProbe404NamesTheURL(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	for _, tc := range []struct{ kind, url, model, want string }{
		{"vllm", srv.URL + "/prefix?token=SECRET", "m",
			"model or endpoint not found: http 404: 404 page not found (posted to " + srv.URL + "/prefix/v1/chat/completions?token=REDACTED)"},
		{"azure", srv.URL, "my-gpt4o", "(posted to " + srv.URL + "/openai/deployments/my-gpt4o/chat/completions?api-version="},
	} {
		target, err := registry.New(tc.kind, registry.Options{URL: tc.url, APIKey: "k", Client: srv.Client()})
		if err != nil {
			t.Fatal(err)
		}
		_, err = Probe(t.Context(), target, tc.model, targets.Redactor{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: probe error %v; want it to contain %q", tc.kind, err, tc.want)
		}
	}
}

// TestProbeRefusesARequestTheAdapterCannotBuild: a model name the API has
// no place for (Replicate wants owner/name) stops the run at the probe with
// the adapter's one line, nothing sent, instead of a run of "connection"
// failures behind "probe: unreachable".
func TestProbeRefusesARequestTheAdapterCannotBuild(t *testing.T) {
	sent := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { sent++; http.NotFound(w, r) }))
	defer srv.Close()
	target, err := registry.New("replicate", registry.Options{URL: srv.URL, APIKey: "k", Client: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Model: "mock", Timeout: 5 * time.Second}
	var log strings.Builder
	err = o.probe(t.Context(), target, &log)
	want := `probe: nothing sent: replicate: model "mock": want owner/name`
	if err == nil || !strings.Contains(err.Error(), want) || !errors.As(err, new(*targets.RequestError)) {
		t.Errorf("probe error %v; want a RequestError containing %q", err, want)
	}
	if sent != 0 || log.Len() != 0 {
		t.Errorf("%d requests sent, log %q; want none and no warning", sent, log.String())
	}
}

// TestProbeStopsOnAnUntrustedCertificate: a certificate this host does not
// trust fails every request alike, as a wrong key does, so the run stops at
// the probe with one line that names --insecure; it warned "unreachable
// (running anyway)" and recorded a run of connection failures.
func TestProbeStopsOnAnUntrustedCertificate(t *testing.T) {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	defer srv.Close()
	target, err := registry.New("vllm", registry.Options{URL: srv.URL}) // the default client: the test CA untrusted
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Model: "m", Timeout: 5 * time.Second}
	var log strings.Builder
	err = o.probe(t.Context(), target, &log)
	if err == nil || !strings.Contains(err.Error(), "--insecure") || log.Len() != 0 {
		t.Errorf("probe error %v, log %q; want the run stopped, naming --insecure", err, log.String())
	}
}

// TestProbeSaysTheAnswerBrokeHTTP: a server that answers with a response
// net/http cannot read as HTTP (here a status line whose code is no
// number; over HTTP/2, frames that break it: loadgen.TestClassifyHTTP2)
// was reachable, and the probe says what it did; it said "probe:
// unreachable".
func TestProbeSaysTheAnswerBrokeHTTP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close()
		buf.WriteString("HTTP/1.1 2x0 OK\r\n\r\n")
		buf.Flush()
	}))
	defer srv.Close()
	target, err := registry.New("vllm", registry.Options{URL: srv.URL, Client: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Probe(t.Context(), target, "m", targets.Redactor{})
	if want := "probe: the answer broke HTTP: "; err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "malformed HTTP status code") {
		t.Errorf("probe error %v; want it to start %q and say net/http's words", err, want)
	}
}

// TestProbeStopsWhereNoServerIs: a host name that does not resolve or a
// port nothing listens on fails every request alike, so the run stops at
// the probe with one line naming --url and --no-probe; it warned "running
// anyway" and recorded a run of connection failures that exited 1, as if
// the server had failed. A server that is there and fails (here, resets
// the connection) is still measured, and a run told to start later
// (--start-at) leaves its server until then to come up.
func TestProbeStopsWhereNoServerIs(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	resets := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
		}
	}))
	defer resets.Close()
	noName := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: "gpu-box", IsNotFound: true}}
	}}}
	for _, c := range []struct {
		name    string
		url     string
		client  *http.Client
		startAt time.Time
		stop    bool
	}{
		{"a name that does not resolve", "http://gpu-box:8000", noName, time.Time{}, true},
		{"a port nothing listens on", closed.URL, nil, time.Time{}, true},
		{"a port nothing listens on, --start-at passed", closed.URL, nil, time.Now().Add(-time.Minute), true},
		{"a port nothing listens on yet, --start-at to come", closed.URL, nil, time.Now().Add(time.Hour), false},
		{"a server that resets the connection", resets.URL, nil, time.Time{}, false},
	} {
		target, err := registry.New("vllm", registry.Options{URL: c.url, Client: c.client})
		if err != nil {
			t.Fatal(err)
		}
		o := Options{Model: "m", Timeout: 5 * time.Second, StartAt: c.startAt}
		var log strings.Builder
		err = o.probe(t.Context(), target, &log)
		if stopped := err != nil; stopped != c.stop {
			t.Errorf("%s: probe error %v, log %q; want stopped %v", c.name, err, log.String(), c.stop)
			continue
		}
		if c.stop && (!strings.Contains(err.Error(), "--url") || !strings.Contains(err.Error(), "--no-probe") || log.Len() != 0) {
			t.Errorf("%s: probe error %v, log %q; want one line naming --url and --no-probe, no warning", c.name, err, log.String())
		}
		if !c.stop && !strings.Contains(log.String(), "running anyway") {
			t.Errorf("%s: log %q; want the run to go on, warned", c.name, log.String())
		}
	}
}

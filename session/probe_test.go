package session

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets/registry"
	"github.com/inferbench/inferbench/targets/targettest"
)

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
	res, err := Probe(context.Background(), target, "no-such-model")
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
	if !strings.Contains(b.String(), "warning: model present no: asked for no-such-model, the response names tiny") {
		t.Errorf("warning %q", b.String())
	}
	b.Reset()
	warnOtherModel(&ProbeResult{Model: "m"}, "m", &b)
	warnOtherModel(&ProbeResult{}, "m", &b)
	if b.Len() != 0 {
		t.Errorf("warned without cause: %q", b.String())
	}
}

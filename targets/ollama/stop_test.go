package ollama_test

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/ollama"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestStopSent: Request.Stop goes out as options.stop on /api/chat and
// /api/generate (Ollama's api.Options "stop", docs/notes/protocols.md §6);
// nil sends none.
func TestStopSent(t *testing.T) {
	stop := []string{"\n\nUser:", "###"}
	for _, api := range []ollama.API{ollama.Chat, ollama.Completions} {
		for _, s := range [][]string{stop, nil} {
			url, body := targettest.CaptureBody(t)
			tg, err := ollama.New(ollama.Config{Conn: targets.Conn{BaseURL: url}, API: api})
			if err != nil {
				t.Fatal(err)
			}
			_, _ = tg.Stream(t.Context(), targets.Request{Model: "m", Prompt: "p", MaxTokens: 8, Stop: s}, func(targets.Chunk) {})
			o, _ := body()["options"].(map[string]any)
			got, has := o["stop"]
			switch {
			case s != nil && targettest.JSON(t, got) != targettest.JSON(t, stop):
				t.Errorf("%s: options.stop = %s, want %s", api, targettest.JSON(t, got), targettest.JSON(t, stop))
			case s == nil && has:
				t.Errorf("%s without stop: options.stop = %s", api, targettest.JSON(t, got))
			}
		}
	}
}

// TestStopAloneSendsOptions: a request whose only option is its stop
// sequences still sends the options object.
func TestStopAloneSendsOptions(t *testing.T) {
	url, body := targettest.CaptureBody(t)
	tg, err := ollama.New(ollama.Config{Conn: targets.Conn{BaseURL: url}})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = tg.Stream(t.Context(), targets.Request{Model: "m", Prompt: "p", Stop: []string{"x"}}, func(targets.Chunk) {})
	if got := targettest.JSON(t, body()["options"]); got != `{"stop":["x"]}` {
		t.Errorf("options = %s, want {\"stop\":[\"x\"]}", got)
	}
}

// TestStoppedBySequence: Ollama's done_reason "stop" is said of a stop
// sequence and of the model's end alike, "length" at num_predict:
// Final.StoppedBySequence is set on "stop" only when the request sent stop
// sequences (ollama-generate-stream ends by "stop"), never on "length".
func TestStoppedBySequence(t *testing.T) {
	body := string(targettest.Testdata(t, "ollama-generate-stream"))
	if !strings.Contains(body, `"done_reason":"stop"`) {
		t.Fatal(`the fixture has no "done_reason":"stop"`)
	}
	length := strings.Replace(body, `"done_reason":"stop"`, `"done_reason":"length"`, 1)
	for _, tc := range []struct {
		name, body string
		stop       []string
		want       bool
	}{
		{"stop, stop sent", body, []string{"\n\n"}, true},
		{"stop, none sent", body, nil, false},
		{"length, stop sent", length, []string{"\n\n"}, false},
	} {
		srv := targettest.ReplayOnce(t, 200, ndjsonHeader, tc.body, nil)
		r := stream(t, ollama.Config{Conn: targets.Conn{BaseURL: srv.URL}, API: ollama.Completions}, targets.Request{Model: "m", Prompt: "p", Stop: tc.stop})
		if r.Err != nil {
			t.Fatalf("%s: %v", tc.name, r.Err)
		}
		if r.Final.StoppedBySequence != tc.want {
			t.Errorf("%s: finish %q, StoppedBySequence %v, want %v", tc.name, r.Final.FinishReason, r.Final.StoppedBySequence, tc.want)
		}
	}
}

package ollama_test

import (
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

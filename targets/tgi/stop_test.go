package tgi_test

import (
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/targettest"
	"github.com/inferbench/inferbench/targets/tgi"
)

// TestStopSent: Request.Stop goes out as parameters.stop on
// /generate_stream (TGI's GenerateParameters, docs/notes/protocols.md
// §5.1) and as stop on the Messages API; nil sends neither.
func TestStopSent(t *testing.T) {
	stop := []string{"\n\nUser:", "###"}
	for _, tc := range []struct {
		api tgi.API
		get func(map[string]any) (any, bool)
	}{
		{tgi.Native, func(b map[string]any) (any, bool) {
			p, _ := b["parameters"].(map[string]any)
			v, ok := p["stop"]
			return v, ok
		}},
		{tgi.Chat, func(b map[string]any) (any, bool) { v, ok := b["stop"]; return v, ok }},
	} {
		for _, s := range [][]string{stop, nil} {
			url, body := targettest.CaptureBody(t)
			tg, err := tgi.New(tgi.Config{Conn: targets.Conn{BaseURL: url}, API: tc.api})
			if err != nil {
				t.Fatal(err)
			}
			_, _ = tg.Stream(t.Context(), targets.Request{Model: "m", Prompt: "p", MaxTokens: 8, Stop: s}, func(targets.Chunk) {})
			got, has := tc.get(body())
			switch {
			case s != nil && targettest.JSON(t, got) != targettest.JSON(t, stop):
				t.Errorf("%s: stop = %s, want %s", tc.api, targettest.JSON(t, got), targettest.JSON(t, stop))
			case s == nil && has:
				t.Errorf("%s without stop: the body has %s", tc.api, targettest.JSON(t, got))
			}
		}
	}
}

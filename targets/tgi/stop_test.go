package tgi_test

import (
	"net/http"
	"strings"
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

// TestStoppedBySequence: TGI's finish tells a stop sequence apart
// (stop_sequence, beside eos_token and length) on /generate_stream's
// details; its Messages API says "stop" of both a stop sequence and the
// model's end in current versions, "length" at the cap (tgi-1.4.3).
// Final.StoppedBySequence is set on a stop sequence's finish only, and on
// the Messages API's "stop" only when stop sequences were sent.
func TestStoppedBySequence(t *testing.T) {
	native := string(targettest.Testdata(t, "tgi-generate_stream-details-single-token"))
	chat := string(targettest.Testdata(t, "tgi-1.4.3-chat-stream"))
	end := func(body, from, to string) string {
		if !strings.Contains(body, from) {
			t.Fatalf("the fixture has no %s", from)
		}
		return strings.Replace(body, from, to, 1)
	}
	stop := []string{" "}
	for _, tc := range []struct {
		name string
		api  tgi.API
		body string
		stop []string
		want bool
	}{
		{"native stop_sequence", tgi.Native, end(native, `"finish_reason":"length"`, `"finish_reason":"stop_sequence"`), stop, true},
		{"native eos_token", tgi.Native, end(native, `"finish_reason":"length"`, `"finish_reason":"eos_token"`), stop, false},
		{"native length", tgi.Native, native, stop, false},
		{"chat length", tgi.Chat, chat, stop, false},
		{"chat stop, stop sent", tgi.Chat, end(chat, `"finish_reason":"length"`, `"finish_reason":"stop"`), stop, true},
		{"chat stop, none sent", tgi.Chat, end(chat, `"finish_reason":"length"`, `"finish_reason":"stop"`), nil, false},
		{"chat eos_token", tgi.Chat, end(chat, `"finish_reason":"length"`, `"finish_reason":"eos_token"`), stop, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := targettest.ReplayOnce(t, 200, http.Header{"Content-Type": {"text/event-stream"}}, tc.body, nil)
			r := stream(t, tgi.Config{Conn: targets.Conn{BaseURL: srv.URL}, API: tc.api}, targets.Request{Model: "m", Prompt: "p", Stop: tc.stop})
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			if r.Final.StoppedBySequence != tc.want {
				t.Errorf("finish %q: StoppedBySequence %v, want %v", r.Final.FinishReason, r.Final.StoppedBySequence, tc.want)
			}
		})
	}
}

package gemini_test

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/gemini"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestStopSent: Request.Stop goes out as generationConfig.stopSequences
// (docs/notes/protocols.md §9; Vertex sends the same body), alone too;
// nil sends none.
func TestStopSent(t *testing.T) {
	stop := []string{"\n\nUser:", "###"}
	for _, tc := range []struct {
		max  int
		stop []string
		want string
	}{
		{8, stop, `{"maxOutputTokens":8,"stopSequences":["\n\nUser:","###"]}`},
		{0, stop, `{"stopSequences":["\n\nUser:","###"]}`},
		{8, nil, `{"maxOutputTokens":8}`},
		{0, []string{}, `null`}, // an empty list is none: no generationConfig for it
	} {
		url, body := targettest.CaptureBody(t)
		tg, err := gemini.New(gemini.Config{Conn: targets.Conn{BaseURL: url, APIKey: "k"}})
		if err != nil {
			t.Fatal(err)
		}
		_, _ = tg.Stream(t.Context(), targets.Request{Model: "m", Prompt: "p", MaxTokens: tc.max, Stop: tc.stop}, func(targets.Chunk) {})
		if got := targettest.JSON(t, body()["generationConfig"]); got != tc.want {
			t.Errorf("max %d, stop %q: generationConfig = %s, want %s", tc.max, tc.stop, got, tc.want)
		}
	}
}

// TestStoppedBySequence: finishReason STOP is "natural stop point of the
// model or provided stop sequence" (the API's FinishReason):
// Final.StoppedBySequence is set on it, as a string or as its integer (1,
// enum-encoding=int), only when the request sent stop sequences, never on
// MAX_TOKENS. The recorded stream ends by STOP.
func TestStoppedBySequence(t *testing.T) {
	body := string(targettest.Testdata(t, "gemini-alt-sse-multi-token-chunks-thoughts-usage"))
	const stopped = `"finishReason": "STOP"`
	if !strings.Contains(body, stopped) {
		t.Fatalf("the fixture has no %s", stopped)
	}
	stop := []string{"\n\nUser:"}
	for _, tc := range []struct {
		finish string
		stop   []string
		want   bool
	}{
		{stopped, stop, true},
		{`"finishReason": 1`, stop, true},
		{stopped, nil, false},
		{`"finishReason": "MAX_TOKENS"`, stop, false},
		{`"finishReason": 2`, stop, false},
	} {
		srv := targettest.ReplayOnce(t, 200, sseHeader, strings.Replace(body, stopped, tc.finish, 1), nil)
		r := stream(t, gemini.Config{Conn: targets.Conn{BaseURL: srv.URL, APIKey: "k"}}, targets.Request{Model: "m", Prompt: "p", Stop: tc.stop})
		if r.Err != nil {
			t.Fatalf("%s: %v", tc.finish, r.Err)
		}
		if r.Final.StoppedBySequence != tc.want {
			t.Errorf("%s, stop %q: StoppedBySequence %v, want %v", tc.finish, tc.stop, r.Final.StoppedBySequence, tc.want)
		}
	}
}

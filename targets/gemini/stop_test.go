package gemini_test

import (
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

package triton_test

import (
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/targettest"
	"github.com/inferbench/inferbench/targets/triton"
)

// TestStopSent: Request.Stop goes out as the TensorRT-LLM ensemble's
// stop_words input, a list of strings; without it stop_words stays the
// empty string the backend's README sends.
func TestStopSent(t *testing.T) {
	for _, tc := range []struct {
		stop []string
		want string
	}{
		{[]string{"\n\nUser:", "###"}, `["\n\nUser:","###"]`},
		{nil, `""`},
	} {
		url, body := targettest.CaptureBody(t)
		tg, err := triton.New(triton.Config{Conn: targets.Conn{BaseURL: url}})
		if err != nil {
			t.Fatal(err)
		}
		_, _ = tg.Stream(t.Context(), targets.Request{Model: "ensemble", Prompt: "p", MaxTokens: 8, Stop: tc.stop}, func(targets.Chunk) {})
		if got := targettest.JSON(t, body()["stop_words"]); got != tc.want {
			t.Errorf("stop %q: stop_words = %s, want %s", tc.stop, got, tc.want)
		}
	}
}

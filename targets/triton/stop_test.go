package triton_test

import (
	"net/http"
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

// TestStoppedBySequence: Triton's generate_stream says nothing of why it
// ended (the stream closes; the ensemble's outputs carry no finish reason
// and no token count), so Final.StoppedBySequence is never set, stop
// sequences sent or not: the load generator counts the tokens itself and
// there is nothing held back to place.
func TestStoppedBySequence(t *testing.T) {
	body := string(targettest.Testdata(t, "triton-generate-stream-docs"))
	for _, stop := range [][]string{{" a"}, nil} {
		srv := targettest.ReplayOnce(t, 200, http.Header{"Content-Type": {"text/event-stream; charset=utf-8"}}, body, nil)
		r := targettest.Stream(t, triton.New, triton.Config{Conn: targets.Conn{BaseURL: srv.URL}}, targets.Request{Model: "ensemble", Prompt: "p", MaxTokens: 4, Stop: stop})
		if r.Err != nil || r.Final.StoppedBySequence {
			t.Errorf("stop %q: err %v, finish %q, StoppedBySequence %v; want false", stop, r.Err, r.Final.FinishReason, r.Final.StoppedBySequence)
		}
	}
}

package loadgen

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// slowStream answers every request, after a delay that grows by step per
// request, with one token line: a server whose streams overlap by a known
// amount.
type slowStream struct {
	n    atomic.Int64
	step time.Duration
}

func (s *slowStream) RoundTrip(r *http.Request) (*http.Response, error) {
	time.Sleep(time.Duration(s.n.Add(1)) * s.step)
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"text/event-stream"}},
		Body: io.NopCloser(strings.NewReader("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n")), Request: r}, nil
}

// TestHoldOpenMeanInFlight: HoldOpen counts the streams in flight on average
// as the harness does (Σ durations / span). 4 streams started together that
// last 1, 2, 3 and 4 s: 10 s of streams over a 4 s span, 2.5 in flight.
func TestHoldOpenMeanInFlight(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := &BareClient{Client: &http.Client{Transport: &slowStream{step: time.Second}}, URL: "http://mock/v1/chat/completions"}
		ok, mean, _ := b.HoldOpen(t.Context(), 4)
		if ok != 4 || mean != 2.5 {
			t.Errorf("HoldOpen: %d ok, %g in flight on average; want 4 and 2.5", ok, mean)
		}
	})
}

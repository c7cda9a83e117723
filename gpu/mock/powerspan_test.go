package mock

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// handlerTransport answers a client's requests with h, in the process: a
// synctest bubble's clock runs it, without a network.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// TestMockPowerIsTheMeanSinceTheLastScrape: the mock engine's power is the
// mean draw since the previous scrape of its page (mock.Server.gpuStates),
// not NVML's 1 s mean that dcgm reads in an H100's DCGM_FI_DEV_POWER_USAGE:
// a sample says the time since this sampler's last page as its span, 0
// (unknown: since the mock started) on the first.
func TestMockPowerIsTheMeanSinceTheLastScrape(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var inFlight atomic.Int64
		s, err := New("http://mock:8000", &http.Client{Transport: handlerTransport{fakeEngine(&inFlight)}})
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, pause := range []time.Duration{0, 250 * time.Millisecond, 400 * time.Millisecond} {
			time.Sleep(pause)
			ss, err := s.Sample(t.Context(), nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, smp := range ss[1:] {
				if smp.PowerWindowNS != ss[0].PowerWindowNS {
					t.Errorf("gpu %d power over %d ns, gpu 0 over %d ns; want one span for the page", smp.Index, smp.PowerWindowNS, ss[0].PowerWindowNS)
				}
			}
			got = append(got, ss[0].PowerWindowNS)
		}
		if want := []int64{0, int64(250 * time.Millisecond), int64(400 * time.Millisecond)}; got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
			t.Errorf("power spans %v ns; want %v", got, want)
		}
	})
}

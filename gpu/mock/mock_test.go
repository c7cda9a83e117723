package mock

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// fakeEngine serves two simulated GPUs whose utilization and power follow
// the number of requests in flight, as the mock engine's page does.
func fakeEngine(inFlight *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != MetricsPath {
			http.NotFound(w, r)
			return
		}
		n := inFlight.Load()
		for g := range 2 {
			labels := fmt.Sprintf(`gpu="%d",UUID="GPU-mock-%d",device="nvidia%d",modelName="NVIDIA H100 80GB HBM3",Hostname="mock"`, g, g, g)
			fmt.Fprintf(w, "DCGM_FI_DEV_GPU_UTIL{%s} %d\n", labels, min(100, 10*n))
			fmt.Fprintf(w, "DCGM_FI_DEV_POWER_USAGE{%s} %.6f\n", labels, 70+6.3*float64(min(100, 10*n)))
			fmt.Fprintf(w, "DCGM_FI_DEV_FB_USED{%s} %d\n", labels, 70000)
			fmt.Fprintf(w, "DCGM_FI_DEV_FB_FREE{%s} %d\n", labels, 11559)
		}
	})
}

func TestMockSamplerFollowsLoad(t *testing.T) {
	var inFlight atomic.Int64
	srv := httptest.NewServer(fakeEngine(&inFlight))
	defer srv.Close()
	for _, base := range []string{srv.URL, srv.URL + "/", srv.URL + "/v1"} {
		s, err := New(base, srv.Client())
		if err != nil {
			t.Fatal(err)
		}
		var utils []float64
		for _, n := range []int64{0, 4, 16} {
			inFlight.Store(n)
			got, err := s.Sample(t.Context(), nil)
			if err != nil {
				t.Fatalf("New(%q).Sample: %v", base, err)
			}
			if len(got) != 2 {
				t.Fatalf("%d GPUs; want 2", len(got))
			}
			utils = append(utils, *got[1].UtilizationPct)
		}
		if utils[0] != 0 || utils[1] != 40 || utils[2] != 100 {
			t.Errorf("utilization at 0, 4, 16 in flight = %v; want [0 40 100]", utils)
		}
	}
	if _, err := New("", nil); err == nil {
		t.Error(`New("") = nil error; want one`)
	}
}

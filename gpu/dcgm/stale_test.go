package dcgm

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// dcgm-exporter refreshes its values every --collect-interval (30 s by
// default) and serves the same page in between. A run sampling every
// 250 ms then read the energy counter flat across a whole level: "power
// 300 W mean; energy 0 J (counter)". A GPU drawing power advances its
// mJ counter every millisecond, so a counter equal to the last scrape's is
// an old value: it is left out (the counter's next value, which is fresh,
// and the one before carry the level), and the first time the sample says
// why.
func TestScrapeLeavesOutAStaleEnergyCounter(t *testing.T) {
	energies := []int{1000000, 1000000, 1000000, 4000000, 4000000}
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e := energies[min(calls, len(energies)-1)]
		calls++
		fmt.Fprintf(w, "DCGM_FI_DEV_POWER_USAGE{gpu=\"0\",UUID=\"GPU-s\"} 300.000000\n"+
			"DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu=\"0\",UUID=\"GPU-s\"} %d\n"+
			"DCGM_FI_DEV_POWER_USAGE{gpu=\"1\",UUID=\"GPU-t\"} 0.000000\n"+
			"DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu=\"1\",UUID=\"GPU-t\"} 5\n", e)
	}))
	t.Cleanup(srv.Close)
	s, err := New(srv.URL+"/metrics", srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var errs []string
	for range energies {
		ss, err := s.Sample(t.Context(), nil)
		if err != nil || len(ss) != 2 {
			t.Fatalf("Sample = %v, %v", ss, err)
		}
		e := "-"
		if ss[0].EnergyMJ != nil {
			e = fmt.Sprint(*ss[0].EnergyMJ)
		}
		got = append(got, e)
		errs = append(errs, ss[0].Error)
		if ss[1].EnergyMJ == nil || *ss[1].EnergyMJ != 5 {
			t.Errorf("GPU 1 (0 W, counter 5 on every page) energy = %v; want 5 kept: an idle counter may stand still", ss[1].EnergyMJ)
		}
	}
	if want := "1000000 - - 4000000 -"; strings.Join(got, " ") != want {
		t.Errorf("energy readings = %s; want %s", strings.Join(got, " "), want)
	}
	if !strings.Contains(errs[1], "collect-interval") || errs[0] != "" || errs[2] != "" || errs[4] != "" {
		t.Errorf("errors = %q; want the first stale reading to say why (the exporter's collect-interval), once", errs)
	}
}

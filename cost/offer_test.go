package cost

import (
	"strings"
	"testing"
)

// TestDefaultOfferIsWhatTheGuideShows: the GPU guide (gpus) shows the
// default on-demand offer's price, the one report and crossover price
// (issue #20 item 2: gpus said $2.690, the report $6.880), and the
// cheapest other offer as an alternative with its date.
func TestDefaultOfferIsWhatTheGuideShows(t *testing.T) {
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	g, _ := c.GPU("h100-sxm")
	o, err := g.DefaultOffer(string(DefaultOfferKind))
	if err != nil || o.ID != "aws-p5-od" || o.USDPerGPUHour != 6.88 {
		t.Fatalf("default offer = %+v, %v; want aws-p5-od at 6.88", o, err)
	}
	if got := PriceOf(g, o).OfferLabel(); got != "on-demand, aws" {
		t.Errorf("OfferLabel = %q", got)
	}
	tab := GuideTable(c, nil)
	for _, row := range tab.Rows {
		if row[0] != "h100-sxm" {
			continue
		}
		if row[6] != "$6.880 (aws)" || !strings.HasPrefix(row[7], "$2.690 (runpod, ") {
			t.Errorf("guide row %q; want $6.880 (aws) and the $2.690 alternative", row)
		}
	}
	// A default that is already the cheapest has no cheaper alternative:
	// rtx-4090's $0.74 offer beside its $0.34 default read as a saving.
	for _, row := range tab.Rows {
		if row[0] == "rtx-4090" && (row[6] != "$0.340 (runpod)" || row[7] != "none cheaper") {
			t.Errorf("guide row %q; want the $0.340 default and 'none cheaper'", row)
		}
	}
	for _, a := range g.Alternatives(o) {
		if a.Kind != OnDemand || a.ID == o.ID {
			t.Errorf("alternative %s (%s)", a.ID, a.Kind)
		}
	}
}

// TestResolveRunGPU: a stated GPU (ID[xN]) wins over telemetry, with a
// warning when they disagree; telemetry alone names the GPU by its
// nvidia-smi name; nothing known gives nil.
func TestResolveRunGPU(t *testing.T) {
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	h100 := []string{"NVIDIA H100 80GB HBM3"}
	for _, tc := range []struct {
		stated   string
		detected []string
		id       string
		n        int
		from     string
		warn     bool
	}{
		{"", h100, "h100-sxm", 1, FromTelemetry, false},
		{"h100-sxmx8", nil, "h100-sxm", 8, FromUser, false},
		{"h100-sxm", h100, "h100-sxm", 1, FromUser, false},
		{"a100-80gbx2", h100, "a100-80gb", 2, FromUser, true},
		{"mi300x", nil, "mi300x", 1, FromUser, false},
		{"", []string{"NVIDIA RTX 9999"}, "", 0, "", false},
		{"", nil, "", 0, "", false},
	} {
		r, err := c.ResolveRunGPU(tc.stated, tc.detected)
		if err != nil {
			t.Fatalf("%q: %v", tc.stated, err)
		}
		if tc.id == "" {
			if r != nil {
				t.Errorf("%q %v: %+v; want nil", tc.stated, tc.detected, r)
			}
			continue
		}
		if r == nil || r.GPU.ID != tc.id || r.Count != tc.n || r.From != tc.from || (r.Warning != "") != tc.warn {
			t.Errorf("%q %v: %+v; want %s ×%d from %s, warning %v", tc.stated, tc.detected, r, tc.id, tc.n, tc.from, tc.warn)
		}
	}
	for _, bad := range []string{"h100", "h100-sxmx0", "nosuchx2"} {
		if _, err := c.ResolveRunGPU(bad, nil); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

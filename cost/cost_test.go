package cost

import (
	"math"
	"slices"
	"testing"
)

func TestEvaluateRented(t *testing.T) {
	// silybench-data row: Qwen3-8B FP8 on one H100 at $2.69/h, 4129.03 out tok/s,
	// 37,161 total tok/s, 32.258 req/s.
	c, err := Evaluate(Throughput{OutputTokensPerS: 4129.03, TotalTokensPerS: 37161, RequestsPerS: 32.258}, 1, Price{USDPerGPUHour: 2.69}, nil)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want float64
	}{
		{"usd_per_hour", c.USDPerHour, 2.69},
		{"usd_per_month", c.USDPerMonth, 2.69 * 730},
		{"usd_per_1m_output_tokens", c.USDPer1MOutputTokens, 0.180967981},
		{"usd_per_1m_total_tokens", c.USDPer1MTotalTokens, 0.0201076},
		{"usd_per_1k_requests", c.USDPer1KRequests, 2.69 / (32.258 * 3600) * 1000},
		{"energy", c.EnergyUSDPerHour, 0},
	}
	for _, ck := range checks {
		if !near(ck.got, ck.want, 1e-7) {
			t.Errorf("%s = %.10g; want %.10g", ck.name, ck.got, ck.want)
		}
	}
	if len(c.DutyCycle) != 4 || c.DutyCycle[0].Utilization != 0.1 || !near(c.DutyCycle[0].USDPer1MOutputTokens, 1.80967981, 1e-7) ||
		c.DutyCycle[3].USDPer1MOutputTokens != c.USDPer1MOutputTokens {
		t.Errorf("duty cycle = %+v; want 10%% at 10× the full-load cost, 100%% equal to it", c.DutyCycle)
	}
}

func TestEvaluateOwned(t *testing.T) {
	cat := mustLoad(t, "")
	g, _ := cat.GPU("h100-sxm")
	o, _ := g.Offer("owned")
	p := PriceOf(g, o)
	// 38,750 / (36 × 730) per GPU-hour, 700 W TDP fallback.
	if !near(p.USDPerGPUHour, 38750.0/26280, 1e-12) || p.WattsPerGPU != 700 {
		t.Fatalf("PriceOf(owned) = %+v; want 1.4745/h and 700 W", p)
	}
	tp := Throughput{OutputTokensPerS: 8000}

	// Measured: 2 GPUs drew 4,560,000 J over 3,600 s = 1,266.67 W.
	// energy/h = 1.26667 kW × 1.58 × 0.1282 = 0.256573; capital = 2 × 1.474505 = 2.949011.
	m, err := Evaluate(tp, 2, p, &Energy{Joules: 4_560_000, WindowS: 3600})
	if err != nil {
		t.Fatal(err)
	}
	wantEnergy := 4_560_000.0 / 3600 / 1000 * 1.58 * 0.1282
	if m.EnergyBasis != "measured" || !near(m.AverageW, 1266.6667, 1e-3) || !near(m.EnergyUSDPerHour, wantEnergy, 1e-12) ||
		!near(m.USDPerHour, 2*38750.0/26280+wantEnergy, 1e-12) {
		t.Errorf("measured = basis %s, %v W, energy %v/h, total %v/h; want measured, 1266.67 W, %v, %v",
			m.EnergyBasis, m.AverageW, m.EnergyUSDPerHour, m.USDPerHour, wantEnergy, 2*38750.0/26280+wantEnergy)
	}
	if want := m.USDPerHour / (8000 * 3600) * 1e6; !near(m.USDPer1MOutputTokens, want, 1e-12) {
		t.Errorf("usd_per_1m_output_tokens = %v; want %v", m.USDPer1MOutputTokens, want)
	}

	// Without a measurement: 2 × 700 W at TDP.
	d, err := Evaluate(tp, 2, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d.EnergyBasis != "tdp" || d.AverageW != 1400 || !near(d.EnergyUSDPerHour, 1.4*1.58*0.1282, 1e-12) {
		t.Errorf("tdp = basis %s, %v W, %v/h; want tdp, 1400 W, %v", d.EnergyBasis, d.AverageW, d.EnergyUSDPerHour, 1.4*1.58*0.1282)
	}
}

func TestEvaluateRejectsBadInput(t *testing.T) {
	for _, tt := range []struct {
		name string
		tp   Throughput
		gpus int
		p    Price
	}{
		{"no throughput", Throughput{}, 1, Price{USDPerGPUHour: 1}},
		{"no gpus", Throughput{OutputTokensPerS: 1}, 0, Price{USDPerGPUHour: 1}},
		{"negative price", Throughput{OutputTokensPerS: 1}, 1, Price{USDPerGPUHour: -1}},
		// A throughput so small that its price per token overflows to
		// +Inf: `cost --output-tokens-per-s 1e-320` printed dashes, and
		// its --format json failed on "unsupported value: +Inf".
		{"output too small to price", Throughput{OutputTokensPerS: 1e-320}, 1, Price{USDPerGPUHour: 3}},
		{"total too small to price", Throughput{OutputTokensPerS: 1, TotalTokensPerS: 1e-320}, 1, Price{USDPerGPUHour: 3}},
		{"requests too few to price", Throughput{OutputTokensPerS: 1, RequestsPerS: 1e-320}, 1, Price{USDPerGPUHour: 3}},
		{"infinite price", Throughput{OutputTokensPerS: 1}, 1, Price{USDPerGPUHour: math.Inf(1)}},
	} {
		if _, err := Evaluate(tt.tp, tt.gpus, tt.p, nil); err == nil {
			t.Errorf("%s: Evaluate succeeded; want an error", tt.name)
		}
	}
}

// TestCostsTableSaysWhatOwnedHourAdds: an owned row's $/h is its GPUs'
// price plus electricity, so the table says by how much the two columns
// differ, from the catalog's draw (2 × 700 W × PUE 1.5 at $0.10/kWh =
// $0.21/h) or the measured energy (3,600 kJ over 3,600 s = 1,000 W ×
// 1.5 × $0.10 = $0.15/h). A rented row adds no energy note.
func TestCostsTableSaysWhatOwnedHourAdds(t *testing.T) {
	tp := Throughput{OutputTokensPerS: 1000}
	owned := Price{GPU: "h100-sxm", Offer: "owned-8x", USDPerGPUHour: 1.5, WattsPerGPU: 700, PUE: 1.5, USDPerKWh: 0.10}
	tdp, err := Evaluate(tp, 2, owned, nil)
	if err != nil {
		t.Fatal(err)
	}
	measured, err := Evaluate(tp, 2, owned, &Energy{Joules: 3.6e6, WindowS: 3600})
	if err != nil {
		t.Fatal(err)
	}
	rented, err := Evaluate(tp, 1, Price{GPU: "h100-sxm", Offer: "x-od", USDPerGPUHour: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !near(tdp.USDPerHour, 3.21, 1e-12) || !near(measured.USDPerHour, 3.15, 1e-12) {
		t.Fatalf("$/h %v and %v; want 3.21 and 3.15", tdp.USDPerHour, measured.USDPerHour)
	}
	// Each row's price note (TestCostsTableTracesEachPrice) stands before
	// the energy note that adds to it.
	got := CostsTable("", []Costs{tdp, rented, measured}, []string{"given"}).Notes
	want := []string{
		"given",
		"price: h100-sxm owned-8x: $1.5/GPU-hour, from no source given, undated",
		"h100-sxm owned-8x: $/h is $/gpu-h × 2 GPUs + electricity $0.210/h (1400 W at the catalog's draw × PUE 1.50, $0.1/kWh)",
		"price: h100-sxm x-od: $2/GPU-hour, from no source given, undated",
		"price: h100-sxm owned-8x: $1.5/GPU-hour, from no source given, undated",
		"h100-sxm owned-8x: $/h is $/gpu-h × 2 GPUs + electricity $0.150/h (1000 W measured × PUE 1.50, $0.1/kWh)",
	}
	if len(got) != len(want) {
		t.Fatalf("notes %q; want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("note %d: %q; want %q", i, got[i], want[i])
		}
	}
}

// TestCostsTableTracesEachPrice: the cost command's table, not only the
// report's, traces each offer's price to its source and date: a figure
// handed to finance is traceable next to the table. A price given on the
// command line (no offer) has no note.
func TestCostsTableTracesEachPrice(t *testing.T) {
	tp := Throughput{OutputTokensPerS: 1000}
	od, err := Evaluate(tp, 1, Price{GPU: "h100-sxm", Offer: "aws-p5-od", USDPerGPUHour: 6.88, Source: "AWS list price", Date: "2026-11-09"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	flag, err := Evaluate(tp, 1, Price{GPU: "h100-sxm", USDPerGPUHour: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := CostsTable("", []Costs{od, flag}, nil).Notes
	want := []string{"price: h100-sxm aws-p5-od: $6.88/GPU-hour, from AWS list price, 2026-11-09"}
	if !slices.Equal(got, want) {
		t.Errorf("notes %q; want %q", got, want)
	}
}

// TestExactPrice: a price under a cost table is written to six significant
// digits, without the float noise of a derived price (3.4309 × 0.64 =
// 2.195776 → 2.19578; 6.88 × 0.64 = 4.4032, computed 4.4031999…) and
// without an exponent (1,234,567.891 → 1234570).
func TestExactPrice(t *testing.T) {
	for v, want := range map[float64]string{3.4309 * 0.64: "2.19578", 6.88 * 0.64: "4.4032", 1234567.891: "1234570", 6.88: "6.88", 0.000123456789: "0.000123457"} {
		if got := exact(v); got != want {
			t.Errorf("exact(%v) = %q; want %q", v, got, want)
		}
	}
}

package cost

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

// TestFormulas checks every formula against its worked example, computed by hand.
func TestFormulas(t *testing.T) {
	tests := []struct {
		name      string
		got, want float64
		tol       float64
	}{
		// silybench-data's Qwen3-8B FP8 row on one H100: 2.69 / (4129.03 × 3600) × 1e6.
		{"usd per 1M output, silybench row", USDPer1MTokens(2.69, 4129.03), 0.180967981, 1e-9},
		{"usd per 1M output rounds to 0.181", math.Round(USDPer1MTokens(2.69, 4129.03)*1000) / 1000, 0.181, 0},
		// 32.258 req/s × 1152 tokens = 37,161 tok/s → 2.69 / (37161 × 3600) × 1e6 = 0.020108
		{"usd per 1M total", USDPer1MTokens(2.69, 37161), 0.0201076, 1e-7},
		{"unknown throughput is 0", USDPer1MTokens(2.69, 0), 0, 0},
		// two GPUs cost twice as much per token at the same throughput
		{"n GPUs", USDPer1MTokens(2*2.69, 4129.03), 0.361935962, 1e-9},
		{"usd per request", USDPerRequest(2.69, 32.258), 2.69 / 116128.8, 1e-15},
		{"duty cycle 25%", AtDutyCycle(0.181, 0.25), 0.724, 1e-12},
		{"duty cycle 10%", AtDutyCycle(0.181, 0.10), 1.81, 1e-12},
		// 38,750 / (36 × 730) = 38,750 / 26,280
		{"owned per gpu-hour", OwnedUSDPerGPUHour(38750, 36), 1.474505327, 1e-9},
		// 0.7 kW × 1.58 × 0.1282
		{"energy per hour", EnergyUSDPerHour(700, 1.58, 0.1282), 0.14178920, 1e-9},
		{"average watts", AverageWatts(2280000, 3600), 633.333333, 1e-6},
		{"monthly tokens, seed", MonthlyTokens(10_000_000), 300_000_000, 0},
		{"api monthly, seed", APIMonthlyUSD(300_000_000, 15), 4500, 0},
		{"gpt-4o at 3:1", MixedUSDPer1M(2.5, 10, DefaultInputShare), 4.375, 0},
		{"self-hosted monthly", SelfHostedMonthlyUSD(3, 2000, 5000), 11000, 0},
	}
	for _, tt := range tests {
		if !near(tt.got, tt.want, tt.tol) {
			t.Errorf("%s = %.12g; want %.12g", tt.name, tt.got, tt.want)
		}
	}
}

func TestReplicasNeeded(t *testing.T) {
	tests := []struct {
		perDay, capacity float64
		want             int
	}{
		{10e6, 37161, 1},            // 37,161 tok/s = 3.21e9 a day
		{5e9, 37161, 2},             // 5e9 / 3.2107e9 = 1.56 → 2
		{37161 * 86400, 37161, 1},   // exactly one day of capacity
		{37161*86400 + 1, 37161, 2}, // one token more
		{10e6, 0, 1},                // capacity not measured: the seed's one box
		{0, 37161, 1},               // no volume still needs a box to compare
	}
	for _, tt := range tests {
		if got := ReplicasNeeded(tt.perDay, tt.capacity); got != tt.want {
			t.Errorf("ReplicasNeeded(%g, %g) = %d; want %d", tt.perDay, tt.capacity, got, tt.want)
		}
	}
}

func TestBreakEvenExamples(t *testing.T) {
	p := 15e-6 // $15 per 1M tokens
	tests := []struct {
		name                string
		r, c, o             float64
		first, always, util float64
		ok                  bool
	}{
		// doc example: unlimited capacity → (R+O)/p
		{"unlimited", 2000, 0, 0, 2000 / p, 2000 / p, 0, true},
		{"unlimited with ops", 2000, 0, 1000, 3000 / p, 3000 / p, 0, true},
		// C = 1e9/month: p·C = 15,000 > 2,000; k* = 1; first = 133.33M, utilization 13.33 %
		{"capacity", 2000, 1e9, 0, 2000 / p, 2000 / p, 2000 / p / 1e9, true},
		// C = 1e8/month: p·C = 1,500 < 2,000: a full GPU earns less than it costs
		{"never", 2000, 1e8, 0, 0, 0, 0, false},
		// C = 2e8: p·C = 3,000, margin 1,000, O = 2,500 → k* = 3, first = (6,000+2,500)/p = 566.67M
		// (inside (400M, 600M]); k₁ = ceil(5,500/1,000) = 6 → always = min(5·2e8, (10,000+2,500)/p = 833.3M) = 833.3M
		{"steps", 2000, 2e8, 2500, 8500 / p, 12500 / p, (8500 / p) / 6e8, true},
	}
	for _, tt := range tests {
		first, always, util, ok := BreakEven(p, tt.r, tt.c, tt.o)
		if ok != tt.ok || !near(first, tt.first, 1e-3) || !near(always, tt.always, 1e-3) || !near(util, tt.util, 1e-12) {
			t.Errorf("%s: BreakEven(%g, %g, %g, %g) = %g, %g, %g, %v; want %g, %g, %g, %v",
				tt.name, p, tt.r, tt.c, tt.o, first, always, util, ok, tt.first, tt.always, tt.util, tt.ok)
		}
	}
}

// TestBreakEvenAgainstScan checks the closed form against a scan over
// volumes of the step function it solves.
func TestBreakEvenAgainstScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for i := 0; i < 300; i++ {
		p := (0.5 + rng.Float64()*20) * 1e-6
		r := 500 + rng.Float64()*5000
		c := (0.1 + rng.Float64()*3) * 1e9
		o := rng.Float64() * 20000
		if rng.IntN(4) == 0 {
			o = 0
		}
		selfCost := func(v float64) float64 { return math.Max(1, math.Ceil(v/c))*r + o }
		first, always, _, ok := BreakEven(p, r, c, o)
		if !ok {
			if p*c > r {
				t.Fatalf("BreakEven(%g, %g, %g, %g) says never, but a full replica pays", p, r, c, o)
			}
			continue
		}
		// Scan a fine grid: nothing below first is self-hosted-cheaper, nothing above always is dearer.
		step := c / 997
		for v := step; v < always+20*c; v += step {
			cheaper := selfCost(v) <= p*v*(1+1e-12)
			if v < first*(1-1e-9) && cheaper {
				t.Fatalf("BreakEven(%g, %g, %g, %g): first = %g but self-hosting pays at %g", p, r, c, o, first, v)
			}
			if v > always*(1+1e-9) && !cheaper {
				t.Fatalf("BreakEven(%g, %g, %g, %g): always = %g but the API is cheaper at %g", p, r, c, o, always, v)
			}
		}
		if !(selfCost(first) <= p*first*(1+1e-9)) {
			t.Fatalf("BreakEven(%g, %g, %g, %g): at first = %g self-hosting costs %g > API %g", p, r, c, o, first, selfCost(first), p*first)
		}
	}
}

// TestMixedUSDPer1M: the docs' examples, GPT-4o at 2.50 / 10.00: a chat
// workload of 512 in and 128 out (0.8) → $4.00; 128 in, 512 out (0.2) →
// $8.50; at 3:1, $4.375.
func TestMixedUSDPer1M(t *testing.T) {
	for _, tc := range []struct{ share, want float64 }{{0.8, 4.00}, {0.2, 8.50}, {DefaultInputShare, 4.375}} {
		if got := MixedUSDPer1M(2.50, 10.00, tc.share); !near(got, tc.want, 1e-12) {
			t.Errorf("share %v: $%v per 1M; want $%v", tc.share, got, tc.want)
		}
	}
}

// TestInputShare: a measured throughput's input share, and none where it
// counts no input tokens.
func TestInputShare(t *testing.T) {
	if s, ok := InputShare(640, 128); !ok || !near(s, 0.8, 1e-12) {
		t.Errorf("640 total, 128 out: %v %v; want 0.8", s, ok)
	}
	for _, tc := range [][2]float64{{128, 128}, {100, 128}, {0, 0}, {math.NaN(), 1}, {math.Inf(1), 1}, {10, -1}} {
		if s, ok := InputShare(tc[0], tc[1]); ok {
			t.Errorf("total %v, output %v: share %v; want none", tc[0], tc[1], s)
		}
	}
}

// TestResolveMix: a share given wins and must lie strictly between 0 and
// 1; else the run's measured mix; else 3:1, whose price is the blend. A
// cached share prices that part of the input at the cached-input price:
// GPT-4o (2.50 in, 1.25 cached, 10.00 out) at 80 % input, half cached:
// 0.8 × 1.875 + 0.2 × 10 = $3.50; at 3:1, (3 × 1.875 + 10) / 4 = $3.90625.
func TestResolveMix(t *testing.T) {
	gpt4o := API{ID: "openai/gpt-4o", USDPer1MInput: 2.50, USDPer1MCachedInput: 1.25, USDPer1MOutput: 10.00}
	price := func(m TokenMix, a API) float64 {
		t.Helper()
		p, err := m.Price(a)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	tp := &Throughput{TotalTokensPerS: 1000, OutputTokensPerS: 800}
	m, err := ResolveMix(0.9, 0, tp, "runs/x")
	if err != nil || m.InputShare != 0.9 || m.From != "--input-share" {
		t.Errorf("given 0.9: %+v, %v", m, err)
	}
	for _, bad := range []float64{-0.1, 1, 1.5, math.NaN()} {
		if _, err := ResolveMix(bad, 0, tp, "runs/x"); err == nil || !strings.Contains(err.Error(), "--input-share") {
			t.Errorf("given %v: err %v; want one naming --input-share", bad, err)
		}
		if bad == 1 {
			continue // all input read from the cache is a share
		}
		if _, err := ResolveMix(0, bad, tp, "runs/x"); err == nil || !strings.Contains(err.Error(), "--cached-input-share") {
			t.Errorf("cached %v: err %v; want one naming --cached-input-share", bad, err)
		}
	}
	m, err = ResolveMix(0, 0, tp, "runs/x")
	if err != nil || !near(m.InputShare, 0.2, 1e-12) || m.String() != "at 20 % input tokens (the measured mix of runs/x)" {
		t.Errorf("measured: %+v %q, %v", m, m, err)
	}
	if p := price(m, gpt4o); !near(p, 8.50, 1e-12) {
		t.Errorf("measured mix price %v; want 8.50", p)
	}
	for _, tp := range []*Throughput{nil, {TotalTokensPerS: 800, OutputTokensPerS: 800}} {
		m, err := ResolveMix(0, 0, tp, "runs/x")
		if err != nil || m != DefaultMix() || m.String() != "blended 3:1" || price(m, gpt4o) != 4.375 {
			t.Errorf("no mix known (%+v): %+v %q, %v", tp, m, m, err)
		}
	}
	m, err = ResolveMix(0.8, 0.5, nil, "")
	if err != nil || m.String() != "at 80 % input tokens (--input-share), 50 % of input tokens cached" {
		t.Fatalf("cached: %+v %q, %v", m, m, err)
	}
	if p := price(m, gpt4o); !near(p, 3.50, 1e-12) {
		t.Errorf("half cached at 80 %% input: $%v; want $3.50", p)
	}
	m, _ = ResolveMix(0, 0.5, nil, "")
	if p := price(m, gpt4o); !near(p, 3.90625, 1e-12) || m.String() != "blended 3:1, 50 % of input tokens cached" {
		t.Errorf("half cached at 3:1: $%v %q; want $3.90625", p, m)
	}
	noCached := API{ID: "groq/x", USDPer1MInput: 0.05, USDPer1MOutput: 0.08}
	if _, err := m.Price(noCached); err == nil || !strings.Contains(err.Error(), "groq/x: the catalog has no cached-input price") {
		t.Errorf("cached share on an API without a cached price: %v", err)
	}
	if p := price(DefaultMix(), noCached); !near(p, (3*0.05+0.08)/4, 1e-12) {
		t.Errorf("nothing cached: $%v", p)
	}
}

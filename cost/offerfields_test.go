package cost

import (
	"strings"
	"testing"
)

// offer is a prices file that sets fields of one offer of h100-sxm.
func offer(id, fields string) string {
	return "gpus:\n  - id: h100-sxm\n    offers:\n      - id: " + id + "\n" + fields
}

// A field an offer's kind does not price was taken and ignored: a
// multiplier without base_offer left aws-p5-od at $6.88 (the user meant
// half), usd_per_gpu_hour on owned-8x left it at its capex's $1.475, a
// capex on a rented offer did nothing. Each is refused at its line, saying
// what prices that kind.
func TestPricesFileRefusesAFieldTheOfferDoesNotPrice(t *testing.T) {
	for _, c := range []struct{ prices, at, msg string }{
		{offer("aws-p5-od", "        multiplier: 0.5\n"), "5:21:", "base_offer"},
		{offer("aws-p5-od", "        capex_usd_per_gpu: 20000\n"), "5:28:", "owned"},
		{offer("aws-p5-od", "        pue: 1.2\n"), "5:14:", "owned"},
		{offer("aws-p5-od", "        usd_per_kwh: 0.1\n"), "5:22:", "owned"},
		{offer("aws-p5-od", "        watts_per_gpu: 500\n"), "5:24:", "owned"},
		{offer("aws-p5-od", "        amortization_months: 48\n"), "5:30:", "owned"},
		{offer("owned-8x", "        usd_per_gpu_hour: 0.5\n"), "5:27:", "capex_usd_per_gpu"},
		{offer("owned-8x", "        multiplier: 0.5\n"), "5:21:", "owned"},
	} {
		if err := refusedAt(t, c.prices, c.at, c.msg); err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: %q; want one line", c.prices, err)
		}
	}
}

// An owned offer's hour was not bounded as a rented one's is (1e6 USD a
// GPU-hour): capex 1e30 printed $38,051,750,380,517,503,872,794,624 a
// GPU-hour, usd_per_kwh 1e300 a 300-digit $/h, and pue and usd_per_kwh of
// 1e308 failed as "throughput too small to price (2500 output tokens/s…)".
func TestPricesFileBoundsAnOwnedOffersHour(t *testing.T) {
	for _, c := range []struct{ prices, at string }{
		{offer("owned-8x", "        capex_usd_per_gpu: 1e30\n"), "5:28:"},
		{offer("owned-8x", "        amortization_months: 1e-30\n"), "5:30:"},
		{offer("owned-8x", "        usd_per_kwh: 1e300\n"), "5:22:"},
		{offer("owned-8x", "        watts_per_gpu: 1e300\n"), "5:24:"},
		{offer("owned-8x", "        pue: 1e308\n        usd_per_kwh: 1e308\n"), "6:22:"},
	} {
		refusedAt(t, c.prices, c.at, "a typo?")
	}
	// At the bound's side of it, an owned hour loads.
	if _, err := loadErr(t, offer("owned-8x", "        capex_usd_per_gpu: 1e9\n        usd_per_kwh: 100\n")); err != nil {
		t.Errorf("a 1e9 USD GPU at 100 USD/kWh: %v; want it loaded", err)
	}
}

// memory_mib is the usable part of memory_gb: a MiB count past memory_gb
// read as GiB (an extra digit, 810800 for 81080) made Llama-3-70B fit one
// H100 with 660 GiB of KV cache.
func TestPricesFileRefusesMoreMiBThanTheGPUHolds(t *testing.T) {
	refusedAt(t, "gpus:\n  - id: h100-sxm\n    memory_mib: 810800\n", "3:17:", "memory_gb")
	if _, err := loadErr(t, "gpus:\n  - id: h100-sxm\n    memory_mib: 81920\n"); err != nil {
		t.Errorf("memory_mib 81920 of an 80 GB GPU: %v; want it loaded", err)
	}
}

// A reserved or spot offer priced off another is a discount: a multiplier
// of 64 (a percent typed for 0.64) priced aws-p5-1y at $440.32 a GPU-hour,
// 64 times on-demand, without a word; -0.5 was said twice.
func TestPricesFileRefusesADiscountAboveOne(t *testing.T) {
	refusedAt(t, offer("aws-p5-1y", "        multiplier: 64\n"), "5:21:", "0.64")
	err := refusedAt(t, offer("aws-p5-1y", "        multiplier: -0.5\n"), "5:21:", "multiplier")
	if err != nil && strings.Contains(err.Error(), "\n") {
		t.Errorf("multiplier -0.5: %q; want it said once", err)
	}
	if _, err := loadErr(t, offer("aws-p5-1y", "        multiplier: 1\n")); err != nil {
		t.Errorf("multiplier 1: %v; want it loaded", err)
	}
}

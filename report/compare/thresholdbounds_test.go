package compare

import (
	"strings"
	"testing"
)

// TestThresholdCanFail: output_tokens_per_s: 150% was accepted (printed
// -150%) and could never fail, throughput falling by 100 % at most; as
// could 100%, and 100pt of error rate. They are refused, suggesting off.
// A latency may still grow by up to 1000 %.
func TestThresholdCanFail(t *testing.T) {
	for _, tt := range []struct{ yaml, want string }{
		{"metrics:\n  output_tokens_per_s: 150%\n", `t.yaml:2:24: metrics.output_tokens_per_s: want less than 100%, got "150%": output_tokens_per_s cannot drop by more than 100% (to 0), so this limit could never fail (to gate nothing on this metric, write off)`},
		{"metrics:\n  goodput_rps: -100%\n", `metrics.goodput_rps: want less than 100%, got "-100%"`},
		{"metrics:\n  error_rate: 100pt\n", `metrics.error_rate: want less than 100pt, got "100pt": error_rate cannot grow by more than 100 points`},
	} {
		_, err := LoadThresholds("t.yaml", []byte(tt.yaml))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("LoadThresholds(%q) = %v; want %q", tt.yaml, err, tt.want)
		}
	}
	th, err := LoadThresholds("t.yaml", []byte("metrics:\n  output_tokens_per_s: 99.5%\n  ttft_p95: 500%\n  error_rate: 99pt\n"))
	if err != nil || !near(th.Limits["output_tokens_per_s"], 0.995, 1e-12) || th.Limits["ttft_p95"] != 5 || !near(th.Limits["error_rate"], 0.99, 1e-12) {
		t.Errorf("limits under 100 %% (and a latency's 500 %%): %v, %v", th.Limits, err)
	}
}

// TestThresholdPrecision: 0.0001% printed as +9.999999999999999e-05%; a
// limit is written to 6 significant digits, without an exponent.
func TestThresholdPrecision(t *testing.T) {
	th, err := LoadThresholds("t.yaml", []byte("metrics:\n  ttft_p95: 0.0001%\n  tpot_p95: 12.5%\n  output_tokens_per_s: 0.3%\n  error_rate: 0.07pt\n  itl_p99: 1000%\n"))
	if err != nil {
		t.Fatal(err)
	}
	const want = "e2e_p95 +10%, error_rate +0.07pt, itl_p99 +1000%, output_tokens_per_s -0.3%, tpot_p95 +12.5%, ttft_later_p50 +10%, ttft_later_p90 +10%, ttft_p95 +0.0001%"
	if got := th.String(); got != want {
		t.Errorf("String() = %q; want %q", got, want)
	}
	if got := (&Result{Alpha: 0.07}).interval(); got != "93%" {
		t.Errorf("the interval at alpha 0.07 = %q; want 93%%", got)
	}
}

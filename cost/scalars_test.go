package cost

import (
	"strings"
	"testing"
)

// TestPricesScalarsAsTheTypedDecodeReadsThem: a prices file's scalars are
// read as the field's type reads them, whatever YAML's own typing of the
// bare value: 1e15 (a string to YAML 1.1, a number to the field) and an
// unquoted year (`date: 2026`, a number to YAML, a string to the field).
// Both failed after the merge with Go's words and no place ("merge
// catalogs: json: cannot unmarshal string into Go struct field
// Model.models.params_b of type float64"). .inf and .nan are refused at
// their file:line:col; they failed as "json: unsupported value: +Inf".
func TestPricesScalarsAsTheTypedDecodeReadsThem(t *testing.T) {
	c := mustLoad(t, `models:
  - id: huge
    name: 123
    params_b: 1e3
    layers: 1E2
    kv_heads: 8
    head_dim: 128
    source: mine
    date: 2026
`)
	m, err := c.Model("huge")
	if err != nil {
		t.Fatal(err)
	}
	if m.ParamsB != 1000 || m.Layers != 100 || m.Date != "2026" || m.Name != "123" {
		t.Errorf("model = %+v; want params_b 1000, layers 100, date \"2026\", name \"123\"", m)
	}
	for _, tt := range []struct{ prices, at, msg string }{
		{"gpus:\n  - id: h100-sxm\n    memory_gb: .inf\n", "3:16", "memory_gb must be a finite number, got .inf"},
		{"apis:\n  - id: openai/gpt-4o\n    usd_per_1m_input: -.Inf\n", "3:23", "usd_per_1m_input must be a finite number, got -.inf"},
		{"gpus:\n  - id: h100-sxm\n    offers:\n      - id: aws-p5-od\n        usd_per_gpu_hour: .NaN\n", "5:27", "usd_per_gpu_hour must be a finite number, got .nan"},
	} {
		refusedAt(t, tt.prices, tt.at, tt.msg)
	}
}

// TestPricesValuesTheTypedDecodeReadsDifferently: values the strict typed
// decode accepted but the generic reading merged into the catalog (asTyped,
// removed) read differently, so they failed after the merge with Go's
// words and no place ("merge catalogs: json: cannot unmarshal number 1.5
// into Go struct field Model.models.layers of type int"). A fraction in an
// integer field, which the typed decode would cut to a whole number, is
// now refused at its file:line:col; a tagged !!int under a string field is
// read as the typed decode reads it. A number written as a string (quoted,
// or tagged !!str), which the typed decode reads as the number ("2.5" as
// 2.5, "inf" as +Inf), is refused as a scenario's is: the quotes say the
// value was meant as text, and a price must not be a guess at it.
func TestPricesValuesTheTypedDecodeReadsDifferently(t *testing.T) {
	for _, tt := range []struct{ prices, at, msg string }{
		{"models:\n  - id: llama-3-8b\n    layers: 1.5\n", "3:13", "models.llama-3-8b.layers: layers must be a whole number, got 1.5"},
		{"models:\n  - id: llama-3-8b\n    kv_heads: \"2.5\"\n", "3:15", `kv_heads must be a number, got the string "2.5"`},
		{"gpus:\n  - id: h100-sxm\n    offers:\n      - id: owned-8x\n        pue: \"inf\"\n", "5:14", `pue must be a number, got the string "inf"`},
		{"gpus:\n  - id: h100-sxm\n    tdp_w: '-Inf'\n", "3:12", `gpus.h100-sxm.tdp_w: tdp_w must be a number, got the string "-Inf"`},
		{"apis:\n  - id: openai/gpt-4o\n    usd_per_1m_input: \"nan\"\n", "3:23", `usd_per_1m_input must be a number, got the string "nan"`},
		{"gpus:\n  - id: h100-sxm\n    offers:\n      - id: aws-p5-od\n        usd_per_gpu_hour: !!str 80\n", "5:32", `usd_per_gpu_hour must be a number, got the string "80"`},
		{"gpus:\n  - id: h100-sxm\n    tdp_w: &w \"700\"\n", "3:15", `tdp_w must be a number, got the string "700"`},
		{"gpus:\n  - id: h100-sxm\n    tdp_w: !!str\n", "3:13", `tdp_w must be a number, got the string "null"`},
	} {
		refusedAt(t, tt.prices, tt.at, tt.msg)
	}
	c := mustLoad(t, "gpus:\n  - id: h100-sxm\n    interconnect: !!int 12\nmodels:\n  - id: llama-3-8b\n    layers: 2.0\n")
	if g, _ := c.GPU("h100-sxm"); g.Interconnect != "12" {
		t.Errorf("interconnect = %q; want \"12\"", g.Interconnect)
	}
	if m, _ := c.Model("llama-3-8b"); m.Layers != 2 {
		t.Errorf("layers = %d; want 2", m.Layers)
	}
}

// TestPricesFileBoundedAsTheFlags: a price in a prices file is bounded as
// the same price on the command line is (bounds.go: a million dollars a
// GPU-hour, a dollar a token): usd_per_gpu_hour: 1e12 (a typo for 1e1)
// printed a table of $157,697,246,491 per 1M tokens where
// --usd-per-gpu-hour 1e12 is refused. A derived offer (base × multiplier)
// is bounded too, at its multiplier. A negative price is one error, not
// two ("must not be negative" and "must be a positive number").
func TestPricesFileBoundedAsTheFlags(t *testing.T) {
	offer := "gpus:\n  - id: h100-sxm\n    offers:\n      - id: aws-p5-od\n        usd_per_gpu_hour: %s\n"
	for _, tt := range []struct{ prices, at, msg string }{
		{strings.Replace(offer, "%s", "1e12", 1), "5:27", "usd_per_gpu_hour 1e+12 is above 1e6 USD a GPU-hour: a typo?"},
		{strings.Replace(offer, "%s", "-1", 1), "5:27", "usd_per_gpu_hour must not be negative, got -1"},
		{"gpus:\n  - id: h100-sxm\n    offers:\n      - id: aws-p5-1y\n        multiplier: 1e9\n", "5:21", "aws-p5-1y's price 6.88e+09 USD a GPU-hour (aws-p5-od × 1e+09) is above 1e6 USD a GPU-hour: a typo?"},
		{"apis:\n  - id: openai/gpt-4o\n    usd_per_1m_output: 1e12\n", "3:24", "usd_per_1m_output 1e+12 is above 1e6 USD per 1M tokens (a dollar a token): a typo?"},
		{"apis:\n  - id: openai/gpt-4o\n    usd_per_1m_input: 2e6\n", "3:23", "usd_per_1m_input 2e+06 is above 1e6 USD per 1M tokens"},
	} {
		if err := refusedAt(t, tt.prices, tt.at, tt.msg); err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: %d errors; want one:\n%v", tt.prices, strings.Count(err.Error(), "\n")+1, err)
		}
	}
	// The bounds themselves load.
	mustLoad(t, strings.Replace(offer, "%s", "1e6", 1)+"apis:\n  - id: openai/gpt-4o\n    usd_per_1m_input: 1e6\n    usd_per_1m_output: 1e6\n")
}

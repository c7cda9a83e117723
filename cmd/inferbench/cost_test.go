package main

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/cost"
)

// costRunApp runs inferbench in-process and returns stdout and the error.
func costRunApp(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := newApp(&stdout, &stderr).RunContext(t.Context(), append([]string{"inferbench"}, args...))
	return stdout.String(), err
}

func costRunJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	out, err := costRunApp(t, args...)
	if err != nil {
		t.Fatalf("inferbench %s: %v", strings.Join(args, " "), err)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("inferbench %s: output is not JSON: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func costCloseTo(got, want float64) bool {
	return math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want))
}

// The first exact check: 10M tokens/day at $15 per 1M.
func TestCrossoverSeedExampleCLI(t *testing.T) {
	var got map[string]any
	costRunJSON(t, &got, "crossover", "--tokens-per-day", "10000000", "--api-price-per-m", "15", "--format", "json")
	if got["monthly_tokens"] != 300000000.0 || got["api_monthly_usd"] != 4500.0 {
		t.Errorf("monthly_tokens = %v, api_monthly_usd = %v; want 300000000 and 4500", got["monthly_tokens"], got["api_monthly_usd"])
	}
	// Default GPU without a run: a100-80gb at the default offer, on-demand
	// (aws-p4de-od) = 3.4309 per GPU-hour × 730 h.
	want := 3.4309 * 730
	if v, _ := got["self_hosted_monthly_usd"].(float64); !costCloseTo(v, want) {
		t.Errorf("self_hosted_monthly_usd = %v; want %v", got["self_hosted_monthly_usd"], want)
	}
	if v, _ := got["crossover_tokens_per_day"].(float64); !costCloseTo(v, want/15e-6/30) {
		t.Errorf("crossover_tokens_per_day = %v; want %v", got["crossover_tokens_per_day"], want/15e-6/30)
	}
	// The same with requests × tokens per request, and an explicit GPU month.
	costRunJSON(t, &got, "crossover", "--requests-per-day", "20000", "--tokens-per-request", "500", "--api-price-per-m", "15",
		"--gpu-month-usd", "2000", "--ops-month-usd", "1000", "--format", "json")
	if got["monthly_tokens"] != 300000000.0 || got["self_hosted_monthly_usd"] != 3000.0 || got["cheaper"] != "self-hosted" {
		t.Errorf("requests form = %v", got)
	}
}

// The second exact check: 4129.03 output tok/s at $2.69/GPU-hour.
func TestCostGivenThroughputCLI(t *testing.T) {
	var got map[string]any
	costRunJSON(t, &got, "cost", "--output-tokens-per-s", "4129.03", "--usd-per-gpu-hour", "2.69", "--format", "json")
	v, ok := got["usd_per_1m_output_tokens"].(float64)
	if !ok || math.Round(v*1000)/1000 != 0.181 {
		t.Errorf("usd_per_1m_output_tokens = %v; want 0.181 rounded to 3 places", got["usd_per_1m_output_tokens"])
	}
	out, err := costRunApp(t, "cost", "--output-tokens-per-s", "4129.03", "--usd-per-gpu-hour", "2.69")
	if err != nil || !strings.Contains(out, "$0.181") {
		t.Errorf("text output = %q, %v; want $0.181 in it", out, err)
	}
}

type costRows struct {
	Basis      string `json:"basis"`
	Level      float64
	Throughput struct {
		OutputTokensPerS float64 `json:"output_tokens_per_s"`
	} `json:"throughput"`
	Rows []struct {
		GPU                  string  `json:"gpu"`
		Offer                string  `json:"offer"`
		GPUs                 int     `json:"gpus"`
		EnergyBasis          string  `json:"energy_basis"`
		USDPerHour           float64 `json:"usd_per_hour"`
		USDPer1MOutputTokens float64 `json:"usd_per_1m_output_tokens"`
		USDPer1MTotalTokens  float64 `json:"usd_per_1m_total_tokens"`
		USDPer1KRequests     float64 `json:"usd_per_1k_requests"`
	} `json:"rows"`
}

func TestCostRunDirCLI(t *testing.T) {
	dir := filepath.Join("testdata", "cost", "capacity")
	var got costRows
	costRunJSON(t, &got, "cost", "--run", dir, "--format", "json")
	if !strings.Contains(got.Basis, "capacity at SLO (level 64)") || got.Throughput.OutputTokensPerS != 5120 {
		t.Errorf("basis = %q at %v tok/s; want the capacity level 64 at 5120", got.Basis, got.Throughput.OutputTokensPerS)
	}
	// run.json names an H100 80GB HBM3: every h100-sxm offer of the shipped
	// catalog, and only those.
	c, err := cost.Load("")
	if err != nil {
		t.Fatal(err)
	}
	h100, err := c.GPU("h100-sxm")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != len(h100.Offers) {
		t.Errorf("rows = %d; want the %d h100-sxm offers", len(got.Rows), len(h100.Offers))
	}
	for _, r := range got.Rows {
		if r.GPU != "h100-sxm" || r.GPUs != 1 {
			t.Errorf("row %+v; want h100-sxm on 1 GPU", r)
		}
		if r.Offer == "aws-p5-od" {
			// 6.88 / (5120 × 3600) × 1e6; 6.88 / (46080 × 3600) × 1e6; 6.88 / (40 × 3600) × 1000
			if !costCloseTo(r.USDPer1MOutputTokens, 0.37326388888888884) || !costCloseTo(r.USDPer1MTotalTokens, 0.041473765432098764) || !costCloseTo(r.USDPer1KRequests, 0.04777777777777778) {
				t.Errorf("aws-p5-od row = %+v", r)
			}
		}
	}

	// Owned hardware with measured energy: 36,000 J over the level's 60 s window = 600 W.
	costRunJSON(t, &got, "cost", "--run", dir, "--offer", "owned", "--energy-joules", "36000", "--format", "json")
	wantHour := 38750.0/(36*730) + 0.6*1.58*0.1282
	if len(got.Rows) != 1 || got.Rows[0].EnergyBasis != "measured" || !costCloseTo(got.Rows[0].USDPerHour, wantHour) ||
		!costCloseTo(got.Rows[0].USDPer1MOutputTokens, wantHour/(5120*3600)*1e6) {
		t.Errorf("owned rows = %+v; want one measured row at %v/h", got.Rows, wantHour)
	}

	// Text: a per-GPU table with the offers.
	out, err := costRunApp(t, "cost", "--run", dir)
	if err != nil || !strings.Contains(out, "aws-p5-od") || !strings.Contains(out, "$/1M out") || !strings.Contains(out, "$0.373") {
		t.Errorf("text = %q, %v", out, err)
	}
	md, err := costRunApp(t, "cost", "--run", dir, "--format", "md")
	if err != nil || !strings.Contains(md, "| gpu | offer |") {
		t.Errorf("markdown = %q, %v", md, err)
	}
}

func TestCostRunDirWithoutCapacityCLI(t *testing.T) {
	dir := filepath.Join("testdata", "cost", "no-capacity")
	var got costRows
	costRunJSON(t, &got, "cost", "--run", dir, "--gpu", "a100-80gb", "--offer", "on-demand", "--gpus", "2", "--format", "json")
	if !strings.Contains(got.Basis, "highest-throughput level 128") || got.Throughput.OutputTokensPerS != 5760 {
		t.Errorf("basis = %q at %v; want the highest-throughput level 128 at 5760 tok/s", got.Basis, got.Throughput.OutputTokensPerS)
	}
	if len(got.Rows) != 1 || got.Rows[0].Offer != "aws-p4de-od" || !costCloseTo(got.Rows[0].USDPer1MOutputTokens, 2*3.4309/(5760*3600)*1e6) {
		t.Errorf("rows = %+v; want aws-p4de-od, 2 × 3.4309 / (5760 × 3600) × 1e6", got.Rows)
	}
	// No run.json, no --gpu: every GPU's offers, with the caveat.
	out, err := costRunApp(t, "cost", "--run", dir, "--offer", "on-demand")
	if err != nil || !strings.Contains(out, "mi300x") || !strings.Contains(out, "h100-sxm") || !strings.Contains(out, "not known") {
		t.Errorf("text = %q, %v; want every GPU and the caveat", out, err)
	}
}

func TestCostPricesFileCLI(t *testing.T) {
	prices := filepath.Join(t.TempDir(), "prices.yaml")
	if err := os.WriteFile(prices, []byte("gpus:\n  - id: h100-sxm\n    offers:\n      - id: aws-p5-od\n        usd_per_gpu_hour: 4.00\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var got costRows
	costRunJSON(t, &got, "cost", "--output-tokens-per-s", "5000", "--gpu", "h100-sxm", "--offer", "aws-p5-od", "--prices", prices, "--format", "json")
	if len(got.Rows) != 1 || !costCloseTo(got.Rows[0].USDPer1MOutputTokens, 4/(5000*3600.0)*1e6) {
		t.Errorf("rows = %+v; want the overridden $4.00", got.Rows)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("gpus:\n  - id: h100-sxm\n    offers:\n      - id: aws-p5-od\n        usd_per_gpu_hour: -1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := costRunApp(t, "crossover", "--tokens-per-day", "1e6", "--api-price-per-m", "1", "--prices", bad)
	if err == nil || !strings.Contains(err.Error(), bad+":5:27: ") {
		t.Errorf("bad prices file error = %v; want %s:5:27: …", err, bad)
	}
}

func TestAdviseCLI(t *testing.T) {
	var got struct {
		MonthlyAPISpendUSD float64 `json:"monthly_api_spend_usd"`
		Recommended        struct {
			Path string `json:"path"`
			Rule string `json:"rule"`
		} `json:"recommended"`
		Rules []struct {
			ID    string `json:"id"`
			Quote string `json:"quote"`
		} `json:"rules"`
	}
	// 10M tokens/day at $15 → $4,500/month; a GPU team, HIPAA → on-premises.
	costRunJSON(t, &got, "advise", "--tokens-per-day", "10000000", "--api-price-per-m", "15", "--compliance", "hipaa",
		"--team-runs-gpus", "--latency", "interactive", "--format", "json")
	if got.MonthlyAPISpendUSD != 4500 || got.Recommended.Path != "self-hosted-on-prem" || got.Recommended.Rule != "matrix.hipaa-or-airgap" {
		t.Errorf("advise = %+v", got)
	}
	quoted := map[string]string{}
	for _, r := range got.Rules {
		quoted[r.ID] = r.Quote
	}
	if quoted["compliance.hipaa"] == "" || quoted["latency.interactive"] != "interactive needs sub-1 s first-token latency" {
		t.Errorf("rules = %v", quoted)
	}
	out, err := costRunApp(t, "advise", "--monthly-api-spend", "1000")
	if err != nil || !strings.Contains(out, "cloud-api") || !strings.Contains(out, "under $3K/month API spend and no compliance constraint") {
		t.Errorf("text = %q, %v", out, err)
	}
}

func TestGPUsCLI(t *testing.T) {
	out, err := costRunApp(t, "gpus")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"h100-sxm", "a100-80gb", "a10g", "rtx-4090", "mi300x", "a100-40gb", "h200", "l40s", "sweet spot"} {
		if !strings.Contains(out, id) {
			t.Errorf("gpus output lacks %q", id)
		}
	}
	var got struct {
		Fits []struct {
			GPU            string `json:"gpu"`
			Fits           bool   `json:"fits"`
			TensorParallel int    `json:"tensor_parallel"`
		} `json:"fits"`
	}
	costRunJSON(t, &got, "gpus", "--fit", "llama-3-70b", "--format", "json")
	tp := map[string]int{}
	for _, f := range got.Fits {
		tp[f.GPU] = f.TensorParallel
	}
	if tp["h100-sxm"] != 2 || tp["mi300x"] != 1 || tp["a10g"] != 8 {
		t.Errorf("llama-3-70b tensor parallel = %v; want h100 2, mi300x 1, a10g 8", tp)
	}
}

func TestCostCommandsUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"cost"},
		{"cost", "--output-tokens-per-s", "1", "--run", "x"},
		{"cost", "--output-tokens-per-s", "1", "--usd-per-gpu-hour", "1", "--format", "xml"},
		{"cost", "--output-tokens-per-s", "1", "--gpu", "h900"},
		{"crossover", "--api-price-per-m", "15"},
		{"crossover", "--tokens-per-day", "1", "--requests-per-day", "1", "--tokens-per-request", "1"},
		{"advise", "--monthly-api-spend", "100", "--compliance", "pci"},
		{"advise", "--monthly-api-spend", "100", "--tokens-per-day", "5"},
		{"gpus", "--fit", "gpt-5"},
	} {
		_, err := costRunApp(t, args...)
		if code := exitCode(err, io.Discard); err == nil || code != exitUsage {
			t.Errorf("inferbench %s = %v (exit %d); want a usage error", strings.Join(args, " "), err, code)
		}
		// The command leads the line: no "cost: " of the package (a
		// crossover's error read "inferbench: cost: pass --tokens-per-day …").
		if err != nil && strings.HasPrefix(err.Error(), "cost: ") {
			t.Errorf("inferbench %s = %q; want it without the package's 'cost: '", strings.Join(args, " "), err)
		}
	}
}

// TestCostCommandsTakeNoArguments: each cost command refuses a positional
// argument, naming itself, and a bad --format.
func TestCostCommandsTakeNoArguments(t *testing.T) {
	for _, cmd := range []string{"cost", "crossover", "advise", "gpus"} {
		var stdout, stderr bytes.Buffer
		err := newApp(&stdout, &stderr).RunContext(t.Context(), []string{"inferbench", cmd, "extra"})
		if want := cmd + ` takes no arguments, got "extra"`; err == nil || err.Error() != want || exitCode(err, io.Discard) != exitUsage {
			t.Errorf("%s extra: %v; want a usage error %q", cmd, err, want)
		}
		err = newApp(&stdout, &stderr).RunContext(t.Context(), []string{"inferbench", cmd, "--format", "xml"})
		if err == nil || exitCode(err, io.Discard) != exitUsage {
			t.Errorf("%s --format xml: %v; want a usage error", cmd, err)
		}
	}
}

// TestCostCommandsNameAZeroGiven: a throughput, volume or spend flag given
// as 0 is refused as the value it is, not as a flag left out: `cost
// --output-tokens-per-s 0` said "pass --run DIR or --output-tokens-per-s
// X", `crossover --tokens-per-day 0` "pass --tokens-per-day N", and `gpus
// --gpu-memory-utilization 0` ran at the default 0.9 that its own error
// ("must be in (0, 1]") excludes. A price or GPU count given as 0 is
// refused too.
func TestCostCommandsNameAZeroGiven(t *testing.T) {
	for _, tt := range []struct {
		flag string
		args []string
	}{
		{"--output-tokens-per-s", []string{"cost", "--output-tokens-per-s", "0", "--gpu", "h100-sxm"}},
		{"--output-tokens-per-s", []string{"cost", "--output-tokens-per-s", "-0", "--gpu", "h100-sxm"}},
		{"--requests-per-s", []string{"cost", "--output-tokens-per-s", "100", "--requests-per-s", "0", "--gpu", "h100-sxm"}},
		{"--tokens-per-day", []string{"crossover", "--tokens-per-day", "0"}},
		{"--requests-per-day", []string{"crossover", "--requests-per-day", "0", "--tokens-per-request", "100"}},
		{"--monthly-api-spend", []string{"advise", "--monthly-api-spend", "0"}},
		{"--gpu-memory-utilization", []string{"gpus", "--fit", "llama-3-8b", "--gpu-memory-utilization", "0"}},
		{"--input-share", []string{"crossover", "--tokens-per-day", "1e8", "--input-share", "0"}},
		{"--cached-input-share", []string{"advise", "--tokens-per-day", "1e8", "--cached-input-share", "0"}},
		// Prices and GPU counts: 0 priced the catalog's GPU ($2,505 a
		// month), the API's $4.375 per 1M and one GPU.
		{"--gpu-month-usd", []string{"crossover", "--tokens-per-day", "1e8", "--gpu-month-usd", "0"}},
		{"--api-price-per-m", []string{"advise", "--tokens-per-day", "1e8", "--api-price-per-m", "0"}},
		{"--gpus", []string{"cost", "--output-tokens-per-s", "100", "--gpu", "h100-sxm", "--gpus", "0"}},
		{"--usd-per-gpu-hour", []string{"cost", "--output-tokens-per-s", "100", "--usd-per-gpu-hour", "0"}},
	} {
		_, err := costRunApp(t, tt.args...)
		want := tt.flag + " must be a positive number, got 0"
		if code := exitCode(err, io.Discard); err == nil || code != exitUsage || !strings.Contains(err.Error(), want) {
			t.Errorf("inferbench %s = %v (exit %d); want a usage error %q", strings.Join(tt.args, " "), err, code, want)
		}
	}
}

// TestCostCommandsSayZeroAndNegativeAlike: a GPU count, price or spend
// given as 0 or as -1 gets one message ("must be a positive number"):
// --gpus -1 said "must be at least 1" where --gpus 0 said "must be a
// positive number". And --energy-window-s alone, once ignored, is refused.
func TestCostCommandsSayZeroAndNegativeAlike(t *testing.T) {
	for _, tt := range []struct {
		flag string
		args []string
	}{
		{"--gpus", []string{"cost", "--output-tokens-per-s", "100", "--gpu", "h100-sxm", "--gpus"}},
		{"--gpus", []string{"crossover", "--tokens-per-day", "1e8", "--gpus"}},
		{"--usd-per-gpu-hour", []string{"cost", "--output-tokens-per-s", "100", "--usd-per-gpu-hour"}},
		{"--gpu-month-usd", []string{"crossover", "--tokens-per-day", "1e8", "--gpu-month-usd"}},
		{"--api-price-per-m", []string{"crossover", "--tokens-per-day", "1e8", "--api-price-per-m"}},
		{"--monthly-api-spend", []string{"advise", "--monthly-api-spend"}},
		{"--tokens-per-day", []string{"crossover", "--tokens-per-day"}},
	} {
		for _, v := range []string{"0", "-1"} {
			args := append(slices.Clone(tt.args), v)
			_, err := costRunApp(t, args...)
			want := tt.flag + " must be a positive number, got " + v
			if code := exitCode(err, io.Discard); err == nil || code != exitUsage || !strings.Contains(err.Error(), want) {
				t.Errorf("inferbench %s = %v (exit %d); want a usage error %q", strings.Join(args, " "), err, code, want)
			}
		}
	}
	_, err := costRunApp(t, "cost", "--output-tokens-per-s", "100", "--gpu", "h100-sxm", "--energy-window-s", "60")
	if err == nil || !strings.Contains(err.Error(), "--energy-window-s needs --energy-joules") {
		t.Errorf("cost --energy-window-s alone = %v; want it refused", err)
	}
}

// TestCostCommandsRefuseAbsurdNumbers: a volume, throughput, spend or price
// past any deployment (or below one token a day) is refused naming the
// flag and its bound, as run refuses an absurd --rate; they printed
// 300-digit amounts ('--tokens-per-day 1e300', 'cost
// --output-tokens-per-s 1e-300'), a cost per token of "-" ('cost
// --output-tokens-per-s 1e308': it rounded to 0, which means not priced)
// and 'Advice at -/month' with a recommendation (requests × tokens per
// request overflowed to +Inf). At the bounds the output stays readable.
func TestCostCommandsRefuseAbsurdNumbers(t *testing.T) {
	for _, tt := range []struct {
		flag string
		args []string
	}{
		{"--tokens-per-day", []string{"crossover", "--tokens-per-day", "1e300"}},
		{"--tokens-per-day", []string{"advise", "--tokens-per-day", "1e-300"}},
		{"--requests-per-day", []string{"advise", "--requests-per-day", "1e300", "--tokens-per-request", "1e300"}},
		{"--monthly-api-spend", []string{"advise", "--monthly-api-spend", "1e300"}},
		{"--api-price-per-m", []string{"crossover", "--tokens-per-day", "1e6", "--api-price-per-m", "1e300"}},
		{"--gpu-month-usd", []string{"crossover", "--tokens-per-day", "1e6", "--gpu-month-usd", "1e300"}},
		{"--ops-month-usd", []string{"crossover", "--tokens-per-day", "1e6", "--ops-month-usd", "1e300"}},
		{"--output-tokens-per-s", []string{"cost", "--output-tokens-per-s", "1e308", "--gpu", "h100-sxm"}},
		{"--output-tokens-per-s", []string{"cost", "--output-tokens-per-s", "1e-300", "--gpu", "h100-sxm"}},
		{"--total-tokens-per-s", []string{"cost", "--output-tokens-per-s", "10", "--total-tokens-per-s", "1e300", "--gpu", "h100-sxm"}},
		{"--requests-per-s", []string{"cost", "--output-tokens-per-s", "10", "--requests-per-s", "1e-300", "--gpu", "h100-sxm"}},
		{"--usd-per-gpu-hour", []string{"cost", "--output-tokens-per-s", "10", "--usd-per-gpu-hour", "1e300"}},
	} {
		_, err := costRunApp(t, tt.args...)
		if code := exitCode(err, io.Discard); err == nil || code != exitUsage || !strings.HasPrefix(err.Error(), tt.flag+" ") {
			t.Errorf("inferbench %s = %v (exit %d); want a usage error about %s", strings.Join(tt.args, " "), err, code, tt.flag)
		}
	}
	for _, args := range [][]string{
		{"crossover", "--tokens-per-day", "1e18", "--api-price-per-m", "1e6", "--ops-month-usd", "1e15"},
		{"advise", "--tokens-per-day", "1"},
		{"advise", "--monthly-api-spend", "1e15"},
		{"cost", "--output-tokens-per-s", "1.1574074074074073e-05", "--requests-per-s", "1e12", "--gpu", "h100-sxm"},
		{"cost", "--output-tokens-per-s", "1e12", "--usd-per-gpu-hour", "1e6", "--gpus", "1000000"},
	} {
		out, err := costRunApp(t, args...)
		if err != nil {
			t.Errorf("inferbench %s: %v; want it priced", strings.Join(args, " "), err)
			continue
		}
		for line := range strings.Lines(out) {
			// A 300-digit amount is a run of digits (thousands commas
			// aside); a note citing a price's source may be long.
			if longNumber.MatchString(strings.ReplaceAll(line, ",", "")) || strings.Contains(line, "e+") || infinite.MatchString(line) || strings.Contains(line, " -/") {
				t.Errorf("inferbench %s: a line a reader cannot use: %.200q", strings.Join(args, " "), line)
			}
		}
	}
}

// longNumber is a number too long to read: 25 digits or more.
var longNumber = regexp.MustCompile(`[0-9]{25}`)

// infinite is an infinity printed as a number (+Inf, -Inf, Inf), not a word
// that starts with it (InfiniBand, in a price's source).
var infinite = regexp.MustCompile(`\bInf\b`)

// TestCostRefusesAbsurdEnergy: --energy-joules over --energy-window-s is an
// average power; above a gigawatt (a power plant's) it is a typo, and its
// electricity printed as a 300-digit $/h ('--energy-joules 1e300', or
// '--energy-window-s 1e-300').
func TestCostRefusesAbsurdEnergy(t *testing.T) {
	for _, args := range [][]string{
		{"cost", "--output-tokens-per-s", "100", "--gpu", "h100-sxm", "--offer", "owned", "--energy-joules", "1e300", "--energy-window-s", "1"},
		{"cost", "--output-tokens-per-s", "100", "--gpu", "h100-sxm", "--offer", "owned", "--energy-joules", "100", "--energy-window-s", "1e-300"},
	} {
		_, err := costRunApp(t, args...)
		if code := exitCode(err, io.Discard); err == nil || code != exitUsage || !strings.HasPrefix(err.Error(), "--energy-joules ") {
			t.Errorf("inferbench %s = %v (exit %d); want a usage error about --energy-joules", strings.Join(args, " "), err, code)
		}
	}
	if _, err := costRunApp(t, "cost", "--output-tokens-per-s", "100", "--gpu", "h100-sxm", "--offer", "owned", "--energy-joules", "2.52e9", "--energy-window-s", "3600"); err != nil {
		t.Errorf("700 kW for an hour (a thousand 700 W GPUs): %v; want it priced", err)
	}
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// reportCrossover is the part of report.json the agreement test reads.
type reportCrossover struct {
	Crossover struct {
		Rows []struct {
			Run        string         `json:"run"`
			GPU        string         `json:"gpu"`
			OfferLabel string         `json:"offer_label"`
			API        string         `json:"api"`
			Crossover  map[string]any `json:"crossover"`
		} `json:"rows"`
	} `json:"crossover"`
}

// TestCrossoverAgreesWithReport: `crossover --run` of an H100 run prices
// the run's own GPU (from run.json, not the A100 default) at the same
// default offer as `report`, so both give the same GPU month, replicas and
// self-hosted monthly cost for the same volume and API (issue #20 item 1:
// they said $1,603 vs $5,022).
func TestCrossoverAgreesWithReport(t *testing.T) {
	_, h100 := reportRuns(t)
	out := filepath.Join(t.TempDir(), "rep")
	if _, err := costRunApp(t, "report", "--out", out, "--format", "json", "--tokens-per-day", "100000000", "--api-model", "openai/gpt-4o", h100); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep reportCrossover
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Crossover.Rows) != 1 {
		t.Fatalf("report crossover rows = %d; want 1", len(rep.Crossover.Rows))
	}
	row := rep.Crossover.Rows[0]
	if !strings.HasPrefix(row.GPU, "h100-sxm ") || row.OfferLabel != "on-demand, aws" {
		t.Errorf("report prices %q (%q); want h100-sxm at on-demand, aws", row.GPU, row.OfferLabel)
	}
	var cli map[string]any
	costRunJSON(t, &cli, "crossover", "--run", h100, "--tokens-per-day", "100000000", "--api-model", "openai/gpt-4o", "--format", "json")
	for _, k := range []string{"gpu_month_usd", "replicas", "gpus_needed", "self_hosted_monthly_usd", "api_monthly_usd", "crossover_tokens_per_day"} {
		got, _ := cli[k].(float64)
		want, _ := row.Crossover[k].(float64)
		if want == 0 || !costCloseTo(got, want) {
			t.Errorf("%s: crossover %v, report %v; want equal and non-zero", k, cli[k], row.Crossover[k])
		}
	}
	// aws-p5-od: 6.88 $/GPU-hour × 730 h, on the run's one GPU.
	if v, _ := cli["gpu_month_usd"].(float64); !costCloseTo(v, 6.88*730) {
		t.Errorf("gpu_month_usd = %v; want 6.88 × 730", v)
	}
	notes, _ := json.Marshal(cli["notes"])
	if !strings.Contains(string(notes), "h100-sxm") || !strings.Contains(string(notes), "on-demand, aws") {
		t.Errorf("notes %s; want the run's GPU and the offer's kind and provider", notes)
	}
}

// TestReportCachedInputShare: report --cached-input-share prices the
// crossover's APIs as crossover --cached-input-share does, leaves out an API
// the catalog has no cached-input price for (with a note saying so), and
// refuses a share out of range before writing anything (exit 2).
func TestReportCachedInputShare(t *testing.T) {
	_, h100 := reportRuns(t)
	out := filepath.Join(t.TempDir(), "rep")
	if _, err := costRunApp(t, "report", "--out", out, "--format", "json", "--tokens-per-day", "100000000", "--cached-input-share", "0.5", h100); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Crossover struct {
			Rows []struct {
				API         string         `json:"api"`
				APIPriceSrc string         `json:"api_price_source"`
				Crossover   map[string]any `json:"crossover"`
			} `json:"rows"`
			Notes []string `json:"notes"`
			Mix   struct {
				InputShare float64 `json:"input_share"`
			} `json:"api_mix"`
		} `json:"crossover"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	var apis []string
	for _, r := range rep.Crossover.Rows {
		apis = append(apis, r.API)
	}
	if strings.Join(apis, ",") != "openai/gpt-4o,openai/gpt-4o-mini" {
		t.Errorf("crossover rows for %v; want gpt-4o and gpt-4o-mini (groq has no cached-input price)", apis)
	}
	if notes := strings.Join(rep.Crossover.Notes, "\n"); !strings.Contains(notes, "groq/llama-3.1-8b-instant: left out: the catalog has no cached-input price") {
		t.Errorf("notes %q; want one saying why groq is left out", notes)
	}
	var cli map[string]any
	costRunJSON(t, &cli, "crossover", "--run", h100, "--tokens-per-day", "100000000", "--api-model", "openai/gpt-4o", "--cached-input-share", "0.5", "--format", "json")
	if len(rep.Crossover.Rows) > 0 {
		got, _ := rep.Crossover.Rows[0].Crossover["api_monthly_usd"].(float64)
		want, _ := cli["api_monthly_usd"].(float64)
		if want == 0 || !costCloseTo(got, want) {
			t.Errorf("gpt-4o api_monthly_usd: report %v, crossover %v; want equal at 50 %% cached", got, want)
		}
		// By hand: GPT-4o's $2.50 input, half of it at the cached $1.25,
		// $10 output, at the run's measured input share.
		in := rep.Crossover.Mix.InputShare
		if p, _ := rep.Crossover.Rows[0].Crossover["api_usd_per_1m"].(float64); in < 0.5 || !costCloseTo(p, in*(0.5*2.50+0.5*1.25)+(1-in)*10) {
			t.Errorf("gpt-4o at %.4f input, 50 %% cached: $%v per 1M; want %.4f × 1.875 + %.4f × 10", in, p, in, 1-in)
		}
		if src := rep.Crossover.Rows[0].APIPriceSrc; !strings.Contains(src, "50 % of input tokens cached") {
			t.Errorf("price source %q; want it to say 50 %% of input tokens cached", src)
		}
	}
	checkUsageError(t, "--cached-input-share must be above 0 and at most 1", "report", "--cached-input-share", "1.5", "--out", filepath.Join(t.TempDir(), "no"), h100)
}

package cost

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func mustLoad(t *testing.T, prices string) *Catalog {
	t.Helper()
	path := ""
	if prices != "" {
		path = filepath.Join(t.TempDir(), "prices.yaml")
		if err := os.WriteFile(path, []byte(prices), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c, err := Load(path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

// loadErr loads a user file and returns its path and the error.
func loadErr(t *testing.T, prices string) (string, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "prices.yaml")
	if err := os.WriteFile(path, []byte(prices), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	return path, err
}

// refusedAt checks that a prices file holding prices is refused at
// line:col (at; a prefix of it will do, "2:") with msg in the error, and
// returns the error, nil when the file loaded (reported).
func refusedAt(t *testing.T, prices, at, msg string) error {
	t.Helper()
	path, err := loadErr(t, prices)
	if err == nil {
		t.Errorf("%q: loaded; want an error", prices)
		return nil
	}
	if want := path + ":" + at; !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), msg) {
		t.Errorf("%q: %q; want prefix %q containing %q", prices, err, want, msg)
	}
	return err
}

func TestEmbeddedCatalogIsComplete(t *testing.T) {
	c := mustLoad(t, "")
	// The guide's five GPUs plus A100 40GB, H200 and L40S (issue #7).
	for _, id := range []string{"h100-sxm", "a100-80gb", "a10g", "rtx-4090", "mi300x", "a100-40gb", "h200", "l40s"} {
		g, err := c.GPU(id)
		if err != nil {
			t.Fatal(err)
		}
		if g.MemoryMiB <= 0 || g.BandwidthGBPerS <= 0 || g.TDPW <= 0 || g.Guide == "" || g.Cloud == "" {
			t.Errorf("gpu %s lacks specs or guide: %+v", id, g)
		}
	}
	// Every number has a source and a date (Load validates this; check it
	// here too so the test fails if validation is weakened).
	check := func(what, source, date string) {
		if strings.TrimSpace(source) == "" || !datePattern.MatchString(date) {
			t.Errorf("%s: source %q date %q", what, source, date)
		}
	}
	for _, g := range c.GPUs {
		check("gpu "+g.ID, g.Source, g.Date)
		for _, o := range g.Offers {
			check("offer "+g.ID+"/"+o.ID, o.Source, o.Date)
			if o.Kind != Owned && !(o.USDPerGPUHour > 0) {
				t.Errorf("offer %s/%s has no price after loading", g.ID, o.ID)
			}
		}
	}
	for _, a := range c.APIs {
		check("api "+a.ID, a.Source, a.Date)
	}
	for _, p := range c.Providers {
		check("provider "+p.ID, p.Source, p.Date)
	}
	for _, m := range c.Models {
		check("model "+m.ID, m.Source, m.Date)
	}
	// Spot checks against docs/notes/nvml-and-cost.md B.1 and B.2.
	h100, _ := c.GPU("h100-sxm")
	if o, _ := h100.Offer("on-demand"); o.ID != "aws-p5-od" || o.USDPerGPUHour != 6.88 {
		t.Errorf("h100 default on-demand = %s %v; want aws-p5-od 6.88 (55.04 / 8)", o.ID, o.USDPerGPUHour)
	}
	a100, _ := c.GPU("a100-80gb")
	if o, _ := a100.Offer("reserved-1y"); !near(o.USDPerGPUHour, 3.4309*0.64, 1e-12) {
		t.Errorf("a100-80gb reserved-1y = %v; want 3.4309 × 0.64", o.USDPerGPUHour)
	}
	if a, _ := c.API("openai/gpt-4o"); a.USDPer1MInput != 2.5 || a.USDPer1MOutput != 10 {
		t.Errorf("gpt-4o = %v / %v; want 2.50 / 10.00", a.USDPer1MInput, a.USDPer1MOutput)
	}
}

func TestUserFileOverridesFields(t *testing.T) {
	c := mustLoad(t, `
gpus:
  - id: a100-80gb
    offers:
      - id: aws-p4de-od
        usd_per_gpu_hour: 3.00
        source: my AWS quote
        date: 2026-12-01
      - id: my-colo
        kind: owned
        provider: colo
        capex_usd_per_gpu: 12000
        amortization_months: 48
        usd_per_kwh: 0.2
        pue: 1.3
        source: our invoice
        date: "2026-10"
  - id: b200
    name: B200
    memory_gb: 192
    memory_mib: 180000
    bandwidth_gb_per_s: 8000
    tdp_w: 1000
    source: vendor sheet
    date: "2026"
apis:
  - id: openai/gpt-4o
    usd_per_1m_output: 8
`)
	a100, err := c.GPU("a100-80gb")
	if err != nil {
		t.Fatal(err)
	}
	od, _ := a100.Offer("aws-p4de-od")
	if od.USDPerGPUHour != 3 || od.Source != "my AWS quote" || od.Provider != "aws" || od.Instance != "p4de.24xlarge" {
		t.Errorf("overridden offer = %+v; want price and source replaced, provider and instance kept", od)
	}
	// The derived 1-yr offer follows the overridden base price.
	if ry, _ := a100.Offer("aws-p4de-1y"); !near(ry.USDPerGPUHour, 3*0.64, 1e-12) {
		t.Errorf("reserved-1y = %v; want 3.00 × 0.64", ry.USDPerGPUHour)
	}
	if a100.Name != "A100 80GB SXM4" || a100.BandwidthGBPerS != 2039 {
		t.Errorf("fields the user file did not set changed: %+v", a100)
	}
	if last := a100.Offers[len(a100.Offers)-1]; last.ID != "my-colo" || last.Kind != Owned {
		t.Errorf("new offer not appended: %+v", last)
	}
	if _, err := c.GPU("b200"); err != nil {
		t.Errorf("new GPU not added: %v", err)
	}
	if len(c.GPUs) != 9 {
		t.Errorf("len(GPUs) = %d; want 8 shipped + 1", len(c.GPUs))
	}
	a, _ := c.API("openai/gpt-4o")
	if a.USDPer1MOutput != 8 || a.USDPer1MInput != 2.5 {
		t.Errorf("api override = %v / %v; want 2.5 / 8", a.USDPer1MInput, a.USDPer1MOutput)
	}
}

// TestBadValuesReportFileLineCol: each bad user file fails with
// "file:line:col: message" pointing at the bad value.
func TestBadValuesReportFileLineCol(t *testing.T) {
	tests := []struct {
		name, prices string
		at           string // line:col
		msg          string
	}{
		{
			name: "negative price",
			prices: `gpus:
  - id: h100-sxm
    offers:
      - id: aws-p5-od
        usd_per_gpu_hour: -6.88
`,
			at: "5:27", msg: "usd_per_gpu_hour must not be negative",
		},
		{
			name: "string where a number goes",
			prices: `gpus:
  - id: h100-sxm
    tdp_w: lots
`,
			at: "3:12", msg: "gpus.h100-sxm.tdp_w: want a number, got a string",
		},
		{
			name: "unknown key",
			prices: `gpus:
  - id: h100-sxm
    tdp_watts: 700
`,
			at: "3:5", msg: "unknown field",
		},
		{
			name: "misspelt key",
			prices: `gpus:
  - id: h100-sxm
    tdp_ww: 700
`,
			at: "3:5", msg: `gpus[0].tdp_ww: unknown field "tdp_ww" (did you mean "tdp_w"?)`,
		},
		{
			name:   "a tab",
			prices: "gpus:\n\t- id: h100-sxm\n",
			at:     "2:1", msg: `found character '\t' (a tab: YAML indents with spaces only)`,
		},
		{
			name: "bad date",
			prices: `apis:
  - id: openai/gpt-4o
    date: last week
`,
			at: "3:11", msg: `date "last week" must be YYYY`,
		},
		{
			name: "new entry without a source",
			prices: `models:
  - id: tiny
    params_b: 1
    layers: 2
    kv_heads: 1
    head_dim: 64
    date: "2026"
`,
			at: "2:5", msg: `models.tiny: a new model (no model "tiny" to override) needs source`,
		},
		{
			name: "pue under 1",
			prices: `gpus:
  - id: rtx-4090
    offers:
      - id: owned
        pue: 0.8
`,
			at: "5:14", msg: "pue must be at least 1",
		},
		{
			name: "api with an unknown provider",
			prices: `apis:
  - id: acme/model
    provider: acme
    model: m
    usd_per_1m_output: 1
    source: s
    date: "2026"
`,
			at: "3:15", msg: `provider "acme" is not in providers`,
		},
		{
			name: "cached input dearer than input",
			prices: `apis:
  - id: openai/gpt-4o
    usd_per_1m_cached_input: 3
`,
			at: "3:30", msg: "a cached input token (3 per 1M) must not cost more than an input token (2.5)",
		},
		{
			name:   "syntax error",
			prices: "gpus:\n  - id: [h100\n",
			at:     "2:", msg: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { refusedAt(t, tt.prices, tt.at, tt.msg) })
	}
}

func TestLoadMissingFile(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "nope.yaml")); err == nil || !strings.Contains(err.Error(), "prices file") {
		t.Errorf("Load(missing) = %v; want a prices file error", err)
	}
}

func TestOfferSelection(t *testing.T) {
	c := mustLoad(t, "")
	g, _ := c.GPU("h100-sxm")
	tests := []struct{ arg, want string }{
		{"on-demand", "aws-p5-od"}, // first of its kind
		{"runpod-community", "runpod-community"},
		{"owned", "owned-8x"},
		{"reserved-3y", "aws-p5-3y"},
		{"spot", "coreweave-spot"},
	}
	for _, tt := range tests {
		o, err := g.Offer(tt.arg)
		if err != nil || o.ID != tt.want {
			t.Errorf("Offer(%q) = %v, %v; want %s", tt.arg, o, err, tt.want)
		}
	}
	a10g, _ := c.GPU("a10g")
	if _, err := a10g.Offer("spot"); err == nil {
		t.Error("Offer(spot) succeeded; the a10g has no spot offer")
	}
	if c.GPUBySMIName("NVIDIA H100 80GB HBM3").ID != "h100-sxm" || c.GPUBySMIName("NVIDIA H100 PCIe") != nil {
		t.Error("GPUBySMIName must match the exact product only")
	}
}

// TestLookups: a lookup returns the catalog's own entry (a pointer into it),
// and an unknown id is an error naming the known ones.
func TestLookups(t *testing.T) {
	c := mustLoad(t, "")
	g, err := c.GPU(c.GPUs[1].ID)
	if err != nil || g != &c.GPUs[1] {
		t.Errorf("GPU(%s) = %p, %v; want the catalog's entry %p", c.GPUs[1].ID, g, err, &c.GPUs[1])
	}
	if p := c.Provider(c.Providers[0].ID); p != &c.Providers[0] {
		t.Errorf("Provider(%s) = %p; want the catalog's entry %p", c.Providers[0].ID, p, &c.Providers[0])
	}
	if c.Provider("nope") != nil {
		t.Error("Provider(nope) found one")
	}
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"GPU", second(c.GPU("nope")), `unknown gpu "nope" (known: ` + c.GPUs[0].ID + ", "},
		{"API", second(c.API("nope")), `unknown api model "nope" (known: ` + c.APIs[0].ID + ", "},
		{"Model", second(c.Model("nope")), `unknown model "nope" (known: ` + c.Models[0].ID + ", "},
	} {
		if tt.err == nil || !strings.HasPrefix(tt.err.Error(), tt.want) {
			t.Errorf("%s(nope) = %v; want %s…", tt.name, tt.err, tt.want)
		}
	}
}

func second[T any](_ T, err error) error { return err }

// A reserved or spot offer is a discount on an instance's on-demand price,
// so the shipped catalog holds that price beside it and the discount is
// one: a reader comparing kinds must not meet a 1-year term dearer than
// on-demand because the two rows priced different instances (the A10G's
// reserved rows are g5.48xlarge, its first on-demand row the one-GPU
// g5.xlarge).
func TestReservedOffersHaveTheirOnDemandBasis(t *testing.T) {
	c := mustLoad(t, "")
	for _, g := range c.GPUs {
		for _, r := range g.Offers {
			if r.Kind != Reserved1y && r.Kind != Reserved3y && r.Kind != Spot {
				continue
			}
			var basis *Offer
			for i, o := range g.Offers {
				if o.Kind == OnDemand && o.Provider == r.Provider && o.Instance == r.Instance {
					basis = &g.Offers[i]
				}
			}
			if basis == nil {
				t.Errorf("%s/%s (%s %s) has no on-demand offer of the same instance", g.ID, r.ID, r.Provider, r.Instance)
				continue
			}
			if !(r.USDPerGPUHour < basis.USDPerGPUHour) {
				t.Errorf("%s/%s costs %v per GPU-hour, not less than on-demand %s's %v", g.ID, r.ID, r.USDPerGPUHour, basis.ID, basis.USDPerGPUHour)
			}
		}
	}
}

// TestOfferPricesAsTheirSourcesState: an offer whose source states a box's
// price ("49.24 USD/h / 8 GPUs") is priced at that per GPU-hour, to the
// fourth decimal the catalog writes at least (p4de's 27.44705 / 8 is
// written 3.4309), so a slip in copying or dividing a figure (the catalog
// holds 16 such since the L40S's CoreWeave offer) fails here.
func TestOfferPricesAsTheirSourcesState(t *testing.T) {
	stated := regexp.MustCompile(`([0-9]+(?:\.[0-9]+)?) USD/h / ([0-9]+) GPUs`)
	n := 0
	for _, g := range mustLoad(t, "").GPUs {
		for _, o := range g.Offers {
			m := stated.FindStringSubmatch(o.Source)
			if m == nil {
				continue
			}
			n++
			box, _ := strconv.ParseFloat(m[1], 64)
			gpus, _ := strconv.Atoi(m[2])
			if want := box / float64(gpus); !near(o.USDPerGPUHour, want, 5e-5) {
				t.Errorf("%s/%s: %v per GPU-hour; its source states %s USD/h for %d GPUs, %v", g.ID, o.ID, o.USDPerGPUHour, m[1], gpus, want)
			}
		}
	}
	if n < 16 {
		t.Errorf("%d offers state a box price; the catalog has 16", n)
	}
}

// TestUserFileMergeRules pins what a user file's entry overrides and keeps,
// now that each file is decoded once into the catalog being built (it was
// merged as generic values before): null clears a field, an empty list of
// offers keeps the shipped ones while an empty list of names clears them,
// an entry given twice is merged twice, and anchors, aliases and merge keys
// ("<<") read as the typed decode reads them.
func TestUserFileMergeRules(t *testing.T) {
	c := mustLoad(t, `gpus:
  - id: h100-sxm
    name: ~
    smi_names: []
    offers: []
    tdp_w: 800
  - id: h100-sxm
    bf16_tflops: 1000
apis:
  - id: openai/gpt-4o
    usd_per_1m_cached_input:
`)
	h100, _ := c.GPU("h100-sxm")
	shipped, _ := mustLoad(t, "").GPU("h100-sxm")
	if h100.Name != "" || len(h100.SMINames) != 0 || len(h100.Offers) != len(shipped.Offers) || h100.TDPW != 800 || h100.BF16TFLOPS != 1000 || h100.MemoryGB != 80 {
		t.Errorf("h100 = name %q, smi %v, %d offers, tdp %v, bf16 %v, memory %v; want name and smi_names cleared, the shipped offers kept, tdp 800, bf16 1000, memory 80 kept",
			h100.Name, h100.SMINames, len(h100.Offers), h100.TDPW, h100.BF16TFLOPS, h100.MemoryGB)
	}
	a, _ := c.API("openai/gpt-4o")
	if a.USDPer1MCachedInput != 0 || a.USDPer1MInput != 2.5 {
		t.Errorf("gpt-4o cached input = %v, input %v; want null to clear it to 0, input kept", a.USDPer1MCachedInput, a.USDPer1MInput)
	}
	c = mustLoad(t, `gpus:
  - id: h100-sxm
    tdp_w: &w 800
  - id: a100-80gb
    <<: {bandwidth_gb_per_s: 9000}
    tdp_w: *w
    offers:
      - id: aws-p4de-od
        usd_per_gpu_hour: 3
      - id: aws-p4de-od
        source: twice
`)
	a100, _ := c.GPU("a100-80gb")
	od, _ := a100.Offer("aws-p4de-od")
	if a100.TDPW != 800 || a100.BandwidthGBPerS != 9000 || od.USDPerGPUHour != 3 || od.Source != "twice" || od.Instance != "p4de.24xlarge" {
		t.Errorf("a100 = tdp %v, bandwidth %v, offer %+v; want 800 by alias, 9000 by merge key, both offer entries applied over the shipped one", a100.TDPW, a100.BandwidthGBPerS, od)
	}
}

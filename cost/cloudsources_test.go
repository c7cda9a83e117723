package cost

import (
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// cloudOffers are the GCP and Azure offers of the shipped catalog
// (docs/notes/prices-2026-12.md part H.1), each with the region its source
// prices it in. Procurement compares clouds: an offer dropped, or one that
// loses its source, biases the cheapest-offer choice towards the clouds left.
var cloudOffers = []struct {
	gpu, offer string
	kind       OfferKind
	provider   string
	region     string
}{
	{"h100-sxm", "gcp-a3-od", OnDemand, "gcp", "us-central1"},
	{"h100-sxm", "gcp-a3-1y", Reserved1y, "gcp", "us-central1"},
	{"h100-sxm", "gcp-a3-3y", Reserved3y, "gcp", "us-central1"},
	{"h100-sxm", "azure-ndv5-od", OnDemand, "azure", "eastus"},
	{"h200", "gcp-a3-ultra-od", OnDemand, "gcp", "us-central1"},
	{"a100-80gb", "gcp-a2-ultra-od", OnDemand, "gcp", "us-central1"},
	{"a100-80gb", "azure-nda100v4-od", OnDemand, "azure", "East US"},
	{"a100-40gb", "gcp-a2-od", OnDemand, "gcp", "us-central1"},
	{"a100-40gb", "gcp-a2-1y", Reserved1y, "gcp", "us-central1"},
	{"a100-40gb", "gcp-a2-3y", Reserved3y, "gcp", "us-central1"},
	{"a100-40gb", "azure-nda100v4-od", OnDemand, "azure", "eastus"},
}

// ownedOffers are the purchase prices of part H.2: each source names the
// listing, says what the price buys (a baseboard, a host) and how the per-GPU
// figure was made.
var ownedOffers = []struct{ gpu, offer string }{
	{"a100-80gb", "owned-8x"},
	{"h200", "owned-8x"},
	{"mi300x", "owned-8x"},
}

// cloudSourceProblems returns what is wrong with c's GCP and Azure offers and
// the owned offers of part H.2: one missing, or a source that no longer says
// where the figure is read (a repository or dataset), its region, how a VM's
// price became a GPU's, and a day-precise date; and any GCP or Azure offer
// not in cloudOffers, so that a new one comes with its row here and in the note.
func cloudSourceProblems(c *Catalog) []string {
	var bad []string
	where := regexp.MustCompile(`\b(github\.com|huggingface\.co)/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+`)
	perGPU := regexp.MustCompile(`/ [0-9]+ GPUs|over (its )?[0-9]+( GPUs)?\b|per GPU-hour`)
	day := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	listed := map[string]bool{}
	for _, w := range cloudOffers {
		listed[w.gpu+"/"+w.offer] = true
		g, err := c.GPU(w.gpu)
		if err != nil {
			bad = append(bad, err.Error())
			continue
		}
		o := first(g.Offers, func(o *Offer) bool { return o.ID == w.offer })
		switch {
		case o == nil:
			bad = append(bad, w.gpu+"/"+w.offer+": not in the catalog")
			continue
		case o.Kind != w.kind || o.Provider != w.provider || o.Instance == "":
			bad = append(bad, w.gpu+"/"+w.offer+": want a "+string(w.kind)+" "+w.provider+" offer naming its instance, got "+string(o.Kind)+" "+o.Provider+" "+o.Instance)
		}
		if !where.MatchString(o.Source) {
			bad = append(bad, w.gpu+"/"+w.offer+": its source names no repository or dataset: "+strconv.Quote(o.Source))
		}
		if !strings.Contains(o.Source, w.region) {
			bad = append(bad, w.gpu+"/"+w.offer+": its source does not say the region "+w.region)
		}
		if !perGPU.MatchString(o.Source) {
			bad = append(bad, w.gpu+"/"+w.offer+": its source does not say how the VM's price became a GPU's")
		}
		if !day.MatchString(o.Date) {
			bad = append(bad, w.gpu+"/"+w.offer+": date "+strconv.Quote(o.Date)+" is not the source's day")
		}
	}
	for _, g := range c.GPUs {
		for _, o := range g.Offers {
			if (o.Provider == "gcp" || o.Provider == "azure") && !listed[g.ID+"/"+o.ID] {
				bad = append(bad, g.ID+"/"+o.ID+": a "+o.Provider+" offer not in the test's list (nor, then, in the note's part H)")
			}
		}
	}
	for _, w := range ownedOffers {
		g, err := c.GPU(w.gpu)
		if err != nil {
			bad = append(bad, err.Error())
			continue
		}
		o := first(g.Offers, func(o *Offer) bool { return o.ID == w.offer })
		switch {
		case o == nil || o.Kind != Owned:
			bad = append(bad, w.gpu+"/"+w.offer+": no owned offer")
			continue
		case !strings.HasPrefix(o.Source, "capex: ") || !where.MatchString(o.Source) || !strings.Contains(o.Source, "archive"):
			bad = append(bad, w.gpu+"/"+w.offer+": its source does not name the archived listing its capex is read from: "+strconv.Quote(o.Source))
		case !strings.Contains(o.Source, "host"):
			bad = append(bad, w.gpu+"/"+w.offer+": its source does not say whether the price includes a host")
		case !strings.Contains(o.Source, strconv.FormatFloat(o.CapexUSDPerGPU, 'f', -1, 64)) && !strings.Contains(o.Source, withCommas(o.CapexUSDPerGPU)):
			bad = append(bad, w.gpu+"/"+w.offer+": capex "+strconv.FormatFloat(o.CapexUSDPerGPU, 'f', -1, 64)+" is not the figure its source states")
		}
		if !day.MatchString(o.Date) {
			bad = append(bad, w.gpu+"/"+w.offer+": date "+strconv.Quote(o.Date)+" is not the listing's day")
		}
	}
	return bad
}

// withCommas writes v as the sources write prices: comma thousands
// separators (table.go's thousands) and its decimals as strconv gives them,
// 17348.56 → "17,348.56".
func withCommas(v float64) string {
	_, frac, _ := strings.Cut(strconv.FormatFloat(v, 'f', -1, 64), ".")
	if frac != "" {
		frac = "." + frac
	}
	return thousands(math.Trunc(v)) + frac
}

// TestCloudOffersCiteTheirSources: every GCP and Azure offer, and every
// purchase price of part H.2, keeps a source that says where, in which
// region and per what its figure is; one that loses its source, its region
// or its row fails here, as the doctored copies below show.
func TestCloudOffersCiteTheirSources(t *testing.T) {
	if bad := cloudSourceProblems(mustLoad(t, "")); len(bad) > 0 {
		t.Errorf("the shipped catalog's GCP, Azure and owned offers:\n%s", strings.Join(bad, "\n"))
	}
	for _, tt := range []struct{ name, prices, want string }{
		{"source without its repository", "gpus:\n  - id: h100-sxm\n    offers:\n      - id: gcp-a3-od\n        source: GCP list price\n", "h100-sxm/gcp-a3-od: its source names no repository"},
		{"source without its region", "gpus:\n  - id: a100-40gb\n    offers:\n      - id: azure-nda100v4-od\n        source: github.com/datareceipts/data-receipts, 3.3996 per GPU-hour\n", "a100-40gb/azure-nda100v4-od: its source does not say the region eastus"},
		{"month instead of day", "gpus:\n  - id: h200\n    offers:\n      - id: gcp-a3-ultra-od\n        date: 2026-10\n", "h200/gcp-a3-ultra-od: date \"2026-10\""},
		{"an unlisted cloud offer", "gpus:\n  - id: l40s\n    offers:\n      - id: gcp-g2-od\n        kind: on-demand\n        provider: gcp\n        usd_per_gpu_hour: 1\n        source: s\n        date: 2026-12-06\n", "l40s/gcp-g2-od: a gcp offer not in the test's list"},
		{"capex off its source", "gpus:\n  - id: mi300x\n    offers:\n      - id: owned-8x\n        capex_usd_per_gpu: 25000\n        source: \"capex: github.com/epoch-research/training-cost-trends, a web.archive.org capture of a listing: 25,733.71 USD per GPU, the baseboard only, no host\"\n", "mi300x/owned-8x: capex 25000 is not the figure its source states"},
	} {
		bad := strings.Join(cloudSourceProblems(mustLoad(t, tt.prices)), "\n")
		if !strings.Contains(bad, tt.want) {
			t.Errorf("%s: went unnoticed; want %q in\n%s", tt.name, tt.want, bad)
		}
	}
	// A source emptied outright is refused when the catalog loads.
	emptied := filepath.Join(t.TempDir(), "prices.yaml")
	if err := os.WriteFile(emptied, []byte("gpus:\n  - id: h100-sxm\n    offers:\n      - id: azure-ndv5-od\n        source: \"\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(emptied); err == nil || !strings.Contains(err.Error(), "source is required") || !strings.Contains(err.Error(), "azure-ndv5-od") {
		t.Errorf("Load with azure-ndv5-od's source emptied = %v; want source is required", err)
	}
}

// TestCloudOffersAgreeWithTheNote: each offer of part H has its row in
// docs/notes/prices-2026-12.md, and the row holds the catalog's figure, so
// the note and the catalog cannot drift apart on one side only.
func TestCloudOffersAgreeWithTheNote(t *testing.T) {
	b, err := os.ReadFile("../docs/notes/prices-2026-12.md")
	if err != nil {
		t.Fatal(err)
	}
	c := mustLoad(t, "")
	num := regexp.MustCompile(`[0-9][0-9,]*(?:\.[0-9]+)?`)
	check := func(gpu, offer string, want float64) {
		key := "| `" + gpu + "` / `" + offer + "` |"
		for _, line := range strings.Split(string(b), "\n") {
			if !strings.HasPrefix(line, key) {
				continue
			}
			for _, n := range num.FindAllString(line[len(key):], -1) {
				if v, err := strconv.ParseFloat(strings.ReplaceAll(n, ",", ""), 64); err == nil && v == want {
					return
				}
			}
			t.Errorf("the note's row %s does not hold the catalog's %v", key, want)
			return
		}
		t.Errorf("the note has no row %s", key)
	}
	for _, w := range cloudOffers {
		g, _ := c.GPU(w.gpu)
		if o, err := g.Offer(w.offer); err == nil {
			check(w.gpu, w.offer, o.USDPerGPUHour)
		}
	}
	for _, w := range ownedOffers {
		g, _ := c.GPU(w.gpu)
		if o, err := g.Offer(w.offer); err == nil {
			check(w.gpu, w.offer, o.CapexUSDPerGPU)
		}
	}
}

package cost

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// An offer whose source names a later reading of the same price than the
// offer's own date ("3.99 on 2026-11-09" in the source of an offer dated
// 2026-09-25) prices at a stale figure while the newer one sits beside it:
// the RunPod Secure Cloud offers did so (the last review: H100 at 3.49 of
// 2026-09-25 with 3.99 of 2026-11-09 in its source, A100 80GB at 1.59 with
// 1.79). An offer holds the newest reading its source names; older ones may
// stay in the source as its history.
func TestOfferIsNoOlderThanTheReadingsItsSourceNames(t *testing.T) {
	reading := regexp.MustCompile(`\b([0-9]+\.[0-9]+) on ([0-9]{4}-[0-9]{2}-[0-9]{2})\b`)
	n := 0
	for _, g := range mustLoad(t, "").GPUs {
		for _, o := range g.Offers {
			for _, m := range reading.FindAllStringSubmatch(o.Source, -1) {
				n++
				price, _ := strconv.ParseFloat(m[1], 64)
				// Dates compare as text: YYYY-MM-DD after YYYY-MM of the
				// same month counts as later, which errs towards a failure.
				if m[2] > o.Date && price != o.USDPerGPUHour {
					t.Errorf("%s/%s: %v dated %s, but its source names %s on %s: price it at the newest reading",
						g.ID, o.ID, o.USDPerGPUHour, o.Date, m[1], m[2])
				}
			}
		}
	}
	if n == 0 {
		t.Error("no offer's source names a dated reading; the check checks nothing")
	}
}

// A derived offer (base_offer × multiplier) says the ratio its multiplier
// was read from ("ratio 62.48 / 98.32": a 1-yr rate over the on-demand rate
// of the same table), and the multiplier is that ratio to two decimals; a
// multiplier read off tables of AWS's pre-June-2025 list prices ("pre-cut")
// is dated before that cut, not by the day the table was read. The AWS
// reserved multipliers were dated 2026-11 and stated no ratio (the last
// review).
func TestDerivedOffersStateTheirRatioAndItsDate(t *testing.T) {
	ratio := regexp.MustCompile(`ratio ([0-9]+(?:\.[0-9]+)?) / ([0-9]+(?:\.[0-9]+)?)`)
	n := 0
	for _, g := range mustLoad(t, "").GPUs {
		for _, o := range g.Offers {
			if strings.Contains(strings.ToLower(o.Source), "pre-cut") && o.Date >= "2025-06" {
				t.Errorf("%s/%s: dated %s, but its source rests on pre-cut (before June 2025) prices", g.ID, o.ID, o.Date)
			}
			if o.BaseOffer == "" {
				continue
			}
			n++
			m := ratio.FindStringSubmatch(o.Source)
			if m == nil {
				t.Errorf("%s/%s: multiplier %v with no \"ratio A / B\" in its source %q", g.ID, o.ID, o.Multiplier, o.Source)
				continue
			}
			a, _ := strconv.ParseFloat(m[1], 64)
			b, _ := strconv.ParseFloat(m[2], 64)
			if !near(o.Multiplier, a/b, 0.005) {
				t.Errorf("%s/%s: multiplier %v; its source's ratio %s / %s is %.4f", g.ID, o.ID, o.Multiplier, m[1], m[2], a/b)
			}
		}
	}
	if n == 0 {
		t.Error("no derived offer in the catalog; the check checks nothing")
	}
}

// specsAgainstNotes returns where c's GPU and model specs disagree with the
// tables of docs/notes/gpu-specs.md (notes), whose figures the catalog says
// it copies: each shipped GPU's row (found by its name) must give its
// marketing memory, bandwidth, dense BF16 peak and TDP, and a usable
// memory reading from which the catalog's memory_mib is less than 1 GiB
// reserved (or, with no reading, the marketing GB in MiB); each model's row
// its layers, KV heads, head_dim and parameter count.
func specsAgainstNotes(c *Catalog, notes string) []string {
	var bad []string
	rows := map[string][]string{}
	for _, line := range strings.Split(notes, "\n") {
		if cells := strings.Split(line, "|"); strings.HasPrefix(line, "| ") && len(cells) > 6 {
			rows[strings.TrimSpace(cells[1])] = cells[1:]
		}
	}
	row := func(name string) []string {
		for k, cells := range rows {
			if k == name || strings.HasPrefix(k, name+" ") || strings.HasSuffix(k, " "+name) {
				return cells
			}
		}
		return nil
	}
	num := regexp.MustCompile(`[0-9][0-9,]*(?:\.[0-9]+)?`)
	first := func(s string) float64 {
		v, _ := strconv.ParseFloat(strings.ReplaceAll(num.FindString(s), ",", ""), 64)
		return v
	}
	watts := regexp.MustCompile(`([0-9]+) W\b`)
	reading := regexp.MustCompile(`\(([0-9][0-9,]*) (?:MiB|MB)[ ,]`)
	for _, g := range c.GPUs {
		cells := row(g.Name)
		if cells == nil {
			bad = append(bad, "gpu "+g.ID+": no row for "+g.Name)
			continue
		}
		memory, bw, bf16, tdp := cells[1], cells[2], cells[3], cells[5]
		if v := first(memory); v != g.MemoryGB {
			bad = append(bad, "gpu "+g.ID+": memory_gb "+strconv.FormatFloat(g.MemoryGB, 'g', -1, 64)+", notes "+memory)
		}
		if m := reading.FindStringSubmatch(memory); m != nil {
			if r := first(m[1]); !(g.MemoryMiB <= r && g.MemoryMiB > r-1024) {
				bad = append(bad, "gpu "+g.ID+": memory_mib "+strconv.FormatFloat(g.MemoryMiB, 'g', -1, 64)+" is not the notes' reading less under 1 GiB reserved: "+memory)
			}
		} else if want := float64(int64(g.MemoryGB * 1e9 / (1 << 20))); g.MemoryMiB != want {
			bad = append(bad, "gpu "+g.ID+": memory_mib "+strconv.FormatFloat(g.MemoryMiB, 'g', -1, 64)+", the notes have no reading, so the marketing size: "+strconv.FormatFloat(want, 'g', -1, 64))
		}
		want := first(bw)
		if strings.Contains(bw, "TB/s") && !strings.Contains(bw, "GB/s") {
			want *= 1000
		}
		if !near(g.BandwidthGBPerS, want, 1e-9) {
			bad = append(bad, "gpu "+g.ID+": bandwidth_gb_per_s "+strconv.FormatFloat(g.BandwidthGBPerS, 'g', -1, 64)+", notes "+bw)
		}
		want = first(bf16)
		if strings.Contains(bf16, "not published") {
			want = 0
		}
		if g.BF16TFLOPS != want {
			bad = append(bad, "gpu "+g.ID+": bf16_tflops "+strconv.FormatFloat(g.BF16TFLOPS, 'g', -1, 64)+", notes "+bf16)
		}
		if m := watts.FindStringSubmatch(tdp); m == nil || first(m[1]) != g.TDPW {
			bad = append(bad, "gpu "+g.ID+": tdp_w "+strconv.FormatFloat(g.TDPW, 'g', -1, 64)+", notes "+tdp)
		}
	}
	for _, m := range c.Models {
		cells := row(m.Name)
		if cells == nil {
			bad = append(bad, "model "+m.ID+": no row for "+m.Name)
			continue
		}
		f := num.FindAllString(cells[1], -1)
		if len(f) < 5 || first(f[0]) != float64(m.Layers) || first(f[3]) != float64(m.KVHeads) || first(f[4]) != float64(m.HeadDim) {
			bad = append(bad, "model "+m.ID+": layers / kv_heads / head_dim, notes "+cells[1])
		}
		if first(cells[2]) != m.ParamsB {
			bad = append(bad, "model "+m.ID+": params_b "+strconv.FormatFloat(m.ParamsB, 'g', -1, 64)+", notes "+cells[2])
		}
	}
	return bad
}

// TestCatalogSpecsAgreeWithTheNotes: the catalog's GPU and model specs are
// the figures of docs/notes/gpu-specs.md, which their sources cite; a spec
// changed on one side only is caught here, as a user file's changed TDP,
// bandwidth and layer count are.
func TestCatalogSpecsAgreeWithTheNotes(t *testing.T) {
	b, err := os.ReadFile("../docs/notes/gpu-specs.md")
	if err != nil {
		t.Fatal(err)
	}
	if bad := specsAgainstNotes(mustLoad(t, ""), string(b)); len(bad) > 0 {
		t.Errorf("the catalog disagrees with docs/notes/gpu-specs.md:\n%s", strings.Join(bad, "\n"))
	}
	changed := mustLoad(t, "gpus:\n  - id: h200\n    tdp_w: 1000\n  - id: l40s\n    bandwidth_gb_per_s: 846\n    memory_mib: 44000\nmodels:\n  - id: llama-3-70b\n    layers: 64\n")
	bad := strings.Join(specsAgainstNotes(changed, string(b)), "\n")
	for _, w := range []string{"gpu h200: tdp_w 1000", "gpu l40s: bandwidth_gb_per_s 846", "gpu l40s: memory_mib 44000", "model llama-3-70b: layers"} {
		if !strings.Contains(bad, w) {
			t.Errorf("a changed spec went unnoticed: want %q in\n%s", w, bad)
		}
	}
}

// Every shipped GPU has an on-demand offer, the kind gpus, cost, crossover
// and report price by default (DefaultOfferKind): the L40S had none, with
// "No price source was read" in its source, while the CoreWeave price page
// the catalog cites for three other GPUs lists it (the last review).
func TestEveryShippedGPUHasAnOnDemandOffer(t *testing.T) {
	for _, g := range mustLoad(t, "").GPUs {
		if o, err := g.Offer(string(DefaultOfferKind)); err != nil || o.Kind != DefaultOfferKind {
			t.Errorf("gpu %s: no %s offer: %v", g.ID, DefaultOfferKind, err)
		}
	}
}

package cost

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A user's own quote added with --prices (an on-demand offer of the A100)
// was passed over without a word: `cost --run d-a100 --offer on-demand
// --prices newoffer.yaml` priced aws-p4de-od at $3.431 (an outside QA
// pass), the note counting "7 more" without naming the user's $2.00. A
// kind prices the GPU's first offer of it in catalog order; the note says
// that rule, names the offers of the kind not used (the prices file's
// marked) and how to pick one, and crossover's GPU month says the same.
func TestUnusedOffersOfTheKindAreNamed(t *testing.T) {
	prices := filepath.Join(t.TempDir(), "newoffer.yaml")
	if err := os.WriteFile(prices, []byte(`gpus:
  - id: a100-80gb
    offers:
      - id: my-quote
        kind: on-demand
        provider: me
        usd_per_gpu_hour: 2.0
        source: "my negotiated quote"
        date: "2026-12-01"
`), 0o644); err != nil {
		t.Fatal(err)
	}
	var c, x strings.Builder
	if err := RunCost(&c, CostOptions{GPU: "a100-80gb", Offer: "on-demand", OutputTPS: 1000, Prices: prices, Format: Text}); err != nil {
		t.Fatal(err)
	}
	if err := RunCrossover(&x, CrossoverOptions{GPU: "a100-80gb", Offer: "on-demand", Prices: prices, Volume: Volume{TokensPerDay: 1e8, APIModel: DefaultAPIModel}, Format: Text}); err != nil {
		t.Fatal(err)
	}
	cat, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	g, err := cat.GPU("a100-80gb")
	if err != nil {
		t.Fatal(err)
	}
	head, _ := g.Offer("on-demand")
	for name, out := range map[string]string{"cost": c.String(), "crossover": x.String()} {
		for _, w := range []string{"my-quote", "$2.000", prices, "--offer my-quote", "first on-demand offer in catalog order"} {
			if !strings.Contains(out, w) {
				t.Errorf("%s: no %q in\n%s", name, w, out)
			}
		}
		for _, o := range g.Alternatives(head) {
			if !strings.Contains(out, o.ID) {
				t.Errorf("%s: the unused on-demand offer %s is not named in\n%s", name, o.ID, out)
			}
		}
	}
}

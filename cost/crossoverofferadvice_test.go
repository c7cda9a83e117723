package cost

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// crossover's GPU month took cost's note on the other offers of its kind
// word for word: `crossover --gpu a100-80gb`, no --offer given, said
// "--offer on-demand prices a100-80gb's first on-demand offer" and "leave
// --offer out for every offer", though crossover prices one offer, the
// default kind's, with or without it. The note named a --prices file's own
// offer twice (in the list, then again as the user's) and counted the
// offers ("the catalog has 7 more") its list shows. Each command says who
// chose the offer and how to price another; the offers not used are one
// list, the user's marked in it.
func TestCrossoverOfferNoteIsCrossovers(t *testing.T) {
	prices := filepath.Join(t.TempDir(), "mine.yaml")
	if err := os.WriteFile(prices, []byte("gpus:\n  - id: a100-80gb\n    offers:\n      - id: my-quote\n        kind: on-demand\n        provider: me\n        usd_per_gpu_hour: 2.0\n        source: quote\n        date: \"2026-12-01\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	vol := Volume{TokensPerDay: 1e8, APIModel: DefaultAPIModel}
	lineOf := func(out, has string) string {
		for _, l := range strings.Split(out, "\n") {
			if strings.Contains(l, has) {
				return l
			}
		}
		t.Fatalf("no line with %q in\n%s", has, out)
		return ""
	}
	for _, tc := range []struct {
		name, by, advice string
		run              func(*strings.Builder) error
	}{
		{"crossover", "the default offer kind, on-demand, prices a100-80gb's first on-demand offer", "; pass --offer ID to price another", func(w *strings.Builder) error {
			return RunCrossover(w, CrossoverOptions{GPU: "a100-80gb", Prices: prices, Volume: vol, Format: Text})
		}},
		{"crossover --offer", "--offer on-demand prices a100-80gb's first on-demand offer", "; pass --offer ID to price another", func(w *strings.Builder) error {
			return RunCrossover(w, CrossoverOptions{GPU: "a100-80gb", Offer: "on-demand", Prices: prices, Volume: vol, Format: Text})
		}},
		{"cost --offer", "--offer on-demand prices a100-80gb's first on-demand offer", "; leave --offer out for every offer, or pass --offer ID", func(w *strings.Builder) error {
			return RunCost(w, CostOptions{GPU: "a100-80gb", Offer: "on-demand", OutputTPS: 1000, Prices: prices, Format: Text})
		}},
	} {
		var out strings.Builder
		if err := tc.run(&out); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		note := lineOf(out.String(), "offer in catalog order")
		if !strings.Contains(note, tc.by) || !strings.HasSuffix(note, tc.advice) {
			t.Errorf("%s: note\n%s\nwant %q and to end %q", tc.name, note, tc.by, tc.advice)
		}
		if tc.name != "cost --offer" && strings.Contains(note, "leave --offer out") {
			t.Errorf("%s: note\n%s\ngives cost's advice", tc.name, note)
		}
		if n := strings.Count(note, "$2.000"); n != 1 {
			t.Errorf("%s: the user's offer priced %d times in\n%s\nwant once, marked in the list", tc.name, n, note)
		}
		if !strings.Contains(note, "my-quote $2.000 (yours, from "+prices) {
			t.Errorf("%s: note\n%s\nwant my-quote marked as the user's in the list", tc.name, note)
		}
		if strings.Contains(note, " more") {
			t.Errorf("%s: note\n%s\ncounts what its list shows", tc.name, note)
		}
	}
}

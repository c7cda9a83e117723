package cost

import (
	"cmp"
	"encoding/json"
	"io"
	"math"
	"strings"
	"testing"
)

// A throughput given on the command line that is negative or not a number
// is refused by its flag's name before any offer is priced: the buyer typed
// it, so "nothing was served" (the message for a run that served nothing)
// and a "cost: <gpu> <offer>:" prefix would point at the wrong thing.
func TestCostRefusesBadThroughputFlags(t *testing.T) {
	cases := []struct {
		o    CostOptions
		flag string
	}{
		{CostOptions{GPU: "h100-sxm", OutputTPS: -3}, "--output-tokens-per-s"},
		{CostOptions{GPU: "h100-sxm", OutputTPS: math.NaN()}, "--output-tokens-per-s"},
		{CostOptions{GPU: "h100-sxm", OutputTPS: math.Inf(1)}, "--output-tokens-per-s"},
		{CostOptions{GPU: "h100-sxm", OutputTPS: 1000, TotalTPS: -1}, "--total-tokens-per-s"},
		{CostOptions{GPU: "h100-sxm", OutputTPS: 1000, TotalTPS: 500}, "--total-tokens-per-s"},
		{CostOptions{GPU: "h100-sxm", OutputTPS: 1000, RPS: -1}, "--requests-per-s"},
	}
	for _, c := range cases {
		err := RunCost(io.Discard, c.o)
		if err == nil {
			t.Errorf("%+v: priced, want an error naming %s", c.o, c.flag)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, c.flag) || strings.Contains(msg, "\n") {
			t.Errorf("%+v: error %q, want one line starting with %s", c.o, msg, c.flag)
		}
	}
}

// cost --run prices owned hardware's electricity at the energy the run
// measured over the priced level's window, as the report's cost table does
// (report/render/build.go priceRun); before, it fell back to the catalog's
// draw (TDP) and the two disagreed for the same run and offer. Numbers from
// a mock H100 run: 2,056.0 J over 6.0078 s = 342.2 W; owned-8x at
// 1.4745 + 0.3422 × 1.58 × 0.1282 = $1.5438/h, against $1.6163/h at 700 W.
func TestCostRunUsesTheRunsMeasuredEnergy(t *testing.T) {
	runs := RunReader{
		Level: func(string) (RunLevel, error) {
			return RunLevel{Level: 16, WindowS: 6.007785323, EnergyJ: 2056.011393183559, Basis: "capacity at SLO (level 16)",
				Throughput: Throughput{OutputTokensPerS: 1720.0132992437307, TotalTokensPerS: 7805.925691302579, RequestsPerS: 13.067343138969386}}, nil
		},
		GPU: func(string) (string, []string) { return "h100-sxm", nil },
	}
	var b strings.Builder
	if err := RunCost(&b, CostOptions{RunDir: "run", Offer: "owned", Format: JSON, Runs: runs}); err != nil {
		t.Fatal(err)
	}
	var q struct{ Rows []Costs }
	if err := json.Unmarshal([]byte(b.String()), &q); err != nil || len(q.Rows) != 1 {
		t.Fatalf("rows %v (%v) of %s", q.Rows, err, b.String())
	}
	c := q.Rows[0]
	want := 310000.0/8/(36*730) + 2056.011393183559/6.007785323/1000*1.58*0.1282
	if c.EnergyBasis != "measured" || math.Abs(c.USDPerHour-want) > 1e-9 {
		t.Errorf("owned-8x: energy basis %q, $%.4f/h; want measured, $%.4f/h", c.EnergyBasis, c.USDPerHour, want)
	}
	// An --energy-joules given still wins over the run's.
	b.Reset()
	if err := RunCost(&b, CostOptions{RunDir: "run", Offer: "owned", Format: JSON, Runs: runs, EnergyJ: 4200}); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(b.String()), &q); err != nil || len(q.Rows) != 1 {
		t.Fatalf("rows %v (%v)", q.Rows, err)
	}
	if got := q.Rows[0].AverageW; math.Abs(got-4200/6.007785323) > 1e-9 {
		t.Errorf("--energy-joules 4200: average %v W, want %v", got, 4200/6.007785323)
	}
}

// crossover --run DIR --gpus N on a run whose telemetry saw another count
// prices N GPUs a replica at the capacity measured on the run's GPUs, not
// scaled: that is said, since a buyer reading "24 (3 replicas of 8)" on a
// 1-GPU run would take the capacity for 8 GPUs'. With the run's own count
// nothing is said.
func TestCrossoverSaysGPUsIsNotTheRunsCount(t *testing.T) {
	runs := RunReader{
		Level: func(string) (RunLevel, error) {
			return RunLevel{Level: 16, WindowS: 7, Basis: "capacity at SLO (level 16)",
				Throughput: Throughput{OutputTokensPerS: 974.2, TotalTokensPerS: 4904.4, RequestsPerS: 7.6}}, nil
		},
		GPU: func(string) (string, []string) { return "", []string{"NVIDIA A100-SXM4-80GB"} },
	}
	for _, c := range []struct {
		gpus int
		want bool
	}{{8, true}, {1, false}, {0, false}} {
		var b strings.Builder
		err := RunCrossover(&b, CrossoverOptions{Volume: Volume{TokensPerDay: 1e9, APIModel: DefaultAPIModel}, RunDir: "run", GPUs: c.gpus, Offer: string(DefaultOfferKind), Format: Text, Runs: runs})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(b.String(), "measured on 1 GPU,"); got != c.want {
			t.Errorf("--gpus %d: note said %v, want %v:\n%s", c.gpus, got, c.want, b.String())
		}
	}
}

// The gpus guide's note names the commands that list every offer with its
// source and date; each must do so as written (ID and X filled in): `cost
// --gpu ID` alone is refused (it needs a throughput) and its text table has
// no source or date column.
func TestGuideNoteNamesCommandsThatWork(t *testing.T) {
	var b strings.Builder
	if err := RunGuide(&b, GuideOptions{Format: Text}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	i := strings.LastIndex(out, "note: on-demand $/gpu-h (default)")
	if i < 0 {
		t.Fatalf("no note on the default price in\n%s", out)
	}
	note := strings.SplitN(out[i:], "\n", 2)[0]
	parts := strings.Split(note, "`")
	var named int
	for k := 1; k < len(parts); k += 2 {
		args := strings.Fields(parts[k])
		if len(args) < 2 || args[0] != "inferbench" {
			continue
		}
		named++
		flags := map[string]string{}
		for j := 2; j < len(args); j += 2 {
			if j+1 >= len(args) || !strings.HasPrefix(args[j], "--") {
				t.Fatalf("%q: cannot read its flags", parts[k])
			}
			flags[args[j]] = map[string]string{"ID": "a100-80gb", "X": "1000"}[args[j+1]]
			if flags[args[j]] == "" {
				flags[args[j]] = args[j+1]
			}
		}
		var w strings.Builder
		var err error
		switch args[1] {
		case "gpus":
			err = RunGuide(&w, GuideOptions{Format: Format(flags["--format"])})
			delete(flags, "--format")
		case "cost":
			var tps float64
			if s, ok := flags["--output-tokens-per-s"]; ok {
				tps = 1000
				if s != "1000" {
					t.Fatalf("%q: unexpected throughput %q", parts[k], s)
				}
			}
			err = RunCost(&w, CostOptions{GPU: flags["--gpu"], OutputTPS: tps, Format: cmp.Or(Format(flags["--format"]), Text)})
			delete(flags, "--gpu")
			delete(flags, "--output-tokens-per-s")
			delete(flags, "--format")
		default:
			t.Fatalf("%q: a command this test does not know", parts[k])
		}
		if len(flags) > 0 {
			t.Fatalf("%q: flags this test does not know: %v", parts[k], flags)
		}
		if err != nil {
			t.Errorf("%q, as the note writes it: %v", parts[k], err)
			continue
		}
		if args[1] == "cost" && strings.Count(w.String(), "note: price: ") < 2 {
			t.Errorf("%q: no offer's source and date in\n%s", parts[k], w.String())
		}
		if args[1] == "gpus" {
			var rep guideReport
			if err := json.Unmarshal([]byte(w.String()), &rep); err != nil {
				t.Fatalf("%q: %v", parts[k], err)
			}
			for _, g := range rep.GPUs {
				for _, of := range g.Offers {
					if of.Source == "" || of.Date == "" {
						t.Errorf("%q: %s %s has no source or date", parts[k], g.ID, of.ID)
					}
				}
			}
		}
	}
	if named == 0 {
		t.Errorf("the note names no command: %q", note)
	}
}

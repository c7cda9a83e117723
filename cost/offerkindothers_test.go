package cost

import (
	"strings"
	"testing"
)

// TestCostOfferKindNamesTheOthers: cost --gpu a100-80gb --offer on-demand
// printed one row, AWS's $3.431 a GPU-hour (the kind's first offer), and
// no word of the six other on-demand A100 80GB offers in the catalog, the
// cheapest RunPod's $1.39: a buyer who asked for "on-demand" read AWS's
// list price as what on-demand costs. The row stays (every command prices
// a kind at its first offer); a note names the others, cheapest first. An offer id, or a kind with one offer, gets no such note.
func TestCostOfferKindNamesTheOthers(t *testing.T) {
	c := mustLoad(t, "")
	g, err := c.GPU("a100-80gb")
	if err != nil {
		t.Fatal(err)
	}
	first, err := g.Offer("on-demand")
	if err != nil {
		t.Fatal(err)
	}
	others := g.Alternatives(first)
	if len(others) < 2 {
		t.Fatalf("a100-80gb has %d other on-demand offers; the test wants several", len(others))
	}
	low := others[0]
	for _, o := range others {
		if o.USDPerGPUHour < low.USDPerGPUHour {
			low = o
		}
	}
	tp := Throughput{OutputTokensPerS: 1000}
	q, err := c.Quote(QuoteRequest{GPU: "a100-80gb", Offer: "on-demand", Throughput: tp})
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Rows) != 1 || q.Rows[0].Offer != first.ID {
		t.Fatalf("rows %+v; want the one row of %s", q.Rows, first.ID)
	}
	notes := strings.Join(q.Notes, "\n")
	want := "--offer on-demand prices a100-80gb's first on-demand offer in catalog order, " + first.ID + " ("
	want2 := "; not used, cheapest first: " + low.ID + " " + USD(low.USDPerGPUHour) + ", "
	if !strings.Contains(notes, want) || !strings.Contains(notes, want2) || !strings.Contains(notes, "; leave --offer out for every offer, or pass --offer ID") {
		t.Errorf("notes:\n%s\nwant one containing %q and %q", notes, want, want2)
	}
	for _, offer := range []string{"aws-p5-od", "owned"} {
		q, err := c.Quote(QuoteRequest{GPU: "h100-sxm", Offer: offer, Throughput: tp})
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Join(q.Notes, "\n"); strings.Contains(n, "leave --offer out") {
			t.Errorf("--offer %s: notes %q speak of other offers of the kind", offer, n)
		}
	}
}

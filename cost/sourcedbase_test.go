package cost

import (
	"strings"
	"testing"
)

// TestDerivedOfferSaysItsSourcedBaseIsTheFiles: a prices file that sets
// aws-p4de-od to $2.50 with a source of its own ("procurement quote") left
// aws-p4de-1y (0.64 × aws-p4de-od) at $1.60 under the catalog's citation
// alone, dated 2025-05: the report priced a 1-year reservation off the
// user's quote and cited only AWS's list table. As for a source-less
// override, the derived offer says its base is the file's price.
func TestDerivedOfferSaysItsSourcedBaseIsTheFiles(t *testing.T) {
	path, err := loadErr(t, "gpus:\n  - id: a100-80gb\n    offers:\n      - id: aws-p4de-od\n        usd_per_gpu_hour: 2.50\n        source: procurement quote Q-1234\n        date: 2026-12-01\n")
	if err != nil {
		t.Fatal(err)
	}
	c, _ := Load(path)
	g, _ := c.GPU("a100-80gb")
	od, _ := g.Offer("aws-p4de-od")
	if od.Source != "procurement quote Q-1234" {
		t.Errorf("aws-p4de-od source = %q; want the file's own", od.Source)
	}
	y1, _ := g.Offer("aws-p4de-1y")
	if y1.USDPerGPUHour != 2.5*y1.Multiplier {
		t.Fatalf("aws-p4de-1y at %v; the test wants it priced off the file's 2.50", y1.USDPerGPUHour)
	}
	if want := "; its base offer aws-p4de-od is the price " + path + " line 5 sets"; !strings.HasSuffix(y1.Source, want) {
		t.Errorf("aws-p4de-1y source = %q; want it to end %q", y1.Source, want)
	}
}

package cost

import (
	"fmt"
	"strings"
	"testing"
)

// TestOverriddenPriceNotCitedToTheCatalog: a prices file that sets an
// offer's or an API's price and no source kept the catalog's source and
// date, so `cost` printed "aws-p5-od: $4/GPU-hour, from ... p5.48xlarge
// 55.04 USD/h / 8 GPUs ..., 2026-11-09": the user's number under the
// catalog's citation. The source now says the file and line that set it,
// and what it replaced; one the file gives is kept as given.
func TestOverriddenPriceNotCitedToTheCatalog(t *testing.T) {
	shipped := mustLoad(t, "")
	sg, _ := shipped.GPU("h100-sxm")
	sod, _ := sg.Offer("aws-p5-od")
	sapi, _ := shipped.API("openai/gpt-4o")

	prices := "gpus:\n  - id: h100-sxm\n    offers:\n      - id: aws-p5-od\n        usd_per_gpu_hour: 4\n      - id: runpod-secure\n        usd_per_gpu_hour: 2\n        source: my quote\n        date: 2026-12-01\n" +
		"apis:\n  - id: openai/gpt-4o\n    usd_per_1m_output: 12\n"
	path, err := loadErr(t, prices)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := Load(path)
	g, _ := c.GPU("h100-sxm")
	od, _ := g.Offer("aws-p5-od")
	// With no date either, it is dated by the file (TestOverriddenPriceDatedByItsFile).
	if want := fmt.Sprintf("%s line 5 sets usd_per_gpu_hour, with no source nor date of its own (dated by the file's last change; it replaces the catalog's, from %s, %s)", path, sod.Source, sod.Date); od.Source != want {
		t.Errorf("aws-p5-od source = %q; want %q", od.Source, want)
	}
	// A date the file gives without a source is its own, not the one the
	// replaced citation had.
	dated, err := loadErr(t, "gpus:\n  - id: h100-sxm\n    offers:\n      - id: aws-p5-od\n        usd_per_gpu_hour: 4\n        date: 2026-12-01\n")
	if err != nil {
		t.Fatal(err)
	}
	c2, _ := Load(dated)
	g2, _ := c2.GPU("h100-sxm")
	if od, _ := g2.Offer("aws-p5-od"); !strings.HasSuffix(od.Source, sod.Source+", "+sod.Date+")") || od.Date != "2026-12-01" {
		t.Errorf("aws-p5-od = source %q, date %q; want the catalog's citation %s in the source and the file's date", od.Source, od.Date, sod.Date)
	}
	// An offer priced off it (aws-p5-1y: 0.64 × aws-p5-od) says so too.
	if y1, _ := g.Offer("aws-p5-1y"); !strings.HasSuffix(y1.Source, "; its base offer aws-p5-od is the price "+path+" line 5 sets") {
		t.Errorf("aws-p5-1y source = %q; want it to say its base is the file's price", y1.Source)
	}
	rs, _ := g.Offer("runpod-secure")
	if rs.Source != "my quote" || rs.Date != "2026-12-01" {
		t.Errorf("runpod-secure = source %q, date %q; want the file's own", rs.Source, rs.Date)
	}
	a, _ := c.API("openai/gpt-4o")
	if !strings.HasPrefix(a.Source, path+" line 12 sets usd_per_1m_output") || !strings.Contains(a.Source, sapi.Source) {
		t.Errorf("gpt-4o source = %q; want the file's line 12, and the catalog's source it replaces", a.Source)
	}
	// A field that is no price (the instance name) leaves the citation.
	c = mustLoad(t, "gpus:\n  - id: h100-sxm\n    offers:\n      - id: aws-p5-od\n        instance: p5e.48xlarge\n")
	g, _ = c.GPU("h100-sxm")
	if od, _ := g.Offer("aws-p5-od"); od.Source != sod.Source {
		t.Errorf("source after an instance override = %q; want the catalog's", od.Source)
	}
}

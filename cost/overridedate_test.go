package cost

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A price a prices file sets with no date of its own is not dated by the
// catalog's figure it replaced: "--prices p5.yaml" setting aws-p5-od to
// 5.5 printed "h100-sxm aws-p5-od: $5.5/GPU-hour, from p5.yaml line 5 sets
// usd_per_gpu_hour, … (it replaces the catalog's, from …, 2026-11-09),
// 2026-11-09", the user's number under AWS's date, in cost's notes and the
// report's. It is dated by the file (its last change), and says so.
func TestOverriddenPriceDatedByItsFile(t *testing.T) {
	shipped := mustLoad(t, "")
	sg, _ := shipped.GPU("h100-sxm")
	sod, _ := sg.Offer("aws-p5-od")
	path := filepath.Join(t.TempDir(), "p5.yaml")
	if err := os.WriteFile(path, []byte("gpus:\n  - id: h100-sxm\n    offers:\n      - id: aws-p5-od\n        usd_per_gpu_hour: 5.5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	if err := os.Chtimes(path, when, when); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	g, _ := c.GPU("h100-sxm")
	od, _ := g.Offer("aws-p5-od")
	if od.Date == sod.Date || od.Date != when.Format(time.DateOnly) {
		t.Errorf("aws-p5-od date %q; want the file's, %s, not the catalog's %s", od.Date, when.Format(time.DateOnly), sod.Date)
	}
	if !strings.Contains(od.Source, "nor date of its own (dated by the file's last change") {
		t.Errorf("aws-p5-od source %q; want it to say the date is the file's", od.Source)
	}
}

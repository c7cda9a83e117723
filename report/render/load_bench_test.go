package render

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

// BenchmarkLoadRun measures what `report` does per run before it renders:
// LoadRun, one pass over requests.jsonl feeding the summary, the
// comparison sample, the ITL histogram and the timeline.
func BenchmarkLoadRun(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			dir := filepath.Join(b.TempDir(), "run")
			if err := rendertest.WriteLarge(dir, rendertest.DefaultLarge(n)); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := LoadRun(dir, report.SLO{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/record")
		})
	}
}

package report

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/inferbench/inferbench/report/render/rendertest"
	"github.com/inferbench/inferbench/rundir"
)

// largeRun writes a synthetic run of n records of 64 output tokens
// (rendertest.DefaultLarge) under b's temporary directory.
func largeRun(b *testing.B, n int) string {
	b.Helper()
	dir := filepath.Join(b.TempDir(), "run")
	if err := rendertest.WriteLarge(dir, rendertest.DefaultLarge(n)); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkSummarize measures the summarizing path of `report` over a
// large run: reading and decoding requests.jsonl and summarizing every
// record (rundir.Open, Summarize). Its B/op is what one summary allocates;
// the memory it keeps is what the Summarizer holds per record and per token.
func BenchmarkSummarize(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			dir := largeRun(b, n)
			b.ReportAllocs()
			for b.Loop() {
				rd, err := rundir.Open(dir)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := Summarize(rd, SLO{}, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/record")
		})
	}
}

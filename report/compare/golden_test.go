package compare

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render/rendertest"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/golden-* from the current code")

// goldenLarge is the large-run pair of the golden test: rendertest's
// synthetic large run at two seeds (rendertest.WriteLarge).
func goldenLarge(t testing.TB, seed uint64) *Run {
	t.Helper()
	l := rendertest.Large{Seed: seed, Records: 3000, Warmup: 30, Concurrency: 16, OutputTokens: 24, FailEvery: 97}
	dir := filepath.Join(t.TempDir(), fmt.Sprint("large-", seed))
	if err := rendertest.WriteLarge(dir, l); err != nil {
		t.Fatal(err)
	}
	r, err := loadCandidate(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// renderAll writes res as text, Markdown, JSON and JUnit, one after the
// other, with the run directories (temporary) named by fixed labels.
func renderAll(t *testing.T, res *Result) []byte {
	t.Helper()
	res.Baseline, res.Candidate = "BASE", "CAND"
	var b bytes.Buffer
	for _, w := range []func(*bytes.Buffer, *Result) error{
		func(b *bytes.Buffer, r *Result) error { return WriteText(b, r) },
		func(b *bytes.Buffer, r *Result) error { return WriteMarkdown(b, r) },
		func(b *bytes.Buffer, r *Result) error { return WriteJSON(b, r) },
		func(b *bytes.Buffer, r *Result) error { return WriteJUnit(b, r) },
	} {
		if err := w(&b, res); err != nil {
			t.Fatal(err)
		}
		b.WriteString("\n----\n")
	}
	return b.Bytes()
}

// checkGolden compares got with testdata/golden-name.txt (written with
// -update-golden).
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden-"+name+".txt")
	if *updateGolden {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: output differs from %s (%d bytes, want %d)", name, path, len(got), len(want))
	}
}

// TestGoldenOutputs pins every output of a comparison — the table,
// Markdown, JSON and JUnit of a run baseline and of a summary baseline, and
// the report's ratios — to the bytes the comparison engine wrote before its
// memory and time were cut (testdata/golden-*.txt were written by the code
// before that change). Any change of a value, interval, p-value or
// Mann–Whitney test shows here.
func TestGoldenOutputs(t *testing.T) {
	a, b := goldenLarge(t, 3), goldenLarge(t, 4)
	res, err := Compare(RunBaseline(a), b, Options{Resamples: 300})
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "large", renderAll(t, res))

	slow := base()
	slow.seed, slow.ttftMS = 2, 65
	res, err = Compare(RunBaseline(load(t, base())), load(t, slow), Options{Resamples: 400, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "synth", renderAll(t, res))

	fixed := Baseline{Label: "x", Meta: a.Meta, Summaries: []*report.Summary{a.Summary}}
	res, err = Compare(fixed, b, Options{Resamples: 300})
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "fixed", renderAll(t, res))

	var rb bytes.Buffer
	for lv, bs := range a.levels {
		for _, r := range Ratios(bs, b.levels[lv], Metrics(), 0.05, 300, 5, "k") {
			fmt.Fprintln(&rb, lv, r.Metric.Name, strconv.FormatFloat(r.Baseline, 'g', -1, 64), strconv.FormatFloat(r.Candidate, 'g', -1, 64),
				strconv.FormatFloat(r.Ratio, 'g', -1, 64), strconv.FormatFloat(r.Low, 'g', -1, 64),
				strconv.FormatFloat(r.High, 'g', -1, 64), strconv.FormatFloat(r.P, 'g', -1, 64))
		}
	}
	checkGolden(t, "ratios", rb.Bytes())
}

// BenchmarkCompareLarge loads two runs of 10,000 records of 24 tokens
// (rendertest.WriteLarge) and compares them with 500 resamples: the load
// (Collector, sort) and the bootstrap of `inferbench compare` on a large
// run, in time and allocations.
func BenchmarkCompareLarge(b *testing.B) {
	dirs := [2]string{}
	for i := range dirs {
		dirs[i] = filepath.Join(b.TempDir(), fmt.Sprint(i))
		l := rendertest.Large{Seed: uint64(3 + i), Records: 10000, Warmup: 100, Concurrency: 64, OutputTokens: 24, FailEvery: 500}
		if err := rendertest.WriteLarge(dirs[i], l); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		ra, err := loadCandidate(dirs[0])
		if err != nil {
			b.Fatal(err)
		}
		rb, err := loadCandidate(dirs[1])
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Compare(RunBaseline(ra), rb, Options{Resamples: 500}); err != nil {
			b.Fatal(err)
		}
	}
}

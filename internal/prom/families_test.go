package prom

import (
	"os"
	"slices"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

func parseAll(t *testing.T, page string) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	return fams
}

// TestFamiliesKeepsOnlyThePrefixes: the recorded vLLM page, with other
// families before, between and after its own, reads as the vLLM families
// of the page alone: same names, same series, same values.
func TestFamiliesKeepsOnlyThePrefixes(t *testing.T) {
	raw, err := os.ReadFile("../../testdata/telemetry/vllm-metrics-v1-busy.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := parseAll(t, string(raw))
	for name := range want {
		if !strings.HasPrefix(name, "vllm:") {
			delete(want, name)
		}
	}
	if len(want) < 10 {
		t.Fatalf("the fixture has %d vllm: families; want the real page", len(want))
	}
	junk := "# HELP junk_total a family nobody reads\n# TYPE junk_total counter\njunk_total{i=\"1\"} 1\njunk_total{i=\"2\"} 2\n# a free comment\n\n"
	lines := strings.SplitAfter(string(raw), "\n")
	mid := len(lines) / 2
	for !strings.HasPrefix(lines[mid], "# HELP") {
		mid++ // between two families, as a page interleaves them
	}
	page := junk + strings.Join(lines[:mid], "") + strings.ReplaceAll(junk, "junk", "other") + strings.Join(lines[mid:], "") + "\n" + strings.ReplaceAll(junk, "junk", "last")
	got, err := Families(strings.NewReader(page), "vllm:")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Errorf("%d families; want %d", len(got), len(want))
	}
	for name, w := range want {
		g := got[name]
		if g == nil {
			t.Errorf("%s missing", name)
			continue
		}
		if g.String() != w.String() {
			t.Errorf("%s = %v; want %v", name, g, w)
		}
	}
}

// TestFamiliesLineNumbers: a parse error names the page's own line, the
// dropped lines counted.
func TestFamiliesLineNumbers(t *testing.T) {
	page := "junk 1\njunk 2\n# TYPE vllm:x gauge\nvllm:x{a=\"1\" 3\n"
	_, err := Families(strings.NewReader(page), "vllm:")
	if err == nil || !strings.Contains(err.Error(), "line 4") {
		t.Errorf("error %v; want it at line 4", err)
	}
}

// TestFamiliesCapsTheSeries: more than MaxSeries series of the kept
// families is refused; as many of other families are dropped and cost
// nothing.
func TestFamiliesCapsTheSeries(t *testing.T) {
	series := func(name string, n int) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(name + "{i=\"")
			b.WriteString(strings.Repeat("x", i%7))
			b.WriteString(string(rune('a' + i%26)))
			b.WriteString("\",n=\"" + itoa(i) + "\"} 1\n")
		}
		return b.String()
	}
	_, err := Families(strings.NewReader(series("vllm:x", MaxSeries+1)), "vllm:")
	if err == nil || !strings.Contains(err.Error(), "more than 65536 series") {
		t.Errorf("error %v; want the page refused past MaxSeries", err)
	}
	fams, err := Families(strings.NewReader(series("junk", 4*MaxSeries)+series("vllm:x", MaxSeries)), "vllm:")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(fams["vllm:x"].GetMetric()); n != MaxSeries || len(fams) != 1 {
		t.Errorf("%d families, vllm:x %d series; want 1 family of %d", len(fams), n, MaxSeries)
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// TestFamiliesLinesOfAnyShape: quoted UTF-8 names, a line longer than the
// reader's buffer, indented lines.
func TestFamiliesLinesOfAnyShape(t *testing.T) {
	long := strings.Repeat("v", 200<<10)
	page := "# HELP \"vllm:a.b\" dotted\n# TYPE \"vllm:a.b\" gauge\n{\"vllm:a.b\",x=\"1\"} 5\n" +
		"{\"other.c\"} 9\n" +
		"vllm:long{label=\"" + long + "\"} 7\n" +
		"  vllm:indented 3\n" +
		"vllm:last 11\n"
	fams, err := Families(strings.NewReader(page), "vllm:")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"vllm:a.b": 5, "vllm:long": 7, "vllm:indented": 3, "vllm:last": 11}
	if len(fams) != len(want) {
		t.Errorf("families %v; want %v", keys(fams), want)
	}
	for name, v := range want {
		f := fams[name]
		if f == nil || len(f.GetMetric()) != 1 {
			t.Errorf("%s: %v", name, f)
			continue
		}
		if got, _ := Value(f.GetMetric()[0]); got != v {
			t.Errorf("%s = %v; want %v", name, got, v)
		}
	}
	if l := fams["vllm:long"].GetMetric()[0].GetLabel()[0].GetValue(); l != long {
		t.Errorf("the long label came back %d bytes; want %d", len(l), len(long))
	}
}

func keys(m map[string]*dto.MetricFamily) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	return k
}

// BenchmarkFamiliesJunkPage: a page of 1M one-series families no scraper
// reads, inside MaxPage, beside the recorded vLLM page: what reading it
// costs (bytes and allocations per op).
func BenchmarkFamiliesJunkPage(b *testing.B) {
	raw, err := os.ReadFile("../../testdata/telemetry/vllm-metrics-v1-busy.txt")
	if err != nil {
		b.Fatal(err)
	}
	var sb strings.Builder
	for i := range 1 << 20 {
		sb.WriteString("junk_")
		sb.WriteString(itoa(i))
		sb.WriteString(" 1\n")
	}
	page := sb.String() + string(raw)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Families(strings.NewReader(page), "vllm:"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestFamiliesCapErrorIsShort: the refusal names the prefixes when there
// are a few, and counts them when there are many: dcgm reads 13 families
// by name, and their list made the one-line error 500 characters long.
func TestFamiliesCapErrorIsShort(t *testing.T) {
	page := strings.Repeat("a_x 1\n", MaxSeries+1)
	_, err := Families(strings.NewReader(page), "a_", "b_")
	if err == nil || !strings.Contains(err.Error(), "series of a_, b_ families") {
		t.Errorf("two prefixes: %v; want them named", err)
	}
	_, err = Families(strings.NewReader(page), "a_", "b_", "c_", "d_", "e_long_family_name")
	if err == nil || !strings.Contains(err.Error(), "series of the 5 families read") || strings.Contains(err.Error(), "e_long") {
		t.Errorf("five prefixes: %v; want them counted, not listed", err)
	}
}

// TestFamiliesKeepsTheFirstOfARepeatedSeries: a series (metric name and
// label set, its labels in any order) written twice on one page is invalid
// exposition; Prometheus's scrape stores the first sample and drops the
// others as duplicates, and so does Families, for every kind: the second
// counter and gauge sample was kept beside the first (two series of one
// label set, which a scraper then summed), and a histogram's second _sum
// replaced the first while the buckets of both were kept. Series whose
// label sets differ, or whose names differ, are all kept.
func TestFamiliesKeepsTheFirstOfARepeatedSeries(t *testing.T) {
	page := `# TYPE vllm:c counter
vllm:c_total{a="1",b="x,y"} 5
vllm:c_total{a="1",b="x,y"} 7
vllm:c_total{b="x,y",a="1"} 9
vllm:c_total{a="1",b="x"} 11
vllm:c_total{a="1,b=x"} 13
# TYPE vllm:g gauge
vllm:g 1
vllm:g 2
{"vllm:g"} 3
vllm:g{a="1"} 4
# TYPE vllm:h histogram
vllm:h_bucket{le="1"} 1
vllm:h_bucket{le="+Inf"} 2
vllm:h_sum 10
vllm:h_count 2
vllm:h_bucket{le="1"} 3
vllm:h_bucket{le="+Inf"} 4
vllm:h_sum 20
vllm:h_count 4
`
	fams, err := Families(strings.NewReader(page), "vllm:")
	if err != nil {
		t.Fatal(err)
	}
	var got []float64
	for _, m := range fams["vllm:c_total"].GetMetric() {
		v, _ := Value(m)
		got = append(got, v)
	}
	if want := []float64{5, 11, 13}; !slices.Equal(got, want) {
		t.Errorf("vllm:c_total %v; want %v", got, want)
	}
	got = nil
	for _, m := range fams["vllm:g"].GetMetric() {
		v, _ := Value(m)
		got = append(got, v)
	}
	if want := []float64{1, 4}; !slices.Equal(got, want) {
		t.Errorf("vllm:g %v; want %v", got, want)
	}
	h := fams["vllm:h"].GetMetric()
	if len(h) != 1 || h[0].GetHistogram().GetSampleSum() != 10 || h[0].GetHistogram().GetSampleCount() != 2 || len(h[0].GetHistogram().GetBucket()) != 2 {
		t.Errorf("vllm:h %v; want the first histogram alone (sum 10, count 2, 2 buckets)", h)
	}
}

// TestFamiliesLeavesLinesItCannotReadToTheParser: a sample line whose
// labels the filter cannot read is not taken for a repeat of another; the
// parser says what is wrong with it, at its line.
func TestFamiliesLeavesLinesItCannotReadToTheParser(t *testing.T) {
	for _, page := range []string{
		"vllm:x{a=\"1\"} 1\nvllm:x{a=\"1\" 2\n",
		"vllm:x{a=\"1\"} 1\nvllm:x{a=\"1\",a=\"1\"} 2\n",
		"vllm:x{a=\"1\"} 1\nvllm:x{a=1} 2\n",
	} {
		if _, err := Families(strings.NewReader(page), "vllm:"); err == nil || !strings.Contains(err.Error(), "line 2") {
			t.Errorf("%q: error %v; want the parser's, at line 2", page, err)
		}
	}
}

// TestFamiliesRefusesAPageCutMidLine: the text format's last line must end
// with a line feed (Prometheus's "Text format details"), so a page whose
// last line has none was cut short: "vllm:x_total 12345" cut to "… 12"
// read as 12, which a scraper carrying counters takes for a restart. A
// page that ends with its line feed, or with blanks after it, is whole.
func TestFamiliesRefusesAPageCutMidLine(t *testing.T) {
	for _, page := range []string{"vllm:y 1\nvllm:x_total 12", "vllm:y 1\n# HELP vllm:x_total Numb", "vllm:y 1\njunk_total{a=\"b"} {
		_, err := Families(strings.NewReader(page), "vllm:")
		if err == nil || !strings.Contains(err.Error(), "line 2, its last, has no line feed") {
			t.Errorf("%q: error %v; want the page refused as cut mid-line at line 2", page, err)
		}
	}
	for _, page := range []string{"vllm:y 1\nvllm:x_total 12345\n", "vllm:y 1\nvllm:x_total 12345\n  ", ""} {
		if _, err := Families(strings.NewReader(page), "vllm:"); err != nil {
			t.Errorf("%q: %v; want it read", page, err)
		}
	}
}

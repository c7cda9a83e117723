package servermetrics

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// TestNamespacesCoverTheFamilies: every family Parse reads has one of the
// Namespaces, or prom.Families would drop it before the parser saw it.
func TestNamespacesCoverTheFamilies(t *testing.T) {
	names := []string{MockBehindFamily}
	for _, e := range engines {
		names = append(names, e.detect...)
		names = append(names, e.kvCache...)
		names = append(names, e.running, e.waiting, e.promptTotal, e.generationTotal)
		for _, p := range e.prefixCache {
			names = append(names, p.queries, p.hits)
		}
	}
	for _, n := range names {
		if n == "" {
			continue
		}
		covered := false
		for _, ns := range Namespaces {
			covered = covered || strings.HasPrefix(n, ns)
		}
		if !covered {
			t.Errorf("family %s has none of the namespaces %v", n, Namespaces)
		}
	}
}

// TestParseDropsOtherFamiliesUnbuilt: a page that holds, before the real
// vLLM page, a million one-series families nobody reads (about 14 MB,
// inside prom.MaxPage) reads as the vLLM page alone, and reading it
// allocates next to nothing per dropped line, not a parsed family each:
// the parser built all of them (491 MB allocated for this page; a hostile
// server's page of 4M series held the load generator at 444 MB RSS and
// marked the run CLIENT-BOUND).
func TestParseDropsOtherFamiliesUnbuilt(t *testing.T) {
	raw, err := os.ReadFile("../testdata/telemetry/vllm-metrics-v1-busy.txt")
	if err != nil {
		t.Fatal(err)
	}
	want, err := Parse(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	const junk = 1 << 20
	for i := range junk {
		b.WriteString("python_junk_")
		b.WriteString(strconv.Itoa(i))
		b.WriteString(" 1\n")
	}
	page := b.String() + string(raw)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	got, err := Parse(strings.NewReader(page))
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if *got.GenerationTokensTotal != *want.GenerationTokensTotal || *got.RequestsRunning != *want.RequestsRunning {
		t.Errorf("Parse = %+v; want %+v", got, want)
	}
	// Dropped lines cost one byte each in the parser's input; the kept
	// page's own parse is well under a megabyte (BenchmarkParseVLLMPage).
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
		t.Errorf("Parse allocated %d MB for a page of %d families nobody reads; want under 16 MB", alloc>>20, junk)
	}
}

package compare

import (
	"path/filepath"
	"runtime"
	"testing"

	"github.com/inferbench/inferbench/report/render/rendertest"
)

// retainedBytes returns the heap a loaded run holds: the live heap after
// LoadRun, less the live heap before, both after a collection (counted
// bytes, not time: the same on any machine).
func retainedBytes(t testing.TB, dir string) (uint64, *Run) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r, err := loadCandidate(dir)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(r)
	return after.HeapAlloc - before.HeapAlloc, r
}

// TestLoadRunRetainsPerTokenBytes: a run loaded for comparison holds what
// the bootstrap needs, its ITL sample packed (8 bytes a token) and a few
// numbers a request, not its records (a record of 64 tokens is over 1 KB
// of chunks) nor values and owners per token (12 bytes). Two runs of a
// million records are held at once by `compare`: each byte a token here is
// 128 MB there (docs/design.md, "A report's memory grows with requests").
func TestLoadRunRetainsPerTokenBytes(t *testing.T) {
	l := rendertest.Large{Seed: 3, Records: 20000, Warmup: 200, Concurrency: 64, OutputTokens: 64, FailEvery: 500}
	dir := filepath.Join(t.TempDir(), "run")
	if err := rendertest.WriteLarge(dir, l); err != nil {
		t.Fatal(err)
	}
	got, r := retainedBytes(t, dir)
	reqs, tokens, aside := 0, 0, 0
	for _, s := range r.levels {
		reqs += s.Requests()
		tokens += s.sorted[fieldITL].len()
		if p := s.sorted[fieldITL].packed; p != nil {
			aside += len(p.asidePos)
		}
	}
	// 8 bytes a token, 16 more for one aside (a 2-token event's, one in
	// 20 here), 192 a request (its rates' numbers, its report.Credit's 80
	// among them, its TTFT, TPOT and E2E with their owners, sorted and in
	// request order).
	limit := uint64(8*tokens + 16*aside + 192*reqs)
	t.Logf("retained %d bytes: %.2f a token (%d tokens, %d aside, %d requests); limit %d", got, float64(got)/float64(tokens), tokens, aside, reqs, limit)
	if got > limit {
		t.Errorf("a loaded run of %d requests, %d ITL values retains %d bytes; want at most %d", reqs, tokens, got, limit)
	}
}

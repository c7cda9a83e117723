package compare

import (
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"github.com/inferbench/inferbench/report/render/rendertest"
	"github.com/inferbench/inferbench/rundir"
)

// TestTurnsCostALoadedRunNothing: the turns' TTFT samples are picked out
// of TTFT's when a level is compared (LevelSample.samples), and a request's
// turn kind lies in bytes its struct had unused: a loaded run holds the
// bytes with sessions it holds without, and the 4 a request of its
// session's number (LevelSample.clusters: resamples draw whole sessions),
// within the bound of TestLoadRunRetainsPerTokenBytes. The run with sessions is the one
// without, its requests made turns 1–4 of sessions.
func TestTurnsCostALoadedRunNothing(t *testing.T) {
	if size := unsafe.Sizeof(request{}); size != 120 {
		t.Errorf("a request is %d bytes; want 120 (its turn kind in the bytes before heldMS)", size)
	}
	l := rendertest.Large{Seed: 3, Records: 20000, Warmup: 200, Concurrency: 64, OutputTokens: 64, FailEvery: 500}
	plainDir, turnsDir := filepath.Join(t.TempDir(), "run"), filepath.Join(t.TempDir(), "sessions")
	if err := rendertest.WriteLarge(plainDir, l); err != nil {
		t.Fatal(err)
	}
	manifest, err := os.ReadFile(filepath.Join(plainDir, rundir.ManifestFile))
	if err == nil {
		err = os.MkdirAll(turnsDir, 0o755)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(turnsDir, rundir.ManifestFile), manifest, 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
	rd, err := rundir.Open(plainDir)
	if err != nil {
		t.Fatal(err)
	}
	rw, err := rundir.CreateRecordWriter(turnsDir)
	if err != nil {
		t.Fatal(err)
	}
	for rec, err := range rd.Records() {
		if err != nil {
			t.Fatal(err)
		}
		rec.Session, rec.Turn = rec.ID/4+1, int(rec.ID%4)+1
		if err := rw.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	plain, _ := retainedBytes(t, plainDir)
	got, r := retainedBytes(t, turnsDir)
	reqs, tokens, aside := 0, 0, 0
	for _, s := range r.levels {
		if s.turnsHad() != (turnSet{true, true}) {
			t.Fatalf("fixture: turns %v; want first and later", s.turns)
		}
		reqs += s.Requests()
		tokens += s.sorted[fieldITL].len()
		if p := s.sorted[fieldITL].packed; p != nil {
			aside += len(p.asidePos)
		}
	}
	perReq := func(b uint64) float64 { return float64(int64(b)-int64(8*tokens+16*aside)) / float64(reqs) }
	limit := uint64(8*tokens + 16*aside + 192*reqs)
	t.Logf("retained %d bytes with sessions, %d without: %.2f and %.2f a request besides the tokens' (%d requests, %d tokens, %d aside); limit %d",
		got, plain, perReq(got), perReq(plain), reqs, tokens, aside, limit)
	if got > limit {
		t.Errorf("a loaded run of sessions retains %d bytes; want at most %d", got, limit)
	}
	if d := int64(got) - int64(plain); d > int64(reqs)*4+int64(reqs)/4 {
		t.Errorf("sessions cost %d bytes more (%.2f a request); want 4 a request (the session's number)", d, float64(d)/float64(reqs))
	}
}

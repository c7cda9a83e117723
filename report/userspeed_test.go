package report

import (
	"math"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestUserSpeedIsOneOverTPOT: a request's per-user output speed is the
// tokens after its first over the time they took, 1 / TPOT, whatever its
// length. Counted with the first token, 2 tokens 10 ms apart read 200
// tok/s beside a TPOT of 10 ms (outside QA: p50 194.0 tok/s against TPOT
// p50 10.31 ms), and 20 tokens read 105.3 against a true 100.
func TestUserSpeedIsOneOverTPOT(t *testing.T) {
	const ms = int64(1e6)
	for _, n := range []int{2, 3, 20, 1000} {
		r := &rundir.Record{OK: true, SentNS: 0, FirstTokenNS: 50 * ms, EndNS: 50*ms + int64(n-1)*10*ms, DoneNS: 50*ms + int64(n-1)*10*ms, OutputTokens: n}
		m := PerRequest(r)
		if !m.HasTPOT || math.Abs(m.TPOT-10) > 1e-9 || math.Abs(m.UserTPS-100) > 1e-9 {
			t.Errorf("%d tokens 10 ms apart: TPOT %g ms, user speed %g tok/s; want 10 ms and 100 tok/s", n, m.TPOT, m.UserTPS)
		}
	}
	if m := PerRequest(&rundir.Record{OK: true, FirstTokenNS: 50 * ms, EndNS: 50 * ms, OutputTokens: 1}); m.UserTPS != 0 {
		t.Errorf("one token: user speed %g; want none", m.UserTPS)
	}
}

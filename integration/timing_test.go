//go:build integration

package integration

import (
	"fmt"
	"testing"

	"github.com/inferbench/inferbench/report"
)

// The harness's overhead per request on loopback is the client's TTFT minus
// the server's own time to first token (llama.cpp prompt_ms). It holds
// HTTP and JSON on both sides, the server's tokenization and scheduling,
// the first decode step and the client's read and parse, on 2 cores shared
// by server and client, so its size is the machine's as much as the
// harness's: TestClientVsServerLlamaCpp bounds inferbench's median by a
// bare Go client's (refOverheads) measured beside it, not by a number of
// milliseconds. The bound is the reference's median plus the larger of
// overheadSlackMS and overheadSlackShare of it. Seen on the 2-core machine
// (llama-server 0.5.0-dev, tiny model, 7 runs): inferbench's median 0.3 to
// 1.0 ms above the reference's at concurrency 1, from 0.6 below to 1.9
// above at 8. Part of it is the connection: the reference dials anew for
// every request, inferbench keeps connections and, when llama-server has
// closed one under it, sends again on a new one (targets.PostStream: 11 of
// 40 requests at concurrency 1, record "resent"), the failed attempt's
// time in its TTFT as in any keep-alive client's.
const (
	overheadSlackMS    = 3.0
	overheadSlackShare = 0.25
)

// timingDiff is one request's client and server times, in ms.
type timingDiff struct {
	clientTTFT, serverTTFT, clientTotal, serverTotal, clientTPOT, serverTPOT float64
}

// diffs pairs each measured record's client times with the server's.
func diffs(t *testing.T, r benchRun) []timingDiff {
	t.Helper()
	var out []timingDiff
	for _, rec := range r.records {
		st := rec.Server
		if !rec.OK || st == nil {
			t.Fatalf("request %d: ok %v, server timings %+v", rec.ID, rec.OK, st)
		}
		d := timingDiff{
			clientTTFT:  report.PerRequest(rec).TTFT,
			serverTTFT:  float64(st.Queue+st.Load+st.Prompt) / 1e6,
			clientTotal: float64(max(rec.DoneNS, rec.EndNS)-rec.SentNS) / 1e6,
			serverTotal: float64(st.Queue+st.Load+st.Prompt+st.Decode) / 1e6,
		}
		if st.TTFT > 0 {
			d.serverTTFT = float64(st.TTFT) / 1e6
		}
		if rec.OutputTokens > 1 {
			d.clientTPOT = report.PerRequest(rec).TPOT
			d.serverTPOT = float64(st.Decode) / 1e6 / float64(rec.OutputTokens)
		}
		// The server's intervals lie inside the client's (same clock rate,
		// loopback); allow 0.1 ms for the two clocks' reading granularity.
		if d.serverTTFT > d.clientTTFT+0.1 {
			t.Errorf("request %d: server TTFT %.3f ms > client TTFT %.3f ms", rec.ID, d.serverTTFT, d.clientTTFT)
		}
		if d.serverTotal > d.clientTotal+0.1 {
			t.Errorf("request %d: server time %.3f ms > client time %.3f ms", rec.ID, d.serverTotal, d.clientTotal)
		}
		out = append(out, d)
	}
	return out
}

// summarize logs and returns the median TTFT overhead (client − server), ms.
func summarize(t *testing.T, name string, r benchRun) float64 {
	t.Helper()
	ds := diffs(t, r)
	var ttftOver, totalOver, cTTFT, sTTFT, cTPOT, sTPOT []float64
	for _, d := range ds {
		ttftOver = append(ttftOver, d.clientTTFT-d.serverTTFT)
		totalOver = append(totalOver, d.clientTotal-d.serverTotal)
		cTTFT, sTTFT = append(cTTFT, d.clientTTFT), append(sTTFT, d.serverTTFT)
		cTPOT, sTPOT = append(cTPOT, d.clientTPOT), append(sTPOT, d.serverTPOT)
	}
	l := r.sum.Levels[0]
	t.Logf("%s: client TTFT p50 %.2f ms vs server %.2f ms: overhead p50 %.2f ms, p90 %.2f ms; whole request overhead p50 %.2f ms; "+
		"client TPOT p50 %.3f ms vs server %.3f ms/token; %.0f out tok/s, ITL p50 %.3f ms; summary ttft_ms p50 %.2f, server_ttft_ms p50 %.2f",
		name, percentile(cTTFT, 50), percentile(sTTFT, 50), percentile(ttftOver, 50), percentile(ttftOver, 90),
		percentile(totalOver, 50), percentile(cTPOT, 50), percentile(sTPOT, 50), l.OutputTokensPerS, l.ITLMS.P50,
		l.TTFTMS.P50, l.ServerTTFTMS.P50)
	// The summary's server TTFT is the same per-request value the records hold.
	if l.ServerTTFTMS.N != len(ds) {
		t.Errorf("%s: server_ttft_ms over %d requests, want %d", name, l.ServerTTFTMS.N, len(ds))
	}
	if got, want := l.ServerTTFTMS.P50, percentile(sTTFT, 50); abs(got-want) > 1e-6*max(1, want) {
		t.Errorf("%s: summary server_ttft_ms p50 %.6f, records give %.6f", name, got, want)
	}
	if l.ServerTTFTMS.P50 > l.TTFTMS.P50 {
		t.Errorf("%s: server TTFT p50 %.3f ms above the client's %.3f ms", name, l.ServerTTFTMS.P50, l.TTFTMS.P50)
	}
	return percentile(ttftOver, 50)
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// Client vs server timing on llama-server (tiny model, 8 slots so that 8
// streams do not queue in the server): inferbench's overhead per request
// at concurrency 1 and 8 is within the slack of a bare client's
// (refOverheads), measured in turns with it (half the reference's
// requests before the run, half after) so that both see the machine alike.
func TestClientVsServerLlamaCpp(t *testing.T) {
	url := serverURL(t, "INFERBENCH_LLAMACPP_URL")
	for _, c := range []struct{ conc, n int }{{1, 40}, {8, 160}} {
		ref := refOverheads(t, url, c.conc, c.n/2, 0)
		r := runBench(t, "--target", "llamacpp", "--url", url, "--model", "tiny", "--api", "completions",
			"-c", fmt.Sprint(c.conc), "-n", fmt.Sprint(c.n), "--warmup", fmt.Sprint(c.conc), "--max-tokens", "64", "--prompt-tokens", "64")
		ref = append(ref, refOverheads(t, url, c.conc, c.n/2, 1)...)
		checkComplete(t, r, c.n, 64)
		name := fmt.Sprintf("llama-server tiny c=%d", c.conc)
		over := summarize(t, name, r)
		refP50 := percentile(ref, 50)
		bound := refP50 + max(overheadSlackMS, overheadSlackShare*refP50)
		t.Logf("%s: reference client overhead p50 %.2f ms, p90 %.2f ms (%d requests); inferbench's %.2f ms, bound %.2f ms",
			name, refP50, percentile(ref, 90), len(ref), over, bound)
		if over > bound {
			t.Errorf("%s: harness overhead p50 %.2f ms > the reference client's %.2f ms + slack = %.2f ms", name, over, refP50, bound)
		}
	}
}

// Client vs server timing on Ollama: its durations are measured in the
// runner subprocess, so the difference also holds Ollama's own proxy hop
// (serve → runner); it is reported, and only the ordering is checked.
func TestClientVsServerOllama(t *testing.T) {
	url := serverURL(t, "INFERBENCH_OLLAMA_URL")
	for _, conc := range []int{1, 4} {
		r := runBench(t, "--target", "ollama", "--url", url, "--model", "tiny", "--api", "completions",
			"-c", fmt.Sprint(conc), "-n", fmt.Sprint(8*conc), "--warmup", fmt.Sprint(conc), "--max-tokens", "64", "--prompt-tokens", "64")
		checkComplete(t, r, 8*conc, 64)
		summarize(t, fmt.Sprintf("ollama tiny c=%d", conc), r)
	}
}

package live

// Point is one sample of the live page's charts, taken every interval.
// Rates are over the interval since the previous point; latency
// percentiles are those of the running level's rolling window (ms). A nil
// field had no value.
type Point struct {
	// T is the time in seconds from the run's start.
	T float64 `json:"t"`
	// Level is the level running, if any.
	Level *float64 `json:"level,omitempty"`
	// RPS is requests completed per second, warm-up included.
	RPS float64 `json:"rps"`
	// InFlight is the requests in flight, when the State knows it.
	InFlight *int64 `json:"in_flight,omitempty"`
	// TTFT and TPOT are [p50, p95, p99] in ms.
	TTFT *[3]float64 `json:"ttft,omitempty"`
	TPOT *[3]float64 `json:"tpot,omitempty"`
	// OutTPS is output tokens of successful requests per second, warm-up included.
	OutTPS float64 `json:"out_tps"`
	// RPSWindow and OutTPSWindow are the same two rates over the running
	// level's rolling window (Snapshot.Window, as TTFT and TPOT), absent
	// while no level runs. The page charts these: at a request a second, a
	// count per interval jumps between 0, 1 and 2.
	RPSWindow    *float64 `json:"rps_window,omitempty"`
	OutTPSWindow *float64 `json:"out_tps_window,omitempty"`
	// StreamedTPS is output tokens streamed per second since the previous
	// point, as their chunks arrived (Snapshot.StreamedTokens);
	// StreamedTPSWindow the running level's streamed rate
	// (Rolling.StreamedTokensPerS), which the page charts. Absent where the
	// State does not see the chunks (Snapshot.StreamedKnown), and the
	// window's while no level runs.
	StreamedTPS       *float64 `json:"streamed_tps,omitempty"`
	StreamedTPSWindow *float64 `json:"streamed_tps_window,omitempty"`
	// Errors is failed measured requests per second, by class.
	Errors map[string]float64 `json:"errors,omitempty"`
	// GPU is each device's latest reading.
	GPU []GPUPoint `json:"gpu,omitempty"`
	// Server is the engine's latest scrape.
	Server *ServerPoint `json:"server,omitempty"`
}

// GPUPoint is one device in a Point.
type GPUPoint struct {
	Index  int      `json:"i"`
	Util   *float64 `json:"util,omitempty"`
	MemGiB *float64 `json:"mem_gib,omitempty"`
	PowerW *float64 `json:"power_w,omitempty"`
}

// ServerPoint is the engine's queue and KV cache in a Point.
type ServerPoint struct {
	Running *float64 `json:"running,omitempty"`
	Waiting *float64 `json:"waiting,omitempty"`
	// KV is the fraction of the KV cache in use, 0–1.
	KV *float64 `json:"kv,omitempty"`
}

// pointOf is the point of cur, with rates since prev (the zero Snapshot
// for the first point: since the run's start).
func pointOf(prev, cur *Snapshot) Point {
	p := Point{T: float64(cur.NowNS) / 1e9}
	if dt := float64(cur.NowNS-prev.NowNS) / 1e9; dt > 0 {
		p.RPS = float64(cur.CompletedAll-prev.CompletedAll) / dt
		p.OutTPS = float64(cur.OutputTokensAll-prev.OutputTokensAll) / dt
		if cur.StreamedKnown {
			tps := float64(cur.StreamedTokens-prev.StreamedTokens) / dt
			p.StreamedTPS = &tps
		}
		for c, n := range cur.Errors {
			if d := n - prev.Errors[c]; d > 0 {
				if p.Errors == nil {
					p.Errors = map[string]float64{}
				}
				p.Errors[string(c)] = float64(d) / dt
			}
		}
	}
	for i := len(cur.Levels) - 1; i >= 0; i-- {
		if cur.Levels[i].Running {
			lv := cur.Levels[i].Plan.Level
			p.Level = &lv
			break
		}
	}
	if w := cur.Window; p.Level != nil && w.SpanNS > 0 {
		rps, tps := w.RequestsPerS, w.OutputTokensPerS
		p.RPSWindow, p.OutTPSWindow = &rps, &tps
	}
	if w := cur.Window; p.Level != nil && cur.StreamedKnown && w.StreamedSpanNS > 0 {
		tps := w.StreamedTokensPerS
		p.StreamedTPSWindow = &tps
	}
	if cur.InFlightKnown {
		n := cur.InFlight
		p.InFlight = &n
	}
	if q := cur.Window.TTFT; q.N > 0 {
		p.TTFT = &[3]float64{q.P50, q.P95, q.P99}
	}
	if q := cur.Window.TPOT; q.N > 0 {
		p.TPOT = &[3]float64{q.P50, q.P95, q.P99}
	}
	for _, g := range cur.GPUs {
		gp := GPUPoint{Index: g.Index, Util: g.UtilizationPct, PowerW: g.PowerW}
		if g.MemoryUsedBytes != nil {
			gib := float64(*g.MemoryUsedBytes) / (1 << 30)
			gp.MemGiB = &gib
		}
		p.GPU = append(p.GPU, gp)
	}
	if sv := cur.Server; sv != nil {
		p.Server = &ServerPoint{Running: sv.RequestsRunning, Waiting: sv.RequestsWaiting, KV: sv.KVCacheUsage}
	}
	return p
}

package rundir

// Adaptive is run.json's account of a run whose levels stopped adaptively
// (`--precision`, issue #22; docs/adaptive.md): the options, each level's
// stop decision with its intervals, the capacity the search found and the
// spend against a fixed sweep. summary.json repeats it. nil (absent) when
// every level ran to its fixed count or duration.
type Adaptive struct {
	// Precision is how close to its value every judged interval had to
	// lie, relative, on its farther side (0.05: within ±5 %;
	// adaptive.Estimate.Reach); Confidence their coverage, repeated looks
	// accounted for.
	Precision  float64 `json:"precision"`
	Confidence float64 `json:"confidence"`
	// MinRequests and MaxRequests bound each level in judged requests;
	// MaxDurationS (0: none) in seconds.
	MinRequests  int     `json:"min_requests"`
	MaxRequests  int     `json:"max_requests"`
	MaxDurationS float64 `json:"max_duration_s,omitempty"`
	// Search says the levels were chosen by the capacity search (a
	// geometric climb, then BisectSteps bisections) from Start.
	Search      bool    `json:"search"`
	BisectSteps int     `json:"bisect_steps,omitempty"`
	Start       float64 `json:"start,omitempty"`
	// Boundary is the repeated-looks constant c and LookLevel the
	// two-sided level each look's intervals were built at.
	Boundary  float64 `json:"boundary"`
	LookLevel float64 `json:"look_level"`
	// Levels are the levels' decisions, in the order run.
	Levels []AdaptiveLevel `json:"levels"`
	// Ended says why no further level ran ("" when the list ran out).
	Ended string `json:"ended,omitempty"`
	// Capacity is the search's answer (nil without a search).
	Capacity *AdaptiveCapacity `json:"capacity,omitempty"`
	// Spend compares the wall time and requests spent with a fixed sweep.
	Spend *Spend `json:"spend,omitempty"`
}

// AdaptiveLevel is one level's stop decision.
type AdaptiveLevel struct {
	Level float64 `json:"level"`
	// Reason is why it stopped: saturated, verdict certain, precise, max
	// requests, max duration, ended (its requests ran out before a rule
	// or bound said) or run stopped (Ctrl-C or a failure during it).
	Reason string `json:"reason"`
	// Verdict is pass, fail or unjudged (on point estimates, as report
	// judges); Certain says the intervals settle it; Why names the failed
	// objectives.
	Verdict string   `json:"verdict"`
	Certain bool     `json:"certain"`
	Why     []string `json:"why,omitempty"`
	// N completed measured requests, Judged of them in the sample the
	// intervals rest on, Failed of them failed; Looks taken.
	N      int `json:"n"`
	Judged int `json:"judged"`
	Failed int `json:"failed"`
	Looks  int `json:"looks"`
	// WallS is the level's wall time, warm-up and drain included.
	WallS float64 `json:"wall_s"`
	// Intervals are the judged numbers: the SLO percentile of each SLO
	// latency metric, output tokens/s and the error rate.
	Intervals []Interval `json:"intervals"`
	// Saturated says the level was past the server's capacity; Saturation
	// says why.
	Saturated  bool   `json:"saturated"`
	Saturation string `json:"saturation,omitempty"`
}

// Interval is one judged number with its confidence interval. Lo or Hi is
// absent where the data could not bound it yet (a p95 of few values has no
// upper bound).
type Interval struct {
	Name  string   `json:"name"`
	Value float64  `json:"value"`
	Lo    *float64 `json:"lo,omitempty"`
	Hi    *float64 `json:"hi,omitempty"`
	// Limit is the threshold it was judged against (0: none).
	Limit float64 `json:"limit,omitempty"`
	N     int     `json:"n"`
}

// AdaptiveCapacity is capacity at SLO as the search found it: the passing
// level with the best throughput, and the bracket around the knee.
type AdaptiveCapacity struct {
	Found bool `json:"found"`
	// Level and OutputTokensPerS (with its interval) of the best passing
	// level.
	Level            float64  `json:"level,omitempty"`
	OutputTokensPerS Interval `json:"output_tokens_per_s"`
	// LowerBound: nothing failed or saturated, the server may do more.
	LowerBound bool `json:"lower_bound,omitempty"`
	Saturated  bool `json:"saturated,omitempty"`
	// CertainPass is the highest level that certainly passed and
	// CertainFail the lowest above it that certainly failed (0: none);
	// Pass and Fail the bracket on point verdicts.
	CertainPass float64 `json:"certain_pass,omitempty"`
	CertainFail float64 `json:"certain_fail,omitempty"`
	Pass        float64 `json:"pass,omitempty"`
	Fail        float64 `json:"fail,omitempty"`
}

// Spend is what the run spent beside what a fixed sweep of the same
// levels (plus the grid levels the search skipped, estimated) would have.
type Spend struct {
	// FixedBudgetRequests and FixedBudgetDurationS are the fixed budget per level
	// (whichever comes first; 0: no bound).
	FixedBudgetRequests  int          `json:"fixed_budget_requests,omitempty"`
	FixedBudgetDurationS float64      `json:"fixed_budget_duration_s,omitempty"`
	Levels               []LevelSpend `json:"levels"`
	Requests             int          `json:"requests"`
	FixedRequests        int          `json:"fixed_requests"`
	WallS                float64      `json:"wall_s"`
	FixedWallS           float64      `json:"fixed_wall_s"`
	// SkippedFixedWallS is the estimated part of FixedWallS (grid levels
	// not run); Saved is 1 − WallS/FixedWallS.
	SkippedFixedWallS float64 `json:"skipped_fixed_wall_s"`
	Saved             float64 `json:"saved"`
}

// LevelSpend is one level's spend; Skipped marks a grid level the search
// did not run (its fixed spend is an estimate).
type LevelSpend struct {
	Level         float64 `json:"level"`
	Requests      int     `json:"requests"`
	WallS         float64 `json:"wall_s"`
	FixedRequests int     `json:"fixed_requests"`
	FixedWallS    float64 `json:"fixed_wall_s"`
	Skipped       bool    `json:"skipped,omitempty"`
}

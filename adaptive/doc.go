// Package adaptive decides, while a benchmark runs, when a load level has
// measured enough and where to run the next one: the time to a verdict.
//
// A Plan (from Options) holds a run's look schedule and the repeated-looks
// boundary. For each level the runner makes a Level with Plan.NewLevel,
// feeds it every measured completion with Add from the goroutine that
// records completions, and calls Check when Add reports a look due; the
// level stops when the Decision says so:
//
//   - the SLO percentile of each SLO latency metric (a distribution-free
//     order-statistic interval) and the output tokens/s (batch means over
//     time buckets) are all within the relative precision, or
//   - the SLO verdict is certain: an interval lies wholly above its
//     threshold, or all lie below, or
//   - the level is saturated (open loop: the rate served lies certainly
//     under the target, behind its schedule; closed loop: throughput
//     stopped rising over a lower level), or
//   - it reached its maximum requests or duration.
//
// Latencies are judged on the level's requests in schedule order, each once
// every earlier one has completed, so that a look never sees only the fast
// ones. Every interval is built at the level the look schedule requires for the
// interval reported at the stop, whichever rule stopped it, to cover with
// the plan's confidence (repeated confidence intervals with a Pocock
// boundary computed for the schedule). A Search proposes the levels: a climb
// up the sweep's grid to the first failure, then bisection; its Capacity is
// the best passing throughput with the levels that certainly pass and fail.
// Account prices the levels run against a fixed sweep.
//
// The package is pure: no network, no files, no clock. docs/adaptive.md
// gives the method and its measured coverage.
package adaptive

//go:build race

package adaptive

// raceEnabled: the race detector slows the simulations about tenfold, so
// the coverage tests run a quarter of their runs under it, with the
// allowance widened to match (coverage_test.go); the full counts run
// without it.
const raceEnabled = true

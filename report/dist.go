package report

// DistOf summarizes millisecond values (any order; values is reordered in
// place) by the definitions of metrics.go: the one Dist constructor, for
// callers outside this package (the live view's level results) that keep
// their own per-request values.
func DistOf(values []float64) Dist { return distOf(values) }

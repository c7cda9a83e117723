package adaptive

import (
	"math"
	"testing"
	"time"
)

// TestBatchMeans builds a series whose batches are known: one completion in
// the middle of each 1.024 s bucket, 2,048 tokens in odd buckets and 1,024
// in even ones (2,000 and 1,000 tok/s), a huge first bucket (the fill, to
// be left out), and a last completion at 20.48 s closing bucket 19. The
// doubling must land on 1.024 s buckets (1 ms · 2¹⁰: 20.48 s / 512 ms = 40
// buckets is too many, / 1.024 s = 20 fits), leaving batches 1…19: ten
// of 2,000 and nine of 1,000 tok/s. By hand: mean = 29,000/19 =
// 1,526.32; for two values Σ(y − ȳ)² = n₁n₂/n·(a − b)² = 90/19·10⁶, so
// s² = 5·10⁶/19 and se = √(s²/19) = √(5·10⁶)/19 = 117.688.
func TestBatchMeans(t *testing.T) {
	var tl timeline
	const w = 1024 * time.Millisecond
	for i := range 20 {
		b := tl.at(time.Duration(i)*w + w/2)
		switch {
		case i == 0:
			b.tokens += 1e6
		case i%2 == 1:
			b.tokens += 2048
		default:
			b.tokens += 1024
		}
	}
	tl.at(20 * w)
	if tl.width != w {
		t.Fatalf("bucket width %v; want %v", tl.width, w)
	}
	mean, se, n := tl.ratioMeans(20*w, 0, tokensOf, widthOf)
	if n != 19 || math.Abs(mean-29000.0/19) > 1e-9 || math.Abs(se-math.Sqrt(5e6)/19) > 1e-9 {
		t.Errorf("batch means = %.4f ± %.4f over %d batches; want %.4f ± %.4f over 19", mean, se, n, 29000.0/19, math.Sqrt(5e6)/19)
	}
	// The partial bucket at 20.48 s is not a batch; half-way through bucket
	// 20 still 19.
	if _, _, n := tl.ratioMeans(20*w+w/2, 0, tokensOf, widthOf); n != 19 {
		t.Errorf("%d batches half-way through bucket 20; want 19", n)
	}
}

// TestTimelineMergeKeepsTotals: merging pairs loses nothing.
func TestTimelineMergeKeepsTotals(t *testing.T) {
	var tl timeline
	tl.start = 5 * time.Second
	total := 0.0
	for i := range 5000 {
		d := tl.start + time.Duration(i)*7*time.Millisecond
		tl.at(d).tokens += float64(i % 13)
		total += float64(i % 13)
	}
	sum := 0.0
	for _, b := range tl.buckets {
		sum += b.tokens
	}
	if sum != total {
		t.Errorf("tokens after merging %g; want %g", sum, total)
	}
	// The last completion, at 34.993 s, needs buckets over 34.993/32 =
	// 1.094 s wide: the first power-of-two multiple of 1 ms above is 2.048 s.
	if want := 2048 * time.Millisecond; tl.width != want {
		t.Errorf("width %v; want %v", tl.width, want)
	}
}

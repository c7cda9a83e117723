package live

import "sync/atomic"

// counterStripes is how many cache lines a tokenCounter spreads its adds
// over.
const counterStripes = 16

// tokenCounter is the streamed-token counter: added to for every
// token-bearing chunk of every request, from every P at once, and read
// about once a second. One atomic.Int64 put every chunk of the run on one
// cache line that the cores took from one another (BenchmarkTrackChunk
// tracked-parallel: 27 ns a chunk against 1.6 bare); here each request adds
// to the stripe it was given when it started (stripe), so requests on
// different Ps mostly add to lines of their own. Load sums the stripes:
// the same total, and never less than an earlier Load (each stripe only
// grows, and is read after it was read before).
type tokenCounter struct {
	next    atomic.Uint32
	stripes [counterStripes]struct {
		n atomic.Int64
		_ [120]byte // a stripe to itself on two lines (the adjacent-line prefetcher pairs them)
	}
}

// stripe returns the stripe for a request's adds, in turn.
func (c *tokenCounter) stripe() *atomic.Int64 {
	return &c.stripes[c.next.Add(1)%counterStripes].n
}

// Add adds n on the first stripe (a test's direct add).
func (c *tokenCounter) Add(n int64) { c.stripes[0].n.Add(n) }

// Load returns the count: the sum of the stripes.
func (c *tokenCounter) Load() int64 {
	var n int64
	for i := range c.stripes {
		n += c.stripes[i].n.Load()
	}
	return n
}

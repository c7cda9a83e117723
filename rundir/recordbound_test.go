package rundir

import (
	"slices"
	"testing"
)

// ones is n chunks of one token each, 10 ms apart.
func ones(n int) [][2]int64 {
	c := make([][2]int64, n)
	for i := range c {
		c[i] = [2]int64{int64(i+1) * 10e6, 1}
	}
	return c
}

// counted is chunks of the given per-event counts, 10 ms apart.
func counted(ks ...int64) [][2]int64 {
	c := make([][2]int64, len(ks))
	for i, k := range ks {
		c[i] = [2]int64{int64(i+1) * 10e6, k}
	}
	return c
}

func TestBoundOutputTokens(t *testing.T) {
	for _, c := range []struct {
		name      string
		r         Record
		out       int
		src       TokenSource
		chunks    [][2]int64 // nil: unchanged
		below     int
		dropped   bool
		decreased bool
		many      bool
		perEvent  float64
		unchanged bool
	}{
		// hs.py under1: 5 content chunks, usage 1.
		{name: "below", r: Record{Chunks: ones(5), OutputTokens: 1, OutputTokensSource: SourceServer},
			out: 5, src: SourceEvents, below: 1, perEvent: 1},
		// hs.py lying: 5 content chunks, usage 5000: kept, many.
		{name: "far above", r: Record{Chunks: ones(5), OutputTokens: 5000, OutputTokensSource: SourceServer},
			out: 5000, src: SourceServer, many: true, perEvent: 1000, unchanged: true},
		// hs.py cumback: cumulative 1,2,1,5,0,1000,3, final 3.
		{name: "cumulative back", r: Record{Chunks: counted(1, 1, 1, 4, 1, 1000, 1), OutputTokens: 3, OutputTokensSource: SourceServer},
			out: 7, src: SourceEvents, chunks: ones(7), below: 3, dropped: true, perEvent: 1},
		// A cumulative count ending above the final one, the final still
		// above the events: counts dropped, the final kept.
		{name: "cumulative above final", r: Record{Chunks: counted(4, 4, 4), OutputTokens: 10, OutputTokensSource: SourceServer},
			out: 10, src: SourceServer, chunks: ones(3), dropped: true, perEvent: 10.0 / 3},
		// A cumulative count that went down: 5, 3, 4, final 10. Its
		// increases (5, 0 taken as 1, 1) sum to 7, under the final
		// count, but are not to be trusted: dropped, the final kept.
		{name: "cumulative down", r: Record{Chunks: counted(5, 1, 1), OutputTokens: 10, OutputTokensSource: SourceServer, UsageDecreased: true},
			out: 10, src: SourceServer, chunks: ones(3), dropped: true, decreased: true, perEvent: 10.0 / 3},
		// Went down, final below the events: both.
		{name: "cumulative down below", r: Record{Chunks: counted(5, 1, 1), OutputTokens: 2, OutputTokensSource: SourceServer, UsageDecreased: true},
			out: 3, src: SourceEvents, chunks: ones(3), below: 2, dropped: true, decreased: true, perEvent: 1},
		// Went down, one token an event all the same (1, 0, 1): nothing
		// to drop, the decrease still said.
		{name: "cumulative down ones", r: Record{Chunks: ones(3), OutputTokens: 3, OutputTokensSource: SourceServer, UsageDecreased: true},
			out: 3, src: SourceServer, decreased: true, perEvent: 1, unchanged: true},
		{name: "cumulative down counted", r: Record{Chunks: counted(5, 1), OutputTokens: 6, OutputTokensSource: SourceCounted, UsageDecreased: true},
			out: 6, src: SourceCounted, perEvent: 3, unchanged: true},
		// Speculative decoding with continuous usage: 4 an event, summing
		// to the final count.
		{name: "speculative", r: Record{Chunks: counted(4, 4, 4, 4), OutputTokens: 16, OutputTokensSource: SourceServer},
			out: 16, src: SourceServer, perEvent: 4, unchanged: true},
		// The stop sequence's held tokens loadgen adds as an entry.
		{name: "stop held", r: Record{Chunks: counted(1, 1, 1, 2), OutputTokens: 5, OutputTokensSource: SourceServer},
			out: 5, src: SourceServer, perEvent: 5.0 / 4, unchanged: true},
		// The bound: 16 an event is not many, 16 and one token is.
		{name: "at the bound", r: Record{Chunks: ones(5), OutputTokens: 80, OutputTokensSource: SourceServer},
			out: 80, src: SourceServer, perEvent: 16, unchanged: true},
		{name: "past the bound", r: Record{Chunks: ones(5), OutputTokens: 81, OutputTokensSource: SourceServer},
			out: 81, src: SourceServer, many: true, perEvent: 16.2, unchanged: true},
		// Coalesced past loadgen's cap: the last entry holds 1 + 10
		// events of one token each, not a server's count.
		{name: "coalesced ones below", r: Record{Chunks: counted(1, 1, 11), ChunksCoalesced: 10, OutputTokens: 5, OutputTokensSource: SourceServer},
			out: 13, src: SourceEvents, below: 5, perEvent: 1},
		{name: "coalesced counts dropped", r: Record{Chunks: counted(3, 1, 30), ChunksCoalesced: 10, OutputTokens: 20, OutputTokensSource: SourceServer},
			out: 20, src: SourceServer, chunks: counted(1, 1, 11), dropped: true, perEvent: 20.0 / 13},
		// Counted, estimated or already bounded: not judged.
		{name: "counted", r: Record{Chunks: counted(1, 1), OutputTokens: 2, OutputTokensSource: SourceCounted},
			out: 2, src: SourceCounted, perEvent: 1, unchanged: true},
		{name: "bounded", r: Record{Chunks: ones(5), OutputTokens: 5, OutputTokensSource: SourceEvents},
			out: 5, src: SourceEvents, perEvent: 1, unchanged: true},
		{name: "no events", r: Record{Chunks: [][2]int64{}, OutputTokens: 9, OutputTokensSource: SourceServer},
			out: 9, src: SourceServer, unchanged: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := c.r
			before := slices.Clone(in.Chunks)
			got, b := in.BoundOutputTokens()
			if got.OutputTokens != c.out || got.OutputTokensSource != c.src {
				t.Errorf("output %d (%s); want %d (%s)", got.OutputTokens, got.OutputTokensSource, c.out, c.src)
			}
			want := c.chunks
			if want == nil {
				want = before
			}
			if !slices.Equal(got.Chunks, want) {
				t.Errorf("chunks %v; want %v", got.Chunks, want)
			}
			if b.Below != c.below || b.Dropped != c.dropped || b.Decreased != c.decreased || b.Many(got) != c.many || b.PerEvent(got) != c.perEvent {
				t.Errorf("bound %+v many %v per event %g; want below %d dropped %v decreased %v many %v per event %g",
					b, b.Many(got), b.PerEvent(got), c.below, c.dropped, c.decreased, c.many, c.perEvent)
			}
			if (got == &in) != c.unchanged {
				t.Errorf("returned the record itself: %v; want %v", got == &in, c.unchanged)
			}
			if in.OutputTokens != c.r.OutputTokens || in.OutputTokensSource != c.r.OutputTokensSource || !slices.Equal(in.Chunks, before) {
				t.Errorf("the record was modified: %+v", in)
			}
			// Bounding is idempotent.
			again, b2 := got.BoundOutputTokens()
			if again != got || b2.Below != 0 || b2.Dropped {
				t.Errorf("bounded again: %+v, %+v; want it as it was", *again, b2)
			}
		})
	}
}

// TestBoundOutputTokensAllocates nothing for a record its stream agrees
// with, the usual one: a report bounds every record it reads.
func TestBoundOutputTokensAllocates(t *testing.T) {
	r := &Record{Chunks: ones(64), OutputTokens: 70, OutputTokensSource: SourceServer}
	if n := testing.AllocsPerRun(100, func() { r.BoundOutputTokens() }); n != 0 {
		t.Errorf("%g allocations; want 0", n)
	}
}

// BenchmarkBoundOutputTokens is what a report pays a record to judge its
// output count (Summarizer.Add): one pass over 64 one-token chunks.
func BenchmarkBoundOutputTokens(b *testing.B) {
	r := &Record{Chunks: ones(64), OutputTokens: 64, OutputTokensSource: SourceServer}
	b.ReportAllocs()
	for b.Loop() {
		r.BoundOutputTokens()
	}
}

// TestBoundCounts: the rule on counts alone, as the probe judges its
// stream, gives what BoundOutputTokens gives the record of those counts.
func TestBoundCounts(t *testing.T) {
	for _, c := range []struct {
		events, sum int64
		out         int
		decreased   bool
		want        OutputBound
	}{
		{5, 5, 1, false, OutputBound{Events: 5, Below: 1, SumOver: true}},
		{7, 1009, 3, false, OutputBound{Events: 7, Below: 3, Dropped: true, SumOver: true}},
		{3, 12, 10, false, OutputBound{Events: 3, Dropped: true, SumOver: true}},
		{4, 16, 16, false, OutputBound{Events: 4}},
		{5, 5, 5000, false, OutputBound{Events: 5}},
		{0, 0, 9, false, OutputBound{}},
		{5, 5, 0, false, OutputBound{Events: 5}}, // no count to judge
		{3, 7, 10, true, OutputBound{Events: 3, Dropped: true, Decreased: true}},
		{3, 7, 2, true, OutputBound{Events: 3, Below: 2, Dropped: true, SumOver: true, Decreased: true}},
		{3, 3, 3, true, OutputBound{Events: 3, Decreased: true}},
		{3, 7, 0, true, OutputBound{Events: 3}}, // no count to judge
	} {
		if got := BoundCounts(c.events, c.sum, c.out, c.decreased); got != c.want {
			t.Errorf("BoundCounts(%d, %d, %d, %v) = %+v; want %+v", c.events, c.sum, c.out, c.decreased, got, c.want)
		}
	}
	// The record of the second: cumulative 1,2,1,5,0,1000,3, final 3.
	r := &Record{Chunks: counted(1, 1, 1, 4, 1, 1000, 1), OutputTokens: 3, OutputTokensSource: SourceServer}
	if _, b := r.BoundOutputTokens(); b != BoundCounts(7, 1009, 3, false) {
		t.Errorf("record's bound %+v; counts' %+v", b, BoundCounts(7, 1009, 3, false))
	}
	// Of the eighth: cumulative 5, 3, 4, final 10.
	r = &Record{Chunks: counted(5, 1, 1), OutputTokens: 10, OutputTokensSource: SourceServer, UsageDecreased: true}
	if _, b := r.BoundOutputTokens(); b != BoundCounts(3, 7, 10, true) {
		t.Errorf("record's bound %+v; counts' %+v", b, BoundCounts(3, 7, 10, true))
	}
}

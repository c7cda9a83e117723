package servermetrics

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"

	dto "github.com/prometheus/client_model/go"

	"github.com/inferbench/inferbench/internal/prom"
	"github.com/inferbench/inferbench/rundir"
)

// An engine's cumulative counters are carried over its restarts series by
// series, as Prometheus's rate() does: a series whose value goes down has
// restarted from zero, so the value it had before the drop is added to
// every later one. A family's carried value is the sum, over every series
// of it seen so far, of the series' last value and that offset; a series
// absent from a page (a restarted engine may publish it again only later)
// keeps contributing its last carried value. A difference of two samples
// is then what the engine did between them, never negative.
//
// The sum of a family's series cannot be carried instead: with two
// data-parallel engines at A=100, B=50 (150), A restarting and both doing
// 10 more (A=10, B=60: 70) would carry 150+70 = 220 where the engine did
// 170, and A=10, B=145 (155 > 150) would not be seen as a restart at all.
//
// Scraper.Scrape carries each series of the pages it reads, the one place
// the carry is done: Watch emits what its scrape returns as it is.
//
// A series' value is never negative and at most maxTokensTotal (seriesOf
// drops the page's others), so last's zero value is no drop and no number
// of restarts a run sees carries a value to +Inf. The sums are taken in a
// fixed order (the order series were first seen), so a family's carried
// value never goes down by a rounding either.

// Indexes of a Sample's cumulative counter families (counterFields).
const (
	promptTokens = iota
	generationTokens
	prefixCacheQueries
	prefixCacheHits
	simBehindSeconds
	mockCPUWaitSeconds
	mockCPUSlices
	mockCPUSeconds
	numCounters
)

// counterFields returns s's cumulative counter fields, by index.
func counterFields(s *rundir.ServerSample) [numCounters]**float64 {
	return [numCounters]**float64{
		promptTokens:       &s.PromptTokensTotal,
		generationTokens:   &s.GenerationTokensTotal,
		prefixCacheQueries: &s.PrefixCacheQueriesTotal,
		prefixCacheHits:    &s.PrefixCacheHitsTotal,
		simBehindSeconds:   &s.SimBehindSecondsTotal,
		mockCPUWaitSeconds: &s.MockCPUWaitSecondsTotal,
		mockCPUSlices:      &s.MockCPUSlicesTotal,
		mockCPUSeconds:     &s.MockCPUSecondsTotal,
	}
}

// maxSeries bounds the series carried one by one per family: a page may
// hold a million label sets (prom.MaxPage is 32 MiB), and every series
// seen is kept for the whole run. Engines publish one series per
// data-parallel engine or per model, far fewer. The series first seen
// past the bound are summed into one, carried by the family-sum rule: a
// drop of that sum counts as a restart of all of them, which over-counts
// when one of them merely vanishes from a page, and misses a restart that
// the others' growth hides.
const maxSeries = 4096

// A seriesKey names one series of a family by its label set: a SHA-256 of
// the labels sorted by name, each name and value prefixed with its length
// (label values may hold any bytes, '=' and ',' included, so no two label
// sets share an encoding). A hash keeps the key 32 bytes whatever a hostile
// page's labels hold.
type seriesKey [sha256.Size]byte

// keyOf returns the key of m's label set.
func keyOf(m *dto.Metric) seriesKey {
	labels := slices.Clone(m.GetLabel())
	slices.SortFunc(labels, func(a, b *dto.LabelPair) int {
		return cmp.Or(cmp.Compare(a.GetName(), b.GetName()), cmp.Compare(a.GetValue(), b.GetValue()))
	})
	var b []byte
	for _, l := range labels {
		b = binary.AppendUvarint(b, uint64(len(l.GetName())))
		b = append(b, l.GetName()...)
		b = binary.AppendUvarint(b, uint64(len(l.GetValue())))
		b = append(b, l.GetValue()...)
	}
	return sha256.Sum256(b)
}

// A seriesValue is one series' value on one page.
type seriesValue struct {
	key seriesKey
	v   float64
}

// seriesOf returns the value of each series of f, in page order: a series
// whose value is NaN, infinite, negative or past maxTokensTotal says
// nothing (a count cannot be: the page is absurd there) and is left out.
// A label set the page repeats is one series, its first value: prom.Families
// has dropped the repeated lines already (as Prometheus does), and a repeat
// reaching here is dropped the same way. It returns nil when no series is
// left: the page has no value for f.
func seriesOf(f *dto.MetricFamily) []seriesValue {
	var out []seriesValue
	var seen map[seriesKey]bool // the label sets in out, when the family has several series
	ms := f.GetMetric()
	for _, m := range ms {
		v, ok := prom.Value(m)
		if !ok || v < 0 || v > maxTokensTotal {
			continue
		}
		k := keyOf(m)
		if len(ms) > 1 {
			if seen == nil {
				seen = make(map[seriesKey]bool, len(ms))
			}
			if seen[k] {
				continue
			}
			seen[k] = true
		}
		out = append(out, seriesValue{k, v})
	}
	return out
}

// A counter is one series carried over its restarts.
type counter struct {
	last, offset float64
	// before is the value before the last drop, low the value it dropped
	// to; dropped while the series has not yet come back up to before,
	// within returnWithin readings of the drop (since counts them);
	// returns counts the drops it came back from so, to before or past it.
	before, low float64
	dropped     bool
	since       int
	returns     int
	// seen is the before → low → back of the return that made returns
	// takingTurns, for the error.
	seen [3]float64
}

// add takes the series' next value: one below the last means a restart.
func (c *counter) add(v float64) {
	if v < c.last {
		c.offset += c.last
		c.before, c.low, c.dropped, c.since = c.last, v, true, 0
	} else if c.dropped {
		if c.since++; v >= c.before {
			if c.returns++; c.returns == takingTurns {
				c.seen = [3]float64{c.before, c.low, v}
			}
			c.dropped = false
		} else if c.since >= returnWithin {
			c.dropped = false // a restart, growing again from zero
		}
	}
	c.last = v
}

// returnWithin is how many readings after a drop a series may come back
// to where it was and count as pages taking turns: a balancer's pages
// alternate, so they come back on the next reading (or the one after, a
// scrape answered twice by one engine). An engine that restarted grows
// back only after as much work again, many readings later: counted then,
// two restarts in a long run failed every later scrape.
const returnWithin = 2

// takingTurns is the number of drops a series may come back from, within
// returnWithin readings, before its pages are taken for several engines
// answering in turn: two engines behind one URL (a load balancer), whose
// pages alternate 5000, 1000, 5010, 1010: read as restarts, 50 tok/s each
// carried as 10466 tok/s. An engine that restarts is back at zero and
// comes back only much later (returnWithin).
const takingTurns = 2

// value is the carried value.
func (c *counter) value() float64 { return c.last + c.offset }

// A family carries one counter family, series by series.
type family struct {
	at     map[seriesKey]int // index in series
	series []counter         // in the order first seen (the order of the sum)
	rest   counter           // the sum of the series past maxSeries
}

// add takes a page's series of the family and returns the carried value.
func (f *family) add(page []seriesValue) float64 {
	var rest float64
	restSeen := false
	for _, sv := range page {
		i, ok := f.at[sv.key]
		if !ok {
			if len(f.series) >= maxSeries {
				rest += sv.v
				restSeen = true
				continue
			}
			if f.at == nil {
				f.at = make(map[seriesKey]int)
			}
			i = len(f.series)
			f.at[sv.key] = i
			f.series = append(f.series, counter{})
		}
		f.series[i].add(sv.v)
	}
	if restSeen {
		f.rest.add(rest)
	}
	var t float64
	for i := range f.series {
		t += f.series[i].value()
	}
	return t + f.rest.value()
}

// counters carries a Sample's cumulative counter families.
type counters [numCounters]family

// turns returns an error when a series of a family has come back to its
// value before a drop takingTurns times: the pages are several engines'
// taking turns, whose counters mean nothing carried or summed. The pages
// before it were carried over the first turns as over restarts: the
// summary reads its words (rundir.EnginesInTurn) and takes no counter
// rate from the run.
func (c *counters) turns() error {
	for i := range c {
		for _, s := range c[i].series {
			if s.returns >= takingTurns {
				return fmt.Errorf("a %s counter went down and back up again %d times (%g → %g → %g): %s (a load balancer?); scrape each engine's own /metrics",
					counterNames[i], s.returns, s.seen[0], s.seen[1], s.seen[2], rundir.EnginesInTurn)
			}
		}
	}
	return nil
}

// counterNames says what each counter family counts, for errors.
var counterNames = [numCounters]string{
	promptTokens:       "prompt tokens",
	generationTokens:   "generation tokens",
	prefixCacheQueries: "prefix-cache queries",
	prefixCacheHits:    "prefix-cache hits",
	simBehindSeconds:   "mock behind-schedule seconds",
	mockCPUWaitSeconds: "mock CPU-wait seconds",
	mockCPUSlices:      "mock CPU slices",
	mockCPUSeconds:     "mock CPU seconds",
}

// sample returns pg's Sample with its counters carried over the restarts
// seen so far; a family the page has no value for is nil.
func (c *counters) sample(pg page) rundir.ServerSample {
	s := pg.sample
	for i, p := range counterFields(&s) {
		if pg.counters[i] == nil {
			continue
		}
		v := c[i].add(pg.counters[i])
		*p = &v
	}
	return s
}

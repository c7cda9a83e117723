package compare

import (
	"math/rand/v2"
	"runtime"
	"sync"
)

// eachResample runs n bootstrap resamples of the samples ss: for each k in
// turn it draws every sample's resample from rng (resampleCounts, sample
// after sample, so the draws are those of a loop doing it all in order),
// computes each sample's stats on it and calls f with k and the stats, in
// ss's order. The stats are computed, and f called, on up to GOMAXPROCS
// goroutines at once, in any order: f must only write what belongs to
// resample k. The draws alone are sequential, so the replicates are the
// same whatever the number of CPUs (TestResamplesSameOnAnyCPUs). base
// holds each sample's stats of itself, whose rank indexes the workers
// share. Each link pairs request i of ss[from] with request pairs[i] of
// ss[to] (pairing): a resample draws both together.
func eachResample(ss []*LevelSample, base []*sideStats, ms []Metric, links []link, n int, rng *rand.Rand, f func(k int, st []*sideStats)) {
	total := 0
	for _, s := range ss {
		total += len(s.reqs)
	}
	// Each resample in flight holds 4 bytes a request of every sample:
	// bound them to resampleBudget (a capacity's resamples hold every level
	// of both runs: 2 × 1M requests on 64 CPUs would hold 530 MB).
	workers := min(runtime.GOMAXPROCS(0), n, max(1, resampleBudget/(4*max(total, 1))-2))
	if workers <= 1 {
		job := newResampleJob(ss, base, ms, links)
		for k := range n {
			job.draw(rng, k)
			job.run(ss, f)
		}
		return
	}
	// workers+2 resamples in flight: one being drawn, one waiting, one per
	// worker; each holds a count per request of every sample.
	free := make(chan *resampleJob, workers+2)
	for range workers + 2 {
		free <- newResampleJob(ss, base, ms, links)
	}
	jobs := make(chan *resampleJob, workers+2)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for job := range jobs {
				job.run(ss, f)
				free <- job
			}
		})
	}
	for k := range n {
		job := <-free
		job.draw(rng, k)
		jobs <- job
	}
	close(jobs)
	wg.Wait()
}

// A link pairs two samples that ran the same request list: request i of
// sample from is request pairs[i] of sample to (pairing). A sample is the
// to of at most one link, and the from of none where it is a to.
type link struct {
	from, to int
	pairs    []int32
}

// resampleBudget bounds the bytes of the counts of the resamples in flight
// (eachResample).
const resampleBudget = 256 << 20

// resampleJob is one resample in flight: its index, each sample's counts
// and the stats computed on them; links are eachResample's, and linked
// marks the samples whose counts a link copies.
type resampleJob struct {
	k      int
	counts [][]int32
	st     []*sideStats
	links  []link
	linked []bool
	// clusters and drawn are each sample's LevelSample.clusters and its
	// clusters' draws (nil for a sample drawn request by request).
	clusters [][]uint32
	drawn    [][]int32
}

// newResampleJob returns a job for samples ss whose stats share base's
// rank indexes.
func newResampleJob(ss []*LevelSample, base []*sideStats, ms []Metric, links []link) *resampleJob {
	j := &resampleJob{links: links, linked: make([]bool, len(ss))}
	for _, l := range links {
		j.linked[l.to] = true
	}
	for i, s := range ss {
		st := newSideStats(ms)
		st.idx, st.of = base[i].idx, base[i].of
		j.counts = append(j.counts, make([]int32, len(s.reqs)))
		j.st = append(j.st, st)
		j.clusters = append(j.clusters, s.clusters)
		var drawn []int32
		if s.clusters != nil {
			drawn = make([]int32, s.nClusters)
		}
		j.drawn = append(j.drawn, drawn)
	}
	return j
}

// draw makes j resample k, drawing each sample's counts from rng in turn
// (a sample of sessions by whole sessions), but for a linked sample, whose
// counts are those of its pairs.
func (j *resampleJob) draw(rng *rand.Rand, k int) {
	j.k = k
	for i, c := range j.counts {
		switch {
		case j.linked[i]:
		case j.clusters[i] != nil:
			resampleClusters(rng, c, j.clusters[i], j.drawn[i])
		default:
			resampleCounts(rng, c)
		}
	}
	for _, l := range j.links {
		for i, c := range j.counts[l.from] {
			j.counts[l.to][l.pairs[i]] = c
		}
	}
}

// run computes j's stats and hands them to f.
func (j *resampleJob) run(ss []*LevelSample, f func(k int, st []*sideStats)) {
	for i, s := range ss {
		s.stats(j.counts[i], j.st[i])
	}
	f(j.k, j.st)
}

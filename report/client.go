package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/inferbench/inferbench/rundir"
)

// ClientLevel is the load generator's own state over a level's window
// (client.jsonl) and the verdict whether it was the bottleneck.
type ClientLevel struct {
	// Samples is the number of client samples in the window.
	Samples int `json:"samples"`
	// Cores is GOMAXPROCS.
	Cores int `json:"cores"`
	// CPUShare is process CPU over wall time as a share of Cores, per
	// sampling interval (mean and peak).
	CPUShare *MeanPeak `json:"cpu_share,omitempty"`
	// SchedLatencyP99MS is the Go scheduler latency p99 over all of the
	// window's scheduling events (the upper bound of the runtime histogram's
	// bucket holding it). From a client.jsonl written without histograms it
	// is the highest per-interval p99, which overstates it.
	SchedLatencyP99MS float64 `json:"sched_latency_p99_ms"`
	// SchedLatencyPeakMS is the highest per-interval p99: the worst burst,
	// shown for context, not judged.
	SchedLatencyPeakMS float64 `json:"sched_latency_peak_interval_p99_ms"`
	// GCPauseMS is the total GC pause in the window.
	GCPauseMS float64 `json:"gc_pause_ms"`
	// HeapPeakBytes is the largest live heap seen.
	HeapPeakBytes uint64 `json:"heap_peak_bytes"`
	// RunWaitS is the client's threads' wait for a CPU over the window
	// (client.jsonl run_wait_s, the difference across it); RunWaitMeanMS
	// that wait per time a thread was put on a CPU (run_slices): how long a
	// thread that became runnable waited, on average; RunWaitPerCPU the
	// wait per second of the client's CPU time: how much of the CPU it
	// wanted others held. Both judged (ClientRunWaitBoundMS,
	// ClientRunWaitPerCPUBound); RunWaitThreads, the wait over the window's
	// wall time, is context (metrics.go, Run-queue wait). nil where
	// client.jsonl lacks the fields (not Linux, older runs); RunWaitMeanMS
	// also with too few timeslices to judge. RunWaitCPUFrom says where the
	// CPU time came from: "schedstat" (run_cpu_s, the same read and threads
	// as the wait) or, in a run written before client.jsonl had it,
	// "getrusage" (cpu_s).
	RunWaitS       *float64 `json:"run_wait_s,omitempty"`
	RunWaitMeanMS  *float64 `json:"run_wait_mean_ms,omitempty"`
	RunWaitPerCPU  *float64 `json:"run_wait_per_cpu_s,omitempty"`
	RunWaitCPUFrom string   `json:"run_wait_cpu_from,omitempty"`
	RunWaitThreads *float64 `json:"run_wait_threads,omitempty"`
	// Bound says the client was near its limit; Reasons says how.
	Bound   bool     `json:"client_bound"`
	Reasons []string `json:"reasons,omitempty"`
}

// Warning says what a client-bound level means: one sentence for the
// terminal table and the regression gate (report/compare), which print it
// beside the level.
func (c *ClientLevel) Warning() string {
	return fmt.Sprintf("CLIENT-BOUND: the load generator was near its limit (%s): numbers at this level describe the client, not the server", strings.Join(c.Reasons, "; "))
}

// SummarizeClient judges one level from the client samples whose intervals
// overlap [StartNS, EndNS] — each sample covers the time since the one
// before it, so the first sample at or after EndNS is the last — the level's
// send lag, and for a closed loop its mean in-flight streams against
// streams, the streams it kept (ClosedStreams: the level, or a shard's
// share of it; 0, an open loop, skips that check).
func SummarizeClient(samples []rundir.ClientSample, l *Level, streams float64) ClientLevel {
	var cl ClientLevel
	var shares []float64
	var prev *rundir.ClientSample
	// waitFrom and waitTo are the first and last samples carrying the
	// cumulative run-queue wait over the window: from the sample before it
	// (the start of the first interval) to the last interval's end.
	var waitFrom, waitTo *rundir.ClientSample
	sched := map[int64]int64{}
	for i := range samples {
		s := &samples[i]
		if s.TNS < l.StartNS {
			prev = s
			continue
		}
		if prev != nil && prev.TNS >= l.EndNS {
			break
		}
		if s.RunWaitSeconds != nil {
			if waitFrom == nil {
				waitFrom = s
				if prev != nil && prev.RunWaitSeconds != nil {
					waitFrom = prev
				}
			}
			waitTo = s
		}
		cl.Samples++
		cl.Cores = s.Cores
		cl.SchedLatencyPeakMS = max(cl.SchedLatencyPeakMS, s.SchedLatencyP99MS)
		for _, b := range s.SchedHist {
			sched[b[0]] += b[1]
		}
		cl.GCPauseMS += s.GCPauseMS
		cl.HeapPeakBytes = max(cl.HeapPeakBytes, s.HeapBytes)
		if prev != nil && s.TNS > prev.TNS && s.Cores > 0 {
			shares = append(shares, (s.CPUSeconds-prev.CPUSeconds)/(float64(s.TNS-prev.TNS)/1e9)/float64(s.Cores))
		}
		prev = s
	}
	cl.CPUShare = meanPeak(shares)
	if waitFrom != nil && waitTo != waitFrom {
		d := *waitTo.RunWaitSeconds - *waitFrom.RunWaitSeconds
		if th, ok := RunWaitThreads(d, float64(waitTo.TNS-waitFrom.TNS)/1e9); ok {
			cl.RunWaitS, cl.RunWaitThreads = &d, &th
			// One clock for the ratio where the samples carry it: schedstat's
			// time on a CPU, read with the wait over the same threads.
			cpu, from := waitTo.CPUSeconds-waitFrom.CPUSeconds, "getrusage"
			if waitFrom.RunCPUSeconds != nil && waitTo.RunCPUSeconds != nil {
				cpu, from = *waitTo.RunCPUSeconds-*waitFrom.RunCPUSeconds, "schedstat"
			}
			if r, ok := RunWaitPerCPU(d, cpu); ok {
				cl.RunWaitPerCPU, cl.RunWaitCPUFrom = &r, from
			}
			if waitFrom.RunSlices != nil && waitTo.RunSlices != nil {
				if m, ok := RunWaitMeanMS(d, float64(*waitTo.RunSlices-*waitFrom.RunSlices)); ok {
					cl.RunWaitMeanMS = &m
				}
			}
		}
	}
	if len(sched) > 0 {
		h := make([][2]int64, 0, len(sched))
		for _, up := range slices.Sorted(maps.Keys(sched)) {
			h = append(h, [2]int64{up, sched[up]})
		}
		cl.SchedLatencyP99MS = HistQuantile(h, 0.99) / 1e6
	} else {
		cl.SchedLatencyP99MS = cl.SchedLatencyPeakMS
	}
	cl.Reasons = clientBoundReasons(&cl, l, streams)
	cl.Bound = len(cl.Reasons) > 0
	return cl
}

// JudgeClientsPerShard replaces each level's client verdict with one judged per
// shard: a client is one process, so its CPU share and scheduler latency
// are its own (SummarizeClient on each shard's samples), and the
// level-wide checks (send lag, streams in flight) are made once on the
// merged level. The figures kept are the busiest shard's (highest mean CPU
// share; the run-queue wait, a shard's judged bound if any, else the
// most-waiting shard's); GC pauses add up; a reason names its shard. m
// is the merged run's run.json (nil: none): whether its load was a closed
// loop, and of how many streams (a partial merge's shards' share: Streams).
func JudgeClientsPerShard(sum *Summary, clients map[int][]rundir.ClientSample, m *rundir.Manifest) {
	if len(clients) == 0 {
		return
	}
	idx := slices.Sorted(maps.Keys(clients))
	for i := range sum.Levels {
		l := &sum.Levels[i]
		own := *l
		own.SendLagMS = Dist{}
		merged := SummarizeClient(nil, l, ClosedStreams(m, l.Level))
		merged.Samples = 0
		var busiest float64 = -1
		for _, k := range idx {
			c := SummarizeClient(clients[k], &own, 0)
			merged.Samples += c.Samples
			merged.GCPauseMS += c.GCPauseMS
			merged.HeapPeakBytes = max(merged.HeapPeakBytes, c.HeapPeakBytes)
			merged.SchedLatencyP99MS = max(merged.SchedLatencyP99MS, c.SchedLatencyP99MS)
			merged.SchedLatencyPeakMS = max(merged.SchedLatencyPeakMS, c.SchedLatencyPeakMS)
			// A shard whose wait was judged bound first, so that the
			// figures shown are those its reason names; then the one
			// whose threads waited most.
			if c.RunWaitThreads != nil && (merged.RunWaitThreads == nil ||
				(c.runWaitBound() && !merged.runWaitBound()) ||
				(c.runWaitBound() == merged.runWaitBound() && *c.RunWaitThreads > *merged.RunWaitThreads)) {
				merged.RunWaitS, merged.RunWaitMeanMS, merged.RunWaitPerCPU, merged.RunWaitCPUFrom, merged.RunWaitThreads = c.RunWaitS, c.RunWaitMeanMS, c.RunWaitPerCPU, c.RunWaitCPUFrom, c.RunWaitThreads
			}
			if c.CPUShare != nil && c.CPUShare.Mean > busiest {
				busiest = c.CPUShare.Mean
				merged.CPUShare, merged.Cores = c.CPUShare, c.Cores
			}
			for _, r := range c.Reasons {
				merged.Reasons = append(merged.Reasons, fmt.Sprintf("shard %d: %s", k, r))
			}
		}
		merged.Bound = len(merged.Reasons) > 0
		l.Client = &merged
	}
}

// Package render turns run directories into inferbench's reports: one run
// into a run report, several into a qualification report that sets them
// side by side with a verdict (bootstrap confidence intervals over
// requests) and names whatever makes the comparison unfair. It writes
// Markdown, a single self-contained HTML file (inline SVG, no network),
// JSON and CSV, and the figures of report/plot as SVG and PNG.
//
// Like package report, it reads run directories only and touches no
// network: every number is recomputed from the records. Metric definitions
// live in report/metrics.go; the per-request values this package needs for
// CDFs, histograms and the bootstrap come from report.PerRequest and
// report.EachITL, and its tests check them against report.Summary on the
// same records.
package render

import (
	"cmp"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
	"github.com/inferbench/inferbench/report/plot"
	"github.com/inferbench/inferbench/rundir"
)

// Run is one run directory loaded for reporting.
type Run struct {
	// Dir is the run directory as given; Label names the run in the report
	// (the directory's base name).
	Dir, Label string
	// Manifest is run.json, nil when the run has none.
	Manifest *rundir.Manifest
	// Raw is run.json as generic JSON, for fields the Manifest type does
	// not (yet) have, such as the server's version; nil without run.json.
	Raw map[string]any
	// Devices is the GPU inventory of run.json.
	Devices []rundir.GPUDevice
	// Summary is recomputed from requests.jsonl (report.SummarizeRun),
	// judged by the report's SLO.
	Summary *report.Summary
	// Own is the same judged by the run's own SLO (its run.json
	// scenario's, OwnSLO): what its summary.json holds. It is Summary
	// when the two SLOs judge alike.
	Own    *report.Summary
	OwnSLO report.SLO
	// Warnings are problems that did not stop the report.
	Warnings []string

	levels   map[float64]*levelData
	timeline plot.Timeline
	// vllm is the run's vLLM export, collected with the summary
	// (WithVLLMExport); nil when not asked.
	vllm *report.VLLMExport
}

// A LoadOption asks LoadRun to collect more from the records it reads.
type LoadOption func(*Run)

// WithVLLMExport makes LoadRun collect the run's vLLM export (format
// vllm, writeVLLM) from the records it reads for the summary, as the
// summary counted them: requests.jsonl is decoded once.
func WithVLLMExport() LoadOption {
	return func(r *Run) { r.vllm = report.NewVLLMExport(vllmMeta(r), nil) }
}

// levelData is the per-request data of one load level's measured stage:
// the comparison engine's sample (the verdict's bootstrap and the CDFs)
// and the ITL histogram.
type levelData struct {
	sample *compare.LevelSample
	itl    *plot.LogHist
}

// timelineBin is the resolution at which the timeline accumulates
// requests in flight and tokens: 100 ms.
const timelineBinNS = int64(100e6)

// maxTimelinePoints bounds the points of one timeline series.
const maxTimelinePoints = 160

// LoadRun reads the run directory dir: run.json (optional), requests.jsonl,
// gpu.jsonl and server.jsonl (optional), through rundir.Open. It recomputes
// the Summary with slo and collects what the figures and the bootstrap
// need, reading the records once.
func LoadRun(dir string, slo report.SLO, opts ...LoadOption) (*Run, error) {
	rd, err := rundir.Open(dir)
	if err != nil {
		return nil, err
	}
	r := &Run{Dir: dir, Label: filepath.Base(filepath.Clean(dir)), Manifest: rd.Manifest, levels: map[float64]*levelData{}}
	if m := rd.Manifest; m != nil {
		_ = json.Unmarshal(rd.ManifestJSON, &r.Raw)
		if len(m.GPUs) > 0 {
			if err := json.Unmarshal(m.GPUs, &r.Devices); err != nil {
				rd.Warnings = append(rd.Warnings, fmt.Sprintf("%s: gpus: %v", rundir.ManifestFile, err))
			}
		}
	}
	for _, o := range opts {
		o(r)
	}
	var tl timelineAcc
	// The verdict compares no ITL percentile (levelMetrics) and the ITL
	// figure is a histogram (levelData.itl): the sample keeps no per-token
	// values, unless the SLO bounds ITL, by which the capacity's resamples
	// judge every level (compare.CapacityRatios).
	col := compare.NewCollector(slo)
	if slo.ITL <= 0 {
		col.WithoutITL()
	}
	if rd.Manifest != nil {
		col.For(rd.Manifest)
	}
	sum, own, ownSLO, err := report.SummarizeOwn(rd, slo, func(rec *rundir.Record) {
		col.Add(rec)
		r.addRecord(rec, &tl)
		if r.vllm != nil {
			r.vllm.Add(rec)
		}
	})
	if err != nil {
		return nil, err
	}
	r.Own, r.OwnSLO = own, ownSLO
	for lv, s := range col.Levels(sum) {
		ld := r.levels[lv]
		if ld == nil {
			ld = &levelData{itl: plot.NewLogHist()}
			r.levels[lv] = ld
		}
		ld.sample = s
	}
	r.Summary = sum
	r.finishTimeline(&tl)
	r.readGPU(rd)
	r.readServer(rd)
	r.Warnings = rd.Warnings
	for _, l := range sum.Levels {
		r.timeline.Levels = append(r.timeline.Levels, plot.LevelMark{StartS: float64(l.StartNS) / 1e9, Label: fmt.Sprintf("%g", l.Level)})
	}
	r.timeline.Label = r.Label
	return r, nil
}

// timelineAcc accumulates, per timeline bin, request·ns in flight and tokens.
// Its bins are timelineBinNS wide until a record reaches past
// maxTimelineBins of them; then each pair is merged and the width doubled,
// as often as it takes, so its memory is bounded however long the run.
type timelineAcc struct {
	inflight, tokens, failed []float64
	binNS                    int64 // 0: timelineBinNS
}

// maxTimelineBins bounds the bins a timeline accumulates (16 MiB for both
// series): 29 hours at 100 ms. A longer run's bins are wider; its plot, at
// most maxTimelinePoints points, shows no difference.
const maxTimelineBins = 1 << 20

// width is the bins' width in ns.
func (tl *timelineAcc) width() int64 { return cmp.Or(tl.binNS, timelineBinNS) }

// bin returns the index of the bin holding offset ns (≥ 0), widening the
// bins first when it lies past the last one allowed.
func (tl *timelineAcc) bin(ns int64) int {
	w := tl.width()
	for ns/w >= maxTimelineBins {
		tl.inflight, tl.tokens, tl.failed = mergePairs(tl.inflight), mergePairs(tl.tokens), mergePairs(tl.failed)
		w *= 2
	}
	tl.binNS = w
	return int(ns / w)
}

// mergePairs sums each pair of neighbouring bins into one, in place.
func mergePairs(s []float64) []float64 {
	n := (len(s) + 1) / 2
	for i := range n {
		v := s[2*i]
		if 2*i+1 < len(s) {
			v += s[2*i+1]
		}
		s[i] = v
	}
	return s[:n]
}

// growTo extends s with zeros to hold index i.
func growTo(s []float64, i int) []float64 {
	for len(s) <= i {
		s = append(s, 0)
	}
	return s
}

// addRecord collects one record's per-request values for its level and its
// share of the timeline's in-flight and token counts.
func (r *Run) addRecord(rec *rundir.Record, tl *timelineAcc) {
	end := max(rec.DoneNS, rec.EndNS)
	if rec.SentNS >= 0 && end > rec.SentNS {
		last := tl.bin(end - 1) // widens first: the bins below are then final
		w := tl.width()
		for b := int(rec.SentNS / w); b <= last; b++ {
			lo, hi := max(rec.SentNS, int64(b)*w), min(end, int64(b+1)*w)
			tl.inflight = growTo(tl.inflight, b)
			tl.inflight[b] += float64(hi - lo)
		}
	}
	for _, c := range rec.Chunks {
		if c[0] >= 0 {
			b := tl.bin(c[0])
			tl.tokens = growTo(tl.tokens, b)
			tl.tokens[b] += float64(max(c[1], 1))
		}
	}
	if !rec.OK && end >= 0 {
		at := end // in the last bin of its time in flight, as above
		if end > rec.SentNS {
			at = end - 1
		}
		b := tl.bin(at)
		tl.failed = growTo(tl.failed, b)
		tl.failed[b]++
	}
	if rec.Stage != rundir.StageMeasure || rec.Retried {
		return // a retried attempt is not a request; its last attempt's BusyMS covers it
	}
	ld := r.levels[rec.Level]
	if ld == nil {
		ld = &levelData{itl: plot.NewLogHist()}
		r.levels[rec.Level] = ld
	}
	if rec.OK {
		addITL(ld.itl, rec.Chunks)
	}
}

// minTimelinePointNS is the narrowest a timeline point is: tokens arrive
// in bursts (one batch step, one read), and finer points show the bursts
// rather than the rate.
const minTimelinePointNS = int64(500e6)

// finishTimeline turns the accumulated bins into the timeline's series.
func (r *Run) finishTimeline(tl *timelineAcc) {
	inflight, tokens, failed := tl.inflight, tl.tokens, tl.failed
	n := max(len(inflight), len(tokens), len(failed))
	inflight, tokens, failed = growTo(inflight, n-1), growTo(tokens, n-1), growTo(failed, n-1)
	w := tl.width()
	agg := int(max((minTimelinePointNS+w-1)/w, int64(n+maxTimelinePoints-1)/maxTimelinePoints))
	var inPts, tokPts, failPts []plot.Point
	for i := 0; i < n; i += agg {
		j := min(n, i+agg)
		width := float64(int64(j-i)*w) / 1e9
		var in, tok, fail float64
		for k := i; k < j; k++ {
			in += inflight[k]
			tok += tokens[k]
			fail += failed[k]
		}
		t := float64(int64(i+j)*w) / 2 / 1e9
		inPts = append(inPts, plot.Point{T: t, V: in / 1e9 / width})
		tokPts = append(tokPts, plot.Point{T: t, V: tok / width})
		failPts = append(failPts, plot.Point{T: t, V: fail / width})
	}
	r.timeline.Series = map[plot.Quantity][]plot.Point{}
	// The points' width: one of a run shorter than a point is over its
	// bins alone (20 refusals in 0.2 s read 100/s, said "over 0.5 s bins").
	r.timeline.BinS = float64(int64(min(agg, n))*w) / 1e9 // 0: no request series, no bins to name
	if n > 0 {
		r.timeline.Series[plot.InFlight] = inPts
		r.timeline.Series[plot.OutputTokensPerS] = tokPts
		// At 0 where none failed, so that beside a run where some did
		// (the figure draws the panel only then) it is not left out.
		r.timeline.Series[plot.FailedPerS] = failPts
	}
}

// addITL counts a record's per-token inter-token latencies (ms) as
// report.EachITL defines them: the gap before an event carrying k tokens
// counts k times as gap/k.
func addITL(h *plot.LogHist, chunks [][2]int64) {
	report.EachITL(chunks, func(gap float64, k int64) { h.Add(gap/float64(k), k) })
}

// readGPU reads gpu.jsonl into the timeline: mean utilization over the
// GPUs, memory and power summed over them, per tick.
func (r *Run) readGPU(rd *rundir.Run) {
	samples, err := rd.GPUSamples()
	if err != nil {
		return // report.Summarize read the file first and said why it is left out
	}
	ticks := report.GPUTicks{}
	for i := range samples {
		if !samples[i].IsGap() {
			ticks.Add(&samples[i])
		}
	}
	var util, mem, power []plot.Point
	for _, t := range ticks.Sorted() {
		ts := float64(t.TNS) / 1e9
		if t.NUtil > 0 {
			util = append(util, plot.Point{T: ts, V: t.UtilPct / float64(t.NUtil)})
		}
		if t.NMem > 0 {
			mem = append(mem, plot.Point{T: ts, V: t.MemoryUsedBytes / (1 << 30)})
		}
		if t.NPower > 0 {
			// At the middle of the span the readings average, as the
			// energy is integrated: a 1 s trailing mean drawn at its
			// reading time lags the load by half a second.
			power = append(power, plot.Point{T: float64(t.PowerTNS()) / 1e9, V: t.PowerW})
		}
	}
	r.setSeries(plot.GPUUtilization, util)
	r.setSeries(plot.GPUMemory, mem)
	// Ticks whose GPUs average over spans of different lengths can stand
	// out of their reading order.
	slices.SortStableFunc(power, func(a, b plot.Point) int { return cmp.Compare(a.T, b.T) })
	r.setSeries(plot.GPUPower, power)
}

// readServer reads server.jsonl's KV-cache use into the timeline, in percent.
func (r *Run) readServer(rd *rundir.Run) {
	samples, err := rd.ServerSamples()
	if err != nil {
		return // as readGPU
	}
	var kv []plot.Point
	for _, s := range samples {
		if s.KVCacheUsage != nil {
			kv = append(kv, plot.Point{T: float64(s.TNS) / 1e9, V: 100 * *s.KVCacheUsage})
		}
	}
	slices.SortStableFunc(kv, func(a, b plot.Point) int { return cmp.Compare(a.T, b.T) })
	r.setSeries(plot.KVCache, kv)
}

// setSeries stores a timeline series, averaged down to maxTimelinePoints.
func (r *Run) setSeries(q plot.Quantity, pts []plot.Point) {
	if len(pts) == 0 {
		return
	}
	if r.timeline.Series == nil {
		r.timeline.Series = map[plot.Quantity][]plot.Point{}
	}
	agg := (len(pts) + maxTimelinePoints - 1) / maxTimelinePoints
	if agg > 1 {
		var out []plot.Point
		for i := 0; i < len(pts); i += agg {
			j := min(len(pts), i+agg)
			var t, v float64
			for _, p := range pts[i:j] {
				t += p.T
				v += p.V
			}
			out = append(out, plot.Point{T: t / float64(j-i), V: v / float64(j-i)})
		}
		pts = out
	}
	r.timeline.Series[q] = pts
}

// GPUs returns the number of GPUs that served the run: from the GPU
// telemetry, else run.json's inventory, else 1.
func (r *Run) GPUs() int {
	n := 0
	for _, l := range r.Summary.Levels {
		if l.GPU != nil {
			n = max(n, l.GPU.GPUs)
		}
	}
	if n == 0 {
		n = len(r.Devices)
	}
	return max(1, n)
}

// GPUName returns the name of the run's first GPU, "" when unknown.
func (r *Run) GPUName() string {
	if len(r.Devices) > 0 {
		return r.Devices[0].Name
	}
	return ""
}

// level returns the summary level lv, nil when the run has none.
func (r *Run) level(lv float64) *report.Level {
	for i := range r.Summary.Levels {
		if r.Summary.Levels[i].Level == lv {
			return &r.Summary.Levels[i]
		}
	}
	return nil
}

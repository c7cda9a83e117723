package render

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/inferbench/inferbench/cost"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/plot"
	"github.com/inferbench/inferbench/rundir"
)

// resolveGPU picks the catalog GPU a run is priced on by the rule every
// command uses (cost.Catalog.ResolveRunGPU: the GPU stated by the user in
// run.json, else telemetry's) and sets rr.GPU, rr.GPUFrom and, for a
// stated GPU, rr.GPUs; nil (with a warning saying why) when the run cannot
// be priced: no GPU known, or part of the load (rr.PartOfLoad). A run with
// no level to price (priced false: every request failed) gets no warning of
// no cost, which would only repeat that, but keeps one about the GPU
// stated or found (a mistyped --gpu, one not in the catalog).
func resolveGPU(cat *cost.Catalog, run *Run, rr *RunReport, stated string, priced bool) *cost.GPU {
	stated, names := run.statedGPU(stated), run.deviceNames()
	rg, err := cat.ResolveRunGPU(stated, names)
	switch {
	case err != nil:
		rr.Warnings = append(rr.Warnings, fmt.Sprintf("run.json gpu_stated %q: %v: no cost", stated, err))
		return nil
	case rg == nil && len(names) == 0:
		if priced {
			rr.Warnings = append(rr.Warnings, "no GPU in run.json ("+run.whyNoGPU()+"): no cost; state the serving box's GPU with --gpu ID[xN] to price it")
		}
		return nil
	case rg == nil:
		rr.Warnings = append(rr.Warnings, fmt.Sprintf("GPU %q is not in the catalog: no cost (add it with --prices, or state a catalog GPU with --gpu ID[xN])", names[0]))
		return nil
	}
	if rg.Warning != "" {
		rr.Warnings = append(rr.Warnings, rg.Warning)
	}
	rr.GPU, rr.GPUFrom = rg.GPU.ID, rg.From
	if rg.From == cost.FromUser {
		rr.GPUs = rg.Count
	}
	if why := report.NotPriced(run.Manifest); why != "" && priced {
		// Its GPU is named all the same (report.RunPricedLevel refuses
		// it for the cost commands, in the same words).
		rr.Warnings = append(rr.Warnings, "no cost: "+why)
		return nil
	}
	return rg.GPU
}

// offerLabel is the offer a priced level's cost is at ("on-demand, aws"),
// its kind alone when it has no cost.
func offerLabel(p *pricedLevel) string {
	if p.Costs != nil {
		return p.Costs.OfferLabel()
	}
	return p.Offer
}

// refuseContradictedGPU refuses a --gpu that a run's telemetry contradicts
// (cost.Catalog.RefuseStatedGPU): `report --gpu h100-sxm --gpu
// a100-80gb` given the A100's run first priced each run at the other's
// GPU, with a warning only.
func (o Options) refuseContradictedGPU(runs []*Run) error {
	if o.Catalog == nil {
		return nil
	}
	for i, run := range runs {
		if err := o.Catalog.RefuseStatedGPU(o.gpuStated(i), run.Dir, run.deviceNames()); err != nil {
			return err
		}
	}
	return nil
}

// deviceNames are the names telemetry gave the run's GPUs, one a device.
func (r *Run) deviceNames() []string {
	var names []string
	for _, d := range r.Devices {
		names = append(names, d.Name)
	}
	return names
}

// statedGPU is the GPU stated for the run: on the command line (stated),
// else in its run.json (gpu_stated); "" for none.
func (r *Run) statedGPU(stated string) string {
	if stated == "" && r.Manifest != nil {
		return r.Manifest.GPUStated
	}
	return stated
}

// gpuStated is the GPU stated for run i on the command line, "" for none.
func (o Options) gpuStated(i int) string {
	switch {
	case len(o.GPUStated) == 1:
		return o.GPUStated[0]
	case i < len(o.GPUStated):
		return o.GPUStated[i]
	}
	return ""
}

// simulatedPrefix starts a verdict on simulated runs with the mark and
// the runs it applies to; "" when both runs were measured.
func simulatedPrefix(a, b *Run) string {
	var sim []string
	for _, r := range []*Run{b, a} {
		if r.Manifest.IsSimulated() {
			sim = append(sim, r.Label)
		}
	}
	if len(sim) == 0 {
		return ""
	}
	return plot.SimulatedMark + " (" + strings.Join(sim, ", ") + "): "
}

// SimulatedNote is the sentence under a report's title when a run is
// simulated, "" when every run was measured.
// A simulated run whose GPU telemetry read real GPUs (the mock target
// served on a GPU machine) is said apart: its GPU name and telemetry are
// measured, of GPUs that served none of its requests.
func (r *Report) SimulatedNote() string {
	var sim, realGPUs []string
	for _, rr := range r.Runs {
		switch {
		case !rr.Simulated:
		case rr.Manifest.MeasuredGPUs():
			realGPUs = append(realGPUs, rr.Label)
		default:
			sim = append(sim, rr.Label)
		}
	}
	var parts []string
	if len(sim) > 0 {
		parts = append(parts, strings.Join(sim, ", ")+" ran against the mock target or with the mock's GPU telemetry; "+
			"every number and GPU name below comes from a simulation, not from a measurement of that hardware")
	}
	if len(realGPUs) > 0 {
		parts = append(parts, strings.Join(realGPUs, ", ")+" ran against the mock target: its serving numbers are simulated; "+
			"its GPU telemetry was read from real GPUs, which served none of its requests")
	}
	if len(parts) == 0 {
		return ""
	}
	return plot.SimulatedMark + ": " + strings.Join(parts, "; ") + "."
}

// smallSampleSentence warns, after a verdict, when the SLO percentile of a
// priced level rests on fewer requests than it needs (report.MinSamples);
// "" when both have enough.
func smallSampleSentence(a, b *Run, pa, pb *pricedLevel, slo report.SLO) string {
	p := cmp.Or(slo.Percentile, report.DefaultSLOPercentile)
	var parts []string
	for _, x := range []runPriced{{b, pb}, {a, pa}} {
		if x.p == nil {
			continue
		}
		if n := x.p.Level.TTFTMS.N; report.SmallSample(n, p) {
			parts = append(parts, fmt.Sprintf("%s level %g has n=%d", x.r.Label, x.p.Level.Level, n))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf(" Small sample: %s, fewer than the %d requests a p%g needs (10/(1−q)), so that percentile rests on its few slowest requests.",
		strings.Join(parts, "; "), report.MinSamples(p), p)
}

// sentText says what each level actually sent (measured requests, not
// the scenario's nominal count): "level 1: 6, level 2: 40 measured
// requests".
func sentText(s *report.Summary) string {
	if s == nil || len(s.Levels) == 0 {
		return "no measured request"
	}
	var parts []string
	for _, l := range s.Levels {
		parts = append(parts, fmt.Sprintf("level %g: %d", l.Level, l.Requests.Total))
	}
	return strings.Join(parts, ", ") + " measured requests"
}

// byDesign moves the differences a comparison is about (the servers, their
// API, version or flags: "llama.cpp vs Ollama on the same workload") out
// of the unfair list: they are stated, not held against the comparison.
func byDesign(unfair []string) (rest, differs []string) {
	rest, differs = []string{}, []string{}
	for _, u := range unfair {
		if strings.HasPrefix(u, "different server or API: ") || strings.HasPrefix(u, "different server version or flags: ") {
			differs = append(differs, strings.TrimPrefix(u, "different "))
			continue
		}
		rest = append(rest, u)
	}
	return rest, differs
}

// whyNoGPU says why a run has no GPU in run.json, as far as it knows: GPU
// telemetry switched off, or not available where the load ran (which is not
// always the serving box: a remote server's GPUs are not seen), or, for a run
// that did not record why, either.
func (r *Run) whyNoGPU() string {
	m := r.Manifest
	switch {
	case m == nil || m.GPUTelemetryOff == "":
		return "a CPU server, or GPU telemetry off"
	case m.GPUTelemetryOff == rundir.GPUTelemetrySwitchedOff:
		return "GPU telemetry " + m.GPUTelemetryOff
	}
	return "no GPU telemetry on the host that ran the load: " + m.GPUTelemetryOff
}

// noGPU reports whether the run saw no GPU: none in run.json's inventory
// and no GPU telemetry at any level.
func (r *Run) noGPU() bool {
	if len(r.Devices) > 0 {
		return false
	}
	for _, l := range r.Summary.Levels {
		if l.GPU != nil {
			return false
		}
	}
	return true
}

package render

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/compare"
	"github.com/inferbench/inferbench/rundir"
)

// Thresholds of the fairness checks.
const (
	// SendLagLimitMS and SendLagLimitShare: a level whose send lag p99
	// exceeds both 10 ms and 5 % of its TTFT p50 had a client that could
	// not send on time: the harness, not the server, shaped the latency.
	SendLagLimitMS    = 10.0
	SendLagLimitShare = 0.05
	// WorkTolerance is the relative difference in mean input or output
	// tokens per request beyond which two runs did different work.
	WorkTolerance = 0.02
	// RateTolerance is the shortfall of the achieved request rate against
	// an open-loop level's rate beyond which the client fell behind.
	RateTolerance = 0.05
	// maxDiffs bounds the differences listed per check.
	maxDiffs = 4
)

// fairness lists what makes comparing b with a unfair, and caveats that
// do not. pa and pb are the levels the headline compares (either may be
// nil); repeats says a and b are runs of one setup (groupSetups), whose
// seeds differ by design: a note, not unfair.
func fairness(a, b *Run, pa, pb *pricedLevel, slo report.SLO, repeats bool) (unfair, notes []string) {
	unfair, notes = []string{}, []string{}
	ma, mb := a.Manifest, b.Manifest
	for _, r := range []*Run{a, b} {
		if r.Manifest == nil {
			notes = append(notes, fmt.Sprintf("%s has no run.json: model, scenario, versions and host cannot be checked", r.Label))
		} else if r.Manifest.ExitState != rundir.ExitComplete {
			unfair = append(unfair, fmt.Sprintf("%s did not complete (exit state %s%s)", r.Label, r.Manifest.ExitState, parenIf(r.Manifest.ExitReason)))
		}
	}
	if ma != nil && mb != nil {
		if ma.Target.Model != mb.Target.Model {
			unfair = append(unfair, fmt.Sprintf("different model: %q vs %q", ma.Target.Model, mb.Target.Model))
		}
		if ma.Target.Kind != mb.Target.Kind || ma.Target.API != mb.Target.API {
			unfair = append(unfair, fmt.Sprintf("different server or API: %s %s vs %s %s", ma.Target.Kind, ma.Target.API, mb.Target.Kind, mb.Target.API))
		}
		d, seeds := scenarioDiff(ma, mb, repeats)
		if len(d) > 0 {
			unfair = append(unfair, "different scenario: "+strings.Join(d, ", "))
		}
		if d := diffLoad(ma.Load, mb.Load, repeats); len(d) > 0 {
			unfair = append(unfair, "different load: "+strings.Join(d, ", "))
		}
		if repeats && ma.Load.Seed != mb.Load.Seed {
			seeds = append(seeds, fmt.Sprintf("load seed %d vs %d", ma.Load.Seed, mb.Load.Seed))
		}
		if len(seeds) > 0 {
			notes = append(notes, "seeds differ, as between repeats: "+strings.Join(seeds, ", "))
		}
		// A shard's records carry the whole run's levels at its part of
		// the load (README, "Sharded runs on Kubernetes").
		// A merge of some of the shards (merge --partial) too.
		if compare.ShardOf(ma) != compare.ShardOf(mb) {
			for _, p := range partsOf(a, b) {
				unfair = append(unfair, p+": its part of the load (merge every shard with inferbench merge)")
			}
		}
		if ma.Version != mb.Version {
			notes = append(notes, fmt.Sprintf("made by different inferbench versions (%s vs %s)", ma.Version, mb.Version))
		}
		if ha, hb := ma.Target.HTTP, mb.Target.HTTP; ha != "" && hb != "" && ha != hb {
			notes = append(notes, fmt.Sprintf("responses came over different HTTP versions (%s vs %s): over HTTP/2 the streams share a connection, and its first requests one handshake",
				printable.Text(ha), printable.Text(hb)))
		}
		if ma.Host.Name != mb.Host.Name {
			notes = append(notes, fmt.Sprintf("load generated from different hosts (%s, %d CPUs vs %s, %d CPUs)", ma.Host.Name, ma.Host.CPUs, mb.Host.Name, mb.Host.CPUs))
		}
	}
	sa, sb := serverInfo(a), serverInfo(b)
	switch {
	case sa == nil && sb == nil:
		notes = append(notes, "run.json records no server version or flags: check by hand that both servers ran the same build and settings")
	case sa == nil || sb == nil:
		notes = append(notes, "only one run records its server version and flags")
	default:
		if d := diffJSON(sa, sb, func(string) bool { return false }); len(d) > 0 {
			unfair = append(unfair, "different server version or flags: "+strings.Join(d, ", "))
		}
	}
	if ga, gb := a.GPUs(), b.GPUs(); ga != gb {
		notes = append(notes, fmt.Sprintf("different GPU counts (%d vs %d): compare per-GPU throughput", ga, gb))
	}
	if a.GPUName() != "" && a.GPUName() == b.GPUName() {
		notes = append(notes, fmt.Sprintf("both runs report the same GPU model (%s)", a.GPUName()))
	}

	// The work: mean tokens per successful request over all measured levels.
	ia, oa, na := tokens(a)
	ib, ob, nb := tokens(b)
	if na > 0 && nb > 0 {
		if d := relDiff(oa/na, ob/nb); d > WorkTolerance {
			unfair = append(unfair, fmt.Sprintf("different work: %.1f vs %.1f output tokens per request on average", oa/na, ob/nb))
		}
		if d := relDiff(ia/na, ib/nb); d > WorkTolerance {
			unfair = append(unfair, fmt.Sprintf("different work: %.1f vs %.1f input tokens per request on average", ia/na, ib/nb))
		}
	}
	if sa, sb := sourceSet(a), sourceSet(b); sa != sb {
		notes = append(notes, fmt.Sprintf("output tokens counted differently (%s: %s; %s: %s)", a.Label, sa, b.Label, sb))
	}

	// The compared levels: throttling, the client's own limit, errors.
	for _, x := range []runPriced{{a, pa}, {b, pb}} {
		if x.p == nil {
			continue
		}
		l := x.r.level(x.p.Level.Level)
		if l == nil {
			continue
		}
		if g := l.GPU; g != nil && g.Throttled {
			unfair = append(unfair, fmt.Sprintf("%s: GPU throttled %.0f %% of level %g's window (%s)", x.r.Label, 100*deref(g.ThrottledShare), l.Level, g.ThrottleWords()))
		}
		if cl := l.Client; cl != nil && cl.Bound {
			unfair = append(unfair, fmt.Sprintf("%s: client near its limit at level %g (%s)", x.r.Label, l.Level, strings.Join(cl.Reasons, "; ")))
		} else if lag := l.SendLagMS; lag.N > 0 && lag.P99 > SendLagLimitMS && lag.P99 > SendLagLimitShare*l.TTFTMS.P50 {
			unfair = append(unfair, fmt.Sprintf("%s: client near its limit at level %g (send lag p99 %.1f ms, TTFT p50 %.1f ms)", x.r.Label, l.Level, lag.P99, l.TTFTMS.P50))
		}
		if sv := l.Server; sv != nil && sv.SimBehind != nil && sv.SimBehind.Flagged {
			// Like a client near its limit: the ground truth itself moved,
			// so the ratio describes the host, not the GPU profiles.
			unfair = append(unfair, fmt.Sprintf("%s, level %g: %s", x.r.Label, l.Level, sv.SimBehind.Warning()))
		}
		if x.r.Manifest != nil && strings.Contains(x.r.Manifest.Load.Profile, "rate") && l.AchievedRatePerS > 0 && l.AchievedRatePerS < (1-RateTolerance)*l.Level {
			unfair = append(unfair, fmt.Sprintf("%s: client fell behind the rate at level %g (achieved %.2f req/s)", x.r.Label, l.Level, l.AchievedRatePerS))
		}
		if l.Requests.Total > 0 {
			if rate := float64(l.Requests.Failed) / float64(l.Requests.Total); rate > slo.ErrorBudget() {
				notes = append(notes, fmt.Sprintf("%s: %.1f %% of requests failed at level %g", x.r.Label, 100*rate, l.Level))
			}
		}
	}
	// Throttling, or the mock behind its schedule, at the other levels: a
	// caveat for the per-level figures.
	for _, x := range []runPriced{{a, pa}, {b, pb}} {
		var throttled, behind []string
		for _, l := range x.r.Summary.Levels {
			compared := x.p != nil && l.Level == x.p.Level.Level // already named above
			if l.GPU != nil && l.GPU.Throttled && !compared {
				throttled = append(throttled, fmt.Sprintf("%g", l.Level))
			}
			if sv := l.Server; sv != nil && sv.SimBehind != nil && sv.SimBehind.Flagged && !compared {
				behind = append(behind, fmt.Sprintf("%g (%s)", l.Level, sv.SimBehind.Short()))
			}
		}
		r := x.r
		if len(throttled) > 0 {
			notes = append(notes, fmt.Sprintf("%s: GPU throttled at %s %s", r.Label, printable.Plural(len(throttled), "level"), strings.Join(throttled, ", ")))
		}
		if len(behind) > 0 {
			notes = append(notes, fmt.Sprintf("%s: MOCK-BEHIND at %s %s: a busy host slowed the mock; those levels read slower than the profile", r.Label, printable.Plural(len(behind), "level"), strings.Join(behind, ", ")))
		}
	}
	return unfair, notes
}

func parenIf(s string) string {
	if s == "" {
		return ""
	}
	return ": " + s
}

func deref(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

// tokens totals input and output tokens and successful requests over a
// run's measured levels.
func tokens(r *Run) (in, out, ok float64) {
	for _, l := range r.Summary.Levels {
		in += float64(l.InputTokens)
		out += float64(l.OutputTokens)
		ok += float64(l.Requests.OK)
	}
	return in, out, ok
}

func relDiff(x, y float64) float64 {
	if x == y {
		return 0
	}
	return math.Abs(x-y) / math.Max(math.Abs(x), math.Abs(y))
}

// sourceSet names where a run's output token counts came from.
func sourceSet(r *Run) string {
	set := map[rundir.TokenSource]bool{}
	for _, l := range r.Summary.Levels {
		for k, n := range l.OutputTokensSource {
			if n > 0 {
				set[k] = true
			}
		}
	}
	var names []string
	for _, k := range slices.Sorted(maps.Keys(set)) {
		names = append(names, string(k))
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, "+")
}

// serverInfo returns run.json's "server" object (version, flags), nil when
// absent.
func serverInfo(r *Run) json.RawMessage {
	v, ok := r.Raw["server"]
	if !ok || v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}

// ignoredScenarioPath says which scenario fields may differ between two
// runs of the same scenario: where the target lives, how the GPUs are
// sampled, and the hardware the cost model prices; and the target's kind,
// API and model, which fairness compares from run.json's target (the kind
// and API by design, the model as unfair) and must not repeat as a
// scenario difference.
func ignoredScenarioPath(path string) bool {
	last := path[strings.LastIndex(path, ".")+1:]
	first, _, _ := strings.Cut(path, ".")
	switch strings.ToLower(path) {
	case "target.kind", "target.api", "target.model":
		return true
	}
	return strings.EqualFold(last, "url") || strings.EqualFold(first, "gpu") || strings.EqualFold(first, "cost") ||
		strings.EqualFold(last, "api_key_env") || strings.EqualFold(last, "apikeyenv")
}

// scenarioDiff lists the scenario settings in which run.json a and b
// differ, as "path a vs b" (at most maxDiffs, then a count): compare's
// settings (compare.MetaOf: files by their base name, seed 0 as unset), the
// one definition a gate and the report's grouping use, and the scenario's
// name; ignoredScenarioPath's left out. Between repeats a seed's
// difference goes to seeds instead.
func scenarioDiff(a, b *rundir.Manifest, repeats bool) (out, seeds []string) {
	ma, mb := compare.MetaOf(a), compare.MetaOf(b)
	if ma.Scenario != mb.Scenario {
		out = append(out, fmt.Sprintf("name %q vs %q", ma.Scenario, mb.Scenario))
	}
	diffs, err := rundir.DiffScenarios(ma.Settings, mb.Settings)
	if err != nil && string(ma.Settings) != string(mb.Settings) {
		return append(out, "settings: one run's scenario cannot be read"), nil
	}
	n := len(out)
	for _, d := range diffs {
		text := fmt.Sprintf("%s %s vs %s", d.Path, orAbsent(d.A), orAbsent(d.B))
		switch {
		case ignoredScenarioPath(d.Path):
		case repeats && isSeed(d.Path):
			seeds = append(seeds, text)
		default:
			if n++; len(out) < maxDiffs {
				out = append(out, text)
			}
		}
	}
	if n > len(out) {
		out = append(out, fmt.Sprintf("and %d more", n-len(out)))
	}
	return out, seeds
}

// isSeed says a setting's path is a seed's ("workload.seed").
func isSeed(path string) bool { return path[strings.LastIndex(path, ".")+1:] == "seed" }

// diffJSON lists the leaves that differ between two JSON documents, as
// "path: a vs b", skipping ignored paths; at most maxDiffs, then a count.
func diffJSON(a, b json.RawMessage, ignore func(string) bool) []string {
	fa, fb := map[string]string{}, map[string]string{}
	flatten(a, "", fa)
	flatten(b, "", fb)
	keys := map[string]bool{}
	for k := range fa {
		keys[k] = true
	}
	for k := range fb {
		keys[k] = true
	}
	var out []string
	n := 0
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if ignore(k) || fa[k] == fb[k] {
			continue
		}
		n++
		if len(out) < maxDiffs {
			out = append(out, fmt.Sprintf("%s %s vs %s", k, orAbsent(fa[k]), orAbsent(fb[k])))
		}
	}
	if n > len(out) {
		out = append(out, fmt.Sprintf("and %d more", n-len(out)))
	}
	return out
}

func orAbsent(s string) string {
	if s == "" || s == "absent" {
		return "(absent)"
	}
	return s
}

// flatten maps each leaf of a JSON document to its compact JSON, keyed by
// its dotted path (array elements as path[i]).
func flatten(raw json.RawMessage, prefix string, out map[string]string) {
	if len(raw) == 0 {
		return
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		out[prefix] = string(raw)
		return
	}
	flattenValue(v, prefix, out)
}

func flattenValue(v any, prefix string, out map[string]string) {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			flattenValue(x, p, out)
		}
	case []any:
		b, _ := json.Marshal(t)
		out[prefix] = string(b)
	case nil:
	default:
		b, _ := json.Marshal(t)
		out[prefix] = string(b)
	}
}

// diffLoad lists the load settings that differ, but for the seed between
// repeats.
func diffLoad(a, b rundir.LoadInfo, repeats bool) []string {
	var out []string
	add := func(name string, x, y any) {
		if fmt.Sprint(x) != fmt.Sprint(y) {
			out = append(out, fmt.Sprintf("%s %v vs %v", name, x, y))
		}
	}
	add("profile", a.Profile, b.Profile)
	add("concurrency", a.Concurrency, b.Concurrency)
	add("requests", a.Requests, b.Requests)
	add("warmup", a.Warmup, b.Warmup)
	add("duration_s", a.DurationS, b.DurationS)
	add("timeout_s", a.TimeoutS, b.TimeoutS)
	if !repeats {
		add("seed", a.Seed, b.Seed)
	}
	return out
}

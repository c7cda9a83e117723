package history

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"

	"github.com/inferbench/inferbench/report/compare"
	"github.com/inferbench/inferbench/rundir"
)

// A baseline from the history must have run on the same GPUs as the
// candidate (compare.GPUOf: telemetry's inventory, else the GPU stated
// with run --gpu; an H100 run is no baseline for an A100 run, whatever
// their scenario). Nothing else of the machine is: not the load
// generator's host (a CI job runs on a fresh runner, of a name of its own,
// every night, and a baseline of that host's runs only was none at all),
// nor the server's version and launch flags (they are the stack the gate
// judges: a night that upgrades the server is compared with the nights
// before, not passed as a first one). compare warns when any of them
// differ, as between two run directories.

// sameHardware keeps the entries (newest first) whose run.json has the
// GPUs gpu (compare.GPU.Same), the sharding shard (compare.ShardOf: "" for
// a whole run, "0/2" for a shard), the kind of load load (loadKind) and
// the candidate's workload and load settings (sameWorkload of settings,
// compare.Meta.Settings), at most limit of them (0: all), down to the
// newest one marked a new level, and counts the others: on other
// hardware, sharded otherwise (a shard carries its part of the load: in a
// median with whole runs it reads as half the throughput), under another
// load (a closed loop's level is a concurrency, an open loop's a request
// rate: level 4 of each is not one quantity, and a median of both gated
// nothing), and of other workload settings (a debug run of 32 output
// tokens under the nightly scenario's name, in a median with runs of 128,
// made its E2E p95 interval [-100 %, +690 %]: no regression could fail
// the gate for the nights it stayed among the last N).
func sameHardware(entries []*Entry, gpu compare.GPU, shard, load string, settings json.RawMessage, limit int) (kept []*Entry, c leftOut) {
	cand := settingsOf(settings) // once, not for each entry
	cut := false
	for _, e := range entries {
		meta, err := e.Meta() // once an entry, for every question below and after
		if err != nil || !meta.GPU.Same(gpu) {
			c.other++
			continue
		}
		m, _ := e.manifest() // decoded, as Meta found it
		switch {
		case meta.Shard != shard:
			c.sharded++
			continue
		case loadKind(m) != load:
			c.load++
			continue
		case !sameWorkload(meta.Settings, cand):
			c.workload++
			if c.workloadDiff == "" {
				c.workloadDiff = workloadDiff(meta.Settings, cand)
			}
			continue
		}
		if !cut && (limit == 0 || len(kept) < limit) {
			kept = append(kept, e)
			cut = e.NewLevel
		}
	}
	return kept, c
}

// leftOut counts the earlier entries sameHardware left out, by reason;
// workloadDiff is the first setting that differed of the newest one left
// out for its workload ("workload.output_tokens: baseline 32, candidate
// 128").
type leftOut struct {
	other, sharded, load, workload int
	workloadDiff                   string
}

// measured are the scenario settings that say what a run measured: what
// each request asks (workload) and how they are sent (load). The others
// judge or watch it (slo, gate, gpu, cost) and may differ: compare judges
// both sides by the candidate's SLO and gate.
var measured = []string{"workload", "load"}

// scenarioSettings are a run's scenario settings (Meta.Settings) as
// sameWorkload reads them: decoded once, the candidate's for every entry
// of a baseline query.
type scenarioSettings struct {
	raw json.RawMessage
	// decoded is raw's; known is false when raw is empty (a run.json
	// without its scenario) or cannot be read.
	decoded map[string]any
	known   bool
}

// settingsOf decodes raw.
func settingsOf(raw json.RawMessage) scenarioSettings {
	s := scenarioSettings{raw: raw}
	s.known = len(raw) > 0 && json.Unmarshal(raw, &s.decoded) == nil
	return s
}

// sameWorkload reports whether an entry's scenario settings (Meta.Settings)
// hold the same workload and load settings as the candidate's, whatever
// their keys' order. A run whose settings are not known (a run.json
// without its scenario) is taken as the same: nothing says it differs.
func sameWorkload(entry json.RawMessage, cand scenarioSettings) bool {
	if len(entry) == 0 || !cand.known {
		return true
	}
	var a map[string]any
	if json.Unmarshal(entry, &a) != nil {
		return true // compare warns that a scenario cannot be read
	}
	return !slices.ContainsFunc(measured, func(k string) bool { return !reflect.DeepEqual(a[k], cand.decoded[k]) })
}

// workloadDiff names the first workload or load setting that differs
// between an entry's settings and the candidate's, as compare.SettingsDiff
// says it, of an entry sameWorkload found of another workload.
func workloadDiff(entry json.RawMessage, cand scenarioSettings) string {
	for _, d := range compare.SettingsDiff(entry, cand.raw) {
		for _, k := range measured {
			if strings.HasPrefix(d, k+".") || strings.HasPrefix(d, k+"[") || strings.HasPrefix(d, k+":") {
				return d
			}
		}
	}
	return "workload or load settings differ"
}

// loadKind names what a run's levels are: "rate" (an open loop's request
// rates), "trace" (a trace's one level) or "closed" (concurrencies: the
// profiles "sweep" and "concurrency", and "" in a run.json that has none).
func loadKind(m *rundir.Manifest) string {
	switch m.Load.Profile {
	case "rate", "trace":
		return m.Load.Profile
	}
	return "closed"
}

// levelsAre says what the levels of a load kind are, for an error.
func levelsAre(kind string) string {
	switch kind {
	case "rate":
		return "request rates"
	case "trace":
		return "a trace's one level"
	}
	return "concurrencies"
}

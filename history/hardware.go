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
	cut := false
	for _, e := range entries {
		m, err := e.manifest()
		switch {
		case err != nil || !compare.GPUOf(m).Same(gpu):
			c.other++
			continue
		case compare.ShardOf(m) != shard:
			c.sharded++
			continue
		case loadKind(m) != load:
			c.load++
			continue
		}
		if same, diff := sameWorkload(compare.MetaOf(m).Settings, settings); !same {
			c.workload++
			if c.workloadDiff == "" {
				c.workloadDiff = diff
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

// sameWorkload reports whether two runs' scenario settings (Meta.Settings)
// hold equal workload and load settings, whatever their keys' order (diff
// names the first that differs, as compare.SettingsDiff says it, when not).
// A run whose settings are not known (a run.json without its scenario) is
// taken as the same: nothing says it differs.
func sameWorkload(entry, cand json.RawMessage) (same bool, diff string) {
	if len(entry) == 0 || len(cand) == 0 {
		return true, ""
	}
	var a, b map[string]any
	if json.Unmarshal(entry, &a) != nil || json.Unmarshal(cand, &b) != nil {
		return true, "" // compare warns that a scenario cannot be read
	}
	if !slices.ContainsFunc(measured, func(k string) bool { return !reflect.DeepEqual(a[k], b[k]) }) {
		return true, ""
	}
	for _, d := range compare.SettingsDiff(entry, cand) {
		for _, k := range measured {
			if strings.HasPrefix(d, k+".") || strings.HasPrefix(d, k+"[") || strings.HasPrefix(d, k+":") {
				return false, d
			}
		}
	}
	return false, "workload or load settings differ"
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

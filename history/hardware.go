package history

import (
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
// a whole run, "0/2" for a shard) and the kind of load load (loadKind), at
// most limit of them (0: all), down to the newest one marked a new level,
// and counts the others: on other hardware, sharded otherwise (a shard
// carries its part of the load: in a median with whole runs it reads as
// half the throughput), and under another load (a closed loop's level is
// a concurrency, an open loop's a request rate: level 4 of each is not one
// quantity, and a median of both gated nothing).
func sameHardware(entries []*Entry, gpu compare.GPU, shard, load string, limit int) (kept []*Entry, c leftOut) {
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
		if !cut && (limit == 0 || len(kept) < limit) {
			kept = append(kept, e)
			cut = e.NewLevel
		}
	}
	return kept, c
}

// leftOut counts the earlier entries sameHardware left out, by reason.
type leftOut struct{ other, sharded, load int }

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

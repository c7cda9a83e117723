package history

import (
	"encoding/json"
	"fmt"

	"github.com/inferbench/inferbench/report/compare"
	"github.com/inferbench/inferbench/rundir"
)

// Hardware is what a run's server ran on, as far as run.json says: a
// baseline from the history must have run on the same (an H100 run is no
// baseline for an A100 run, whatever their scenario). The load generator's
// host is not part of it: a CI job runs on a fresh runner, of a name of its
// own, every night, and a baseline of that host's runs only was none at
// all. Nor are the server's version and launch flags: they are the stack
// the gate judges (a night that upgrades the server, or gates its nightly
// build, is compared with the nights before, not passed as a first one).
// compare warns when any of them differ, as between two run directories.
type Hardware struct {
	// GPU is telemetry's inventory, else the GPU stated with run --gpu, as
	// for a server on another machine (compare.GPUOf); zero when run.json
	// says neither.
	GPU compare.GPU
}

// HardwareOf reads the hardware fingerprint of a run.json.
func HardwareOf(m *rundir.Manifest) Hardware {
	return Hardware{GPU: compare.GPUOf(m)}
}

// Differences names each field where h and o differ, "" for none
// ("GPU: NVIDIA H100 80GB HBM3 ×8 vs NVIDIA A100-SXM4-80GB ×8"). A stated
// GPU and telemetry's are the same when the catalog gives the stated one
// telemetry's name (compare.GPU.Same).
func (h Hardware) Differences(o Hardware) []string {
	if h.GPU.Same(o.GPU) {
		return nil
	}
	return []string{fmt.Sprintf("GPU: %s vs %s", orNone(h.GPU.String()), orNone(o.GPU.String()))}
}

// String is the fingerprint for people.
func (h Hardware) String() string {
	return "GPU " + orNone(h.GPU.String())
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// sameHardware keeps the entries (newest first) whose run.json has the
// hardware fingerprint hw and the sharding shard (compare.ShardOf: "" for
// a whole run, "0/2" for a shard), at most limit of them (0: all), down to
// the newest one marked a new level, and counts the others: on other
// hardware, and sharded otherwise (a shard carries its part of the load:
// in a median with whole runs it reads as half the throughput).
func sameHardware(entries []*Entry, hw Hardware, shard string, limit int) (kept []*Entry, other, sharded int) {
	cut := false
	for _, e := range entries {
		var m rundir.Manifest
		switch {
		case json.Unmarshal(e.Manifest, &m) != nil || len(HardwareOf(&m).Differences(hw)) > 0:
			other++
			continue
		case compare.ShardOf(&m) != shard:
			sharded++
			continue
		}
		if !cut && (limit == 0 || len(kept) < limit) {
			kept = append(kept, e)
			cut = e.NewLevel
		}
	}
	return kept, other, sharded
}

package report

import (
	"encoding/json"
	"time"

	"github.com/inferbench/inferbench/scenarios"
)

// SLOOf is a scenario's objectives as levels and requests are judged by
// them.
func SLOOf(s scenarios.SLO) SLO {
	return SLO{TTFT: time.Duration(s.TTFT), TPOT: time.Duration(s.TPOT), E2E: time.Duration(s.E2E),
		ITL: time.Duration(s.ITL), Percentile: s.Percentile, MaxErrorRate: s.MaxErrorRate}
}

// ManifestSLO is the SLO of the scenario recorded in run.json's "scenario"
// (as `run` applied it), zero when there is none or it cannot be read.
func ManifestSLO(scenario json.RawMessage) SLO {
	var sc scenarios.Scenario
	if len(scenario) == 0 || json.Unmarshal(scenario, &sc) != nil {
		return SLO{}
	}
	return SLOOf(sc.SLO)
}

// ManifestRampUp is the open-loop ramp-up (load.ramp_up, with load.rate) of
// the scenario recorded in run.json, 0 when there is none or it cannot be
// read.
func ManifestRampUp(scenario json.RawMessage) time.Duration {
	var sc scenarios.Scenario
	if len(scenario) == 0 || json.Unmarshal(scenario, &sc) != nil || len(sc.Load.Rate) == 0 {
		return 0
	}
	return time.Duration(sc.Load.RampUp)
}

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

// ManifestScenario is the scenario recorded in run.json's "scenario" (as
// `run` applied it); the zero Scenario when there is none or it cannot be
// read. Read it once and take what is needed from it (SLOOf, RampUpOf).
func ManifestScenario(scenario json.RawMessage) scenarios.Scenario {
	var sc scenarios.Scenario
	if len(scenario) == 0 || json.Unmarshal(scenario, &sc) != nil {
		return scenarios.Scenario{}
	}
	return sc
}

// ManifestSLO is the SLO of the scenario recorded in run.json's "scenario"
// (as `run` applied it), zero when there is none or it cannot be read.
func ManifestSLO(scenario json.RawMessage) SLO { return SLOOf(ManifestScenario(scenario).SLO) }

// ManifestOffer is the offer the scenario recorded in run.json prices its
// runs at (cost.offer), "" when it names none: the report's and crossover's
// offer unless --offer says.
func ManifestOffer(scenario json.RawMessage) string { return ManifestScenario(scenario).Cost.Offer }

// RampUpOf is the open-loop ramp-up of sc (load.ramp_up, with load.rate):
// 0 for a closed loop.
func RampUpOf(sc *scenarios.Scenario) time.Duration {
	if len(sc.Load.Rate) == 0 {
		return 0
	}
	return time.Duration(sc.Load.RampUp)
}

// ManifestRampUp is RampUpOf the scenario recorded in run.json.
func ManifestRampUp(scenario json.RawMessage) time.Duration {
	sc := ManifestScenario(scenario)
	return RampUpOf(&sc)
}

// Package cost turns measured serving throughput into money: the GPU, API
// and model catalogs (embedded, dated, every number with its source, and
// overridable by a user file), cost per 1M tokens on a GPU offer, the monthly
// API-versus-self-hosted crossover, model fit on a GPU, and the deployment
// advice of the seed's decision framework.
//
// Every formula lives in formulas.go with a worked example. The package reads
// no run directory and touches no network: callers pass it throughput (from
// report.Summary) and, for owned hardware, measured energy (from GPU
// telemetry).
package cost

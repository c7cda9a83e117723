// Package rundir is the run directory: the contract between measuring and
// reporting (docs/design.md, "The run directory"). It owns the files a run
// leaves and nothing else — the per-request Record and its hand-written
// codec (requests.jsonl), the Manifest (run.json), the telemetry line types
// (gpu.jsonl, server.jsonl, client.jsonl), the error classes a record can
// carry, the list of files a run directory holds, creating one safely, and
// opening one to read.
//
// It imports no network package: the load generator writes through it, and
// report, merge, history and compare read through it without pulling in
// HTTP, TLS or the protocol adapters.
package rundir

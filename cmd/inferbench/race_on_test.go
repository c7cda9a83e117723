//go:build race

package main

// raceEnabled: the race detector slows the process 5–10×, so wall-clock
// accuracy tests run in a separate step without it (make test).
const raceEnabled = true

package scenarios

import (
	"strings"
	"testing"
)

// TestAListIsToldOnce: a list of levels (load.sweep, load.rate) with
// several bad entries is told of once, at its first bad entry, and the
// open-loop checks of every rate against the duration, ramp-up or request
// count once too. Before, each entry had its line: `run --sweep 64,32,16,8`
// printed "levels must increase" three times, `--rate 1,2,3 --duration
// 100ms` "the level would send none" three times, and `--rate 1,2
// --requests 99999999999` the same line twice, the second and later lines
// without "inferbench: " under a usage error that is one line.
func TestAListIsToldOnce(t *testing.T) {
	for _, c := range []struct{ name, yaml, want string }{
		{"levels decrease", "load:\n  sweep: [64, 32, 16, 8]\n", "s.yaml:3:15: load.sweep[1]: levels must increase: 32 follows 64"},
		{"levels too high", "load:\n  sweep: [200000, 300000]\n", "s.yaml:3:11: load.sweep[0]: must be between 1 and 100000, got 200000"},
		{"rates decrease", "load:\n  rate: [5, 3, 1]\n", "s.yaml:3:13: load.rate[1]: rates must increase: 3 follows 5"},
		{"rates below one a day", "load:\n  rate: [1e-9, 2e-9]\n  requests: 3\n", "s.yaml:3:10: load.rate[0]: 1e-09 requests per second is less than one a day"},
		{"rates that send none", "load:\n  rate: [1, 2, 3]\n  duration: 100ms\n", "s.yaml:3:10: load.rate[0]: 1 requests per second over 100ms expects 0.1 requests: the level would send none"},
		{"a count too large for each rate", "load:\n  rate: [1, 2]\n  requests: 99999999999\n", "s.yaml:4:13: load.requests: an open-loop level schedules at most 100000000 requests (warm-up included), got 99999999999"},
	} {
		_, err := Load("s.yaml", []byte("name: a\n"+c.yaml))
		if err == nil {
			t.Errorf("%s: no error; want %q", c.name, c.want)
			continue
		}
		if lines := strings.Split(err.Error(), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], c.want) {
			t.Errorf("%s: %d lines:\n%s\nwant one, starting %q", c.name, len(lines), err, c.want)
		}
	}
	// Problems of different values are still each told: the list's and
	// the concurrency beside it.
	_, err := Load("s.yaml", []byte("name: a\nload:\n  sweep: [4, 2]\n  warmup: -1\n"))
	if err == nil || strings.Count(err.Error(), "\n") != 1 {
		t.Errorf("a bad list and a bad warm-up: %v; want two lines", err)
	}
}

package scenarios

import (
	"testing"
)

// TestLoadRefusesAFractionWhereAWholeNumberBelongs: the YAML library
// truncates a number with a fractional part into a whole-number field, so
// requests: 4.5 ran 4 requests, warmup: 1.9 one, and requests: 1e-3 read 0,
// which a scenario takes as "not set": `run` sent the default 200 with no
// word. Each is refused at its line, once; a whole number written as a
// float (4.0, 1.5e3) is still taken.
func TestLoadRefusesAFractionWhereAWholeNumberBelongs(t *testing.T) {
	const head = "name: t\ntarget: {url: \"http://h:1\", model: m}\n"
	for _, c := range []struct{ yaml, want string }{
		{"load:\n  concurrency: 2\n  requests: 4.5\n", "s.yaml:5:13: load.requests: want a whole number, got 4.5"},
		{"load:\n  concurrency: 2\n  requests: 1e-3\n", "s.yaml:5:13: load.requests: want a whole number, got 1e-3"},
		{"load:\n  concurrency: 2\n  requests: 4\n  warmup: 1.9\n", "s.yaml:6:11: load.warmup: want a whole number, got 1.9"},
		{"workload:\n  seed: 1.5\nload: {concurrency: 2, requests: 4}\n", "s.yaml:4:9: workload.seed: want a whole number ≥ 0, got 1.5"},
		{"workload:\n  prompt_tokens: {dist: uniform, min: 1.5, max: 9}\nload: {concurrency: 2, requests: 4}\n",
			"s.yaml:4:39: workload.prompt_tokens.min: want a whole number, got 1.5"},
		{"load:\n  sweep: {start: 1.5, factor: 2, max: 8}\n  requests: 4\n", "s.yaml:4:18: load.sweep.start: want a whole number, got 1.5"},
	} {
		_, err := Load("s.yaml", []byte(head+c.yaml))
		if err == nil || err.Error() != c.want {
			t.Errorf("%q:\n got %v\nwant %s", c.yaml, err, c.want)
		}
	}
	for _, y := range []string{"load: {concurrency: 2, requests: 4.0}\n", "load: {concurrency: 2, requests: 1.5e3}\n"} {
		if _, err := Load("s.yaml", []byte(head+y)); err != nil {
			t.Errorf("%q: %v, want it taken (a whole number)", y, err)
		}
	}
}

// TestLoadSaysAValueOfTheWrongShapeInWords: "load: int was used where
// mapping is expected" named go-yaml's types; now as every type mistake.
func TestLoadSaysAValueOfTheWrongShapeInWords(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"name: t\nload: 5\n", "s.yaml:2:7: load: want a mapping, got a number"},
		{"name: t\ntarget: vllm\nload: {concurrency: 1, requests: 1}\n", "s.yaml:2:9: target: want a mapping, got a string"},
		{"name: t\nload: {concurrency: 1, requests: 1}\nslo:\n  - ttft: 1s\n", "s.yaml:4:3: slo: want a mapping, got a list"},
	} {
		_, err := Load("s.yaml", []byte(c.yaml))
		if err == nil || err.Error() != c.want {
			t.Errorf("%q:\n got %v\nwant %s", c.yaml, err, c.want)
		}
	}
}

// TestLoadSaysANumberPastRangeIsOne: a number past what a float64 holds
// (1e400, a typo for 1e4) read "want a whole number, got a string": the
// decoder keeps it as text. It is said as the number it is.
func TestLoadSaysANumberPastRangeIsOne(t *testing.T) {
	const head = "name: t\ntarget: {url: \"http://h:1\", model: m}\n"
	for _, c := range []struct{ yaml, want string }{
		{"load: {concurrency: 2, requests: 1e400}\n", "s.yaml:3:34: load.requests: number out of range: want a whole number, got 1e400"},
		{"load: {concurrency: 2, requests: 2}\nworkload:\n  prompt_tokens: {dist: normal, mean: -1e999, stddev: 1}\n",
			"s.yaml:5:39: workload.prompt_tokens.mean: number out of range: want a number, got -1e999"},
	} {
		_, err := Load("s.yaml", []byte(head+c.yaml))
		if err == nil || err.Error() != c.want {
			t.Errorf("%q:\n got %v\nwant %s", c.yaml, err, c.want)
		}
	}
}

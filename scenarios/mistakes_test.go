package scenarios

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestLoadTellsEveryMistake: a file's mistakes are all told at once, in
// the file's order, each once: values that do not decode (a type error, an
// unknown key) with one another and with the validation errors of the
// rest. Decoding stopped at its first mistake: each case said only one,
// and nothing of validation.
func TestLoadTellsEveryMistake(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		want      []string
	}{
		{"type error and a validation error after it", "name: a\nload:\n  concurrency: abc\nslo:\n  ttft: -1s\n", []string{
			"s.yaml:3:16: load.concurrency: want a whole number, got a string",
			"s.yaml:5:9: slo.ttft: must not be negative, got -1s",
		}},
		{"validation error before a type error", "name: Bad\nload:\n  requests: many\n", []string{
			`s.yaml:1:7: name: must be 1–64 lower-case letters, digits and hyphens, starting with a letter or digit, got "Bad"`,
			"s.yaml:3:13: load.requests: want a whole number, got a string",
		}},
		{"two type errors", "name: a\nload:\n  concurrency: abc\n  requests: [1]\n", []string{
			"s.yaml:3:16: load.concurrency: want a whole number, got a string",
			"s.yaml:4:13: load.requests: want a whole number, got a list",
		}},
		// The library met load's type error first (struct order); the file
		// has the unknown key first.
		{"unknown key and a type error", "name: a\nload:\n  concurrency: abc\nworkload:\n  max_tokens: [1]\n", []string{
			"s.yaml:3:16: load.concurrency: want a whole number, got a string",
			`s.yaml:5:3: workload.max_tokens: unknown key "max_tokens"`,
		}},
		// Each bad level is told; the levels left are not judged (4, 2 is
		// not "levels must increase": the file's are 4, x, 2, y).
		{"bad entries of a list", "name: a\nload:\n  sweep: [4, x, 2, y]\n  warmup: -1\n", []string{
			"s.yaml:3:14: load.sweep[1]: want a concurrency level (a whole number)",
			"s.yaml:3:20: load.sweep[3]: want a concurrency level (a whole number)",
			"s.yaml:4:11: load.warmup: must not be negative, got -1",
		}},
		{"bad entry of a block list", "name: a\nload:\n  rate:\n    - 1\n    - fast\n    - 3\n  arrival: bursty\n", []string{
			"s.yaml:5:7: load.rate[1]: want a rate in requests per second",
			`s.yaml:7:12: load.arrival: unknown arrival process "bursty" (want one of constant, poisson, gamma)`,
		}},
		// Not followed by "must be between 1 and 100000, got 0", nor by
		// "load.trace.file: is required".
		{"nothing more under a bad value", "name: a\nload:\n  concurrency: abc\n", []string{
			"s.yaml:3:16: load.concurrency: want a whole number, got a string",
		}},
		{"a bad key is not a missing one", "name: a\nload:\n  trace: {file: [1]}\n", []string{
			"s.yaml:3:17: load.trace.file: want a string, got a list",
		}},
		{"a bad dist is not a missing one", "name: a\nworkload:\n  prompt_tokens: {dist: [1], min: 1, max: 3}\n", []string{
			"s.yaml:3:25: workload.prompt_tokens.dist: want a string, got a list",
		}},
		{"a misspelt key is not a missing one", "nme: a\nload:\n  concurrency: x\n", []string{
			`s.yaml:1:1: nme: unknown key "nme" (did you mean "name"?)`,
			"s.yaml:3:16: load.concurrency: want a whole number, got a string",
		}},
		{"a misplaced key is not a missing one", "name: a\nworkload:\n  prompt_tokens: {dist: uniform, max: 5}\nmin: 1\n", []string{
			"s.yaml:3:18: workload.prompt_tokens.min: is required with dist: uniform",
			`s.yaml:4:1: min: unknown key "min"`,
		}},
		{"number written as a string", "name: a\nload:\n  concurrency: \"0\"\nslo:\n  ttft: -1s\n", []string{
			`s.yaml:3:16: load.concurrency: want a whole number, got the string "0"`,
			"s.yaml:5:9: slo.ttft: must not be negative, got -1s",
		}},
		{"unknown keys inside a distribution", "name: a\nworkload:\n  output_tokens: {dist: normal, mean: x, sdev: 1, stddev: -1}\n", []string{
			"s.yaml:3:39: workload.output_tokens.mean: want a number, got a string",
			`s.yaml:3:42: workload.output_tokens.sdev: unknown key "sdev" (did you mean "stddev"?)`,
			"s.yaml:3:59: workload.output_tokens.stddev: must be ≥ 0, got -1",
		}},
		// An aliased value fails wherever it is used: one mistake.
		{"aliased twice", "name: a\nx-n: &n abc\nload: {concurrency: *n, requests: *n}\n", []string{
			"s.yaml:2:9: load.concurrency: want a whole number, got a string",
		}},
		// A syntax error is still the one error of a file that is not YAML.
		{"syntax error", "name: a\nload:\n  concurrency: abc\nslo: [\n", []string{
			"s.yaml:4:6: sequence end token ']' not found",
		}},
		{"many", "name: multi\nload:\n  concurrency: abc\n  requests: 10\n  sweep: [1, x, 4]\n  warmpu: 3\nworkload:\n  max_tokens: [1]\n  output_tokens: {dist: normal, mean: 5, stddev: -1}\nslo:\n  ttft: -1s\n  percentile: 97\n", []string{
			"s.yaml:3:16: load.concurrency: want a whole number, got a string",
			"s.yaml:5:14: load.sweep[1]: want a concurrency level (a whole number)",
			`s.yaml:6:3: load.warmpu: unknown key "warmpu" (did you mean "warmup"?)`,
			`s.yaml:8:3: workload.max_tokens: unknown key "max_tokens"`,
			"s.yaml:9:50: workload.output_tokens.stddev: must be ≥ 0, got -1",
			"s.yaml:11:9: slo.ttft: must not be negative, got -1s",
			"s.yaml:12:15: slo.percentile: must be one of 50, 90, 95, 99, 99.9, got 97",
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Load("s.yaml", []byte(tt.src))
			if s != nil {
				t.Error("Load returned a scenario with its errors")
			}
			if diff := cmp.Diff(tt.want, errLines(err)); diff != "" {
				t.Errorf("Load(%q) errors (-want +got):\n%s", tt.src, diff)
			}
			for _, e := range Leaves(err) {
				if pe, ok := e.(*Error); !ok || pe.File != "s.yaml" {
					t.Errorf("error %v (%T): want an *Error naming the file", e, e)
				}
			}
		})
	}
}

// TestLoadBoundsMistakes: a file with more mistakes than maxMistakes is told
// its first 50, in the file's order, and that there are more; a hostile
// file of thousands of bad keys or list entries is answered in time linear
// in its size (each mistake decoded again the whole file: 20,000 bad
// levels took 20,000 decodes).
func TestLoadBoundsMistakes(t *testing.T) {
	var keys strings.Builder
	keys.WriteString("name: a\nload:\n  concurrency: abc\n")
	for _, section := range []string{"target", "workload", "slo", "gpu", "cost"} {
		fmt.Fprintf(&keys, "%s:\n", section)
		for i := range 255 {
			fmt.Fprintf(&keys, "  k%d: 1\n", i)
		}
	}
	var levels strings.Builder
	levels.WriteString("name: a\nload:\n  sweep:\n")
	for range 20_000 {
		levels.WriteString("    - x\n")
	}
	more := "s.yaml: …and more: only the first 50 mistakes are listed"
	for _, tt := range []struct {
		name, src       string
		first, fiftieth string
	}{
		{"unknown keys", keys.String(), "s.yaml:3:16: load.concurrency: want a whole number, got a string", `s.yaml:53:3: target.k48: unknown key "k48"`},
		{"bad levels", levels.String(), "s.yaml:4:7: load.sweep[0]: want a concurrency level (a whole number)", "s.yaml:53:7: load.sweep[49]: want a concurrency level (a whole number)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, err := Load("s.yaml", []byte(tt.src))
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("Load took %v", d)
			}
			got := errLines(err)
			if len(got) != maxMistakes+1 || got[0] != tt.first || got[49] != tt.fiftieth || got[50] != more {
				t.Errorf("Load told %d lines:\n%s\nwant %d: %s … %s, %s", len(got), strings.Join(got, "\n"), maxMistakes+1, tt.first, tt.fiftieth, more)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("Load = %T; want *Error joined", err)
			}
		})
	}
	// Exactly maxMistakes: all of them, and no more.
	var fifty strings.Builder
	fifty.WriteString("name: a\nload:\n")
	for i := range maxMistakes {
		fmt.Fprintf(&fifty, "  k%d: 1\n", i)
	}
	if got := errLines(func() error { _, err := Load("s.yaml", []byte(fifty.String())); return err }()); len(got) != maxMistakes || got[49] != `s.yaml:52:3: load.k49: unknown key "k49"` {
		t.Errorf("%d unknown keys told as %d lines, the last %q", maxMistakes, len(got), got[len(got)-1])
	}
}

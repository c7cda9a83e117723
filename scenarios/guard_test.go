package scenarios

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// billionLaughs is ten levels of anchors, each a list of ten aliases of
// the one before: 10^10 nodes once expanded, under a key the schema knows
// is a list (load.sweep) so that a decoder would follow it.
func billionLaughs() string {
	var b strings.Builder
	b.WriteString("name: laughs\nx0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&b, "x%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), 10), ", "))
	}
	b.WriteString("load:\n  sweep: *a9\n")
	return b.String()
}

// TestLoadRefusesYAMLBombs: each shape that drove the parser to gigabytes
// or minutes is refused with an *Error at file:line:col naming the limit.
// (BenchmarkHostile in internal/yamlguard measures how fast.)
func TestLoadRefusesYAMLBombs(t *testing.T) {
	var keys strings.Builder
	keys.WriteString("name: k\n")
	for i := range 300_000 {
		fmt.Fprintf(&keys, "k%d: 1\n", i)
	}
	for _, c := range []struct {
		name, data, want string
	}{
		{"200 KB of [", "name: a\nload: " + strings.Repeat("[", 200_000), "s.yaml:2:10007: more than 10000 of the flow characters , [ ] { }"},
		{"5000 nested [", "name: a\nload: " + strings.Repeat("[", 5_000), "s.yaml:2:70: nested more than 64 levels deep"},
		// Past "name: k\n", the lines "kI: 1\n" fill 524,288 bytes up to the
		// start of line 53,541.
		{"300k keys", keys.String(), "s.yaml:53541:1: file too large: more than 524288 bytes, the limit"},
		// name and k0…k254 are 256 keys; k255, line 257, is one too many.
		{"2000 keys", keys.String()[:20_000], "s.yaml:257:1: more than 256 keys in one mapping"},
		{"billion laughs", billionLaughs(), "aliases expand the document beyond 100000 nodes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load("s.yaml", []byte(c.data))
			var e *Error
			if !errors.As(err, &e) || e.File != "s.yaml" || e.Line == 0 || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Load = %v; want an *Error with %q", err, c.want)
			}
		})
	}
}

// TestLoadNamesEveryUnknownKey: of several unknown keys, the error names
// each, in the file's order, every time (the YAML library picks one at
// random among a struct's; Load named only the first in the file).
func TestLoadNamesEveryUnknownKey(t *testing.T) {
	for src, want := range map[string]string{
		"name: a\nload:\n  zzz: 1\n  aaa: 2\n  mmm: 3\n  qqq: 4\n": `s.yaml:3:3: load.zzz: unknown key "zzz"
s.yaml:4:3: load.aaa: unknown key "aaa"
s.yaml:5:3: load.mmm: unknown key "mmm"
s.yaml:6:3: load.qqq: unknown key "qqq"`,
		"name: a\nwhat: 1\nload:\n  aaa: 1\nslo:\n  ttf: 1s\n": `s.yaml:2:1: what: unknown key "what"
s.yaml:4:3: load.aaa: unknown key "aaa"
s.yaml:6:3: slo.ttf: unknown key "ttf" (did you mean "ttft"?)`,
		"name: a\nworkload:\n  output_tokens:\n    dist: normal\n    sdev: 1\n    mean: 5\n    mn: 1\n": `s.yaml:5:5: workload.output_tokens.sdev: unknown key "sdev" (did you mean "stddev"?)
s.yaml:7:5: workload.output_tokens.mn: unknown key "mn" (did you mean "min"?)`,
		"name: a\nload:\n  concurency: 8\n  reqests: 100\n  warmpu: 3\n": `s.yaml:3:3: load.concurency: unknown key "concurency" (did you mean "concurrency"?)
s.yaml:4:3: load.reqests: unknown key "reqests" (did you mean "requests"?)
s.yaml:5:3: load.warmpu: unknown key "warmpu" (did you mean "warmup"?)`,
	} {
		for range 20 {
			_, err := Load("s.yaml", []byte(src))
			if err == nil || err.Error() != want {
				t.Fatalf("%q: %v; want %s", src, err, want)
			}
		}
	}
}

// TestLoadFileBounded: a scenario path that names something endless (a
// device, a pipe) is refused at the size limit, not read until memory runs
// out; the same bound guards thresholds and price files (yamlguard.ReadFile).
func TestLoadFileBounded(t *testing.T) {
	_, err := LoadFile("/dev/zero")
	var e *Error
	if !errors.As(err, &e) || e.File != "/dev/zero" || !strings.Contains(err.Error(), "file too large: more than 524288 bytes, the limit") {
		t.Errorf("LoadFile(/dev/zero) = %v; want the size limit at file:line:col", err)
	}
}

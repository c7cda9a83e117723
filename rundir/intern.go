package rundir

import (
	"reflect"
	"strings"
)

// interned are the strings every requests.jsonl line repeats: its keys
// (Record's and ServerTiming's JSON names) and the values of its enums
// (stages, token sources, error classes, the common finish reasons). The
// fast decoder returns these instead of making a new string of each: a
// record's keys and enums were ten allocations of a 64-token record's
// dozen, and a million records are read per report.
var interned = func() map[string]string {
	m := map[string]string{}
	add := func(s string) { m[s] = s }
	for _, t := range []reflect.Type{reflect.TypeFor[Record](), reflect.TypeFor[ServerTiming]()} {
		for f := range t.Fields() {
			if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
				add(name)
			}
		}
	}
	for _, s := range []Stage{StageWarmup, StageMeasure, StageCooldown, StageProbe} {
		add(string(s))
	}
	for _, s := range TokenSources() {
		add(string(s))
	}
	for _, c := range ErrorClasses() {
		add(string(c))
	}
	// OpenAI's and vLLM's finish reasons; others are decoded as they come.
	for _, s := range []string{"stop", "length"} {
		add(s)
	}
	return m
}()

// internBytes is b as a string: the interned one when b is one of them
// (no allocation), else a new one.
func internBytes(b []byte) string {
	if s, ok := interned[string(b)]; ok {
		return s
	}
	return string(b)
}

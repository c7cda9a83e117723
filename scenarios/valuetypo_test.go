package scenarios

import (
	"strings"
	"testing"
)

// TestLoadSuggestsTheValueMeant: a misspelt value of a closed set is
// answered with the one meant, as a misspelt key or kind is; it was
// answered with the whole list ("unknown arrival process "poison" (want
// constant, poisson or gamma)").
func TestLoadSuggestsTheValueMeant(t *testing.T) {
	const head = "name: t\ntarget: {url: \"http://h:1\", model: m}\n"
	for _, c := range []struct{ yaml, want string }{
		{"load: {rate: 5, requests: 4, arrival: poison}\n", `load.arrival: unknown arrival process "poison" (did you mean "poisson"?)`},
		{"load: {concurrency: 1, requests: 4}\nworkload:\n  prompt_tokens: {dist: unifrom, min: 1, max: 9}\n", `workload.prompt_tokens.dist: unknown distribution "unifrom" (did you mean "uniform"?)`},
		{"load: {concurrency: 1, requests: 4}\nworkload:\n  turns: 2\n  think_time: {dist: exponentail, mean: 2s}\n", `workload.think_time.dist: unknown distribution "exponentail" (did you mean "exponential"?)`},
		{"load: {concurrency: 1, requests: 4}\nworkload:\n  dataset: {format: jsnol, file: x.jsonl}\n", `workload.dataset.format: unknown format "jsnol" (did you mean "jsonl"?)`},
		{"load: {concurrency: 1, requests: 4}\ngpu: {backend: nvlm}\n", `gpu.backend: unknown backend "nvlm" (did you mean "nvml"?)`},
		{"load: {concurrency: 1, requests: 4}\nworkload: {prompt_sizing: sever}\n", `workload.prompt_sizing: unknown sizing "sever" (did you mean "server"?)`},
		{"load: {concurrency: 1, requests: 4}\ncost: {gpu: h100-sxm, offer: on-demnd}\n", `cost.offer: unknown offer "on-demnd" (did you mean "on-demand"?)`},
		// Nothing near: the list.
		{"load: {rate: 5, requests: 4, arrival: bursty}\n", `load.arrival: unknown arrival process "bursty" (want one of constant, poisson, gamma)`},
	} {
		_, err := Load("s.yaml", []byte(head+c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q:\n got %v\nwant …%s", c.yaml, err, c.want)
		}
	}
}

// TestLoadSuggestsTheBooleanMeant: YAML 1.1's yes/no/on/off (strings in
// YAML 1.2, as go-yaml reads them) and a misspelt true or false were
// answered "want true or false, got a string".
func TestLoadSuggestsTheBooleanMeant(t *testing.T) {
	const head = "name: t\ntarget: {url: \"http://h:1\", model: m}\nload: {concurrency: 1, requests: 4}\nworkload:\n  ignore_eos: "
	for _, c := range []struct{ v, want string }{
		{"yes", `s.yaml:5:15: workload.ignore_eos: want true or false, got a string (did you mean true?)`},
		{"Off", `s.yaml:5:15: workload.ignore_eos: want true or false, got a string (did you mean false?)`},
		{"ture", `s.yaml:5:15: workload.ignore_eos: want true or false, got a string (did you mean true?)`},
		{"maybe", `s.yaml:5:15: workload.ignore_eos: want true or false, got a string`},
	} {
		_, err := Load("s.yaml", []byte(head+c.v+"\n"))
		if err == nil || err.Error() != c.want {
			t.Errorf("ignore_eos: %s:\n got %v\nwant %s", c.v, err, c.want)
		}
	}
}

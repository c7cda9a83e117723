package scenarios

import (
	"testing"
)

// TestLoadSuggestsTheDurationMeant: a duration with its unit spelt out or
// set apart ("10 sec", "500 ms", "2 minutes", "1.5 Hours") is a typo whose
// meaning is plain; it was answered with the examples alone. Now with the
// duration it stands for. A duration whose meaning is not plain (a bare
// number, "fast") gets no guess.
func TestLoadSuggestsTheDurationMeant(t *testing.T) {
	const head = "name: t\ntarget: {url: \"http://h:1\", model: m}\nload: {concurrency: 1, requests: 1}\nslo:\n  ttft: "
	for _, c := range []struct{ v, want string }{
		{"10 sec", `s.yaml:5:9: slo.ttft: want a duration such as 250ms, 1s or 1m30s (did you mean "10s"?)`},
		{"500 ms", `s.yaml:5:9: slo.ttft: want a duration such as 250ms, 1s or 1m30s (did you mean "500ms"?)`},
		{"2 minutes", `s.yaml:5:9: slo.ttft: want a duration such as 250ms, 1s or 1m30s (did you mean "2m"?)`},
		{"1.5 Hours", `s.yaml:5:9: slo.ttft: want a duration such as 250ms, 1s or 1m30s (did you mean "1.5h"?)`},
		{"3secs", `s.yaml:5:9: slo.ttft: want a duration such as 250ms, 1s or 1m30s (did you mean "3s"?)`},
		{"1S", `s.yaml:5:9: slo.ttft: want a duration such as 250ms, 1s or 1m30s (did you mean "1s"?)`},
		{"1m 30s", `s.yaml:5:9: slo.ttft: want a duration such as 250ms, 1s or 1m30s (did you mean "1m30s"?)`},
		{"fast", `s.yaml:5:9: slo.ttft: want a duration such as 250ms, 1s or 1m30s`},
		{"10", `s.yaml:5:9: slo.ttft: want a duration with its unit, such as 250ms, 1s or 1m30s`},
	} {
		_, err := Load("s.yaml", []byte(head+c.v+"\n"))
		if err == nil || err.Error() != c.want {
			t.Errorf("ttft: %s:\n got %v\nwant %s", c.v, err, c.want)
		}
	}
}

// TestLoadSaysADurationPastRangeIsOne: a duration past what inferbench
// holds (about 292 years: timeout: 9999999h) read "want a duration such
// as 250ms, 1s or 1m30s", as though it were not written as one.
func TestLoadSaysADurationPastRangeIsOne(t *testing.T) {
	const in = "name: t\ntarget: {url: \"http://h:1\", model: m}\nload: {concurrency: 1, requests: 1}\nslo:\n  ttft: 9999999h\n"
	_, err := Load("s.yaml", []byte(in))
	if want := "s.yaml:5:9: slo.ttft: out of range: a duration is at most 2562047h"; err == nil || err.Error() != want {
		t.Errorf("Load = %v; want %s", err, want)
	}
}

package scenarios

import (
	"strings"
	"testing"
)

// TestLoadRefusesLeadingZeros: the YAML library reads a plain number with a
// leading zero as YAML 1.1's octal, where YAML 1.2 (whose 1e3 the loader
// reads) has a decimal: requests: 0100 ran 64 requests, rate: 010 sent 8
// a second, and model: 0123 asked the server for model "83", while
// requests: 09 ran 9 and sweep: [01, 02, 04, 08] was refused at 08 as "want
// a concurrency level (a whole number)". Each is refused at its place,
// saying both readings.
func TestLoadRefusesLeadingZeros(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"name: t\nload: {concurrency: 2, requests: 0100}\n", `s.yaml:2:34: load.requests: 0100 has a leading zero, which YAML 1.1 reads as octal (64) and YAML 1.2 as 100: write 100, or quote it where text is meant`},
		{"name: t\nload: {rate: 010, requests: 4}\n", `s.yaml:2:14: load.rate: 010 has a leading zero, which YAML 1.1 reads as octal (8) and YAML 1.2 as 10: write 10, or quote it where text is meant`},
		{"name: t\ntarget: {model: 0123}\nload: {concurrency: 1, requests: 4}\n", `s.yaml:2:17: target.model: 0123 has a leading zero, which YAML 1.1 reads as octal (83) and YAML 1.2 as 123: write 123, or quote it where text is meant`},
		{"name: t\nload: {sweep: [01, 02, 04, 08], requests: 4}\n", `s.yaml:2:28: load.sweep[3]: 08 has a leading zero, which YAML 1.1 reads as a string and YAML 1.2 as 8`},
		{"name: t\nload: {concurrency: 1, requests: 09}\n", `s.yaml:2:34: load.requests: 09 has a leading zero, which YAML 1.1 reads as a string and YAML 1.2 as 9: write 9, or quote it where text is meant`},
		{"name: t\nload: {concurrency: 1, requests: 4}\nworkload: {prompt_tokens: 0512, seed: -007}\n", `s.yaml:3:27: workload.prompt_tokens: 0512 has a leading zero`},
	} {
		_, err := Load("s.yaml", []byte(c.yaml))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q:\n got %v\nwant %s…", c.yaml, err, c.want)
		}
	}
	for _, ok := range []string{
		"name: t\nload: {concurrency: 0x10, requests: 0o10, warmup: 0}\n",
		"name: t\ntarget: {model: '0123'}\nload: {concurrency: 1, requests: 10, timeout: 010s}\n",
		"name: t\nload: {rate: 0.5, requests: 4}\n",
		"name: t\nload: {sweep: [01, 02, 04], requests: 4}\nworkload: {seed: 007}\n", // one number either way
	} {
		if _, err := Load("s.yaml", []byte(ok)); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}

// TestParseTurnsRefusesLeadingZeros: --turns 010 ran sessions of 8 turns.
func TestParseTurnsRefusesLeadingZeros(t *testing.T) {
	for s, want := range map[string]string{
		"010":                               "010 has a leading zero, which YAML 1.1 reads as octal (8) and YAML 1.2 as 10: write 10, or quote it where text is meant",
		"{dist: uniform, min: 2, max: 010}": "010 has a leading zero, which YAML 1.1 reads as octal (8) and YAML 1.2 as 10: write 10, or quote it where text is meant",
	} {
		if _, err := ParseTurns(s); err == nil || err.Error() != want {
			t.Errorf("ParseTurns(%q) = %v; want %s", s, err, want)
		}
	}
}

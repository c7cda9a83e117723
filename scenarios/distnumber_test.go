package scenarios

import (
	"testing"
)

// TestLoadDistributionNumbers: a fixed length is a number as every other
// count is (requests: 1e3 was 1000, prompt_tokens: 1e3 refused), and a
// fraction is said to be one; workload.turns, which is read as a length
// distribution, is answered in turns, not tokens ("turns: 2.5: want a
// length in tokens").
func TestLoadDistributionNumbers(t *testing.T) {
	const head = "name: t\ntarget: {url: \"http://h:1\", model: m}\nload: {concurrency: 1, requests: 8}\nworkload:\n"
	for _, c := range []struct {
		yaml string
		want int
	}{
		{"  prompt_tokens: 1e3\n", 1000},
		{"  prompt_tokens: 1024.0\n", 1024},
		{"  prompt_tokens: 2.5e2\n", 250},
	} {
		s, err := Load("s.yaml", []byte(head+c.yaml))
		if err != nil {
			t.Errorf("%q: %v", c.yaml, err)
			continue
		}
		if d := s.Workload.PromptTokens; d.Kind != DistFixed || d.Value != c.want {
			t.Errorf("%q: prompt_tokens %+v, want the fixed length %d", c.yaml, d, c.want)
		}
	}
	for _, c := range []struct{ yaml, want string }{
		{"  prompt_tokens: 64.5\n", "s.yaml:5:18: workload.prompt_tokens: want a whole number of tokens, got 64.5"},
		{"  prompt_tokens: 1e-3\n", "s.yaml:5:18: workload.prompt_tokens: want a whole number of tokens, got 1e-3"},
		{"  turns: 2.5\n", "s.yaml:5:10: workload.turns: want a whole number of turns, got 2.5"},
		{"  turns: lots\n", "s.yaml:5:10: workload.turns: want a number of turns, or {dist: uniform|normal|lognormal, …}"},
		{"  turns: 99999999999\n", "s.yaml:5:10: workload.turns: want a number of turns up to 1000"},
	} {
		_, err := Load("s.yaml", []byte(head+c.yaml))
		if err == nil || err.Error() != c.want {
			t.Errorf("%q:\n got %v\nwant %s", c.yaml, err, c.want)
		}
	}
}

// TestParseTurnsWords: --turns is told in turns, without the YAML
// position of its one-line value ("1:1: want a length in tokens"), and a
// fraction in its distribution is refused, not truncated
// ({dist: uniform, min: 1.5, max: 3} ran 1 to 3 turns).
func TestParseTurnsWords(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"2.5", "want a whole number of turns, got 2.5"},
		{"lots", "want a number of turns, or {dist: uniform|normal|lognormal, …}"},
		{"{dist: uniform, min: 1.5, max: 3}", "min: want a whole number, got 1.5"},
	} {
		if _, err := ParseTurns(c.in); err == nil || err.Error() != c.want {
			t.Errorf("ParseTurns(%q) = %v, want %s", c.in, err, c.want)
		}
	}
	if d, err := ParseTurns("1e1"); err != nil || d.Value != 10 {
		t.Errorf("ParseTurns(1e1) = %+v, %v; want 10 turns", d, err)
	}
}

// TestParseThinkTimeWords: --think-time's error is one message, without
// the YAML position of its one-line value ("…: 1:1: want a duration").
func TestParseThinkTimeWords(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"2 s", `want a duration such as 250ms, 1s or 1m30s (did you mean "2s"?)`},
		{"5", "want a duration with its unit, such as 250ms, 1s or 1m30s"},
	} {
		if _, err := ParseThinkTime(c.in); err == nil || err.Error() != c.want {
			t.Errorf("ParseThinkTime(%q) = %v, want %s", c.in, err, c.want)
		}
	}
}

package scenarios

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestStopRead: workload.stop is a list of strings, or one string (YAML
// sugar for a list of one); an escape in a double-quoted string is the
// character it names, as the server will see it.
func TestStopRead(t *testing.T) {
	for _, c := range []struct {
		yaml string
		want []string
	}{
		{`stop: ["\n\nUser:", "###"]`, []string{"\n\nUser:", "###"}},
		{`stop: "\n\nUser:"`, []string{"\n\nUser:"}},
		{"stop:\n    - END\n    - '</s>'", []string{"END", "</s>"}},
		{`stop: []`, []string{}},
	} {
		s, err := Load("s.yaml", []byte("name: a\nworkload:\n  "+c.yaml+"\n"))
		if err != nil {
			t.Errorf("%s: %v", c.yaml, err)
			continue
		}
		if !slices.Equal(s.Workload.Stop, c.want) || (len(c.want) == 0) != (s.Workload.Stop == nil) {
			t.Errorf("%s: stop %#v, want %q (nil when empty: none is sent)", c.yaml, s.Workload.Stop, c.want)
		}
	}
}

// TestStopRefused: what no server can take, or no workload means, is
// refused at its file:line:col: an empty string (it matches at once and
// would end every output before its first token), a value that is not
// text, more sequences than any bound a server documents or a workload
// needs, a sequence longer than a delimiter (a prompt pasted in its
// place).
func TestStopRefused(t *testing.T) {
	long := strings.Repeat("x", MaxStopLength+1)
	for _, c := range []struct{ yaml, want string }{
		{`stop: ""`, `s.yaml:3:9: workload.stop[0]: an empty stop sequence matches at once and would end every output before its first token`},
		{`stop: [END, ""]`, `s.yaml:3:15: workload.stop[1]: an empty stop sequence`},
		{`stop: 42`, `s.yaml:3:9: workload.stop: want a stop sequence (a string) or a list of them; quote a number: "42"`},
		{`stop: [END, 7]`, `s.yaml:3:15: workload.stop[1]: want a stop sequence (a string); quote a number: "7"`},
		{`stop: {a: b}`, `s.yaml:3:9: workload.stop: want a stop sequence (a string) or a list of them`},
		{`stop: [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q]`, `s.yaml:3:9: workload.stop: at most 16 stop sequences, got 17`},
		{`stop: "` + long + `"`, `s.yaml:3:9: workload.stop[0]: a stop sequence is at most 1000 bytes, got 1001`},
		{`stop: [a, a]`, `s.yaml:3:13: workload.stop[1]: "a" is already in the list`},
	} {
		_, err := Load("s.yaml", []byte("name: a\nworkload:\n  "+c.yaml+"\n"))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%.40s: %v; want %q", c.yaml, err, c.want)
		}
	}
}

// TestCheckStopRefusesWhatTheKindCannotSend: a kind whose API has no stop
// field (OpenAI's Responses API) is refused at workload.stop, naming the
// kind and the API and what to do; a kind that takes fewer sequences than
// given (OpenAI: 4, Gemini: 5) at the sequence past its bound; a kind that
// joins its sequences with commas (Replicate) at the first holding a
// comma, named, where another kind sends it whole. The API a scenario
// leaves out is the kind's default, which the facts resolve. A scenario
// with no stop, or no kind, is not judged.
func TestCheckStopRefusesWhatTheKindCannotSend(t *testing.T) {
	facts := func(kind, api, _ string) StopRules {
		switch {
		case kind == "openai" && api == "responses":
			return StopRules{None: true}
		case kind == "openai", kind == "gemini" && api == "":
			return StopRules{Max: map[string]int{"openai": 4, "gemini": 5}[kind]}
		case kind == "replicate":
			return StopRules{NoComma: true}
		}
		return StopRules{}
	}
	known := Known{Kinds: []string{"openai", "gemini", "vllm", "replicate"}, Stop: facts}
	for _, c := range []struct{ yaml, want string }{
		{"target:\n  kind: openai\n  api: responses\nworkload:\n  stop: END\n",
			`s.yaml:6:9: workload.stop: target openai sends no stop sequences on API responses (the API has no stop field): choose another of its APIs (target.api, --api), or leave stop out`},
		{"target:\n  kind: openai\nworkload:\n  stop: [a, b, c, d, e]\n",
			`s.yaml:5:22: workload.stop[4]: target openai takes at most 4 stop sequences, got 5`},
		{"target:\n  kind: gemini\nworkload:\n  stop: [a, b, c, d, e, f]\n", `workload.stop[5]: target gemini takes at most 5 stop sequences, got 6`},
		{"target:\n  kind: gemini\nworkload:\n  stop: [a, b, c, d, e]\n", ""},
		{"target:\n  kind: vllm\nworkload:\n  stop: [a, b, c, d, e, f, g, h]\n", ""},
		{"target:\n  kind: openai\n  api: responses\n", ""},
		{"target:\n  kind: replicate\nworkload:\n  stop: [\"###\", \"Human, AI:\"]\n",
			`s.yaml:5:17: workload.stop[1]: target replicate cannot send the stop sequence "Human, AI:": its API takes stop sequences joined by commas in one string, which would split this one in two; leave the comma out`},
		{"target:\n  kind: replicate\nworkload:\n  stop: [\"###\", \"\\n\\nUser:\"]\n", ""},
		{"target:\n  kind: vllm\nworkload:\n  stop: \"Human, AI:\"\n", ""},
		{"target:\n  api: responses\nworkload:\n  stop: END\n", ""},
	} {
		f := filepath.Join(t.TempDir(), "s.yaml")
		if err := os.WriteFile(f, []byte("name: s\n"+c.yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := OpenChecked(f, known)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%q: %v; want it accepted", c.yaml, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%q: %v; want %q", c.yaml, err, c.want)
		}
	}
}

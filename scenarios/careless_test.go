package scenarios

import (
	"strings"
	"testing"
)

// TestLoadSaysWhatAMisplacedLineMeant: the mistakes of hand-written YAML
// that the parser words as "mapping value is not allowed in this context"
// (a line indented deeper than the key above it; a plain value holding
// ": ") and a key that lost its indentation are answered with what was
// expected, at the parser's line:col. Before, the first two stopped at the
// parser's words and the last at `unknown key "concurrency"`.
func TestLoadSaysWhatAMisplacedLineMeant(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"name: t\ntarget:\n  kind: mock\n   url: http://x\n",
			`s.yaml:3:9: mapping value is not allowed in this context: line 4 is indented deeper than line 3, which does not end in ":" (the keys of one mapping start in the same column)`},
		{"name: t\nload:\n  concurrency: 2\n\n  # levels\n    requests: 4\n",
			`s.yaml:6:5: value is not allowed in this context. map key-value is pre-defined: line 6 is indented deeper than line 3, which does not end in ":" (the keys of one mapping start in the same column)`},
		{"name: t\ndescription: Chat: fast\n",
			`s.yaml:2:14: mapping value is not allowed in this context: a value that holds ": " must be quoted ("…")`},
		{"name: t\nload:\n  concurrency: 2\n requests: 4\n",
			`s.yaml:4:2: value is not allowed in this context: check the indentation (the keys of one mapping start in the same column, indented with spaces)`},
		{"name: t\nload:\nconcurrency: 2\n",
			`s.yaml:3:1: concurrency: unknown key "concurrency" (did you mean load.concurrency? indent it under "load:")`},
		{"name: t\nload:\n  concurrency: 2\nttft: 1s\n",
			`s.yaml:4:1: ttft: unknown key "ttft" (did you mean slo.ttft? indent it under "slo:")`},
		// A typo still gets the near key of its own mapping.
		{"name: t\nlaod:\n  concurrency: 2\n", `s.yaml:2:1: laod: unknown key "laod" (did you mean "load"?)`},
	} {
		_, err := Load("s.yaml", []byte(c.yaml))
		if err == nil {
			t.Errorf("%q loaded; want %s", c.yaml, c.want)
			continue
		}
		if got := strings.Split(err.Error(), "\n")[0]; got != c.want {
			t.Errorf("%q:\n got %s\nwant %s", c.yaml, got, c.want)
		}
	}
}

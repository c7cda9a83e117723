package compare

import "testing"

// TestThresholdsSyntaxSaysTheMistake: a thresholds file's syntax errors
// read as a scenario's and a prices file's (yamlguard.Syntax). A key
// indented one space too deep was said at the line above it in the
// parser's words alone ("t.yaml:2:13: mapping value is not allowed in this
// context"), which name neither the line at fault nor the fix; a repeated
// key as 'mapping key "tpot_p95" already defined at [2:3]'.
func TestThresholdsSyntaxSaysTheMistake(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"metrics:\n  ttft_p95: 10%\n   tpot_p95: 5%\n",
			`t.yaml:2:13: mapping value is not allowed in this context: line 3 is indented deeper than line 2, which does not end in ":" (the keys of one mapping start in the same column)`},
		{"metrics:\n  tpot_p95: 1%\n  tpot_p95: 2%\n",
			`t.yaml:3:3: key "tpot_p95" is written twice in one mapping (first at line 2, column 3)`},
	} {
		_, err := LoadThresholds("t.yaml", []byte(c.yaml))
		if err == nil || err.Error() != c.want {
			t.Errorf("LoadThresholds(%q) = %v;\nwant %s", c.yaml, err, c.want)
		}
	}
}

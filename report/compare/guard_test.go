package compare

import (
	"errors"
	"strings"
	"testing"
)

// TestLoadThresholdsRefusesYAMLBombs: a thresholds file nested past the
// limit, or wider than it, is a *ThresholdError at its line and column,
// refused before the parser runs.
func TestLoadThresholdsRefusesYAMLBombs(t *testing.T) {
	for _, c := range []struct{ data, want string }{
		{"metrics: " + strings.Repeat("[", 200_000), "t.yaml:1:10010: more than 10000 of the flow characters"},
		{"metrics: " + strings.Repeat("[", 1_000), "t.yaml:1:73: nested more than 64 levels deep"},
		{"metrics:\n" + strings.Repeat("  ttft_p95: 10%\n", 300), "t.yaml:258:3: more than 256 keys in one mapping"},
	} {
		_, err := LoadThresholds("t.yaml", []byte(c.data))
		var te *ThresholdError
		if !errors.As(err, &te) || te.Line == 0 || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("LoadThresholds = %v; want %s…", err, c.want)
		}
	}
}

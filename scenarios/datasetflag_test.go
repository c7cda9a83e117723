package scenarios

import (
	"strings"
	"testing"
)

// TestParseDatasetFlagRefusesUnknownFormats: run and k8s manifest split
// --dataset with this one function; it took any word before the colon
// for a format, so run refused jsnol:FILE in its own code and k8s
// manifest passed it (every pod then refused it). It refuses it here,
// with the format it is near.
func TestParseDatasetFlagRefusesUnknownFormats(t *testing.T) {
	for v, want := range map[string]string{
		"jsnol:/results/x.jsonl":  `: unknown format "jsnol": did you mean jsonl:/results/x.jsonl?`,
		"sharegp:x.json":          `: unknown format "sharegp": did you mean sharegpt:x.json?`,
		"csv:x.csv":               `: unknown format "csv" (want sharegpt, jsonl or trace)`,
		"x.jsonl":                 " x.jsonl: name its format first",
		"trace:":                  ": want sharegpt:FILE, jsonl:FILE or trace:FILE",
		"trace:/results/t.jsonl":  "",
		"sharegpt:C:/data/p.json": "",
	} {
		format, file, err := ParseDatasetFlag(v)
		switch {
		case want == "" && (err != nil || format+":"+file != v):
			t.Errorf("%s: %q, %q, %v; want it split", v, format, file, err)
		case want != "" && (err == nil || !strings.HasPrefix(err.Error(), want)):
			t.Errorf("%s: %v; want %q", v, err, want)
		}
	}
}

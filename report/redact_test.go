package report

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/loadgen"
)

// TestWriteTableHidesURLSecrets: the table's target line (printed by run
// and report) shows run.json's URL without its password or the value of a
// key parameter, whatever an older run.json holds.
func TestWriteTableHidesURLSecrets(t *testing.T) {
	m := &loadgen.Manifest{Target: loadgen.TargetInfo{Kind: "vllm", URL: "http://u:pa55@h:8000/v1?key=s3cr3t&x=1", Model: "m"}}
	var b strings.Builder
	if err := WriteTable(&b, &Summary{}, m); err != nil {
		t.Fatal(err)
	}
	if out := b.String(); strings.Contains(out, "s3cr3t") || strings.Contains(out, "pa55") || !strings.Contains(out, "http://u:xxxxx@h:8000/v1?key=REDACTED&x=1") {
		t.Errorf("table:\n%s\nwant the URL with its password and key redacted", out)
	}
}

package merge

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/loadgen"
)

// TestDescribeTargetHidesURLSecrets: the "different targets" refusal
// names each shard's URL without its password or key parameter.
func TestDescribeTargetHidesURLSecrets(t *testing.T) {
	got := describeTarget(loadgen.TargetInfo{Kind: "vllm", URL: "http://u:pa55@h/?api_key=s3cr3t", API: "chat", Model: "m"})
	if strings.Contains(got, "s3cr3t") || strings.Contains(got, "pa55") {
		t.Errorf("describeTarget = %q; want no secret", got)
	}
}

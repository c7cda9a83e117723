package targets

import (
	"strings"
	"testing"
)

// TestCheckBaseURL: a URL given before the run is checked as ParseBaseURL
// reads it, a kind's placeholders read as labels: a template root passes,
// and a template ending in an API endpoint is refused as any URL is (k8s
// manifest skipped every URL holding a '{').
func TestCheckBaseURL(t *testing.T) {
	for u, want := range map[string]string{
		"http://vllm:8000": "",
		"https://bedrock-runtime.{region}.amazonaws.com":                   "",
		"https://{location}-aiplatform.googleapis.com/v1/chat/completions": "ends in the API endpoint /v1/chat/completions",
		"http://vllm:8000/v1/chat/completions":                             "ends in the API endpoint",
		"vllm:8000":                                                        "no scheme",
	} {
		err := CheckBaseURL(u)
		if (want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("CheckBaseURL(%s) = %v; want %q", u, err, want)
		}
	}
}

package session

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestProbeEndpointRefusesCarelessFlags: targets probe --timeout 0s (or
// -1s) sent its request with a deadline already past and said "probe: no
// answer in time: vllm: send request: context deadline exceeded", blaming
// the server (exit 1); --model ” probed a model of no name. Each is the
// user's to fix: an InputError naming the flag, nothing sent, as run says.
func TestProbeEndpointRefusesCarelessFlags(t *testing.T) {
	for _, c := range []struct {
		o    ProbeOptions
		want string
	}{
		{ProbeOptions{Kind: "vllm", URL: "http://127.0.0.1:1", Model: "m", Timeout: 0}, "--timeout must be positive, got 0s"},
		{ProbeOptions{Kind: "vllm", URL: "http://127.0.0.1:1", Model: "m", Timeout: -time.Second}, "--timeout must be positive, got -1s"},
		{ProbeOptions{Kind: "vllm", URL: "http://127.0.0.1:1", Model: " ", Timeout: time.Second}, "--model"},
	} {
		var out strings.Builder
		err := ProbeEndpoint(t.Context(), c.o, &out)
		var ie *InputError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v; want an InputError saying %q", c.o, err, c.want)
		}
	}
}

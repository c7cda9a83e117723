package session

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/targets/registry"
)

// TestProbeStopsOnAWrongAddressOrScheme: --url https:// for a server that
// speaks plain HTTP ("server gave HTTP response to HTTPS client"), and a
// port past 65535 (http://127.0.0.1:99999: "address 99999: invalid port"),
// fail every request alike, as an untrusted certificate or a port nothing
// listens on do; the probe warned "running anyway", and the run wrote a
// directory of failures that exited 1, as if the server had failed. Each
// stops at the probe now, with one line saying what to fix.
func TestProbeStopsOnAWrongAddressOrScheme(t *testing.T) {
	plain := httptest.NewServer(http.NotFoundHandler())
	defer plain.Close()
	for _, c := range []struct {
		name, url, want string
	}{
		{"https to a plain HTTP server", strings.Replace(plain.URL, "http://", "https://", 1), "http://"},
		{"a port past 65535", "http://127.0.0.1:99999", "port"},
	} {
		target, err := registry.New("vllm", registry.Options{URL: c.url})
		if err != nil {
			t.Fatal(err)
		}
		o := Options{Model: "m", Timeout: 5 * time.Second}
		var log strings.Builder
		err = o.probe(t.Context(), target, &log)
		if err == nil || !strings.Contains(err.Error(), "--url") || !strings.Contains(err.Error(), c.want) || log.Len() != 0 {
			t.Errorf("%s: probe error %v, log %q; want the run stopped with one line naming --url and %s", c.name, err, log.String(), c.want)
		}
	}
}

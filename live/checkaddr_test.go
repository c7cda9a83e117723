package live

import (
	"strings"
	"testing"
)

// TestCheckAddr: CheckAddr refuses, listening on nothing, an address Start
// could never listen on, in Start's own words (Start calls it), and takes
// one it could (a port, a host, a service name, looked up where run
// listens). Start said net's "listen tcp: address bad:addr:x: too many
// colons in address" only once it tried to listen.
func TestCheckAddr(t *testing.T) {
	for addr, want := range map[string]string{
		"bad:addr:x":             "live: address bad:addr:x: too many colons in address",
		":99999":                 "live: address :99999: invalid port",
		"99999":                  "live: address 99999: invalid port",
		"http://127.0.0.1:9464/": "not a URL: give 127.0.0.1:9464",
	} {
		err := CheckAddr(addr)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckAddr(%q) = %v; want %q", addr, err, want)
			continue
		}
		sv, serr := Start(New(Options{}), ServerOptions{Addr: addr})
		if serr == nil {
			_ = sv.Close(t.Context())
			t.Errorf("Start(%q) listened", addr)
		} else if serr.Error() != err.Error() {
			t.Errorf("Start(%q): %v; CheckAddr said %v", addr, serr, err)
		}
	}
	for _, addr := range []string{"", ":0", "0", "127.0.0.1:0", "[::1]:9464", "localhost:65535", ":http", "0.0.0.0:"} {
		if err := CheckAddr(addr); err != nil {
			t.Errorf("CheckAddr(%q) = %v; want nil", addr, err)
		}
	}
}

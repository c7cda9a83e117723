package live

import (
	"net/http"
	"strings"
	"testing"
)

// TestURLOfEveryInterface: a page served on every interface (--live
// 0.0.0.0:9464, as the Prometheus scrape config in docs/live.md has it)
// is printed at this host's loopback address, which any client opens. It
// was printed as http://[::]:9464/: the IPv6 wildcard, not the IPv4
// address asked for, and no address to connect to on Windows.
func TestURLOfEveryInterface(t *testing.T) {
	sv, err := Start(New(Options{}), ServerOptions{Addr: "0.0.0.0:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer sv.Close(t.Context())
	u := sv.URL()
	if !strings.HasPrefix(u, "http://127.0.0.1:") {
		t.Errorf("URL() = %q; want http://127.0.0.1:PORT/", u)
	}
	resp, err := http.Get(u + "metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET %smetrics: %s", u, resp.Status)
	}
}

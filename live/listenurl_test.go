package live

import (
	"strings"
	"testing"
)

// TestListenOnAURL: --live given the page's URL (http://127.0.0.1:9464/,
// pasted from the line a run prints) is refused saying what it wants and
// the address in the URL; it was net's "address http://127.0.0.1:9464:
// too many colons in address".
func TestListenOnAURL(t *testing.T) {
	for addr, want := range map[string]string{
		"http://127.0.0.1:9464/":   "give 127.0.0.1:9464",
		"https://0.0.0.0:8080":     "give 0.0.0.0:8080",
		"http://localhost/metrics": "give localhost:PORT",
	} {
		sv, err := Start(New(Options{}), ServerOptions{Addr: addr})
		if err == nil {
			_ = sv.Close(t.Context())
			t.Errorf("Start(%q) listened", addr)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, "not a URL") || !strings.Contains(msg, want) {
			t.Errorf("Start(%q): %v; want it to say it is not a URL and %q", addr, err, want)
		}
	}
}

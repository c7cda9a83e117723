package session

import (
	"net/http"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/inferbench/inferbench/rundir"
)

// responses watches the responses of a run's HTTP client for what run.json
// says of them: whether one carried the header `inferbench mock` sets
// (rundir.MockHeader: a run against the mock through any target kind is
// simulated, whatever the kind says), and the HTTP versions they came over
// (over TLS Go's client speaks HTTP/2 where the server offers it, and every
// stream then shares a connection; the Python SDKs and vLLM's benchmark
// speak HTTP/1.1).
type responses struct {
	rt     http.RoundTripper
	mock   atomic.Bool
	protos atomic.Uint32 // a bit per protoNames entry
}

// protoNames are the HTTP versions responses notes, by bit: those
// net/http's client speaks. A response without one (a test's transport)
// is not noted.
var protoNames = []string{"HTTP/1.0", "HTTP/1.1", "HTTP/2.0"}

// watchResponses puts a responses around c's transport and returns it.
func watchResponses(c *http.Client) *responses {
	w := &responses{rt: c.Transport}
	if w.rt == nil {
		w.rt = http.DefaultTransport
	}
	c.Transport = w
	return w
}

// RoundTrip implements http.RoundTripper.
func (w *responses) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := w.rt.RoundTrip(r)
	if err != nil {
		return resp, err
	}
	// Once noted, never looked up or written again: every request of the
	// run passes here.
	if i := slices.Index(protoNames, resp.Proto); i >= 0 && w.protos.Load()&(1<<i) == 0 {
		w.protos.Or(1 << i)
	}
	if !w.mock.Load() && resp.Header.Get(rundir.MockHeader) != "" {
		w.mock.Store(true)
	}
	return resp, err
}

// CloseIdleConnections closes the wrapped transport's idle connections
// (http.Client.CloseIdleConnections calls it).
func (w *responses) CloseIdleConnections() {
	if c, ok := w.rt.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// Mock reports whether a response came from the mock; nil never saw one.
func (w *responses) Mock() bool { return w != nil && w.mock.Load() }

// Protocols names the HTTP versions responses came over, in order
// ("HTTP/1.1", "HTTP/1.1, HTTP/2.0"); "" before any response.
func (w *responses) Protocols() string {
	if w == nil {
		return ""
	}
	var seen []string
	for i, name := range protoNames {
		if w.protos.Load()&(1<<i) != 0 {
			seen = append(seen, name)
		}
	}
	return strings.Join(seen, ", ")
}

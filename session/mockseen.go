package session

import (
	"net/http"
	"sync/atomic"

	"github.com/inferbench/inferbench/rundir"
)

// mockSeen watches the responses of a run's HTTP client for the header
// `inferbench mock` sets (rundir.MockHeader): a run against the mock
// through any target kind is simulated, whatever the kind says.
type mockSeen struct {
	rt   http.RoundTripper
	seen atomic.Bool
}

// watchMock puts a mockSeen around c's transport and returns it.
func watchMock(c *http.Client) *mockSeen {
	w := &mockSeen{rt: c.Transport}
	if w.rt == nil {
		w.rt = http.DefaultTransport
	}
	c.Transport = w
	return w
}

// RoundTrip implements http.RoundTripper.
func (w *mockSeen) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := w.rt.RoundTrip(r)
	// Once seen, never looked up or written again: every request of the
	// run passes here.
	if err == nil && !w.seen.Load() && resp.Header.Get(rundir.MockHeader) != "" {
		w.seen.Store(true)
	}
	return resp, err
}

// CloseIdleConnections closes the wrapped transport's idle connections
// (http.Client.CloseIdleConnections calls it).
func (w *mockSeen) CloseIdleConnections() {
	if c, ok := w.rt.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// Seen reports whether a response came from the mock; nil never saw one.
func (w *mockSeen) Seen() bool { return w != nil && w.seen.Load() }

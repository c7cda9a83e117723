package scenarios

import (
	"testing"
	"time"
)

// TestExplicitZeroRequestsIsNotTheDefault: requests: 0 is "no count
// limit" (with a duration); written without one, ApplyDefaults made it
// the default 200 and run sent 200 requests with no word. It is refused
// where it is written, and with a duration (a flag's) it stays 0.
func TestExplicitZeroRequestsIsNotTheDefault(t *testing.T) {
	const in = "name: t\ntarget: {url: \"http://h:1\", model: m}\nload:\n  concurrency: 2\n  requests: 0\n"
	s, err := Load("s.yaml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	s.ApplyDefaults()
	want := "s.yaml:5:13: load.requests: 0 is no count limit, which needs load.duration (or --duration), else a level never ends; leave requests out for the default 200"
	if err := s.ValidateRunnable(); err == nil || err.Error() != want {
		t.Errorf("ValidateRunnable = %v (requests %d); want %s", err, s.Load.Requests, want)
	}
	s, _ = Load("s.yaml", []byte(in))
	s.Load.Duration = Duration(10 * time.Second) // --duration 10s
	s.ApplyDefaults()
	if err := s.ValidateRunnable(); err != nil || s.Load.Requests != 0 {
		t.Errorf("with a duration: requests %d, %v; want 0 (no count limit)", s.Load.Requests, err)
	}
	s, _ = Load("s.yaml", []byte("name: t\ntarget: {url: \"http://h:1\", model: m}\nload: {concurrency: 2}\n"))
	if s.ApplyDefaults(); s.Load.Requests != DefaultRequests {
		t.Errorf("requests left out: %d, want the default %d", s.Load.Requests, DefaultRequests)
	}
}

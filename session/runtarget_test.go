package session

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/inferbench/inferbench/mock"
)

// TestUnforcedLengthWarned: a workload that asks for exact output lengths
// from a kind that cannot send ignore_eos is warned of before the load
// (the default kind, openai, against a vLLM-shaped server, with the kinds
// that can force it named); a kind that sends it, or a workload that does
// not ask, is not.
func TestUnforcedLengthWarned(t *testing.T) {
	_, srv := mockServer(t, mock.Config{OutputTokens: 2})
	for _, c := range []struct {
		kind      string
		ignoreEOS bool
		warned    bool
	}{
		{"openai", true, true},
		{"vllm", true, false},
		{"openai", false, false},
	} {
		o := Options{Concurrency: 1, Requests: 1, MaxTokens: 2, IgnoreEOS: c.ignoreEOS}
		quietOptions(t, srv.URL, &o)
		o.Kind = c.kind
		var log strings.Builder
		if _, err := Run(t.Context(), t.Context(), &o, &log); err != nil {
			t.Fatalf("%s: %v\n%s", c.kind, err, log.String())
		}
		want := "warning: the workload asks for exact output lengths (ignore_eos), which target openai cannot send: outputs end where the model stops, so two servers may not be given the same work; a vLLM, SGLang or llama.cpp server forces them as --target vllm, sglang or llamacpp; --ignore-eos=false (a scenario's ignore_eos: false) asks for none and says no more\n"
		if got := strings.Contains(log.String(), "exact output lengths"); got != c.warned || c.warned && !strings.Contains(log.String(), want) {
			t.Errorf("%s, ignore_eos %v: log\n%s\nwant the warning: %v", c.kind, c.ignoreEOS, log.String(), c.warned)
		}
	}
	// A kind of another protocol is not told of OpenAI-compatible servers.
	if msg := unforcedLength("anthropic"); !strings.Contains(msg, "target anthropic cannot send") || strings.Contains(msg, "--target") || !strings.HasSuffix(msg, "; --ignore-eos=false (a scenario's ignore_eos: false) asks for none and says no more") {
		t.Errorf("anthropic: %s", msg)
	}
}

// TestRunGETsStayOnTheTarget: the run's own GETs (the server's version, its
// /metrics page) follow a redirect only within the target's origin, as the
// adapters' requests do; they followed one to any host.
func TestRunGETsStayOnTheTarget(t *testing.T) {
	var elsewhere atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) }))
	t.Cleanup(other.Close)
	m, err := mock.New(mock.Config{OutputTokens: 2})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound)
			return
		}
		m.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	o := Options{Concurrency: 1, Requests: 2, MaxTokens: 2}
	quietOptions(t, srv.URL, &o)
	o.ServerMetrics = "auto"
	var log strings.Builder
	res, err := Run(t.Context(), t.Context(), &o, &log)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	if n := elsewhere.Load(); n != 0 || res.Summary.Levels[0].Requests.OK != 2 {
		t.Errorf("%d requests reached the other host, %d of 2 ok; want none, 2\n%s", n, res.Summary.Levels[0].Requests.OK, log.String())
	}
}

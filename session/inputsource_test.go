package session

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
)

// TestSizedPromptRecordsItsSource: a record whose server reported no
// prompt_tokens says how its prompt's length was known. Prompts sized by
// the server's tokenize endpoint are "sized" on the error records of a
// server that fails every request (before, "estimated": requests.jsonl
// called a counted length an estimate); word-count prompts stay
// "estimated"; a record with the server's usage stays "server".
func TestSizedPromptRecordsItsSource(t *testing.T) {
	for _, c := range []struct {
		name   string
		sizing string
		faults mock.FaultRates
		ok     bool
		want   rundir.TokenSource
		set    func(*Options)
	}{
		{"server-tokenize, failing", SizingServer, mock.FaultRates{mock.Fault500: 1}, false, "sized", nil},
		{"server-tokenize, cut mid-stream", SizingServer, mock.FaultRates{mock.FaultDisconnect: 1}, false, "sized", nil},
		{"estimate, failing", SizingEstimate, mock.FaultRates{mock.Fault500: 1}, false, rundir.SourceEstimated, nil},
		{"server-tokenize, usage reported", SizingServer, nil, true, rundir.SourceServer, nil},
		{"server-tokenize, failing, shard 2 of 2", SizingServer, mock.FaultRates{mock.Fault500: 1}, false, "sized",
			func(o *Options) { o.Shard = rundir.Shard{Index: 1, Count: 2} }},
		{"server-tokenize, failing, open loop", SizingServer, mock.FaultRates{mock.Fault500: 1}, false, "sized",
			func(o *Options) { o.Concurrency, o.Rates = 0, []float64{200} }},
		{"server-tokenize, failing sessions' first turns", SizingServer, mock.FaultRates{mock.Fault500: 1}, false, "sized",
			func(o *Options) {
				o.Scenario = &scenarios.Scenario{Name: "x", Workload: scenarios.Workload{Turns: scenarios.Fixed(3)}}
				o.Sessions = sessionsFrom(o.Scenario, nil)
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, srv := mockServer(t, mock.Config{OutputTokens: 4, Faults: c.faults, FaultAfterTokens: 1})
			var o Options
			quietOptions(t, srv.URL, &o)
			o.Concurrency, o.Requests, o.MaxTokens, o.PromptTokens, o.PromptSizing = 2, 6, 4, 24, c.sizing
			if c.set != nil {
				c.set(&o)
			}
			var log strings.Builder
			_, _ = Run(t.Context(), t.Context(), &o, &log) // a run whose every request fails may end failed
			f, err := os.Open(filepath.Join(o.Out, rundir.RecordsFile))
			if err != nil {
				t.Fatalf("%v\n%s", err, log.String())
			}
			defer f.Close()
			n := 0
			for r, err := range rundir.ReadRecords(f) {
				if err != nil {
					t.Fatal(err)
				}
				n++
				if r.OK != c.ok || r.InputTokensSource != c.want || r.InputTokens != r.RequestedInputTokens || r.InputTokens < 24 {
					t.Errorf("record %d: ok %v (%s), input %d (%q), requested %d; want ok %v, input %q as requested",
						r.ID, r.OK, r.Error, r.InputTokens, r.InputTokensSource, r.RequestedInputTokens, c.ok, c.want)
				}
			}
			if n == 0 {
				t.Fatalf("no record:\n%s", log.String())
			}
		})
	}
}

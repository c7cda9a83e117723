package session

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/servermetrics"
)

// TestEngineChangeSaidOnItsOwn: a metrics page whose engine changes is
// said on the log in its own line even after a failed scrape was (the
// first failure's line was the only one a run ever printed, so the change
// went unsaid), it is not a failed scrape (its sample is good), and a run
// whose every other scrape failed still has server metrics.
func TestEngineChangeSaidOnItsOwn(t *testing.T) {
	var log strings.Builder
	var c scrapeCount
	// The scraper returns a change once (servermetrics' engineChange).
	outcomes := []error{errors.New("server metrics: 503"), nil, &servermetrics.EngineChange{From: "vllm", To: "llamacpp"}, nil, nil}
	i := 0
	scrape := c.wrap(func(context.Context) (rundir.ServerSample, error) {
		err := outcomes[i]
		i++
		return rundir.ServerSample{}, err
	}, &log)
	var returned []error
	for range outcomes {
		_, err := scrape(context.Background())
		returned = append(returned, err)
	}
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "503") || !strings.Contains(lines[1], "changed from vllm to llamacpp") ||
		strings.Contains(lines[1], "failed scrape") {
		t.Errorf("log:\n%s\nwant the failure's line, then the change's, not called a failed scrape", log.String())
	}
	if c.ok != 4 || c.failed != 1 {
		t.Errorf("%d ok, %d failed; want 4 ok (the changes' samples are good), 1 failed", c.ok, c.failed)
	}
	if ch, ok := errors.AsType[*servermetrics.EngineChange](returned[2]); !ok || ch.To != "llamacpp" {
		t.Errorf("the change is not handed on to the watcher: %v", returned[2])
	}
}

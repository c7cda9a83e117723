package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/servermetrics"
)

// scrapeCount watches the server-metrics scrapes of a run, so that a URL
// that fails every scrape (a 404: `--target vllm` against a server without
// /metrics) is said once on stderr and in run.json, not only in
// server.jsonl's lines.
type scrapeCount struct {
	mu         sync.Mutex
	ok, failed int
	first      string
}

// wrap returns scrape, counting its outcomes; the first failure is written
// to log once.
func (c *scrapeCount) wrap(scrape func(context.Context) (rundir.ServerSample, error), log io.Writer) func(context.Context) (rundir.ServerSample, error) {
	return func(ctx context.Context) (rundir.ServerSample, error) {
		smp, err := scrape(ctx)
		if ctx.Err() != nil {
			return smp, err // the end of sampling, not a failure
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if err == nil {
			c.ok++
			return smp, nil
		}
		if _, ok := errors.AsType[*servermetrics.EngineChange](err); ok {
			// A good page of another engine, said on its own line (a
			// failure's line before it would have kept it unsaid), and
			// handed on to the watcher, which keeps its sample; the
			// scraper returns it once.
			c.ok++
			fmt.Fprintf(log, "inferbench: warning: %v\n", err)
			return smp, err
		}
		c.failed++
		if c.first == "" {
			c.first = err.Error()
			fmt.Fprintf(log, "inferbench: warning: %v (said once; each failed scrape is in %s)\n", err, rundir.ServerFile)
		}
		return smp, err
	}
}

// serverMetricsFailure is run.json's server_metrics_error: how the
// scrapes failed when none succeeded, "" otherwise (and when none ran).
func (t *telemetry) serverMetricsFailure() string {
	if t == nil {
		return ""
	}
	return t.scrapes.failure()
}

func (c *scrapeCount) failure() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ok > 0 || c.failed == 0 {
		return ""
	}
	return fmt.Sprintf("%s of the server's metrics failed, no server metrics: %s", printable.All(c.failed, "scrape"), c.first)
}

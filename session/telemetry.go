package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/gpu/backend"
	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/servermetrics"
	"github.com/inferbench/inferbench/targets/registry"
)

// telemetry is the samplers running beside the load: GPU (gpu.jsonl), the
// server's metrics (server.jsonl) and the client itself (client.jsonl).
type telemetry struct {
	g      errgroup.Group
	cancel context.CancelFunc
	// interval is the sampling period; done ends the last tick's wait early
	// (a second Ctrl-C).
	interval time.Duration
	done     <-chan struct{}
	// scrapes counts the server-metrics scrapes (servermetrics.go).
	scrapes scrapeCount
}

// stop ends sampling one tick after the load, so every measured window has
// a sample on each side (energy by counter difference needs both), and
// returns the first write error.
func (t *telemetry) stop() error {
	tm := time.NewTimer(t.interval + t.interval/4)
	select {
	case <-tm.C:
	case <-t.done:
		tm.Stop()
	}
	t.cancel()
	return t.g.Wait()
}

// startTelemetry starts GPU and server-metrics sampling into the run
// directory and fills in the manifest's GPU inventory. Telemetry that cannot
// run here is reported once and left off; the benchmark goes on.
func startTelemetry(ctx context.Context, o *Options, m *rundir.Manifest, start time.Time, client *http.Client, log io.Writer) (*telemetry, error) {
	// Sampling outlives the load by one tick, and must not die with the
	// first Ctrl-C before the last records are flushed: it has its own ctx.
	tctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	t := &telemetry{cancel: cancel, interval: o.GPUInterval, done: ctx.Done()}
	fail := func(err error) (*telemetry, error) {
		cancel()
		t.g.Wait()
		return nil, err
	}
	m.GPUBackend = backend.None
	url := o.GPUURL
	if url == "" && o.GPUBackend == backend.Mock {
		url = o.URL
	}
	sampler, err := backend.Open(ctx, o.GPUBackend, backend.Options{URL: url, HTTPClient: client})
	err = o.redactor().Err(err) // the URL it quotes may be the target's, a key in it
	switch {
	case errors.Is(err, gpu.ErrDisabled):
		m.GPUTelemetryOff = rundir.GPUTelemetrySwitchedOff
		fmt.Fprintln(log, "inferbench: GPU telemetry off (--gpu-backend none)")
	case err != nil && (o.GPUBackend == backend.Auto || errors.Is(err, gpu.ErrUnavailable)):
		m.GPUTelemetryOff = err.Error()
		fmt.Fprintf(log, "inferbench: GPU telemetry off: %v\n", err)
	case err != nil:
		return fail(inputf("--gpu-backend: %v", err))
	default:
		m.GPUBackend = o.GPUBackend
		if devs, derr := sampler.Devices(ctx); derr == nil {
			m.GPUs, _ = json.Marshal(devs)
			fmt.Fprintf(log, "inferbench: GPU telemetry: %s, %s\n", o.GPUBackend, printable.Count(len(devs), "device"))
		} else {
			fmt.Fprintf(log, "inferbench: warning: GPU inventory: %v\n", derr)
		}
		f, ferr := rundir.CreateFile(o.Out, rundir.GPUFile)
		if ferr != nil {
			sampler.Close()
			return fail(ferr)
		}
		t.g.Go(func() error {
			defer sampler.Close()
			err := recordGPU(tctx, sampler, start, o, f, log)
			return errors.Join(err, f.Sync(), f.Close())
		})
	}

	// The client watches itself always: a run must say when it measured
	// the client instead of the server.
	cf, err := rundir.CreateFile(o.Out, rundir.ClientFile)
	if err != nil {
		return fail(err)
	}
	t.g.Go(func() error {
		err := recordClient(tctx, start, o, cf)
		return errors.Join(err, cf.Sync(), cf.Close())
	})

	if murl := o.serverMetricsURL(); murl != "" {
		f, ferr := rundir.CreateFile(o.Out, rundir.ServerFile)
		if ferr != nil {
			return fail(ferr)
		}
		sc := &servermetrics.Scraper{URL: murl, Client: client}
		scrape := t.scrapes.wrap(sc.Scrape, log)
		t.g.Go(func() error {
			err := recordServer(tctx, scrape, start, o, f)
			return errors.Join(err, f.Sync(), f.Close())
		})
	}
	return t, nil
}

// serverMetricsURL is where to scrape the server's Prometheus metrics, ""
// for none. auto scrapes the self-hosted engines whose registry entry names
// a metrics path.
func (o *Options) serverMetricsURL() string {
	switch o.ServerMetrics {
	case "off", "none", "":
		return ""
	case "auto":
		if k, ok := registry.Lookup(o.Kind); ok && k.Engine != nil && k.Engine.MetricsPath != "" {
			return servermetrics.MetricsURLAt(o.URL, k.Engine.MetricsPath)
		}
		return ""
	}
	return o.ServerMetrics
}

// serverInfo is what run.json records of the serving software: the version
// flag if given, else what the server says at the version endpoint its
// registry entry names (one short GET; nothing when it does not answer),
// and the recorded flags. Both leave out the API key: a server can echo it
// at its version endpoint, and the flags pasted from a launch command can
// hold it (vllm serve --api-key …).
func serverInfo(ctx context.Context, client *http.Client, o *Options) *rundir.ServerInfo {
	key := o.redactor()
	si := &rundir.ServerInfo{Version: o.ServerVersion, Args: key.Redact(RedactLaunchArgs(o.ServerArgs))}
	k, known := registry.Lookup(o.Kind)
	if si.Version != "" {
		si.Source = "flag"
	} else if known && k.Engine != nil && k.Engine.VersionPath != "" && o.URL != "" {
		ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		e := k.Engine
		url := servermetrics.MetricsURLAt(o.URL, e.VersionPath) // a path under the server root
		if v, err := registry.FetchVersion(ctx, client, url, e.VersionField, key); err == nil && v != "" {
			si.Version, si.Source = v, "GET "+e.VersionPath
		}
	}
	if si.Version == "" && si.Args == "" {
		return nil
	}
	return si
}

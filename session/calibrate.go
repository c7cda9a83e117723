package session

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// CalibrateOptions is what Calibrate needs.
type CalibrateOptions struct {
	// Window is how long each throughput measurement runs.
	Window time.Duration
	// BiasStreams are the stream counts TTFT bias is measured at.
	BiasStreams []int
	// OpenStreams are the stream counts tried for max_open_streams.
	OpenStreams []int
	// Rate is the Poisson rate send lag is measured at.
	Rate float64
	// StartMock starts the mock in fixed-timing mode with args, in a
	// process of its own on loopback (so that its CPU is not the
	// harness's), and returns its URL and how to stop it.
	StartMock func(args ...string) (url string, stop func(), err error)
	// Version is the tool's version, recorded with the figures.
	Version string
}

// Calibration is calibrate's result: the harness's own ceilings and timing
// error on this machine, each with the bare client's figure (floor).
type Calibration struct {
	MaxRequestsPerS float64 `json:"max_requests_per_s"`
	MaxTokensPerS   float64 `json:"max_tokens_per_s"`
	MaxOpenStreams  int     `json:"max_open_streams,omitempty"`
	BytesPerStream  float64 `json:"bytes_per_stream,omitempty"`
	// TTFTBiasMS maps "p50_ms_at_N" / "p99_ms_at_N" to measured − injected TTFT.
	TTFTBias          map[string]float64 `json:"ttft_bias"`
	TTFTBiasP99At1000 *float64           `json:"ttft_bias_p99_ms_at_1000,omitempty"`
	SendLagP99MS      float64            `json:"send_lag_p99_ms"`
	SendLagRate       float64            `json:"send_lag_rate_per_s,omitempty"`
	Floor             *Calibration       `json:"floor,omitempty"`
	Machine           map[string]any     `json:"machine,omitempty"`
}

// harness runs the real `run` path (records, summary, client telemetry)
// against url and returns the level's summary.
func harness(ctx context.Context, dir string, o *Options) (*report.Level, error) {
	o.Kind, o.Model, o.API, o.IgnoreEOS = "vllm", "m", "chat", true
	o.GPUBackend, o.ServerMetrics, o.GPUInterval, o.Out = "none", "off", 250*time.Millisecond, dir
	o.PromptTokens = max(o.PromptTokens, 16)
	if o.Timeout == 0 {
		o.Timeout = 2 * time.Minute
	}
	if _, err := Run(ctx, ctx, o, io.Discard); err != nil {
		return nil, err
	}
	sum, err := report.ReadSummary(filepath.Join(dir, rundir.SummaryFile))
	if err != nil {
		return nil, err
	}
	if len(sum.Levels) != 1 {
		return nil, fmt.Errorf("calibration run %s has %d levels", dir, len(sum.Levels))
	}
	return &sum.Levels[0], nil
}

// bare returns the bare client for a mock, sending what the harness sends.
func bare(url string, concurrency, promptTokens, maxTokens int) *loadgen.BareClient {
	w := loadgen.Workload{Model: "m", PromptTokens: promptTokens, MaxTokens: maxTokens}
	req, _ := w.Request(0)
	body, _ := json.Marshal(map[string]any{"model": "m", "messages": []map[string]string{{"role": "user", "content": req.Prompt}},
		"max_tokens": maxTokens, "stream": true, "stream_options": map[string]bool{"include_usage": true}, "ignore_eos": true})
	return &loadgen.BareClient{Client: NewHTTPClient(concurrency, nil, false), URL: url + "/v1/chat/completions", Body: body}
}

// Calibrate measures the harness's own ceilings and timing error on this
// machine, each beside a bare client's figure (the floor), saying what it
// measures on log. It starts the mock for each measurement (o.StartMock).
func Calibrate(ctx context.Context, o *CalibrateOptions, log io.Writer) (*Calibration, error) {
	tmp, err := os.MkdirTemp("", "inferbench-calibrate-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	ours := &Calibration{TTFTBias: map[string]float64{}}
	floor := &Calibration{TTFTBias: map[string]float64{}}
	ours.Floor = floor
	ours.Machine = map[string]any{"cpus": runtime.NumCPU(), "gomaxprocs": runtime.GOMAXPROCS(0), "go": runtime.Version(),
		"os": runtime.GOOS, "arch": runtime.GOARCH, "version": o.Version}
	step := 0
	dir := func() string { step++; return filepath.Join(tmp, fmt.Sprint(step)) }
	say := func(format string, a ...any) { fmt.Fprintf(log, "calibrate: "+format+"\n", a...) }
	withMock := func(args []string, f func(url string) error) error {
		url, stop, err := o.StartMock(args...)
		if err != nil {
			return err
		}
		defer stop()
		return f(url)
	}

	// 1. Request rate: 16-token streams, no delay, 64 streams.
	say("request rate (16-token streams, 64 concurrent, %s each)", o.Window)
	if err := withMock([]string{"--ttft", "0s", "--itl", "0s", "--output-tokens", "16"}, func(url string) error {
		l, err := harness(ctx, dir(), &Options{URL: url, Concurrency: 64, Duration: o.Window, MaxTokens: 16, SpreadAuto: true})
		if err != nil {
			return err
		}
		ours.MaxRequestsPerS = l.RequestsPerS
		b := bare(url, 64, 16, 16).ClosedLoop(ctx, 64, o.Window)
		floor.MaxRequestsPerS = float64(b.Requests) / b.Elapsed.Seconds()
		return nil
	}); err != nil {
		return nil, err
	}

	// 2. Token rate: 1000-token streams as fast as the mock writes them.
	say("token rate (1000-token streams, 8 concurrent)")
	if err := withMock([]string{"--ttft", "0s", "--itl", "0s", "--output-tokens", "1000"}, func(url string) error {
		l, err := harness(ctx, dir(), &Options{URL: url, Concurrency: 8, Duration: o.Window, MaxTokens: 1000, SpreadAuto: true})
		if err != nil {
			return err
		}
		ours.MaxTokensPerS = l.OutputTokensPerS
		b := bare(url, 8, 16, 1000).ClosedLoop(ctx, 8, o.Window)
		floor.MaxTokensPerS = float64(b.Tokens) / b.Elapsed.Seconds()
		return nil
	}); err != nil {
		return nil, err
	}

	// 3. TTFT bias: TTFT 50 ms and 100 ms per token injected, starts spread.
	// The per-token time and the bare client's window scale with --window
	// (3 s: 100 ms, 4 s), so a short calibration is short throughout.
	const injected = 50.0
	itl := (o.Window / 30).String()
	for _, n := range o.BiasStreams {
		say("TTFT bias at %d streams (50 ms injected)", n)
		if err := withMock([]string{"--ttft", "50ms", "--itl", itl, "--output-tokens", "10"}, func(url string) error {
			l, err := harness(ctx, dir(), &Options{URL: url, Concurrency: n, Requests: 3 * n, Warmup: n, MaxTokens: 10, SpreadAuto: true})
			if err != nil {
				return err
			}
			ours.TTFTBias[fmt.Sprintf("p50_ms_at_%d", n)] = l.TTFTMS.P50 - injected
			ours.TTFTBias[fmt.Sprintf("p99_ms_at_%d", n)] = l.TTFTMS.P99 - injected
			if n == 1000 {
				v := l.TTFTMS.P99 - injected
				ours.TTFTBiasP99At1000 = &v
			}
			b := bare(url, n, 16, 10)
			res := b.ClosedLoopSpread(ctx, n, 4*o.Window/3, o.Window/3)
			d := report.DistOfNS(res.TTFTNS)
			floor.TTFTBias[fmt.Sprintf("p50_ms_at_%d", n)] = d.P50 - injected
			floor.TTFTBias[fmt.Sprintf("p99_ms_at_%d", n)] = d.P99 - injected
			if n == 1000 {
				v := d.P99 - injected
				floor.TTFTBiasP99At1000 = &v
			}
			return nil
		}); err != nil {
			return nil, err
		}
	}

	// 4. Send lag at a Poisson rate.
	say("send lag at Poisson %g req/s", o.Rate)
	if err := withMock([]string{"--ttft", "0s", "--itl", "0s", "--output-tokens", "16"}, func(url string) error {
		l, err := harness(ctx, dir(), &Options{URL: url, Rates: []float64{o.Rate}, Arrival: loadgen.ArrivalPoisson,
			Burstiness: 1, Duration: o.Window, MaxTokens: 16, Seed: 1})
		if err != nil {
			return err
		}
		ours.SendLagP99MS, ours.SendLagRate = l.SendLagMS.P99, o.Rate
		arr, err := loadgen.NewArrivals(loadgen.ArrivalPoisson, o.Rate, 1, 0, 1)
		if err != nil {
			return err
		}
		res := bare(url, 256, 16, 16).OpenLoop(ctx, arr.Schedule(0, o.Window))
		floor.SendLagP99MS, floor.SendLagRate = report.DistOfNS(res.SendLagNS).P99, o.Rate
		return nil
	}); err != nil {
		return nil, err
	}

	// 5. Open streams held at once, and client memory per stream.
	for _, n := range o.OpenStreams {
		say("holding %d open streams", n)
		held := false
		// Each stream stays open for about --window (15 tokens, 200 ms apart at 3 s).
		if err := withMock([]string{"--ttft", "0s", "--itl", (o.Window / 15).String(), "--output-tokens", "15"}, func(url string) error {
			l, err := harness(ctx, dir(), &Options{URL: url, Concurrency: n, Requests: n, MaxTokens: 15, Spread: 0})
			if err != nil {
				return err
			}
			if l.Requests.OK == n && l.MeanInFlight >= 0.5*float64(n) {
				held = true
				ours.MaxOpenStreams = n
				if l.Client != nil && l.Client.HeapPeakBytes > 0 {
					ours.BytesPerStream = float64(l.Client.HeapPeakBytes) / float64(n)
				}
			} else {
				say("%d streams: %d ok, %v errors", n, l.Requests.OK, l.Errors)
			}
			runtime.GC() // the harness's leftovers out of the floor's heap
			if ok, peak := bare(url, n, 16, 15).HoldOpen(ctx, n); ok == int64(n) {
				floor.MaxOpenStreams, floor.BytesPerStream = n, float64(peak)/float64(n)
			} else {
				say("bare client, %d streams: %d ok", n, ok)
			}
			return nil
		}); err != nil {
			return nil, err
		}
		if !held {
			break
		}
	}

	return ours, nil
}

// WriteJSON writes c as indented JSON.
func (c *Calibration) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(c)
}

// WriteText prints the figures beside the floor and their ratio.
func (c *Calibration) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "figure\tinferbench\tbare client (floor)\tratio\n")
	row := func(name string, ours, floor float64, unit string) {
		ratio := "-"
		if floor != 0 {
			ratio = fmt.Sprintf("%.2f", ours/floor)
		}
		fmt.Fprintf(tw, "%s\t%.1f %s\t%.1f %s\t%s\n", name, ours, unit, floor, unit, ratio)
	}
	f := c.Floor
	row("max requests/s (16-token streams)", c.MaxRequestsPerS, f.MaxRequestsPerS, "req/s")
	row("max tokens/s (1000-token streams)", c.MaxTokensPerS, f.MaxTokensPerS, "tok/s")
	for _, k := range slices.Sorted(maps.Keys(c.TTFTBias)) {
		fmt.Fprintf(tw, "TTFT bias %s\t%+.2f ms\t%+.2f ms\t\n", strings.ReplaceAll(k, "_ms_at_", " at "), c.TTFTBias[k], f.TTFTBias[k])
	}
	fmt.Fprintf(tw, "send lag p99 at %g req/s Poisson\t%.3f ms\t%.3f ms\t\n", c.SendLagRate, c.SendLagP99MS, f.SendLagP99MS)
	fmt.Fprintf(tw, "open streams held\t%d\t%d\t\n", c.MaxOpenStreams, f.MaxOpenStreams)
	row("client heap per open stream", c.BytesPerStream, f.BytesPerStream, "bytes")
	return tw.Flush()
}

// WriteBench prints the figures as Go benchmark result lines, one
// for the harness and one for the floor, each figure a value and its unit,
// so that `make bench` keeps them beside the Go benchmarks and benchstat
// compares them across commits.
func (c *Calibration) WriteBench(w io.Writer) error {
	fmt.Fprintf(w, "goos: %s\ngoarch: %s\npkg: github.com/inferbench/inferbench/calibrate\ncpus: %d\n",
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	line := func(name string, c *Calibration) {
		var b strings.Builder
		fmt.Fprintf(&b, "BenchmarkCalibrate/%s 1 %.1f req/s %.0f tok/s %.4f send-lag-p99-ms", name,
			c.MaxRequestsPerS, c.MaxTokensPerS, c.SendLagP99MS)
		for _, k := range slices.Sorted(maps.Keys(c.TTFTBias)) {
			fmt.Fprintf(&b, " %.4f ttft-bias-%s", c.TTFTBias[k], strings.ReplaceAll(k, "_", "-"))
		}
		if c.MaxOpenStreams > 0 {
			fmt.Fprintf(&b, " %d open-streams %.0f B/stream", c.MaxOpenStreams, c.BytesPerStream)
		}
		fmt.Fprintln(w, b.String())
	}
	line("harness", c)
	if c.Floor != nil {
		line("floor", c.Floor)
	}
	return nil
}

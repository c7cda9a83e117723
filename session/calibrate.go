package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
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
	// Burst is how many requests, all due at once (a trace's lines at
	// one offset), the burst's send lag is measured over; 0 skips it.
	Burst int
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
	// MaxRequestsPerS is the request-rate ceiling with prompts that are
	// not counted (--prompt-sizing estimate), as the bare client sends one
	// fixed body: the harness's own cost.
	MaxRequestsPerS float64 `json:"max_requests_per_s"`
	// MaxRequestsPerSServerSized is the same ceiling with every prompt
	// counted by the server's tokenize endpoint (--prompt-sizing server,
	// what auto chooses for vLLM, SGLang, llama.cpp and TGI): about one
	// extra call per request, to the server under test. Harness only.
	MaxRequestsPerSServerSized float64 `json:"max_requests_per_s_server_sized,omitempty"`
	MaxTokensPerS              float64 `json:"max_tokens_per_s"`
	// MaxOpenStreams is the most streams held open at once of those tried
	// (--open-streams): 0 when none was held, nil when none was tried.
	MaxOpenStreams *int    `json:"max_open_streams,omitempty"`
	BytesPerStream float64 `json:"bytes_per_stream,omitempty"`
	// TTFTBiasMS maps "p50_ms_at_N" / "p99_ms_at_N" to measured − injected TTFT.
	TTFTBias          map[string]float64 `json:"ttft_bias"`
	TTFTBiasP99At1000 *float64           `json:"ttft_bias_p99_ms_at_1000,omitempty"`
	SendLagP99MS      float64            `json:"send_lag_p99_ms"`
	SendLagRate       float64            `json:"send_lag_rate_per_s,omitempty"`
	// BurstSendLagMaxMS is how late the last of BurstRequests requests,
	// all due at once, was sent: the largest send lag of the burst, in ms,
	// the median of burstRounds bursts.
	BurstSendLagMaxMS float64        `json:"burst_send_lag_max_ms,omitempty"`
	BurstRequests     int            `json:"burst_requests,omitempty"`
	Floor             *Calibration   `json:"floor,omitempty"`
	Machine           map[string]any `json:"machine,omitempty"`
}

// The bounds Check holds calibrate's options to.
const (
	// maxSendLagArrivals bounds the send-lag schedule, which the bare
	// client takes as a slice: 80 MB, some 20 minutes at the client's
	// ceiling.
	maxSendLagArrivals = 10_000_000
	// maxBurst bounds the burst: each of its requests holds a connection
	// of each client at once (open streams are tried up to 10,000), and
	// the burst is sent 2·burstRounds+1 times, each on new connections,
	// whose closed ports wait in TIME_WAIT (Linux reuses them on loopback;
	// macOS has some 16,000 ephemeral ports).
	maxBurst = 100_000
)

// Check reports options Calibrate cannot measure with, in the words of
// calibrate's flags.
func (o *CalibrateOptions) Check() error {
	if o.Window <= 0 || o.Rate <= 0 {
		return errors.New("--window and --rate must be positive")
	}
	// The bare client's send-lag schedule is drawn whole, 8 bytes a
	// request: run's rate bound, and at most maxSendLagArrivals (a rate of
	// 1e300 made its length overflow and the measurement panic after the
	// earlier ones had run).
	n := o.Rate * o.Window.Seconds()
	if o.Rate > scenarios.MaxRate || n > maxSendLagArrivals {
		return fmt.Errorf("--rate: at most %d requests per second and %d requests over --window, got %g over %v",
			scenarios.MaxRate, maxSendLagArrivals, o.Rate, o.Window)
	}
	// A p99 of fewer values is their maximum, the bound the client-bound
	// verdict judges send lag by; of none it printed 0.000 ms (a rate of
	// 0.1 over the 3 s window sends nothing).
	if n < report.ClientSendLagMinSends {
		return fmt.Errorf("--rate: the send lag's p99 needs at least %d requests over --window, got %g req/s over %v (%.3g): raise --rate or --window",
			report.ClientSendLagMinSends, o.Rate, o.Window, n)
	}
	if o.Burst < 0 || o.Burst > maxBurst {
		return fmt.Errorf("--burst: want 0 (skip) to %d requests, got %d", maxBurst, o.Burst)
	}
	return nil
}

// harness runs the real `run` path (records, summary, client telemetry)
// against url and returns the level's summary.
func harness(ctx context.Context, dir string, o *Options) (*report.Level, error) {
	o.Kind, o.Model, o.API, o.IgnoreEOS = "vllm", "m", "chat", true
	o.GPUBackend, o.ServerMetrics, o.GPUInterval, o.Out = "none", "off", 250*time.Millisecond, dir
	o.PromptTokens = max(o.PromptTokens, calibratePrompt)
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

// calibratePrompt is the prompt length, in tokens, of calibrate's requests,
// the harness's and the bare client's alike.
const calibratePrompt = 16

// bare returns the bare client for a mock, sending what the harness sends.
func bare(url string, maxTokens int) *loadgen.BareClient {
	w := loadgen.Workload{Model: "m", PromptTokens: calibratePrompt, MaxTokens: maxTokens}
	req, _, _ := w.Request(0)
	body, _ := json.Marshal(map[string]any{"model": "m", "messages": []map[string]string{{"role": "user", "content": req.Prompt}},
		"max_tokens": maxTokens, "stream": true, "stream_options": map[string]bool{"include_usage": true}, "ignore_eos": true})
	return &loadgen.BareClient{Client: httpClient(&Options{}), URL: url + "/v1/chat/completions", Body: body}
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
	cal := &calibrator{ctx: ctx, o: o, tmp: tmp, log: log, ours: ours, floor: floor}

	// 1. Request rate: 16-token streams, no delay, 64 streams; then the
	// harness again with its prompts counted by the server.
	cal.say("request rate (16-token streams, 64 concurrent, %s each)", o.Window)
	l, b, err := cal.ceiling(64, 16)
	if err != nil {
		return nil, err
	}
	ours.MaxRequestsPerS = l.RequestsPerS
	floor.MaxRequestsPerS = float64(b.Requests) / b.Elapsed.Seconds()
	cal.say("request rate with prompts counted by the server's /tokenize")
	if l, err = cal.serverSized(64, 16); err != nil {
		return nil, err
	}
	ours.MaxRequestsPerSServerSized = l.RequestsPerS

	// 2. Token rate: 1000-token streams as fast as the mock writes them.
	cal.say("token rate (1000-token streams, 8 concurrent)")
	if l, b, err = cal.ceiling(8, 1000); err != nil {
		return nil, err
	}
	ours.MaxTokensPerS = l.OutputTokensPerS
	floor.MaxTokensPerS = float64(b.Tokens) / b.Elapsed.Seconds()

	// 3. TTFT bias: TTFT 50 ms and 100 ms per token injected, starts spread.
	for _, n := range o.BiasStreams {
		cal.say("TTFT bias at %s (50 ms injected)", printable.Count(n, "stream"))
		if err := cal.ttftBias(n); err != nil {
			return nil, err
		}
	}

	// 4. Send lag at a Poisson rate.
	cal.say("send lag at Poisson %g req/s", o.Rate)
	if err := cal.sendLag(); err != nil {
		return nil, err
	}

	// 5. A burst: requests all due at once, as a trace's lines at one
	// offset.
	if o.Burst > 0 {
		cal.say("send lag of a burst of %d requests due at once", o.Burst)
		if err := cal.burstLag(o.Burst); err != nil {
			return nil, err
		}
	}

	// 6. Open streams held at once, and client memory per stream.
	if len(o.OpenStreams) > 0 {
		ours.MaxOpenStreams, floor.MaxOpenStreams = new(int), new(int) // none held yet
	}
	for _, n := range o.OpenStreams {
		cal.say("holding %d open streams", n)
		held, err := cal.openStreams(n)
		if err != nil {
			return nil, err
		}
		if !held {
			break
		}
	}

	return ours, nil
}

// A calibrator is one Calibrate call: its options, where its runs go, and
// the figures it fills in, the harness's (ours) and the bare client's
// (floor).
type calibrator struct {
	ctx         context.Context
	o           *CalibrateOptions
	tmp         string
	step        int
	log         io.Writer
	ours, floor *Calibration
}

// dir is a fresh run directory for the next harness run.
func (c *calibrator) dir() string { c.step++; return filepath.Join(c.tmp, fmt.Sprint(c.step)) }

// say tells log what is being measured.
func (c *calibrator) say(format string, a ...any) {
	fmt.Fprintf(c.log, "calibrate: "+format+"\n", a...)
}

// withMock starts the mock with args, calls f with its URL and stops it.
func (c *calibrator) withMock(args []string, f func(url string) error) error {
	url, stop, err := c.o.StartMock(args...)
	if err != nil {
		return err
	}
	defer stop()
	return f(url)
}

// ceiling measures one closed-loop ceiling: streams concurrent streams of
// tokens-token replies the mock sends without delay, for the window, by the
// harness (l) and by the bare client (b) against the same mock. The
// harness's prompts are not counted (sizing estimate), as the bare client's
// one body is not: counting them by the server doubles the calls
// (serverSized).
func (c *calibrator) ceiling(streams, tokens int) (l *report.Level, b loadgen.BareResult, err error) {
	err = c.withMock(instantMock(tokens), func(url string) error {
		var err error
		if l, err = c.closedLoop(url, streams, tokens, SizingEstimate); err != nil {
			return err
		}
		b = bare(url, tokens).ClosedLoop(c.ctx, streams, c.o.Window)
		return nil
	})
	return l, b, err
}

// serverSized is ceiling's harness run with every prompt counted by the
// mock's /tokenize (sizing server), as a run against vLLM counts them.
func (c *calibrator) serverSized(streams, tokens int) (l *report.Level, err error) {
	err = c.withMock(instantMock(tokens), func(url string) error {
		l, err = c.closedLoop(url, streams, tokens, SizingServer)
		return err
	})
	return l, err
}

// closedLoop is the harness's closed loop of the ceilings: streams
// concurrent streams of tokens-token replies for the window, its prompts
// sized by sizing.
func (c *calibrator) closedLoop(url string, streams, tokens int, sizing string) (*report.Level, error) {
	return harness(c.ctx, c.dir(), &Options{URL: url, Concurrency: streams, Duration: c.o.Window, MaxTokens: tokens, SpreadAuto: true,
		PromptSizing: sizing})
}

// instantMock is the mock's arguments for replies of tokens tokens sent
// without delay.
func instantMock(tokens int) []string {
	return []string{"--ttft", "0s", "--itl", "0s", "--output-tokens", strconv.Itoa(tokens)}
}

// injectedTTFTMS is the TTFT the mock injects when TTFT bias is measured.
const injectedTTFTMS = 50.0

// ttftBias measures the TTFT bias at n streams. The per-token time and the
// bare client's window scale with --window (3 s: 100 ms, 4 s), so a short
// calibration is short throughout.
func (c *calibrator) ttftBias(n int) error {
	itl := (c.o.Window / 30).String()
	return c.withMock([]string{"--ttft", "50ms", "--itl", itl, "--output-tokens", "10"}, func(url string) error {
		l, err := harness(c.ctx, c.dir(), &Options{URL: url, Concurrency: n, Requests: 3 * n, Warmup: n, MaxTokens: 10, SpreadAuto: true})
		if err != nil {
			return err
		}
		c.ours.setTTFTBias(n, l.TTFTMS.P50, l.TTFTMS.P99)
		res := bare(url, 10).ClosedLoopSpread(c.ctx, n, 4*c.o.Window/3, c.o.Window/3)
		d := report.DistOfNS(res.TTFTNS)
		c.floor.setTTFTBias(n, d.P50, d.P99)
		return nil
	})
}

// setTTFTBias records the TTFT bias at n streams: the p50 and p99 TTFT
// measured (ms) less the injected TTFT.
func (c *Calibration) setTTFTBias(n int, p50, p99 float64) {
	c.TTFTBias[fmt.Sprintf("p50_ms_at_%d", n)] = p50 - injectedTTFTMS
	c.TTFTBias[fmt.Sprintf("p99_ms_at_%d", n)] = p99 - injectedTTFTMS
	if n == 1000 {
		v := p99 - injectedTTFTMS
		c.TTFTBiasP99At1000 = &v
	}
}

// sendLag measures the send lag at a Poisson rate of o.Rate.
func (c *calibrator) sendLag() error {
	rate := c.o.Rate
	return c.withMock(instantMock(16), func(url string) error {
		l, err := harness(c.ctx, c.dir(), &Options{URL: url, Rates: []float64{rate}, Arrival: loadgen.ArrivalPoisson,
			Burstiness: 1, Duration: c.o.Window, MaxTokens: 16, Seed: 1})
		if err != nil {
			return err
		}
		c.ours.SendLagP99MS, c.ours.SendLagRate = l.SendLagMS.P99, rate
		arr, err := loadgen.NewArrivals(loadgen.ArrivalPoisson, rate, 1, 0, 1)
		if err != nil {
			return err
		}
		res := bare(url, 16).OpenLoop(c.ctx, arr.Schedule(0, c.o.Window))
		c.floor.SendLagP99MS, c.floor.SendLagRate = report.DistOfNS(res.SendLagNS).P99, rate
		return nil
	})
}

// burstRounds is how many bursts the harness and the bare client each
// send, taking turns after one unmeasured burst of the bare client's; each
// one's median is its figure. Whichever went first was the slower: the
// harness's burst, then the bare client's, put the harness's last request
// 3.5× and 4.0× as late as the bare client's; the bare client's first,
// 0.92× and 0.93× (2 cores, 1,000 requests, two runs each). The first
// burst meets a mock and a client still growing their goroutines, stacks
// and heaps, and 3.0× was the harness's figure against its own cold start.
const burstRounds = 3

// burstLag measures how late the last of n requests, all due at once, is
// sent: the harness as a trace of n lines at offset 0, its prompts not
// counted (sizing estimate, as the bare client's one body is not), and the
// bare client with a schedule of n zeros, each on new connections (a new
// client each burst, as each run is), taking turns (burstRounds).
func (c *calibrator) burstLag(n int) error {
	return c.withMock(instantMock(16), func(url string) error {
		trace := make([]loadgen.TraceArrival, n)
		for i := range trace {
			trace[i] = loadgen.TraceArrival{PromptTokens: calibratePrompt, OutputTokens: 16}
		}
		bareBurst := func() float64 {
			b := bare(url, 16)
			defer b.Client.CloseIdleConnections()
			return report.DistOfNS(b.OpenLoop(c.ctx, make([]time.Duration, n)).SendLagNS).Max
		}
		bareBurst() // warms the mock and this process up, unmeasured
		var ours, floor []float64
		for range burstRounds {
			l, err := harness(c.ctx, c.dir(), &Options{URL: url, Trace: trace, MaxTokens: 16, Seed: 1,
				PromptSizing: SizingEstimate})
			if err != nil {
				return err
			}
			ours, floor = append(ours, l.SendLagMS.Max), append(floor, bareBurst())
		}
		c.ours.BurstSendLagMaxMS, c.ours.BurstRequests = report.QuantileOf(ours, 50), n
		c.floor.BurstSendLagMaxMS, c.floor.BurstRequests = report.QuantileOf(floor, 50), n
		return nil
	})
}

// openStreams tries to hold n streams open at once, and measures the client
// memory per stream; held reports whether the harness held them.
func (c *calibrator) openStreams(n int) (held bool, err error) {
	// Each stream stays open for about --window (15 tokens, 200 ms apart at 3 s).
	err = c.withMock([]string{"--ttft", "0s", "--itl", (c.o.Window / 15).String(), "--output-tokens", "15"}, func(url string) error {
		l, err := harness(c.ctx, c.dir(), &Options{URL: url, Concurrency: n, Requests: n, MaxTokens: 15, Spread: 0})
		if err != nil {
			return err
		}
		if l.Requests.OK == n && l.MeanInFlight >= 0.5*float64(n) {
			held = true
			*c.ours.MaxOpenStreams = n
			if l.Client != nil && l.Client.HeapPeakBytes > 0 {
				c.ours.BytesPerStream = float64(l.Client.HeapPeakBytes) / float64(n)
			}
		} else {
			c.say("%d streams not held: %d ok, errors %v, %.0f in flight on average (held: all ok and at least half in flight)", n, l.Requests.OK, l.Errors, l.MeanInFlight)
		}
		runtime.GC() // the harness's leftovers out of the floor's heap
		// The floor is held by the harness's rule: all ok, at least half in
		// flight on average.
		if ok, mean, peak := bare(url, 15).HoldOpen(c.ctx, n); ok == int64(n) && mean >= 0.5*float64(n) {
			*c.floor.MaxOpenStreams, c.floor.BytesPerStream = n, float64(peak)/float64(n)
		} else {
			c.say("bare client, %d streams not held: %d ok, %.0f in flight on average", n, ok, mean)
		}
		return nil
	})
	return held, err
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
	if c.MaxRequestsPerSServerSized > 0 {
		row("  prompts counted by the server", c.MaxRequestsPerSServerSized, f.MaxRequestsPerS, "req/s")
	}
	row("max tokens/s (1000-token streams)", c.MaxTokensPerS, f.MaxTokensPerS, "tok/s")
	for _, k := range slices.Sorted(maps.Keys(c.TTFTBias)) {
		fmt.Fprintf(tw, "TTFT bias %s\t%+.2f ms\t%+.2f ms\t\n", strings.ReplaceAll(k, "_ms_at_", " at "), c.TTFTBias[k], f.TTFTBias[k])
	}
	fmt.Fprintf(tw, "send lag p99 at %g req/s Poisson\t%.3f ms\t%.3f ms\t\n", c.SendLagRate, c.SendLagP99MS, f.SendLagP99MS)
	if c.BurstRequests > 0 {
		row(fmt.Sprintf("last of a %d-request burst sent after", c.BurstRequests), c.BurstSendLagMaxMS, f.BurstSendLagMaxMS, "ms")
	}
	if c.MaxOpenStreams == nil {
		fmt.Fprintf(tw, "open streams held: not measured\t-\t-\t\n")
		return tw.Flush()
	}
	fmt.Fprintf(tw, "open streams held\t%d\t%d\t\n", *c.MaxOpenStreams, deref(f.MaxOpenStreams))
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
		if c.MaxRequestsPerSServerSized > 0 {
			fmt.Fprintf(&b, " %.1f req/s-server-sized", c.MaxRequestsPerSServerSized)
		}
		if c.BurstRequests > 0 {
			fmt.Fprintf(&b, " %.4f burst-%d-last-sent-ms", c.BurstSendLagMaxMS, c.BurstRequests)
		}
		for _, k := range slices.Sorted(maps.Keys(c.TTFTBias)) {
			fmt.Fprintf(&b, " %.4f ttft-bias-%s", c.TTFTBias[k], strings.ReplaceAll(k, "_", "-"))
		}
		if n := deref(c.MaxOpenStreams); n > 0 {
			fmt.Fprintf(&b, " %d open-streams %.0f B/stream", n, c.BytesPerStream)
		}
		fmt.Fprintln(w, b.String())
	}
	line("harness", c)
	if c.Floor != nil {
		line("floor", c.Floor)
	}
	return nil
}

// deref is *p, 0 for nil.
func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

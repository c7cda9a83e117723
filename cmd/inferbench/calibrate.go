package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// calibrateOptions is what `calibrate` needs.
type calibrateOptions struct {
	Format string
	// Window is how long each throughput measurement runs.
	Window time.Duration
	// BiasStreams are the stream counts TTFT bias is measured at.
	BiasStreams []int
	// OpenStreams are the stream counts tried for max_open_streams.
	OpenStreams []int
	// Rate is the Poisson rate send lag is measured at.
	Rate float64
}

// calibration is calibrate's result: the harness's own ceilings and timing
// error on this machine, each with the bare client's figure (floor).
type calibration struct {
	MaxRequestsPerS float64 `json:"max_requests_per_s"`
	MaxTokensPerS   float64 `json:"max_tokens_per_s"`
	MaxOpenStreams  int     `json:"max_open_streams,omitempty"`
	BytesPerStream  float64 `json:"bytes_per_stream,omitempty"`
	// TTFTBiasMS maps "p50_ms_at_N" / "p99_ms_at_N" to measured − injected TTFT.
	TTFTBias          map[string]float64 `json:"ttft_bias"`
	TTFTBiasP99At1000 *float64           `json:"ttft_bias_p99_ms_at_1000,omitempty"`
	SendLagP99MS      float64            `json:"send_lag_p99_ms"`
	SendLagRate       float64            `json:"send_lag_rate_per_s,omitempty"`
	Floor             *calibration       `json:"floor,omitempty"`
	Machine           map[string]any     `json:"machine,omitempty"`
}

func calibrateCommand() *cli.Command {
	return &cli.Command{
		Name:  "calibrate",
		Usage: "measure the harness's own ceilings and timing error on this machine, beside a bare client's",
		Description: `Starts the mock in fixed-timing mode in a separate process on loopback and
drives it with the full harness (recording everything, as run does) and with a
bare client (post, read lines, note the first token: the least a Go client can
do). Reports the highest request rate and token rate, TTFT bias (measured −
injected) at rising stream counts, send lag at a Poisson rate, the open
streams held and client memory per stream; each with the floor beside it.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "text", Usage: "text, json, or bench (Go benchmark lines that benchstat compares across commits)"},
			&cli.DurationFlag{Name: "window", Value: 3 * time.Second, Usage: "length of each throughput measurement"},
			&cli.StringFlag{Name: "bias-streams", Value: "1,100,1000", Usage: "stream counts for TTFT bias"},
			&cli.StringFlag{Name: "open-streams", Value: "1000,5000,10000", Usage: "stream counts tried for max_open_streams (empty: skip)"},
			&cli.Float64Flag{Name: "rate", Value: 2000, Usage: "Poisson rate (req/s) for send lag"},
		},
		Action: func(c *cli.Context) error {
			o := &calibrateOptions{Format: c.String("format"), Window: c.Duration("window"), Rate: c.Float64("rate")}
			var err error
			if o.BiasStreams, err = parseInts(c.String("bias-streams")); err != nil {
				return usagef("--bias-streams: %v", err)
			}
			if o.OpenStreams, err = parseInts(c.String("open-streams")); err != nil {
				return usagef("--open-streams: %v", err)
			}
			if o.Format != "text" && o.Format != "json" && o.Format != "bench" {
				return usagef("--format: want text, json or bench, got %q", o.Format)
			}
			if o.Window <= 0 || o.Rate <= 0 {
				return usagef("--window and --rate must be positive")
			}
			return runCalibrate(c.Context, o, c.App.Writer, c.App.ErrWriter)
		},
	}
}

func parseInts(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	return parseList(s, func(f string) (int, error) {
		n, err := strconv.Atoi(f)
		if err == nil && n < 1 {
			err = fmt.Errorf("want counts ≥ 1, got %d", n)
		}
		return n, err
	})
}

// mockProc is a mock server running in its own process.
type mockProc struct {
	cmd *exec.Cmd
	URL string
}

// startMock runs `inferbench mock` (this executable) with args on a free
// loopback port, in its own process so that its CPU is not the harness's.
func startMock(args ...string) (*mockProc, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, append([]string{"mock", "--listen", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), "INFERBENCH_MAIN=1") // lets a test binary act as inferbench
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	i := strings.Index(line, "http://")
	if err != nil || i < 0 {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, fmt.Errorf("mock did not start: %q %v", line, err)
	}
	go io.Copy(io.Discard, out)
	return &mockProc{cmd: cmd, URL: strings.TrimSpace(line[i:])}, nil
}

func (m *mockProc) stop() {
	m.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { m.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		m.cmd.Process.Kill()
		<-done
	}
}

// harness runs the real `run` path (records, summary, client telemetry)
// against url and returns the level's summary.
func harness(ctx context.Context, dir string, o *runOptions) (*report.Level, error) {
	o.Kind, o.Model, o.API, o.IgnoreEOS, o.Quiet = "vllm", "m", "chat", true, true
	o.GPUBackend, o.ServerMetrics, o.GPUInterval, o.Out = "none", "off", 250*time.Millisecond, dir
	o.PromptTokens = max(o.PromptTokens, 16)
	if o.Timeout == 0 {
		o.Timeout = 2 * time.Minute
	}
	if err := runRun(ctx, o, io.Discard, io.Discard); err != nil {
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
	return &loadgen.BareClient{Client: newHTTPClient(concurrency, nil, false), URL: url + "/v1/chat/completions", Body: body}
}

func runCalibrate(ctx context.Context, o *calibrateOptions, stdout, stderr io.Writer) error {
	tmp, err := os.MkdirTemp("", "inferbench-calibrate-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	ours := &calibration{TTFTBias: map[string]float64{}}
	floor := &calibration{TTFTBias: map[string]float64{}}
	ours.Floor = floor
	ours.Machine = map[string]any{"cpus": runtime.NumCPU(), "gomaxprocs": runtime.GOMAXPROCS(0), "go": runtime.Version(),
		"os": runtime.GOOS, "arch": runtime.GOARCH, "version": toolVersion()}
	step := 0
	dir := func() string { step++; return filepath.Join(tmp, fmt.Sprint(step)) }
	say := func(format string, a ...any) { fmt.Fprintf(stderr, "calibrate: "+format+"\n", a...) }
	withMock := func(args []string, f func(m *mockProc) error) error {
		m, err := startMock(args...)
		if err != nil {
			return err
		}
		defer m.stop()
		return f(m)
	}

	// 1. Request rate: 16-token streams, no delay, 64 streams.
	say("request rate (16-token streams, 64 concurrent, %s each)", o.Window)
	if err := withMock([]string{"--ttft", "0s", "--itl", "0s", "--output-tokens", "16"}, func(m *mockProc) error {
		l, err := harness(ctx, dir(), &runOptions{URL: m.URL, Concurrency: 64, Duration: o.Window, MaxTokens: 16, SpreadAuto: true})
		if err != nil {
			return err
		}
		ours.MaxRequestsPerS = l.RequestsPerS
		b := bare(m.URL, 64, 16, 16).ClosedLoop(ctx, 64, o.Window)
		floor.MaxRequestsPerS = float64(b.Requests) / b.Elapsed.Seconds()
		return nil
	}); err != nil {
		return err
	}

	// 2. Token rate: 1000-token streams as fast as the mock writes them.
	say("token rate (1000-token streams, 8 concurrent)")
	if err := withMock([]string{"--ttft", "0s", "--itl", "0s", "--output-tokens", "1000"}, func(m *mockProc) error {
		l, err := harness(ctx, dir(), &runOptions{URL: m.URL, Concurrency: 8, Duration: o.Window, MaxTokens: 1000, SpreadAuto: true})
		if err != nil {
			return err
		}
		ours.MaxTokensPerS = l.OutputTokensPerS
		b := bare(m.URL, 8, 16, 1000).ClosedLoop(ctx, 8, o.Window)
		floor.MaxTokensPerS = float64(b.Tokens) / b.Elapsed.Seconds()
		return nil
	}); err != nil {
		return err
	}

	// 3. TTFT bias: TTFT 50 ms and 100 ms per token injected, starts spread.
	// The per-token time and the bare client's window scale with --window
	// (3 s: 100 ms, 4 s), so a short calibration is short throughout.
	const injected = 50.0
	itl := (o.Window / 30).String()
	for _, n := range o.BiasStreams {
		say("TTFT bias at %d streams (50 ms injected)", n)
		if err := withMock([]string{"--ttft", "50ms", "--itl", itl, "--output-tokens", "10"}, func(m *mockProc) error {
			l, err := harness(ctx, dir(), &runOptions{URL: m.URL, Concurrency: n, Requests: 3 * n, Warmup: n, MaxTokens: 10, SpreadAuto: true})
			if err != nil {
				return err
			}
			ours.TTFTBias[fmt.Sprintf("p50_ms_at_%d", n)] = l.TTFTMS.P50 - injected
			ours.TTFTBias[fmt.Sprintf("p99_ms_at_%d", n)] = l.TTFTMS.P99 - injected
			if n == 1000 {
				v := l.TTFTMS.P99 - injected
				ours.TTFTBiasP99At1000 = &v
			}
			b := bare(m.URL, n, 16, 10)
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
			return err
		}
	}

	// 4. Send lag at a Poisson rate.
	say("send lag at Poisson %g req/s", o.Rate)
	if err := withMock([]string{"--ttft", "0s", "--itl", "0s", "--output-tokens", "16"}, func(m *mockProc) error {
		l, err := harness(ctx, dir(), &runOptions{URL: m.URL, Rates: []float64{o.Rate}, Arrival: loadgen.ArrivalPoisson,
			Burstiness: 1, Duration: o.Window, MaxTokens: 16, Seed: 1})
		if err != nil {
			return err
		}
		ours.SendLagP99MS, ours.SendLagRate = l.SendLagMS.P99, o.Rate
		arr, err := loadgen.NewArrivals(loadgen.ArrivalPoisson, o.Rate, 1, 0, 1)
		if err != nil {
			return err
		}
		res := bare(m.URL, 256, 16, 16).OpenLoop(ctx, arr.Schedule(0, o.Window))
		floor.SendLagP99MS, floor.SendLagRate = report.DistOfNS(res.SendLagNS).P99, o.Rate
		return nil
	}); err != nil {
		return err
	}

	// 5. Open streams held at once, and client memory per stream.
	for _, n := range o.OpenStreams {
		say("holding %d open streams", n)
		held := false
		// Each stream stays open for about --window (15 tokens, 200 ms apart at 3 s).
		if err := withMock([]string{"--ttft", "0s", "--itl", (o.Window / 15).String(), "--output-tokens", "15"}, func(m *mockProc) error {
			l, err := harness(ctx, dir(), &runOptions{URL: m.URL, Concurrency: n, Requests: n, MaxTokens: 15, Spread: 0})
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
			if ok, peak := bare(m.URL, n, 16, 15).HoldOpen(ctx, n); ok == int64(n) {
				floor.MaxOpenStreams, floor.BytesPerStream = n, float64(peak)/float64(n)
			} else {
				say("bare client, %d streams: %d ok", n, ok)
			}
			return nil
		}); err != nil {
			return err
		}
		if !held {
			break
		}
	}

	switch o.Format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(ours)
	case "bench":
		return writeCalibrationBench(stdout, ours)
	}
	return writeCalibration(stdout, ours)
}

// writeCalibration prints the figures beside the floor and their ratio.
func writeCalibration(w io.Writer, c *calibration) error {
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

// writeCalibrationBench prints the figures as Go benchmark result lines, one
// for the harness and one for the floor, each figure a value and its unit,
// so that `make bench` keeps them beside the Go benchmarks and benchstat
// compares them across commits.
func writeCalibrationBench(w io.Writer, c *calibration) error {
	fmt.Fprintf(w, "goos: %s\ngoarch: %s\npkg: github.com/inferbench/inferbench/calibrate\ncpus: %d\n",
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	line := func(name string, c *calibration) {
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

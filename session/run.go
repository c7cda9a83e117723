package session

import (
	"cmp"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/report/render"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/registry"
)

// A Dialer opens a connection, as net.Dialer.DialContext does.
type Dialer func(ctx context.Context, network, addr string) (net.Conn, error)

// Result is how a run ended: its manifest (run.json as written), the
// summary recomputed from its records, and the records it could not write.
type Result struct {
	Manifest *rundir.Manifest
	Summary  *report.Summary
	// Lost is the number of records that could not be written (disk full).
	Lost int64
}

// httpClient returns the client a run's requests go over: the adapters'
// transport (targets.NewTransport: every connection kept for reuse, no
// transparent gzip) with o's Dial, Insecure and HTTP1 applied, no
// client-wide timeout (each request has its own), and the adapters'
// redirect policy (targets.CheckRedirect: the first request's origin only).
// The adapters apply it to their copy; set here too, it holds for the
// run's own GETs (the server's version, its /metrics page, the mock's GPU
// page), which followed a redirect to any host.
// calibrate and probe pass zero Options: the network, verified TLS, HTTP/2
// where a TLS server offers it.
func httpClient(o *Options) *http.Client {
	tr := targets.NewTransport()
	if o.Insecure {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
	}
	if o.HTTP1 {
		// Go's client otherwise takes HTTP/2 wherever a TLS server offers
		// it, every stream then sharing one connection.
		var p http.Protocols
		p.SetHTTP1(true)
		tr.Protocols = &p
	}
	if o.Dial != nil {
		tr.DialContext = o.Dial
	}
	return &http.Client{Transport: tr, CheckRedirect: targets.CheckRedirect}
}

// unforcedLength is the warning for a workload that asks for exact output
// lengths (ignore_eos) from a target kind that cannot send it: on a vLLM
// server driven as kind openai (the default), outputs end where the model
// stops, and the only sign was the report's share of short outputs.
func unforcedLength(kind string) string {
	msg := fmt.Sprintf("the workload asks for exact output lengths (ignore_eos), which target %s cannot send: outputs end where the model stops, so two servers may not be given the same work", kind)
	if k, _ := registry.Lookup(kind); k.Protocol == "openai" && !k.SelfHosted {
		msg += "; a vLLM, SGLang or llama.cpp server forces them as --target vllm, sglang or llamacpp"
	}
	return msg + "; --ignore-eos=false (a scenario's ignore_eos: false) asks for none and says no more"
}

// Run runs the benchmark described by o and writes its run directory,
// saying what it does on log (one line per event; never the results table,
// which the caller prints from Result.Summary).
//
// Two contexts stop it early (loadgen.Runner.Run): drain's end stops
// sending and gives requests in flight o.Grace; ctx's end cancels them at
// once. Either way the run directory is completed: run.json says
// interrupted, summary.json covers the records written. Errors: an
// *InputError for what the user must fix (exit 2); the run's own failure
// otherwise, with Result still describing what was written.
func Run(ctx, drain context.Context, o *Options, log io.Writer) (*Result, error) {
	// The run directory is the run's product: a closed stdout or stderr
	// (`inferbench run … 2>&1 | head`) fails those writes, not the process,
	// which SIGPIPE would end at its first line after the reader went.
	signal.Ignore(syscall.SIGPIPE)
	drain, stopHangup := onHangup(drain)
	defer stopHangup()
	if err := o.checkAdaptive(); err != nil {
		return nil, err
	}
	// run.json records the scenario: one it cannot hold is refused here,
	// before anything is sent.
	scenario, err := o.resolvedScenario()
	if err != nil {
		return nil, &InputError{Err: err}
	}
	client := httpClient(o)
	defer client.CloseIdleConnections()
	seen := watchResponses(client)
	target, err := registry.New(o.Kind, registry.Options{URL: o.URL, APIKey: string(o.APIKey), API: o.API, Client: client, ContinuousUsage: o.ContinuousUsage})
	if err != nil {
		return nil, &InputError{Err: err}
	}
	// Everything local first: a run directory that cannot be written, or
	// that holds a run, is refused before the server sees a request.
	created, err := createDir(o.Out)
	undo := func() {
		for _, d := range created {
			os.Remove(d) // only if still empty
		}
	}
	if err != nil {
		return nil, err
	}
	replacing := false
	if o.Force {
		_, err := os.Lstat(filepath.Join(o.Out, rundir.ManifestFile))
		replacing = err == nil
	}
	if err := rundir.Create(o.Out, o.Force); err != nil {
		undo()
		if errors.Is(err, rundir.ErrOutTaken) {
			return nil, &InputError{Err: err}
		}
		return nil, err
	}
	if replacing {
		dropStaleReport(o.Out, log)
	}
	if o.IgnoreEOS && !targets.ForcesLength(target) {
		fmt.Fprintln(log, "inferbench: warning: "+unforcedLength(o.Kind))
	}
	o.warnOpenFiles(log)
	if !o.StartAt.IsZero() && time.Now().Before(o.StartAt) && o.serverDown(drain, client) {
		// The server has until --start-at to come up: it is asked nothing
		// (the probe, prompt sizing, its version) before then.
		if err := o.waitStart(drain, log); err != nil {
			undo()
			return nil, err
		}
		o.waited = true
	}
	if !o.NoProbe {
		if err := o.probe(drain, target, log); err != nil {
			undo()
			return nil, err
		}
	}
	if err := o.preparePrompts(drain, client, target, log); err != nil {
		undo()
		return nil, err
	}
	s := &session{o: o, log: &lockedWriter{w: log}, client: client, target: observers(o.Observers).track(target), seen: seen, scenario: scenario}
	if err := s.begin(drain); err != nil {
		o.sizing.close()
		undo()
		return nil, err
	}
	return s.run(ctx, drain)
}

// createDir makes dir if it is missing and returns the directories it
// made, dir first, then each parent that was missing (--out runs/x made
// runs too), so that a run refused before it starts leaves nothing behind.
// On an error it removes those it made itself: MkdirAll can fail after
// making some of them.
func createDir(dir string) ([]string, error) {
	var made []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); !errors.Is(err, fs.ErrNotExist) || filepath.Dir(d) == d {
			break
		}
		made = append(made, d)
	}
	if err := rundir.MakeDir(dir); err != nil { // names a dangling link, as rundir.Create does
		for _, d := range made {
			os.Remove(d) // only if empty
		}
		return nil, fmt.Errorf("--out: %w", err)
	}
	return made, nil
}

// probe sends one short request first: a wrong key, a missing model or a
// model name the API cannot take, a certificate this host does not trust,
// or no server at the address (a host name that does not resolve, a port
// nothing listens on) stops the run with one line instead of hundreds of
// failed records. Other failures (overload, timeouts, resets) are
// measured, not refused: the run records them.
func (o *Options) probe(ctx context.Context, target targets.Target, log io.Writer) error {
	pctx, cancel := context.WithTimeout(ctx, min(o.Timeout, 30*time.Second))
	res, perr := Probe(pctx, target, o.Model, o.redactor())
	cancel()
	var he *targets.HTTPError
	switch {
	case perr == nil:
		warnOtherModel(res, o.Model, log)
	case errors.As(perr, new(*targets.RequestError)):
		// Nothing was sent: the settings cannot make a request.
		return perr
	case errors.As(perr, &he) && (he.Status == http.StatusUnauthorized || he.Status == http.StatusForbidden ||
		he.Status == http.StatusNotFound || (he.Status >= 300 && he.Status < 400)):
		// A wrong key, a missing model or a redirect to another origin
		// (targets.CheckRedirect refuses those) fails every request alike.
		if he.Status != http.StatusNotFound && o.APIKey == "" {
			perr = fmt.Errorf("%w (no key sent: %s is empty)", perr, cmp.Or(o.APIKeyEnv, "no key variable set"))
		}
		return perr
	case errors.As(perr, new(*tls.CertificateVerificationError)):
		// Every request would fail the same handshake: a record of each
		// measures nothing.
		return fmt.Errorf("%w (this host does not trust the server's certificate: add its CA, or --insecure to skip verification)", perr)
	case errors.As(perr, new(*net.AddrError)):
		// An address no dial can take (http://host:99999) fails every
		// request alike, at once.
		return fmt.Errorf("%w (--url's address cannot be dialled: check its port, 1 to 65535)", perr)
	case strings.Contains(perr.Error(), "server gave HTTP response to HTTPS client"):
		// net/http's words (its error is no type or value): the TLS
		// handshake read an HTTP answer, and every request would.
		return fmt.Errorf("%w (the server speaks plain HTTP there: give --url as http://)", perr)
	case ctx.Err() != nil:
		return fmt.Errorf("%w: %w", errNoRun, context.Cause(ctx))
	case nowhere(perr) && !time.Now().Before(o.StartAt):
		// A name that does not resolve or a port nothing listens on fails
		// every request alike, at once: a run of them measures nothing, and
		// read as the server's failure (exit 1) where it is the address's.
		// A run told to start later (--start-at: shards started with their
		// server, a Kubernetes Job beside its Deployment) leaves the server
		// until then to come up, and is only warned.
		return fmt.Errorf("%w (no server at --url: check its host and port; --no-probe runs anyway and records each failure)", perr)
	default:
		fmt.Fprintf(log, "inferbench: warning: %v (running anyway; failures will be recorded)\n", perr)
	}
	return nil
}

// serverDown reports whether nothing answers at --url's address: a name
// that does not resolve or a port nothing listens on (nowhere), dialled
// as the run's requests are (Options.Dial), or directly where no proxy
// stands between.
func (o *Options) serverDown(ctx context.Context, client *http.Client) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, o.URL, nil)
	if err != nil || req.URL.Host == "" {
		return false
	}
	if tr, ok := client.Transport.(*http.Transport); ok && tr.Proxy != nil {
		if p, err := tr.Proxy(req); err != nil || p != nil {
			return false
		}
	}
	port := req.URL.Port()
	if port == "" {
		port = map[bool]string{true: "443", false: "80"}[req.URL.Scheme == "https"]
	}
	addr := net.JoinHostPort(req.URL.Hostname(), port)
	dial := o.Dial
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	c, err := dial(dctx, "tcp", addr)
	if err != nil {
		return nowhere(err)
	}
	c.Close()
	return false
}

// nowhere reports whether err says there is no server at the address: its
// host name does not resolve, or nothing accepts connections on its port.
// A server that is there but slow, overloaded or resetting is measured.
func nowhere(err error) bool {
	var dns *net.DNSError
	return errors.As(err, &dns) && dns.IsNotFound || errors.Is(err, syscall.ECONNREFUSED)
}

// lockedWriter serializes writes to the run's log: the stop's line
// (stopSaid) is written from its own goroutine.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// stopSaid says, once drain ends (the first Ctrl-C), that the run stops:
// to the observers (the live line's "stopping") and on the log, at once,
// not when the requests in flight have finished.
func (s *session) stopSaid(drain context.Context, obs observers) func() {
	return sayOnEnd(drain, func() {
		grace := s.o.Grace
		then := "those in flight are cancelled"
		if grace > 0 {
			then = fmt.Sprintf("those in flight have up to %s (--grace), Ctrl-C again cancels them", grace)
		}
		obs.stopping(grace) // first: the log line redraws the live line
		fmt.Fprintf(s.log, "inferbench: stopping (%v): no new requests; %s\n", context.Cause(drain), then)
	})
}

// cancelSaid says on the log, once ctx ends (the second Ctrl-C), that the
// requests in flight are cancelled: through the log, which redraws the
// live line, not over it (cmd wrote it to stderr on top of the live line,
// which left the line's end behind it).
func (s *session) cancelSaid(ctx context.Context) func() {
	return sayOnEnd(ctx, func() {
		fmt.Fprintf(s.log, "inferbench: stopping now (%v): cancelling the requests in flight\n", context.Cause(ctx))
	})
}

// sayOnEnd runs say once ctx ends. The func it returns, for the end of
// the run, stops it from running, or waits until it has run (so nothing is
// written to the log after Run returns).
func sayOnEnd(ctx context.Context, say func()) func() {
	said := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(said)
		say()
	})
	return func() {
		if !stop() {
			<-said
		}
	}
}

// session is one run in progress.
type session struct {
	o         *Options
	log       io.Writer
	client    *http.Client
	target    targets.Target
	m         *rundir.Manifest
	rw        *rundir.RecordWriter
	t0        time.Time
	telemetry *telemetry
	seen      *responses // whether a response came from `inferbench mock`, and over which HTTP
	release   func()     // gives back the room held for the last writes (rundir.Reserve)
	spans     []rundir.LevelSpan
	scenario  json.RawMessage // run.json's, resolved once by Run
}

// begin writes run.json (exit state running) and starts the record writer
// and the telemetry, after waiting for --start-at.
func (s *session) begin(drain context.Context) error {
	o := s.o
	host, _ := os.Hostname()
	s.m = &rundir.Manifest{
		Tool: "inferbench", Version: o.Version,
		Host: rundir.Host{Name: host, OS: runtime.GOOS, Arch: runtime.GOARCH, CPUs: runtime.NumCPU(), Go: runtime.Version(),
			PID: os.Getpid()},
		Target:   rundir.TargetInfo{Kind: o.Kind, URL: o.shownURL(o.URL), API: o.API, Model: o.Model},
		Scenario: s.scenario,
		Load: rundir.LoadInfo{Profile: o.Profile(), Concurrency: o.Concurrency, Requests: o.Requests, Warmup: o.Warmup,
			DurationS: o.Duration.Seconds(), TimeoutS: o.Timeout.Seconds(), Seed: o.Seed,
			PromptSeed: o.PromptSeed, PromptSeedExplicit: o.SeedExplicit},
		ExitState: rundir.ExitRunning, Shard: o.shardInfo(),
	}
	if o.Trace != nil {
		n, _, last := loadgen.TracePlan(o.Trace, o.Requests, o.Warmup, o.Duration)
		s.m.Load.Requests, s.m.Load.TraceLastDueS = n, last.Seconds()
	}
	o.recordSizing(s.m)
	if o.APIKey != "" {
		s.m.Target.APIKeyEnv = o.APIKeyEnv
		if o.APIKeyFile != "" {
			s.m.Target.APIKeyEnv, s.m.Target.APIKeyFile = "", o.APIKeyFile
		}
	}
	s.m.Server = serverInfo(drain, s.client, o)
	if o.Insecure {
		s.m.Target.InsecureTLS = true
		fmt.Fprintln(s.log, "inferbench: warning: TLS certificate verification is off (--insecure)")
	}
	s.m.Target.HTTP1 = o.HTTP1
	if !o.waited {
		if err := o.waitStart(drain, s.log); err != nil {
			return err
		}
	}
	create := rundir.CreateRecordWriter
	if o.recordWriter != nil {
		create = o.recordWriter
	}
	rw, err := create(o.Out)
	if err != nil {
		return err
	}
	s.rw = rw
	// Room for run.json and summary.json when the disk fills.
	s.release = rundir.Reserve(o.Out)
	s.t0 = time.Now()
	s.m.Start = s.t0.UTC()
	observers(o.Observers).started(s.t0)
	levels := fmt.Sprint(o.Levels())
	if o.Trace != nil {
		levels = "(one level, numbered 0)" // it has no concurrency or rate
	}
	fmt.Fprintf(s.log, "inferbench: %s %s model %s: %s %s, %s → %s\n",
		o.Kind, printable.Text(o.shownURL(o.URL)), printable.Text(o.Model), o.Profile(), levels, o.runBound(s.target), printable.Text(o.Out))
	s.telemetry, err = startTelemetry(drain, o, s.m, s.t0, s.client, s.log)
	if err != nil {
		rw.Close()
		s.release()
		return err
	}
	markManifest(s.m, o, s.seen.Mock(), s.log)
	if err := rundir.WriteManifest(o.Out, s.m); err != nil {
		rw.Close()
		s.telemetry.stop()
		s.release()
		return err
	}
	return nil
}

// run runs the levels and finishes the run directory whatever happened:
// the records written so far are complete and reportable.
func (s *session) run(ctx, drain context.Context) (*Result, error) {
	o := s.o
	levels := o.Levels()
	// Records go to disk as they complete. Only a bisection needs to know,
	// between levels, whether a level met the SLOs: then they also go to an
	// in-memory summarizer (otherwise it would hold every latency of the run
	// for nothing; summary.json is computed from the file at the end).
	bisecting := o.BisectSteps > 0 && !o.SLO.IsZero() && len(levels) > 1 && !o.adaptiveOn()
	if o.BisectSteps > 0 && o.SLO.IsZero() && !o.adaptiveOn() {
		fmt.Fprintf(s.log, "inferbench: note: --bisect %d needs an SLO (--slo-ttft, --slo-tpot, --slo-e2e, --slo-itl) to tell a passing level from a failing one: no level is bisected\n", o.BisectSteps)
	}
	var mu sync.Mutex
	sumz := report.NewSummarizer(o.SLO)
	sumz.RampUp(o.RampUp) // 0 but with --rate (scenarios: ramp_up only applies with load.rate)
	obs := observers(o.Observers)
	sink := s.recordSink(obs, bisecting, &mu, sumz)
	defer s.stopSaid(drain, obs)()
	defer s.cancelSaid(ctx)()
	var (
		runErr   error
		firstID  uint64
		spreads  []string
		finished = map[float64]bool{}
	)
	runLevel := func(lv float64, al *adaptiveLevel) error {
		var extra []loadgen.Option
		if al != nil {
			extra = al.options()
		}
		r, err := o.runner(s.target, lv, firstID, extra...)
		if errors.Is(err, loadgen.ErrNoShare) {
			fmt.Fprintf(s.log, "inferbench: level %g: nothing for shard %s at this level\n", lv, o.Shard)
			finished[lv] = true
			return nil
		} else if err != nil {
			return err
		}
		if (len(levels) > 1 || o.BisectSteps > 0) && len(obs) == 0 { // observers show the level
			fmt.Fprintf(s.log, "inferbench: level %g …\n", lv)
		}
		plan := levelPlan(r, lv, o.Profile())
		plan.Sessions = o.Sessions != nil
		plan.RampUp, plan.Streams = o.RampUp, report.ClosedStreams(s.m, lv)
		obs.levelStarted(al.levelPlan(plan))
		if al != nil {
			al.begin(r, firstID+uint64(o.Warmup), time.Since(s.t0))
		}
		began := time.Since(s.t0).Nanoseconds()
		res, err := r.Run(ctx, drain, s.t0, sink)
		span := rundir.LevelSpan{Level: lv, Open: r.IsOpen(), StartNS: began, EndNS: time.Since(s.t0).Nanoseconds()}
		s.spans = append(s.spans, span)
		mu.Lock()
		sumz.AddSpan(span)
		mu.Unlock()
		if al != nil {
			al.ended(err == nil, o.Duration) // its stop, before the level's result
		}
		obs.levelFinished(lv, levelSummary(obs, bisecting, &mu, sumz, lv))
		firstID += uint64(res.Sent)
		if o.SpreadAuto && !r.IsOpen() {
			spreads = append(spreads, fmt.Sprintf("%g: %s", lv, res.Spread.Round(time.Millisecond)))
			if res.Spread >= loadgen.MaxAutoSpread {
				fmt.Fprintf(s.log, "inferbench: level %g: the spread probe took %s or more; the start spread is capped there (the probe is not measured)\n", lv, loadgen.MaxAutoSpread)
			}
		}
		if err == nil {
			finished[lv] = true
		}
		return err
	}
	if o.adaptiveOn() {
		runErr = s.runAdaptive(runLevel)
	} else {
		for _, lv := range levels {
			if runErr = runLevel(lv, nil); runErr != nil {
				break
			}
		}
	}
	if runErr == nil && bisecting {
		runErr = o.bisect(finished, &mu, sumz, func(lv float64) error { return runLevel(lv, nil) })
	}
	closeErr := errors.Join(unsaid(runErr, s.rw.Close()), s.telemetry.stop())
	return s.finish(runErr, closeErr, spreads)
}

// dropStaleReport removes from dir, whose run --force replaces, the report
// written of that run (report --out DIR DIR): report.html, report.md,
// report.json and levels.csv described a run no longer there, beside the
// new one, and read as its. plots/ and vllm/, directories that may hold
// the user's files too, are said, not removed.
func dropStaleReport(dir string, log io.Writer) {
	for _, f := range render.Files {
		p := filepath.Join(dir, f)
		if fi, err := os.Lstat(p); err == nil && fi.Mode().IsRegular() {
			if err := os.Remove(p); err != nil {
				fmt.Fprintf(log, "inferbench: warning: --force: %s, the replaced run's report, could not be removed: %v\n", p, err)
			}
		}
	}
	for _, d := range render.Dirs {
		if fi, err := os.Lstat(filepath.Join(dir, d)); err == nil && fi.IsDir() {
			fmt.Fprintf(log, "inferbench: warning: --force: %s/ holds the replaced run's figures, not this run's: `inferbench report --out %s %s` rewrites them\n",
				filepath.Join(dir, d), dir, dir)
		}
	}
}

// unsaid is err less the errors runErr already holds: the record writer's
// Close returns again the write error its Write returned, on which the run
// stopped ("write record: …: no space left on device"), and run.json and
// the command said it twice.
func unsaid(runErr, err error) error {
	if runErr == nil || err == nil {
		return err
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	var left []error
	for _, e := range errs {
		if !errors.Is(runErr, e) {
			left = append(left, e)
		}
	}
	return errors.Join(left...)
}

// finish writes run.json's end and exit state and summary.json.
func (s *session) finish(runErr, closeErr error, spreads []string) (*Result, error) {
	o, m := s.o, s.m
	end := time.Now().UTC()
	m.End = &end
	m.Records = s.rw.Count()
	m.ServerMetricsError = s.telemetry.serverMetricsFailure()
	m.Simulated = m.Simulated || s.seen.Mock() // with --no-probe, the first response may come later
	m.Target.HTTP = s.seen.Protocols()
	m.Levels = s.spans
	res := &Result{Manifest: m, Lost: s.rw.Lost()}
	if len(spreads) > 0 {
		m.Load.StartSpread = fmt.Sprintf("auto (duration of each level's probe request, not measured, at most %s): ", loadgen.MaxAutoSpread) + strings.Join(spreads, ", ")
	} else if o.Profile() == "concurrency" || o.Profile() == "sweep" {
		m.Load.StartSpread = o.Spread.String()
		m.Load.StartSpreadNS = o.Spread.Nanoseconds()
	}
	switch {
	case runErr == nil && closeErr == nil:
		m.ExitState = rundir.ExitComplete
	case errors.Is(runErr, context.Canceled) && closeErr == nil:
		m.ExitState, m.ExitReason = rundir.ExitInterrupted, "interrupted by signal"
	default:
		m.ExitState, m.ExitReason = rundir.ExitFailed, errors.Join(runErr, closeErr).Error()
	}
	if res.Lost > 0 {
		// Said once, with the counts, rather than once per lost record.
		lost := fmt.Sprintf("%d records written, %d lost: %v", m.Records, res.Lost, errors.Join(runErr, closeErr))
		m.ExitState, m.ExitReason = rundir.ExitFailed, lost
		fmt.Fprintln(s.log, "inferbench: error:", lost)
	}
	o.sizing.close()
	o.recordSizing(m)
	observers(o.Observers).end(m.ExitState)
	s.release() // the records and telemetry are closed: their room is run.json's and summary.json's
	if err := rundir.WriteManifest(o.Out, m); err != nil {
		return res, errors.Join(runErr, closeErr, err)
	}
	// summary.json is recomputed from the file, exactly as `report` does, so
	// the two can never disagree.
	sum, warnings, err := report.SummarizeRun(o.Out, o.SLO)
	if err != nil {
		return res, errors.Join(runErr, closeErr, err)
	}
	res.Summary = sum
	for _, w := range warnings {
		fmt.Fprintln(s.log, "inferbench: warning:", w)
	}
	if err := report.WriteSummaryFile(o.Out, sum); err != nil {
		return res, errors.Join(runErr, closeErr, err)
	}
	if m.ExitState == rundir.ExitFailed {
		return res, cmp.Or(errors.Join(runErr, closeErr), errors.New(m.ExitReason))
	}
	return res, nil
}

// runner returns the Runner of one level (loadgen.ErrNoShare when this
// shard has no share of it).
func (o *Options) runner(t targets.Target, level float64, firstID uint64, extra ...loadgen.Option) (*loadgen.Runner, error) {
	w := loadgen.Workload{Model: o.Model, PromptTokens: o.PromptTokens, MaxTokens: o.MaxTokens,
		IgnoreEOS: o.IgnoreEOS, Stop: o.Stop, Seed: o.PromptSeed, Lengths: o.Lengths, Prompt: o.Prompt, Sessions: o.Sessions}
	w.Synth, w.PrefixGroup, w.ProbePrompt = o.synthHooks()
	opts := []loadgen.Option{loadgen.Requests(o.Requests), loadgen.Warmup(o.Warmup), loadgen.Duration(o.Duration),
		loadgen.Timeout(o.Timeout), loadgen.Level(level, firstID), loadgen.Seed(uint64(o.Seed)),
		loadgen.Retries(o.Retries, 0), loadgen.Grace(o.Grace), loadgen.Shard(o.Shard)}
	switch o.Profile() {
	case "trace":
		opts = append(opts, loadgen.Trace(o.Trace))
	case "rate":
		opts = append(opts, loadgen.Rate(level, o.Arrival, o.Burstiness), loadgen.MaxConcurrency(o.MaxConcurrency), loadgen.RampUp(o.RampUp))
	default:
		spread := o.Spread
		if o.SpreadAuto {
			spread = loadgen.AutoSpread
		}
		opts = append(opts, loadgen.Concurrency(int(level)), loadgen.Spread(spread))
	}
	opts = append(opts, loadgen.Secrets(o.secrets()...))
	return loadgen.New(t, w, append(opts, extra...)...)
}

// secrets are the credentials the run sends: the API key and those the URL
// carries (a password, a key in the query). A server may echo any of them
// in what the run records or says.
func (o *Options) secrets() []string {
	s := []string{string(o.APIKey)}
	if u, err := url.Parse(o.URL); err == nil {
		s = append(s, targets.URLSecrets(u)...)
	}
	return slices.DeleteFunc(s, func(k string) bool { return k == "" })
}

// redactor removes the run's secrets from text.
func (o *Options) redactor() targets.Redactor { return targets.NewRedactor(o.secrets()...) }

// shownURL is a URL of the run's (the target's, the GPU exporter's) as
// run.json, the run's lines and its errors show it: key-like parameters
// and a password masked (targets.RedactURL), and the run's own secrets
// removed wherever else they stand. An API key put in the URL's path or in
// a parameter of another name (?foo=sk-…) was shown as it was, in run.json
// and every report of it.
func (o *Options) shownURL(u string) string { return o.redactor().Redact(targets.RedactURL(u)) }

// bisect refines capacity after a sweep: between the highest level that met
// the SLOs and the next level up (which did not), it runs the midpoint, up
// to BisectSteps times (integer concurrencies; rates to 1 %).
func (o *Options) bisect(finished map[float64]bool, mu *sync.Mutex, sumz *report.Summarizer, runLevel func(float64) error) error {
	for range o.BisectSteps {
		mu.Lock()
		snap := sumz.Snapshot()
		mu.Unlock()
		lo, hi, ok := bracket(snap, o.SLO)
		if !ok {
			return nil
		}
		mid := (lo + hi) / 2
		if o.Profile() == "sweep" {
			mid = math.Floor(mid)
			if mid <= lo {
				return nil
			}
		} else if (hi-lo)/hi < 0.01 {
			return nil
		}
		if finished[mid] {
			return nil
		}
		if err := runLevel(mid); err != nil {
			return err
		}
	}
	return nil
}

// bracket finds the highest level meeting slo and the lowest level above it
// that does not.
func bracket(s *report.Summary, slo report.SLO) (lo, hi float64, ok bool) {
	loIdx := -1
	for i := range s.Levels {
		if met, _ := report.MeetsSLO(&s.Levels[i], slo); met {
			loIdx = i
		}
	}
	if loIdx < 0 || loIdx == len(s.Levels)-1 {
		return 0, 0, false
	}
	return s.Levels[loIdx].Level, s.Levels[loIdx+1].Level, true
}

// levelBound says what ends each level, for the run's header line: its
// request count, its duration, or whichever comes first; warm-up apart.
func (o *Options) levelBound() string {
	if o.plan != nil {
		// An adaptive level stops when its numbers are known: the request
		// count is not its bound (it read "100 requests per level").
		po := o.plan.Options()
		bound := fmt.Sprintf("each level stopped at ±%g%% (%d–%d judged requests", 100*po.Precision, po.MinRequests, po.MaxRequests)
		if o.Duration > 0 {
			bound += fmt.Sprintf(", at most %s", o.Duration)
		}
		return fmt.Sprintf("%s) (+%d warm-up)", bound, o.Warmup)
	}
	switch {
	case o.Trace != nil:
		// A trace replays its arrivals (the first Warmup of them as the
		// warm-up); with a count, the lines after the warm-up as many as it
		// has (it read "20 requests" of a trace of 12 lines); those due
		// within the duration when one is set.
		bound, warm := fmt.Sprintf("the trace's %d arrivals", len(o.Trace)), fmt.Sprintf("%d of them warm-up", o.Warmup)
		if o.Requests > 0 {
			n, w, _ := loadgen.TracePlan(o.Trace, o.Requests, o.Warmup, o.Duration)
			bound, warm = fmt.Sprintf("the trace's first %d arrivals after the warm-up", n), fmt.Sprintf("+%d warm-up", w)
			if n < o.Requests {
				bound = fmt.Sprintf("the trace's %d arrivals after the warm-up, fewer than the %d requests asked", n, o.Requests)
			}
		}
		if o.Duration > 0 {
			bound += fmt.Sprintf(", those due in the first %s", o.Duration)
		}
		return fmt.Sprintf("%s (%s)", bound, warm)
	case o.Requests > 0 && o.Duration > 0:
		return fmt.Sprintf("%s or %s per level, whichever ends first (+%d warm-up)", printable.Count(o.Requests, "request"), o.Duration, o.Warmup)
	case o.Duration > 0:
		return fmt.Sprintf("%s per level (+%d warm-up)", o.Duration, o.Warmup)
	}
	return fmt.Sprintf("%s (+%d warm-up) per level", printable.Count(o.Requests, "request"), o.Warmup)
}

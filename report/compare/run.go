package compare

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// Meta is what decides whether two runs can be compared, from run.json.
type Meta struct {
	// Model, Scenario and TargetKind must match for a comparison.
	Model      string `json:"model"`
	Scenario   string `json:"scenario"`
	TargetKind string `json:"target_kind"`
	// ToolVersion and Host may differ (with a warning).
	ToolVersion string `json:"tool_version"`
	Host        string `json:"host"`
	// ServerVersion and ServerArgs are the serving software's version and
	// launch flags (run.json server): the stack under test, so runs whose
	// differ are compared, with a warning (a history: baseline spans them).
	ServerVersion string `json:"server_version,omitempty"`
	ServerArgs    string `json:"server_args,omitempty"`
	// Start is the run's wall-clock start; zero when unknown.
	Start time.Time `json:"start"`
	// HTTP is the HTTP versions the run's responses came over (run.json
	// target.http); "" for a run written before it was recorded.
	HTTP string `json:"http,omitempty"`
	// Shard is "I/N" for one shard of a sharded run, which carries its
	// part of the load, or a partial merge's shards (ShardOf); empty for a
	// whole run (one merged from every shard included).
	Shard string `json:"shard,omitempty"`
	// GPU is the server's GPU (GPUOf: telemetry's, else the one stated);
	// runs on other GPUs are compared with a warning.
	GPU GPU `json:"gpu,omitzero"`
	// Settings is the resolved scenario without its name and target, as
	// JSON: runs whose settings differ are compared with a warning.
	Settings json.RawMessage `json:"-"`
	// Gate is the scenario's gate thresholds (its `gate:` mapping) as
	// JSON; empty when it has none.
	Gate json.RawMessage `json:"-"`
	// Prompts says whose synthetic prompts a run sent again every run
	// (promptsOf): "" for prompts drawn for the run, or a dataset's.
	Prompts string `json:"-"`
	// Ended says how a run that stopped early ended, to follow "the run
	// was" ("interrupted by signal after 113 records", "stopped by a
	// failure (write requests.jsonl: …) after 40 records"); empty for a complete
	// run. MetaOf leaves it empty for a run run.json still calls running;
	// LoadRun refuses one still going on this host and sets it of the
	// others ("cut short (…: killed?) after 121 records", cutShort).
	Ended string `json:"-"`
	// PrefixCache is each level's prefix cache hit rate over its window
	// (PrefixCacheOf: report.ServerLevel.PrefixCacheHitRate, 0–1); nil
	// where the runs' summaries were not read (MetaOf alone), where the engine's
	// metrics gave one; nil without server metrics.
	PrefixCache map[float64]float64 `json:"-"`
}

// ShardOf is a run's sharding as Meta.Shard holds it: "" for a whole run
// (a merge of every shard included), "I/N" for a shard, and for a merge of
// fewer shards than the run had (merge --partial) which ones and of how
// many ("shards 0, 2 of 4 merged (partial)", PartialMerge): like a shard,
// it carries only part of the load.
func ShardOf(m *rundir.Manifest) string {
	if m.Shard != nil {
		return m.Shard.String()
	}
	return PartialMerge(m)
}

// PartialMerge describes a run merged from fewer shards than the run was
// split into ("shard 0 of 2 merged (partial)"); "" for any other run
// (report.PartialMerge, whose words the report and the history use too).
func PartialMerge(m *rundir.Manifest) string {
	return report.PartialMerge(m)
}

// MetaOf extracts a run's Meta from its manifest. A run made without a
// scenario file has the scenario name its run.json recorded, which may be
// empty.
func MetaOf(m *rundir.Manifest) Meta {
	meta := Meta{Model: m.Target.Model, TargetKind: m.Target.Kind, ToolVersion: m.Version,
		Host: m.Host.Name, HTTP: m.Target.HTTP, Start: m.Start, Shard: ShardOf(m), GPU: GPUOf(m)}
	if m.Server != nil {
		meta.ServerVersion, meta.ServerArgs = m.Server.Version, m.Server.Args
	}
	switch m.ExitState {
	case rundir.ExitInterrupted:
		// The reason says it ("interrupted by signal"); said once.
		meta.Ended = cmp.Or(m.ExitReason, "interrupted")
		if !strings.HasPrefix(meta.Ended, "interrupted") {
			meta.Ended = "interrupted (" + meta.Ended + ")"
		}
	case rundir.ExitFailed:
		meta.Ended = "stopped by a failure"
		if m.ExitReason != "" {
			meta.Ended += " (" + m.ExitReason + ")"
		}
	}
	if meta.Ended != "" {
		meta.Ended += fmt.Sprintf(" after %d records", m.Records)
	}
	if len(m.Scenario) > 0 {
		var generic map[string]json.RawMessage
		if json.Unmarshal(m.Scenario, &generic) == nil {
			var name string
			_ = json.Unmarshal(generic["name"], &name)
			meta.Scenario = name
			delete(generic, "name")
			delete(generic, "description")
			delete(generic, "target")
			generic["workload"] = seedZeroUnset(generic["workload"])
			meta.Gate = generic["gate"]
			meta.Settings = settingsOf(generic)
			meta.Prompts = promptsOf(m, generic["workload"])
		}
	}
	return meta
}

// settingsOf is a scenario's settings (name, description and target
// left out) as comparable bytes: map keys sorted, and every file it names
// (a dataset's, a trace's, an empirical length list's "file", the
// "tokenizer") by its base name. run.json holds them resolved to absolute
// paths, and a CI job whose checkout lies in a directory of its own every
// night (GitLab's builds directory) named the same file by another path
// each night: compare warned that the setting differed, and a history
// baseline, which keeps only nights of the candidate's workload, had none.
// The file's name still tells one dataset from another.
func settingsOf(generic map[string]json.RawMessage) json.RawMessage {
	raw, _ := json.Marshal(generic)
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return raw
	}
	baseNames(v)
	out, err := json.Marshal(v)
	if err != nil {
		return raw
	}
	return out
}

// baseNames makes every "file" and "tokenizer" string under v its base
// name (settingsOf).
func baseNames(v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && (k == "file" || k == "tokenizer") {
				v[k] = filepath.Base(s)
				continue
			}
			baseNames(x)
		}
	case []any:
		for _, x := range v {
			baseNames(x)
		}
	}
}

// seedZeroUnset is a scenario's workload settings (run.json) with a seed
// of 0 left out: an unset seed runs as 0 (the same lengths and arrivals),
// and a run.json written before 2026-12-06 stored an unset seed as 0
// while one written since leaves it out. As settings they are one, so
// that a night's run is compared with the nights before it (and a history
// baseline keeps them) across that change.
func seedZeroUnset(workload json.RawMessage) json.RawMessage {
	var w map[string]json.RawMessage
	if json.Unmarshal(workload, &w) != nil {
		return workload
	}
	if seed, ok := w["seed"]; !ok || string(seed) != "0" {
		return workload
	}
	delete(w, "seed")
	out, err := json.Marshal(w)
	if err != nil {
		return workload
	}
	return out
}

// promptsOf says how the synthetic prompts of run m repeat across runs:
// "the same every run (--seed N)" with an explicit seed; with no
// prompt_seed in run.json (0: drawn, it is never 0 but once in 2^63), the
// scenario seed's prompts of an inferbench of before 2026-12-03, the same
// every run too; "" when they were drawn for the run, or came from a
// dataset (workload, the scenario's), the same every run on any version.
func promptsOf(m *rundir.Manifest, workload json.RawMessage) string {
	var w struct {
		Dataset json.RawMessage `json:"dataset"`
	}
	if json.Unmarshal(workload, &w) == nil && len(w.Dataset) > 0 && string(w.Dataset) != "null" {
		return ""
	}
	switch {
	case m.Load.PromptSeedExplicit:
		return fmt.Sprintf("the same every run (--seed %d)", m.Load.PromptSeed)
	case m.Load.PromptSeed == 0:
		return fmt.Sprintf("the same every run (seed %d: run.json has no prompt_seed, so an inferbench of before 2026-12-03 made it, whose prompts were the scenario seed's)", m.Load.Seed)
	}
	return ""
}

// Run is a run directory loaded for comparison: its metadata, its Summary
// and the per-request values the bootstrap resamples.
type Run struct {
	// Dir is the run directory.
	Dir string
	// Meta is from run.json.
	Meta Meta
	// SLO is the SLO goodput was judged by.
	SLO report.SLO
	// Summary is recomputed from requests.jsonl (report.Summarize).
	Summary *report.Summary
	// Warnings are problems that did not stop the loading.
	Warnings []string
	// Manifest is run.json as read when the run was loaded, and
	// ManifestJSON its bytes: what a history fingerprints (the run judged
	// is the run of those bytes), without reading it again.
	Manifest     *rundir.Manifest
	ManifestJSON []byte

	levels map[float64]*LevelSample
}

// LevelSample is one level's measured stage as the comparison engine
// resamples it: each request's outcome, token counts and busy time, and the
// per-request values of report/metrics.go (TTFT, TPOT, ITL per token, E2E)
// in milliseconds, sorted with the request each came from. It is the one
// per-request sample of the regression gate (Compare) and of the
// qualification report's verdict (Ratios).
type LevelSample struct {
	reqs []request
	// sorted is each field's values, sorted (weighted), indexed by field.
	sorted [fieldE2E + 1]weighted
	// ttfts and tpots are the TTFT and TPOT values in request order.
	ttfts, tpots []float64
	// windowS is the window the rates divide by, in seconds: the level's
	// steady state (report.Steady) when it has one, else its window
	// (report.LevelWindow); heldMS the time the requests held their
	// workers inside it (Σ request.heldMS, and the warm-ups').
	windowS, heldMS float64
	// open says the level is an open loop (Collector.For): its window is
	// its schedule's, the same in every resample; noITL that its ITL
	// values were not kept (Collector.WithoutITL).
	open, noITL bool
	// warm is the warm-up requests' work inside the steady state, and the
	// time they held their workers there: counted in every (re)sample's
	// rates as it is, never resampled (steady).
	warm struct{ ok, good, out, in, heldMS float64 }
	// clusters, for a level of multi-turn sessions, is each request's
	// session numbered from 0 (a request outside one, its own number),
	// nClusters how many there are: a resample draws sessions, each with
	// all its turns (resampleClusters), as the turns of one conversation
	// are not independent of one another (its context, its cache). nil
	// for a level without sessions, whose requests are drawn one by one.
	clusters  []uint32
	nClusters int
	// ids are the requests' IDs (rundir.Record.ID), in request order, and
	// fingerprint the sum of their pairKeys: what pairing needs (4 bytes
	// a request). ids is nil where an ID does not fit 32 bits.
	ids         []uint32
	fingerprint uint64
	// turns counts the requests of each turn kind (request.turn), failed
	// ones included: which turns' TTFT the level has (turnsHad).
	turns [laterTurn + 1]int
}

// TTFTs returns the TTFT of every successful request (ms), in request order.
func (s *LevelSample) TTFTs() []float64 { return s.ttfts }

// TPOTs returns the TPOT of every successful request with more than one
// output token (ms), in request order.
func (s *LevelSample) TPOTs() []float64 { return s.tpots }

// Requests is the number of requests of the sample, failed ones included.
func (s *LevelSample) Requests() int { return len(s.reqs) }

// request is what the rates need of one measured request: share is the
// part of its output the rates count (its credit's report.Credit.Share of
// the steady state; 1 without one), heldMS the part of its time holding
// its worker (report.BusySpan: from busyFrom to its credit's To) inside
// the same window, in ms: a float32 beside the booleans, so that a
// request stays 120 bytes (a million of them are held per run); its
// 2^-24 relative error moves a resample's window by no more, and the
// sample's own by none (its held time over itself is 1 exactly).
//
// turn is the request's turn kind in a multi-turn session (noTurn,
// firstTurn, laterTurn), in the bytes the booleans leave before heldMS:
// the turns' TTFT samples are picked out of TTFT's by it when a level is
// compared (samples), so that they cost a loaded run nothing.
type request struct {
	ok, good bool
	turn     uint8
	heldMS   float32
	in, out  int64
	busyFrom int64
	credit   report.Credit
	share    float64
}

// The turn kinds of request.turn.
const (
	noTurn    = 0 // no session (rundir.Record.Turn 0)
	firstTurn = 1 // a session's turn 1
	laterTurn = 2 // its turns 2 and later
)

// turnKind is rec's turn kind.
func turnKind(rec *rundir.Record) uint8 {
	switch {
	case rec.Turn < 1:
		return noTurn
	case rec.Turn == 1:
		return firstTurn
	}
	return laterTurn
}

// kindOf is the turn kind whose requests' TTFTs session field f holds.
func kindOf(f field) uint8 {
	if f == fieldTurn1 {
		return firstTurn
	}
	return laterTurn
}

// heldWithin is the part of q's busy span inside [start, end], in ms.
func (q *request) heldWithin(start, end int64) float32 {
	return float32(report.HeldWithin([2]int64{q.busyFrom, q.credit.To}, start, end)) / 1e6
}

// newRequest returns rec's request, counted whole.
func newRequest(rec *rundir.Record) request {
	return request{ok: rec.OK, turn: turnKind(rec), busyFrom: report.BusySpan(rec)[0], heldMS: float32(report.BusyMS(rec)), share: 1, credit: report.CreditOf(rec)}
}

// LoadRun reads the run directory dir for comparison: run.json (needed),
// then requests.jsonl, once, recomputing its Summary with slo as it is
// (a zero one is no SLO: every successful request good) and taking each
// level's sample. A caller judging by the run's own scenario's SLO reads
// it from run.json (report.ManifestSLO of LoadOpened's rd.Manifest, as the
// gate's candidate is).
func LoadRun(dir string, slo report.SLO) (*Run, error) {
	rd, err := rundir.Open(dir)
	if err != nil {
		return nil, err
	}
	return LoadOpened(rd, slo)
}

// LoadOpened is LoadRun of the run directory rd, opened already
// (rundir.Open: its run.json read): a caller that checks run.json's bytes
// (a history's fingerprint, rd.ManifestJSON) or takes its SLO from them
// judges the run of the bytes it read, read once.
func LoadOpened(rd *rundir.Run, slo report.SLO) (*Run, error) {
	dir := rd.Dir
	m := rd.Manifest
	if m == nil {
		return nil, fmt.Errorf("run %s: no readable %s: a comparison needs the run's model, scenario and target", dir, rundir.ManifestFile)
	}
	if m.StillGoing() {
		// Its records so far would be judged as the whole run.
		return nil, fmt.Errorf("run %s is still going (pid %d on this host): compare it once it has finished", dir, m.Host.PID)
	}
	r := &Run{Dir: dir, Meta: MetaOf(m), SLO: slo, Manifest: m, ManifestJSON: rd.ManifestJSON}
	col := NewCollector(slo).For(m)
	sum, err := report.Summarize(rd, slo, col.Add)
	if err != nil {
		return nil, err
	}
	if err := CheckRecords(dir, m, sum.Records); err != nil {
		return nil, err
	}
	if m.ExitState == rundir.ExitRunning {
		r.Meta.Ended = cutShort(m, sum.Records)
	}
	r.Meta.PrefixCache = PrefixCacheOf(sum)
	r.Summary, r.Warnings, r.levels = sum, rd.Warnings, col.Levels(sum)
	return r, nil
}

// PrefixCacheOf is Meta.PrefixCache of the runs of sums: each level's
// prefix cache hit rate (report.ServerLevel.PrefixCacheHitRate), the median
// of the runs that reported one at it (a history baseline's several); a
// map, empty where none was reported, never nil: what the runs' servers
// said is known.
func PrefixCacheOf(sums ...*report.Summary) map[float64]float64 {
	by := map[float64][]float64{}
	for _, s := range sums {
		for _, l := range s.Levels {
			if l.Server != nil && l.Server.PrefixCacheHitRate != nil {
				by[l.Level] = append(by[l.Level], *l.Server.PrefixCacheHitRate)
			}
		}
	}
	out := make(map[float64]float64, len(by))
	for lv, vs := range by {
		out[lv] = median(vs)
	}
	return out
}

// CheckRecords refuses a run that ended having written more records than
// its requests.jsonl holds (read, report.Summary.Records): a copy cut short,
// an artifact truncated in upload or download, whose missing requests, or
// whole levels, would go unjudged by the gate and, in the history, its
// remains be taken for the night. A run still running (or killed) counts
// none in run.json, and is not refused here.
func CheckRecords(dir string, m *rundir.Manifest, read int64) error {
	if m.ExitState == rundir.ExitRunning || read >= m.Records {
		return nil
	}
	return fmt.Errorf("run %s: %s holds %d of the %d records its run.json counts: records are missing (a copy cut short?); use the whole run",
		dir, rundir.RecordsFile, read, m.Records)
}

// cutShort is Meta.Ended of a run whose run.json still says running and
// whose process is not going on this host (StillGoing is refused): killed,
// or on another host, still going or not; records is what its
// requests.jsonl holds (run.json counts none until the run ends).
func cutShort(m *rundir.Manifest, records int64) string {
	why := "run.json still says running: killed, or still going on another host?"
	if m.Writer() == rundir.WriterGone {
		why = fmt.Sprintf("run.json still says running and its process, pid %d on this host, is gone: killed?", m.Host.PID)
	}
	return fmt.Sprintf("cut short (%s) after %d records", why, records)
}

// collectBefore is the number of ITL events from which Levels collects
// the garbage before it sorts them (a full collection: some 0.1 s per GB
// of live heap, nothing beside a sort of 8 million keys).
const collectBefore = 8 << 20

// A Collector takes a run's records, one at a time, into per-level
// samples, counting the records report.Summarizer counts: the measure
// stage; retried attempts widen the window (report.Span) but are not
// requests. It keeps no record.
type Collector struct {
	slo  report.SLO
	accs map[float64]*sampleAcc
	// noITL leaves the per-token ITL values out (WithoutITL).
	noITL bool
	// seed is the run's workload seed (Seed).
	seed uint64
	// open says the run's levels are open loops, openAt which levels are
	// (For).
	open   bool
	openAt map[float64]bool
}

// For sets c up for the levels of the run of manifest m: its workload seed
// (Seed) and which of its levels are open loops (OpenLoop).
func (c *Collector) For(m *rundir.Manifest) *Collector {
	c.open = OpenLoop(m)
	for _, sp := range m.Levels {
		if sp.Open {
			if c.openAt == nil {
				c.openAt = map[float64]bool{}
			}
			c.openAt[sp.Level] = true
		}
	}
	return c.Seed(m.Load.Seed)
}

// OpenLoop says the levels of the run of manifest m are open loops: a
// rate (sessions at a rate too: their arrivals are scheduled) or a trace,
// whose steady state's window its schedule sets, not its requests'
// durations (LevelSample.stats). A level run.json marks open
// (rundir.LevelSpan.Open, loadgen.Runner.IsOpen) is one whatever the
// profile (Collector.For).
func OpenLoop(m *rundir.Manifest) bool {
	return m != nil && (m.Load.Profile == "rate" || m.Load.Profile == "trace")
}

// WithoutITL makes c keep no per-token ITL values: its samples have none,
// and their ITL percentiles are NaN. Those values are one per output token
// (most of a sample's memory on a long run); a caller whose metrics have no
// ITL percentile (the qualification report's verdict) needs none of them.
func (c *Collector) WithoutITL() *Collector {
	c.noITL = true
	return c
}

// Seed makes c's levels pair only with levels of runs of the same workload
// seed (run.json's load seed, which drew the requests' lengths and
// arrivals: pairing); runs of other seeds sent other requests, even where
// every length is fixed.
func (c *Collector) Seed(seed int64) *Collector {
	c.seed = uint64(seed)
	return c
}

// NewCollector returns a Collector judging goodput by slo.
func NewCollector(slo report.SLO) *Collector {
	return &Collector{slo: slo, accs: map[float64]*sampleAcc{}}
}

// Add takes one record.
func (c *Collector) Add(rec *rundir.Record) {
	if rec.Stage == rundir.StageWarmup && !rec.Retried {
		// Its work inside the steady state counts in the rates, as the
		// summary's does (report.SteadyAcc.AddWarmup), and its time there
		// in the time held, failed or not, as the summary's busy time
		// does; it is no request.
		a := c.acc(rec.Level)
		q := newRequest(rec)
		if rec.OK {
			q.good, q.in, q.out = c.slo.Met(report.PerRequest(rec)), int64(rec.InputTokens), int64(rec.OutputTokens)
		}
		a.warm = append(a.warm, q)
	}
	if rec.Stage != rundir.StageMeasure {
		return
	}
	a := c.acc(rec.Level)
	a.span.Add(rec)
	if !rec.Retried {
		a.add(rec, c.slo, !c.noITL)
	}
}

// Levels returns each level's sample; its rates are over the steady state
// sum gives the level (report.Steady), as the summary's are. The samples
// take over what c collected (sorted in place): call it once, after the
// last Add.
func (c *Collector) Levels(sum *report.Summary) map[float64]*LevelSample {
	out := map[float64]*LevelSample{}
	events := 0
	for _, a := range c.accs {
		events += a.itl.n
	}
	if events >= collectBefore {
		// The summary's own per-event memory is garbage by now (report's
		// tokenGaps and the codes of its ITLs, 8 bytes an event):
		// collect it, so that the sorted keys (8 bytes a token) take its
		// place in the heap instead of growing it past it.
		runtime.GC()
	}
	for lv, a := range c.accs {
		if len(a.reqs) == 0 {
			continue // warm-ups only: no level (the summary has none either)
		}
		s := &LevelSample{reqs: a.reqs, fingerprint: mix64(a.fingerprint ^ mix64(c.seed)), open: c.open || c.openAt[lv], noITL: c.noITL}
		if a.clusters != nil {
			s.clusters, s.nClusters = slices.Clone(a.clusters), int(a.nCluster) // its own bytes, not the growth's
		}
		for _, q := range a.reqs {
			s.turns[q.turn]++
		}
		if !a.bigID {
			s.ids = a.ids
		}
		if w := a.span.NS(); w > 0 {
			s.windowS = float64(w) / 1e9
		}
		s.steady(sum, lv, a.warm)
		s.ttfts, s.tpots = slices.Clone(a.vals[fieldTTFT]), slices.Clone(a.vals[fieldTPOT])
		for f := fieldTTFT; f <= fieldE2E; f++ {
			if f == fieldITL {
				s.sorted[f] = a.itl.sorted() // packed: 8 bytes a token
				continue
			}
			s.sorted[f] = newWeighted(a.vals[f], a.owners[f]) // sorts in place
			a.vals[f], a.owners[f] = nil, nil
		}
		out[lv] = s
	}
	return out
}

// acc returns level lv's accumulator.
func (c *Collector) acc(lv float64) *sampleAcc {
	a := c.accs[lv]
	if a == nil {
		a = &sampleAcc{}
		c.accs[lv] = a
	}
	return a
}

// sampleAcc accumulates one level while reading.
type sampleAcc struct {
	reqs   []request
	warm   []request // warm-up requests, final attempts (Add)
	vals   [fieldE2E + 1][]float64
	owners [fieldE2E + 1][]int32
	// itl holds the ITL values until Levels (vals[fieldITL] is unused).
	itl  itlEvents
	span report.Span
	// ids, fingerprint: LevelSample's; bigID says an ID did not fit.
	ids         []uint32
	fingerprint uint64
	bigID       bool
	// clusters is LevelSample's, nil until a request of a session comes;
	// cluster numbers each session (rundir.Record.Session) in order.
	clusters []uint32
	cluster  map[uint64]uint32
	nCluster uint32
}

// addCluster gives the request just added (the last of a.reqs) its
// cluster: its session's, or one of its own without one.
func (a *sampleAcc) addCluster(rec *rundir.Record) {
	if rec.Session == 0 && a.clusters == nil {
		a.nCluster++ // no session yet: every request its own, numbered when one comes
		return
	}
	if a.clusters == nil {
		a.clusters = make([]uint32, len(a.reqs)-1, len(a.reqs)*2)
		for i := range a.clusters {
			a.clusters[i] = uint32(i)
		}
		a.cluster = map[uint64]uint32{}
	}
	c := a.nCluster
	if rec.Session != 0 {
		if k, ok := a.cluster[rec.Session]; ok {
			a.clusters = append(a.clusters, k)
			return
		}
		a.cluster[rec.Session] = c
	}
	a.clusters = append(a.clusters, c)
	a.nCluster++
}

// add accounts for one measured record: the per-request metrics of
// report/metrics.go (TTFT, E2E, TPOT for more than one output token, ITL
// per token with a k-token event's gap spread over its k tokens) and
// whether it met slo's per-request thresholds (goodput). ITL values are
// kept when itl is true.
func (a *sampleAcc) add(rec *rundir.Record, slo report.SLO, itl bool) {
	idx := int32(len(a.reqs))
	q := newRequest(rec)
	a.ids = append(a.ids, uint32(rec.ID))
	a.bigID = a.bigID || rec.ID > math.MaxUint32
	a.fingerprint += pairKey(rec)
	defer a.addCluster(rec)
	if !rec.OK {
		a.reqs = append(a.reqs, q)
		return
	}
	q.in, q.out = int64(rec.InputTokens), int64(rec.OutputTokens)
	put := func(f field, v float64) {
		a.vals[f] = append(a.vals[f], v)
		a.owners[f] = append(a.owners[f], idx)
	}
	m := report.PerRequest(rec)
	put(fieldTTFT, m.TTFT)
	put(fieldE2E, m.E2E)
	if m.HasTPOT {
		put(fieldTPOT, m.TPOT)
	}
	if itl {
		a.itl.add(idx, rec.Chunks)
	}
	q.good = slo.Met(m)
	a.reqs = append(a.reqs, q)
}

// sideStats are one side's metric values on one (re)sample of a level.
type sideStats struct {
	// ps are the percentiles computed, ascending; pct[f][i] is field f's
	// percentile ps[i].
	ps  []float64
	pct [nFields][]float64
	// rates indexed by rate.
	rates [rateErrors + 1]float64
	// total, failed and ok count the (re)sample's requests (a request
	// drawn twice counts twice), as report.Level.Requests does.
	total, failed, ok int64
	// idx finds the percentiles ps of every field of the sample of, which
	// the stats are last of (LevelSample.stats builds it).
	idx *rankIndex
	of  *LevelSample
}

// newSideStats returns stats computing the percentiles the metrics ms need.
func newSideStats(ms []Metric) *sideStats {
	st := &sideStats{}
	for _, m := range ms {
		if m.field != noField && !slices.Contains(st.ps, m.pct) {
			st.ps = append(st.ps, m.pct)
		}
	}
	slices.Sort(st.ps)
	for f := range st.pct {
		st.pct[f] = make([]float64, len(st.ps))
	}
	return st
}

// value returns metric m from st.
func (st *sideStats) value(m Metric) float64 {
	if m.field != noField {
		if i := slices.Index(st.ps, m.pct); i >= 0 {
			return st.pct[m.field][i]
		}
		return math.NaN()
	}
	return st.rates[m.rate]
}

// steady makes s's rates those of the steady state sum gives level lv:
// its window, and each request counted for its share inside it and for
// its time inside it; without one, over the level's window
// (report.LevelWindow, which holds every request whole), as the summary's.
func (s *LevelSample) steady(sum *report.Summary, lv float64, warm []request) {
	defer func() {
		s.heldMS = s.warm.heldMS
		for _, q := range s.reqs {
			s.heldMS += float64(q.heldMS)
		}
	}()
	for _, l := range sum.Levels {
		if l.Level != lv {
			continue
		}
		if l.WindowS > 0 {
			s.windowS = l.WindowS
		}
		st := l.Steady
		if st == nil {
			continue
		}
		s.windowS = st.WindowS
		for i := range s.reqs {
			q := &s.reqs[i]
			q.share = q.credit.Share(st.StartNS, st.EndNS)
			q.heldMS = q.heldWithin(st.StartNS, st.EndNS)
		}
		for _, q := range warm {
			s.warm.heldMS += float64(q.heldWithin(st.StartNS, st.EndNS))
			if !q.ok {
				continue
			}
			sh := q.credit.Share(st.StartNS, st.EndNS)
			s.warm.ok += sh
			s.warm.out += sh * float64(q.out)
			s.warm.in += sh * float64(q.in)
			if q.good {
				s.warm.good += sh
			}
		}
	}
}

// stats computes every metric of s on the resample in which request i is
// drawn counts[i] times; counts nil means the sample itself (each once).
// The window of a resample is scaled by the time its requests held their
// workers inside the window over the sample's, W* = W · Σ*held / Σheld:
// with the window held fixed, a run whose requests all carry the same
// token counts would show no throughput variability at all; scaled, the
// resample's throughput varies as its requests' work per unit of time
// does (for a closed loop, the window is the workers' summed busy time
// over the concurrency, Little's law). Both the work (share) and the time
// (heldMS) are each request's part inside the window: a request straddling
// the steady state's edge counts in part in both, so the resampled rate
// does not move with how many edge requests a resample draws. (Scaling by
// whole busy times against partial shares did: two runs of identical
// requests read an interval of ±4.7% on output tok/s for no variability.)
// The warm-ups' part is fixed in both.
//
// An open loop's window is not scaled: its schedule sets it (a level's
// arrivals are normalized to its rate, loadgen.Stream), and its requests'
// durations do not. Scaled, its output tok/s was each request's tokens
// over its own time, about 1/TPOT whatever the mix of lengths: two runs
// of one rate and other seeds read −6.3 % [−7.4 %, −5.3 %], a regression,
// where their drawn lengths alone differ (mean output 128 against 140),
// and requests/s beside it [−6.1 %, +10.3 %].
func (s *LevelSample) stats(counts []int32, st *sideStats) {
	if counts == nil {
		counts = make([]int32, len(s.reqs))
		for i := range counts {
			counts[i] = 1
		}
	}
	if st.of != s {
		st.idx, st.of = newRankIndex(s.samples(), st.ps, len(s.reqs)), s
	}
	st.idx.quantiles(counts, st.pct[fieldTTFT:])
	var total, failed, ok int64
	okW, good, out, in := s.warm.ok, s.warm.good, s.warm.out, s.warm.in
	held := s.warm.heldMS
	for i, q := range s.reqs {
		c := int64(counts[i])
		if c == 0 {
			continue
		}
		total += c
		held += float64(c) * float64(q.heldMS)
		if !q.ok {
			failed += c
			continue
		}
		ok += c
		share := float64(c) * q.share
		okW += share
		out += share * float64(q.out)
		in += share * float64(q.in)
		if q.good {
			good += share
		}
	}
	for i := range st.rates {
		st.rates[i] = math.NaN()
	}
	st.total, st.failed, st.ok = total, failed, ok
	if total > 0 {
		st.rates[rateErrors] = float64(failed) / float64(total)
	}
	w := s.windowS
	if s.heldMS > 0 && !s.open {
		w *= held / s.heldMS
	}
	if w > 0 {
		st.rates[rateOutputTPS] = out / w
		st.rates[rateTotalTPS] = (in + out) / w
		st.rates[rateRPS] = okW / w
		st.rates[rateGoodput] = good / w
	}
}

// samples returns the sample of every field from TTFT on, indexed by
// field − fieldTTFT: the sorted ones, then each session field's, the TTFT
// values of the requests of its turn kind, picked out of TTFT's in its
// order (sorted, ties as there). Picked out here, not kept with the level:
// kept, they cost a session run 12 bytes a request, over the bound that
// TestLoadRunRetainsPerTokenBytes holds it to; a level without sessions
// has them empty, and the rank index passes them by.
func (s *LevelSample) samples() []weighted {
	ws := make([]weighted, nFields-fieldTTFT)
	copy(ws, s.sorted[fieldTTFT:])
	ttft := &s.sorted[fieldTTFT]
	for _, f := range turnFields {
		kind := kindOf(f)
		if s.turns[kind] == 0 {
			continue
		}
		w := weighted{values: make([]float64, 0, s.turns[kind]), owner: make([]int32, 0, s.turns[kind])}
		for i, o := range ttft.owner {
			if s.reqs[o].turn == kind {
				w.values, w.owner = append(w.values, ttft.values[i]), append(w.owner, o)
			}
		}
		ws[f-fieldTTFT] = w
	}
	return ws
}

// turnsHad says which session fields' turns s has (turnFields' order): a
// request of the kind, failed or not.
func (s *LevelSample) turnsHad() turnSet {
	return turnSet{s.turns[firstTurn] > 0, s.turns[laterTurn] > 0}
}

// mannWhitney is the Mann–Whitney test of sample x against y
// (MannWhitneyU), from their sorted values.
func mannWhitney(x, y *weighted) MannWhitney {
	if slices.ContainsFunc(x.values, math.IsNaN) || slices.ContainsFunc(y.values, math.IsNaN) {
		return MannWhitneyU(x.floats(), y.floats())
	}
	return mannWhitneyWeighted(x, y)
}

package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/inferbench/inferbench/rundir"
	"github.com/montanaflynn/stats"
)

// DefaultVLLMPercentiles are the percentiles the vLLM export writes when
// none are asked: vLLM's `--metric-percentiles` default ("99").
var DefaultVLLMPercentiles = []float64{99}

// vllmMetrics are the metrics, in vLLM's order, whose mean, median, std
// and percentiles the export writes (vLLM's `--percentile-metrics`).
var vllmMetrics = []string{"ttft", "tpot", "itl", "e2el"}

// VLLMDefinitions says, in the file, where the export follows vLLM's
// definitions rather than inferbench's own (metrics.go).
var VLLMDefinitions = []string{
	"keys and statistics as `vllm bench serve --save-result` writes them (vllm/benchmarks/serve.py): mean, median, population std, percentiles by linear interpolation (numpy)",
	"ITL is per chunk (one gap per streamed event after the first), as vLLM's client measures it; inferbench's own report spreads a chunk's gap over its tokens",
	"chat TTFT is to the first chunk of the body (vLLM's role-only chunk), as vLLM's client measures it; inferbench's own report counts to the first generated token",
	"TPOT = (E2EL - TTFT) / (output tokens - 1) with the TTFT above; duration is the level's window, first send to last completion",
	"output tokens are inferbench's summary's: the server's count, but not below the stream's token-bearing events (a count below them is the events'; rundir.Record.BoundOutputTokens, docs/design.md)",
	"E2EL is to the last token-bearing chunk; vLLM's client also counts a trailing chunk that only carries finish_reason (and its gap as one more ITL), which inferbench does not record",
	"ttfts and itls are in seconds, the *_ms statistics in milliseconds, as vLLM writes them; generated_texts are not kept by inferbench and are left out",
}

// VLLMMeta is what the export takes from run.json.
type VLLMMeta struct {
	// Kind, API and Model are the target's; Label names the run.
	Kind, API, Model, Label string
	// Profile is the load profile (concurrency, rate, ...).
	Profile string
	// Start is the run's start; Version the tool's.
	Start   time.Time
	Version string
}

// VLLMExport accumulates a run's measured records per level and writes, per
// level, the result JSON of vLLM's benchmark (PerRequestVLLM says which
// definitions it follows).
type VLLMExport struct {
	meta        VLLMMeta
	percentiles []float64
	levels      map[float64]*vllmLevel
}

type vllmLevel struct {
	span                      Span
	completed, failed         int
	inputTokens, outputTokens int64
	ttft, tpot, itl, e2el     []float64
	inputLens, outputLens     []int
	ttftsS                    []float64
	itlsS                     [][]float64
	errors                    []string
}

// NewVLLMExport starts an export of the run described by meta with the
// percentiles (0–100) asked, DefaultVLLMPercentiles when none.
func NewVLLMExport(meta VLLMMeta, percentiles []float64) *VLLMExport {
	if len(percentiles) == 0 {
		percentiles = DefaultVLLMPercentiles
	}
	return &VLLMExport{meta: meta, percentiles: percentiles, levels: map[float64]*vllmLevel{}}
}

// Add takes one record; only the measure stage counts, and a retried
// attempt only widens the level's window. Its output tokens are taken as
// the summary counts them, bounded by its stream
// (rundir.Record.BoundOutputTokens; a record the Summarizer handed out is
// bounded already).
func (e *VLLMExport) Add(r *rundir.Record) {
	r, _ = r.BoundOutputTokens()
	if r.Stage != rundir.StageMeasure {
		return
	}
	l := e.levels[r.Level]
	if l == nil {
		l = &vllmLevel{}
		e.levels[r.Level] = l
	}
	l.span.Add(r)
	if r.Retried {
		return
	}
	if !r.OK {
		l.failed++
		l.inputLens, l.outputLens = append(l.inputLens, r.InputTokens), append(l.outputLens, 0)
		l.ttftsS, l.itlsS = append(l.ttftsS, 0), append(l.itlsS, []float64{})
		l.errors = append(l.errors, r.Error)
		return
	}
	m := PerRequestVLLM(r, e.meta.API == "chat")
	l.completed++
	l.inputTokens += int64(r.InputTokens)
	l.outputTokens += int64(r.OutputTokens)
	l.ttft, l.e2el, l.itl = append(l.ttft, m.TTFT), append(l.e2el, m.E2EL), append(l.itl, m.ITL...)
	if m.HasTPOT {
		l.tpot = append(l.tpot, m.TPOT)
	}
	itlS := make([]float64, len(m.ITL))
	for i, v := range m.ITL {
		itlS[i] = v / 1000
	}
	l.inputLens, l.outputLens = append(l.inputLens, r.InputTokens), append(l.outputLens, r.OutputTokens)
	l.ttftsS, l.itlsS = append(l.ttftsS, m.TTFT/1000), append(l.itlsS, itlS)
	l.errors = append(l.errors, "")
}

// WithOutput is e written with the tool's version and the percentiles
// asked (DefaultVLLMPercentiles when none), for an export collected
// before they were known (render.LoadRun's). The levels are e's, shared.
func (e *VLLMExport) WithOutput(version string, percentiles []float64) *VLLMExport {
	c := NewVLLMExport(e.meta, percentiles)
	c.meta.Version, c.levels = version, e.levels
	return c
}

// Levels are the levels seen, ascending.
func (e *VLLMExport) Levels() []float64 {
	var out []float64
	for lv := range e.levels {
		out = append(out, lv)
	}
	slices.Sort(out)
	return out
}

// Result is level lv's result file: one JSON object with vLLM's keys in
// vLLM's order, then an "inferbench" object naming the run and the
// definitions followed.
func (e *VLLMExport) Result(lv float64) ([]byte, error) {
	l := e.levels[lv]
	if l == nil {
		return nil, fmt.Errorf("vllm export: no level %g", lv)
	}
	var o orderedJSON
	e.header(&o, lv)
	dur := float64(l.span.NS()) / 1e9
	o.add("duration", dur)
	o.add("completed", l.completed)
	o.add("failed", l.failed)
	o.add("total_input_tokens", l.inputTokens)
	o.add("total_output_tokens", l.outputTokens)
	o.add("request_throughput", PerSecond(float64(l.completed), l.span.NS()))
	o.add("request_goodput", nil)
	o.add("output_throughput", PerSecond(float64(l.outputTokens), l.span.NS()))
	o.add("total_token_throughput", PerSecond(float64(l.inputTokens+l.outputTokens), l.span.NS()))
	o.add("input_lens", l.inputLens)
	o.add("output_lens", l.outputLens)
	o.add("ttfts", l.ttftsS)
	o.add("itls", l.itlsS)
	o.add("errors", l.errors)
	for i, vals := range [][]float64{l.ttft, l.tpot, l.itl, l.e2el} {
		e.addStats(&o, vllmMetrics[i], vals)
	}
	o.add("inferbench", map[string]any{"tool": "inferbench", "version": e.meta.Version, "run": e.meta.Label,
		"level": lv, "definitions": VLLMDefinitions})
	return o.bytes()
}

// header writes the keys vLLM's main() puts before the metrics.
func (e *VLLMExport) header(o *orderedJSON, lv float64) {
	endpoint := "openai"
	if e.meta.API == "chat" {
		endpoint = "openai-chat"
	}
	o.add("date", e.meta.Start.UTC().Format("20060102-150405"))
	o.add("endpoint_type", endpoint)
	o.add("backend", endpoint)
	o.add("label", e.meta.Label)
	o.add("model_id", e.meta.Model)
	o.add("tokenizer_id", e.meta.Model)
	o.add("num_prompts", len(e.levels[lv].errors))
	switch e.meta.Profile {
	case "rate":
		o.add("request_rate", lv)
		o.add("burstiness", 1.0)
		o.add("max_concurrency", nil)
	case "trace":
		o.add("request_rate", "inf")
		o.add("burstiness", 1.0)
		o.add("max_concurrency", nil)
	default:
		o.add("request_rate", "inf")
		o.add("burstiness", 1.0)
		o.add("max_concurrency", int(lv))
	}
}

// addStats writes mean_, median_, std_ and p<q>_<name>_ms of vals (ms);
// vLLM writes 0 for every statistic of an empty list.
func (e *VLLMExport) addStats(o *orderedJSON, name string, vals []float64) {
	var mean, median, std float64
	if len(vals) > 0 {
		slices.Sort(vals)
		mean, _ = stats.Mean(vals)
		std, _ = stats.StandardDeviationPopulation(vals)
		median = Quantile7(vals, 50)
	}
	o.add("mean_"+name+"_ms", mean)
	o.add("median_"+name+"_ms", median)
	o.add("std_"+name+"_ms", std)
	for _, p := range e.percentiles {
		v := 0.0
		if len(vals) > 0 {
			v = Quantile7(vals, p)
		}
		o.add("p"+VLLMPercentileWord(p)+"_"+name+"_ms", v)
	}
}

// VLLMPercentileWord writes p as vLLM names it in a key: 99 → "99",
// 99.9 → "99.9".
func VLLMPercentileWord(p float64) string {
	if p == math.Trunc(p) {
		return strconv.Itoa(int(p))
	}
	return strconv.FormatFloat(p, 'f', -1, 64)
}

// orderedJSON is a JSON object that keeps its keys in the order added.
type orderedJSON struct {
	keys []string
	vals []any
}

func (o *orderedJSON) add(k string, v any) { o.keys, o.vals = append(o.keys, k), append(o.vals, v) }

func (o *orderedJSON) bytes() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("{\n")
	for i, k := range o.keys {
		v, err := json.Marshal(o.vals[i])
		if err != nil {
			return nil, fmt.Errorf("vllm export: %s: %w", k, err)
		}
		kb, _ := json.Marshal(k)
		fmt.Fprintf(&b, "  %s: %s", kb, v)
		if i < len(o.keys)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("}\n")
	return b.Bytes(), nil
}

// ParseVLLMPercentiles reads a comma-separated list of percentiles ("99",
// "50,90,99.9"), as vLLM's --metric-percentiles takes them; each must be
// in (0, 100].
func ParseVLLMPercentiles(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		p, err := strconv.ParseFloat(f, 64)
		if err != nil || !(p > 0 && p <= 100) {
			return nil, fmt.Errorf("percentile %q: must be a number in (0, 100]", f)
		}
		// Once each: every percentile is a key of the file (p50_ttft_ms),
		// and vLLM's dict of them keeps one.
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no percentile in %q (vLLM's default is 99)", s)
	}
	return out, nil
}

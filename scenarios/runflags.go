package scenarios

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/inferbench/inferbench/internal/typo"
)

// Flags is inferbench run's command line as LayRunFlags reads it: whether
// a flag was given, and its value. urfave/cli's *cli.Context is one;
// deploy/k8s reads the run flags after -- into another, so that the
// manifest lays them as every pod's run does.
type Flags interface {
	IsSet(name string) bool
	String(name string) string
	Int(name string) int
	Float64(name string) float64
	Duration(name string) time.Duration
	Bool(name string) bool
}

// RunFlagKeys names the run flag that sets each scenario key, so that a
// problem in a value given on the command line names the flag typed, not
// the key it lands in (a value from a file keeps its file:line:col).
var RunFlagKeys = map[string]string{
	"load.rate": "rate", "load.arrival": "arrival", "load.burstiness": "burstiness",
	"load.ramp_up": "ramp-up", "load.duration": "duration", "load.requests": "requests",
	"load.warmup": "warmup", "load.max_concurrency": "max-concurrency", "load.concurrency": "concurrency", "load.sweep": "sweep",
	"load.capacity_search": "bisect", "load.capacity_search.steps": "bisect", "load.adaptive.search": "search",
	"target.kind": "target", "target.api": "api", "target.url": "url", "target.model": "model",
	"workload.prompt_tokens": "prompt-tokens", "workload.output_tokens": "max-tokens", "workload.stop": "stop",
	"load.timeout": "timeout", "target.api_key_env": "api-key-env",
	"slo.ttft": "slo-ttft", "slo.tpot": "slo-tpot", "slo.e2e": "slo-e2e", "slo.itl": "slo-itl", "slo.percentile": "slo-percentile",
	"gpu.backend": "gpu-backend", "gpu.url": "gpu-url", "gpu.interval": "gpu-interval",
	"workload.shared_prefix_tokens": "shared-prefix-tokens", "workload.prefix_groups": "prefix-groups",
	"workload.prompt_sizing": "prompt-sizing", "workload.tokenizer": "tokenizer",
	"workload.dataset": "dataset", "workload.dataset.file": "dataset", "workload.dataset.format": "dataset",
	"workload.dataset.min_input": "dataset-min-input", "workload.dataset.max_input": "dataset-max-input",
	"workload.dataset.min_output": "dataset-min-output", "workload.dataset.max_output": "dataset-max-output",
	"workload.dataset.output_tokens": "dataset-output-tokens", "workload.turns": "turns", "workload.think_time": "think-time",
}

// LaidRunFlags are the run flags LayRunFlags lays over a scenario; the
// others it reads only to refuse a value with no meaning (--max-tokens 0,
// --prompt-tokens 0, both laid by run itself).
var LaidRunFlags = []string{"target", "url", "model", "api", "api-key-env", "sweep", "rate", "concurrency", "arrival", "burstiness",
	"max-concurrency", "ramp-up", "requests", "duration", "warmup", "timeout", "bisect", "precision", "min-requests", "max-requests", "search"}

// LayRunFlags lays inferbench run's target and load flags (f) over s, as
// run does: over a scenario file (fromFile) only the flags given, without
// one every flag, defaults included. An explicit load kind (--sweep,
// --rate, --concurrency) replaces the file's, and a closed-loop one its
// open-loop settings too; --duration alone lifts the request count;
// --precision and its companions set load.adaptive, --bisect replaces the
// capacity search whole; over a file a level flag's level runs without the
// file's search over its levels (FitSearches), said in a note. The keys
// the flags replaced are forgotten, so that validation judges their
// values alone and FlagNamed names the flag. It refuses, naming the flag,
// what run refuses of them: zero values with no meaning (a count of 0, a
// zero timeout, --requests 0 without --duration), kinds that exclude each
// other, lists it cannot read. notes are what run says on stderr.
func LayRunFlags(s *Scenario, f Flags, fromFile bool) (notes []string, err error) {
	if err := checkZeroFlags(f); err != nil {
		return nil, err
	}
	set := func(name string) bool { return !fromFile || f.IsSet(name) }
	t := &s.Target
	assign(set("target"), &t.Kind, f.String("target"))
	assign(set("url") && f.String("url") != "", &t.URL, f.String("url"))
	assign(set("model") && f.String("model") != "", &t.Model, f.String("model"))
	assign(f.IsSet("api"), &t.API, f.String("api"))
	assign(f.IsSet("api-key-env"), &t.APIKeyEnv, f.String("api-key-env"))
	if err := layLoadFlags(s, f, set, fromFile); err != nil {
		return nil, err
	}
	note, err := layAdaptiveFlags(f, &s.Load)
	if err != nil {
		return nil, err
	}
	if note != "" {
		notes = append(notes, note)
	}
	if fromFile {
		if note := fitSearchesToFlags(s, f); note != "" {
			notes = append(notes, note)
		}
	}
	return notes, nil
}

// checkZeroFlags refuses the zero values that have no meaning, rather
// than letting them fall back to a default unseen (issue #17 item 16):
// output and prompt lengths of 0, a concurrency of 0 (the scenario takes 0
// as "not set"), a zero timeout, and --requests 0 without --duration (0
// means "no count limit", which needs a time limit).
func checkZeroFlags(f Flags) error {
	for _, n := range []string{"max-tokens", "prompt-tokens", "concurrency"} {
		if f.IsSet(n) && f.Int(n) < 1 {
			return fmt.Errorf("--%s must be at least 1, got %d", n, f.Int(n))
		}
	}
	if f.IsSet("timeout") && f.Duration("timeout") <= 0 {
		return fmt.Errorf("--timeout must be positive, got %s", f.Duration("timeout"))
	}
	if f.IsSet("requests") && f.Int("requests") == 0 && !f.IsSet("duration") {
		return errors.New("--requests 0 means no count limit: give --duration too, or a count")
	}
	if f.IsSet("requests") && f.Int("requests") < 0 {
		return fmt.Errorf("--requests must not be negative, got %d", f.Int("requests"))
	}
	return nil
}

// layLoadFlags lays the load flags over s's load.
func layLoadFlags(s *Scenario, f Flags, set func(string) bool, fromFile bool) error {
	ld := &s.Load
	// The flag's default (1) stands for "not given" in the scenario; a 0
	// given would fall back to it unseen, so it is refused here (the
	// scenario checks the rest of its range).
	if f.IsSet("burstiness") && !(f.Float64("burstiness") > 0) {
		return fmt.Errorf("--burstiness: must be > 0 (the gamma shape; 1 is Poisson), got %g", f.Float64("burstiness"))
	}
	switch {
	case f.IsSet("sweep") && f.IsSet("rate"):
		return errors.New("--sweep and --rate exclude each other: sweep concurrency or rate, not both")
	case f.IsSet("concurrency") && (f.IsSet("sweep") || f.IsSet("rate")):
		return errors.New("--concurrency goes with neither --sweep (the levels are its concurrencies) nor --rate (cap an open loop with --max-concurrency)")
	case f.IsSet("sweep"):
		levels, err := FlagList(f.String("sweep"), strconv.Atoi)
		if err != nil || slices.ContainsFunc(levels, func(n int) bool { return n < 1 }) {
			return fmt.Errorf("--sweep: want a comma-separated list of concurrencies ≥ 1, got %q", f.String("sweep"))
		}
		s.ClearLoadKind()
		s.ClearOpenLoop()
		ld.Sweep = &Sweep{Levels: levels}
	case f.IsSet("rate"):
		rates, err := FlagList(f.String("rate"), func(w string) (float64, error) { return strconv.ParseFloat(w, 64) })
		if err != nil || slices.ContainsFunc(rates, func(r float64) bool { return !(r > 0) || math.IsInf(r, 0) }) {
			return fmt.Errorf("--rate: want requests per second > 0 (or a comma-separated list), got %q", f.String("rate"))
		}
		s.ClearLoadKind()
		ld.Rate = rates
	case f.IsSet("concurrency") || !fromFile:
		s.ClearLoadKind()
		s.ClearOpenLoop()
		ld.Concurrency = f.Int("concurrency")
	}
	assign(set("arrival") && ld.Rate != nil, &ld.Arrival, Arrival(f.String("arrival")))
	assign(set("burstiness") && ld.Rate != nil && ld.Arrival == ArrivalGamma, &ld.Burstiness, f.Float64("burstiness"))
	assign(f.IsSet("max-concurrency"), &ld.MaxConcurrency, f.Int("max-concurrency"))
	assign(f.IsSet("ramp-up"), &ld.RampUp, Duration(f.Duration("ramp-up")))
	switch {
	case f.IsSet("duration") && !f.IsSet("requests"):
		// --duration alone means "for this long": the default count
		// does not cap it.
		ld.Requests = 0
	case set("requests"):
		ld.Requests = f.Int("requests")
	}
	assign(set("duration"), &ld.Duration, Duration(f.Duration("duration")))
	if set("warmup") {
		w := f.Int("warmup")
		ld.Warmup = &w
	}
	assign(set("timeout"), &ld.Timeout, Duration(f.Duration("timeout")))
	if f.IsSet("bisect") {
		// The flag replaces the file's capacity_search whole; 0 turns it
		// off (a sweep's bisection, or a scenario's search over a single
		// level given by flag).
		ld.CapacitySearch = nil
		if n := f.Int("bisect"); n != 0 {
			ld.CapacitySearch = &CapacitySearch{Bisect: n > 0, Steps: n}
		}
	}
	if fromFile {
		// A value a flag replaced is the flag's: the file's position of it
		// (and of what was below it, a capacity_search's steps) no longer
		// holds it, so validation judges the value alone and names the
		// flag (FlagNamed).
		for key, flag := range RunFlagKeys {
			if f.IsSet(flag) {
				s.Forget(key)
			}
		}
	}
	return nil
}

// layAdaptiveFlags lays the adaptive flags over ld.Adaptive; note is what
// run says of --requests beside --precision.
func layAdaptiveFlags(f Flags, ld *LoadProfile) (note string, err error) {
	given := func(names ...string) bool { return slices.ContainsFunc(names, f.IsSet) }
	if !given("precision", "min-requests", "max-requests", "search") {
		return "", nil
	}
	if ld.Adaptive == nil {
		ld.Adaptive = &Adaptive{}
	}
	a := ld.Adaptive
	if f.IsSet("precision") {
		p, err := ParsePrecision(f.String("precision"))
		if err != nil {
			return "", fmt.Errorf("--precision: %w", err)
		}
		a.Precision = p
	}
	assign(f.IsSet("min-requests"), &a.MinRequests, f.Int("min-requests"))
	assign(f.IsSet("max-requests"), &a.MaxRequests, f.Int("max-requests"))
	assign(f.IsSet("search"), &a.Search, f.Bool("search"))
	if a.Precision > 0 && f.IsSet("requests") {
		note = "with --precision, --requests does not bound a level: --min-requests and --max-requests (judged requests) and --duration do"
	}
	if a.Precision == 0 {
		for _, n := range []string{"min-requests", "max-requests", "search"} {
			if f.IsSet(n) {
				return "", fmt.Errorf("--%s applies only with --precision above 0", n)
			}
		}
		ld.Adaptive = nil // fixed levels
	}
	return note, nil
}

// ParsePrecision reads a precision, how close to its value every judged
// interval must lie (relative, on its farther side): a fraction (0.05) or
// a percentage (5%); 0 turns adaptive stopping off.
func ParsePrecision(s string) (float64, error) {
	t := strings.TrimSpace(s)
	pct := strings.HasSuffix(t, "%")
	x, err := strconv.ParseFloat(strings.TrimSuffix(t, "%"), 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("want a fraction such as 0.05 or a percentage such as 5%%, got %q", s)
	}
	if pct {
		x /= 100
	}
	if x < 0 || x >= 1 {
		return 0, fmt.Errorf("want a precision between 0 and 1 (100%%), e.g. 0.05 or 5%% for ±5%%, got %q", s)
	}
	return x, nil
}

// fitSearchesToFlags fits a scenario file's capacity searches to the
// level flags laid over it (FitSearches), with a note when it turned the
// file's off: --scenario qualify --concurrency 4 runs the one level. A
// search the flags ask for (--bisect N, --search) over one level is
// refused by validation, by its flag's name: the note would say too much.
func fitSearchesToFlags(s *Scenario, f Flags) (note string) {
	var flag string
	for _, n := range []string{"concurrency", "rate", "sweep"} {
		if f.IsSet(n) {
			flag = n
		}
	}
	off := s.FitSearches(flag != "", f.IsSet("bisect"), f.IsSet("search"))
	if asked := (f.IsSet("bisect") && f.Int("bisect") != 0) || f.Bool("search"); len(off) > 0 && !asked {
		return fmt.Sprintf("--%s %s is one level: the scenario's capacity search (%s) is off; --sweep or a --rate list searches",
			flag, f.String(flag), strings.Join(off, ", "))
	}
	return ""
}

// FlagNamed rewrites the scenario errors of err that concern a value set
// by a run flag (the flag given, or no scenario file) as "--flag:
// message" (RunFlagKeys). Over a file, such an error still carries a line
// of it (where the value the flag replaced was written, or the section the
// key would sit in), but the value judged is the flag's: the flag is
// named, not the line.
func FlagNamed(f Flags, fromFile bool, err error) error {
	var out []error
	for _, e := range Leaves(err) {
		if se, ok := errors.AsType[*Error](e); ok {
			key, _, _ := strings.Cut(se.Path, "[")
			if flag, ok := RunFlagKeys[key]; ok && (!fromFile || f.IsSet(flag)) {
				e = fmt.Errorf("--%s: %s", flag, se.Msg)
			}
		}
		out = append(out, e)
	}
	return errors.Join(out...)
}

// FlagList parses a comma-separated flag value ("1,2,4"), each word
// trimmed, by parse: run's and calibrate's lists.
func FlagList[T any](s string, parse func(string) (T, error)) ([]T, error) {
	var out []T
	for w := range strings.SplitSeq(s, ",") {
		v, err := parse(strings.TrimSpace(w))
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// ParseDatasetFlag splits run's --dataset FORMAT:FILE (sharegpt, jsonl or
// trace), refusing a value without its format or of another format (with
// the format it is near): run and k8s manifest's check of the flags after
// -- read it alike. The error names no flag; the caller puts "--dataset"
// before it, with no space ("--dataset: want …").
func ParseDatasetFlag(v string) (format, file string, err error) {
	format, file, ok := strings.Cut(v, ":")
	if ext := strings.TrimPrefix(filepath.Ext(format), "."); !ok && (ext == "jsonl" || ext == "json") {
		return "", "", fmt.Errorf(" %s: name its format first: jsonl:%s (a prompt a line) or sharegpt:%s (ShareGPT's conversations)", format, format, format)
	}
	if !ok || file == "" {
		return "", "", fmt.Errorf(": want sharegpt:FILE, jsonl:FILE or trace:FILE, got %q", v)
	}
	formats := []string{string(FormatShareGPT), string(FormatJSONL), "trace"}
	if !slices.Contains(formats, format) {
		if m := typo.Nearest(format, formats); m != "" {
			return "", "", fmt.Errorf(": unknown format %q: did you mean %s:%s?", format, m, file)
		}
		return "", "", fmt.Errorf(": unknown format %q (want sharegpt, jsonl or trace)", format)
	}
	return format, file, nil
}

// assign sets *dst to v when ok: one flag laid over one field.
func assign[T any](ok bool, dst *T, v T) {
	if ok {
		*dst = v
	}
}

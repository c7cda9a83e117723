package scenarios

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"unicode"
)

// Bounds on load values: beyond them a run exhausts the client machine
// before it measures the server.
const (
	// maxConcurrency is the most closed-loop workers (or in-flight cap) a
	// scenario may ask for.
	maxConcurrency = 100_000
	// MaxRate is the highest request rate in requests per second.
	MaxRate = 1_000_000
	// maxBisectSteps bounds a capacity search: 16 halvings narrow any
	// interval between two levels below 1/65536 of it.
	maxBisectSteps = 16
)

var (
	nameRE    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)
	envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	// kindPlaceholderRE is a {name} placeholder of a kind's default URL
	// template (checkURL).
	kindPlaceholderRE = regexp.MustCompile(`\{[a-z]+\}`)
	// keyPrefixes start the API keys of common providers (OpenAI "sk-",
	// Anthropic "sk-ant-", Groq "gsk_", Hugging Face "hf_", Google "AIza",
	// xAI "xai-", Perplexity "pplx-", Replicate "r8_", NVIDIA "nvapi-").
	keyPrefixes = []string{"sk-", "sk_", "gsk_", "hf_", "AIza", "xai-", "pplx-", "r8_", "nvapi-"}
)

// checker collects the problems of one scenario.
type checker struct {
	src  *source
	errs []error
}

func (c *checker) errorf(path, format string, args ...any) {
	c.errs = append(c.errs, c.src.errorf(path, format, args...))
}

// err returns the problems joined in file order (those without a position
// last), or nil.
func (c *checker) err() error {
	slices.SortStableFunc(c.errs, func(a, b error) int {
		ea, eb := a.(*Error), b.(*Error)
		if (ea.Line == 0) != (eb.Line == 0) {
			if ea.Line == 0 {
				return 1
			}
			return -1
		}
		if ea.Line != eb.Line {
			return ea.Line - eb.Line
		}
		return ea.Column - eb.Column
	})
	return errors.Join(c.errs...)
}

// set reports whether the value at path is set: non-zero, or written in the
// file (where an explicit 0 is a value to check, not an absence).
func (c *checker) set(path string, nonzero bool) bool { return nonzero || c.src.has(path) }

// problems reports each problem of the value at path, at the sub-key it
// concerns (at path itself for key "").
func (c *checker) problems(path string, ps []problem) {
	for _, p := range ps {
		sub := path
		if p.key != "" {
			sub += "." + p.key
		}
		c.errorf(sub, "%s", p.msg)
	}
}

// written reports whether a sub-key of the value at path is written in the
// file (the present argument of Distribution.problems).
func (c *checker) written(path string) func(key string) bool {
	return func(key string) bool { return c.src.has(path + "." + key) }
}

// Validate reports every problem of the scenario as it stands, each an
// *Error with its YAML path and, when the scenario came from a file, the
// file:line:col of the value (or of its nearest written ancestor, for a
// missing key), joined with errors.Join; nil when there is none.
//
// Validate accepts a scenario that does not say where to send requests or
// which load to apply (target.url, target.model, no load kind): flags on
// `run` may supply them. ValidateRunnable also requires them. A value
// written as 0 in the file is checked like any other (concurrency: 0 is an
// error), while an absent one is not.
func (s *Scenario) Validate() error {
	c := &checker{src: s.src}
	s.validate(c)
	return c.err()
}

// ValidateRunnable is Validate plus what a run needs and flags may have
// supplied: target kind, URL and model, a load kind, and a bound on each
// level (requests or duration, unless replaying a trace). `run` calls it
// after merging flags and applying defaults.
func (s *Scenario) ValidateRunnable() error {
	c := &checker{src: s.src}
	s.validate(c)
	if s.Target.Kind == "" {
		c.errorf("target.kind", "is required: set it in the scenario or with a flag on run")
	}
	if s.Target.URL == "" {
		c.errorf("target.url", "is required: set it in the scenario or with a flag on run")
	}
	if s.Target.Model == "" {
		c.errorf("target.model", "is required: set it in the scenario or with a flag on run")
	} else if strings.TrimSpace(s.Target.Model) == "" {
		c.errorf("target.model", "is only white space: give the name the server serves the model under")
	}
	if len(s.loadKinds(c)) == 0 {
		c.errorf("load", "give one of concurrency, sweep, rate or trace (in the scenario or with a flag on run)")
	}
	switch {
	case s.Load.Trace != nil || s.Load.Requests != 0 || s.Load.Duration != 0:
	case c.src.has("load.requests"):
		c.errorf("load.requests", "0 is no count limit, which needs load.duration (or --duration), else a level never ends; leave requests out for the default %d", DefaultRequests)
	default:
		c.errorf("load", "give requests or duration per level, or a level never ends")
	}
	return c.err()
}

func (s *Scenario) validate(c *checker) {
	switch {
	case s.Name == "":
		c.errorf("name", "is required")
	case !nameRE.MatchString(s.Name):
		c.errorf("name", "must be 1–64 lower-case letters, digits and hyphens, starting with a letter or digit, got %q", truncate(s.Name, 64))
	}
	for _, f := range []struct{ path, v string }{
		{"target.model", s.Target.Model},
		{"workload.prompt_tokens.file", s.Workload.PromptTokens.File},
		{"workload.output_tokens.file", s.Workload.OutputTokens.File},
		{"workload.dataset.file", datasetFile(s.Workload.Dataset)},
		{"load.trace.file", traceFile(s.Load.Trace)},
	} {
		if strings.ContainsFunc(f.v, unicode.IsControl) {
			c.errorf(f.path, "must not contain control characters (line breaks, tabs)")
		}
	}
	s.Target.validate(c)
	s.Workload.validate(c, s)
	s.Load.validate(c, s)
	s.SLO.validate(c)
	s.GPU.validate(c)
	s.Cost.validate(c)
	s.validateGate(c)
}

// CheckKind reports, as an *Error with the kind's file:line:col, a
// target.kind that is not one of kinds. The kinds are the target registry's
// (targets/registry), passed in because this package imports no network
// code: the registry is the one table of target kinds.
func (s *Scenario) CheckKind(kinds []string) error {
	k := s.Target.Kind
	switch {
	case k == "" || slices.Contains(kinds, k):
	case strings.Contains(k, "://"):
		// A careless user's first try: --target http://host:8000. The URL
		// is not repeated: it may carry a password.
		return s.src.errorf("target.kind", "a URL is not a kind: the URL goes in --url (target.url in a scenario), the kind is one of %s",
			strings.Join(kinds, ", "))
	default:
		return s.src.errorf("target.kind", "%s", unknownName("kind", k, kinds))
	}
	return nil
}

// CheckTarget reports, each at its file:line:col, what the scenario asks
// of its target kind that the kind cannot do (facts: Known.Target): an API
// it does not speak (target.api), server prompt sizing without a tokenize
// endpoint (workload.prompt_sizing). Both passed validate, and run refused
// them naming a flag the user never gave. A scenario that names no kind is
// left to the kind run gives it (a --target flag may).
func (s *Scenario) CheckTarget(facts func(kind string) ([]string, bool, bool)) error {
	k := s.Target.Kind
	if k == "" || facts == nil {
		return nil
	}
	speaks, tokenize, ok := facts(k)
	if !ok {
		return nil // CheckKind says so
	}
	var errs []error
	// An API no kind speaks is Validate's to name (with a "did you mean").
	if a := s.Target.API; slices.Contains(apis, a) && !slices.Contains(speaks, a) {
		errs = append(errs, s.src.errorf("target.api", "target %s speaks %s, not %q", k, strings.Join(speaks, ", "), a))
	}
	if s.Workload.PromptSizing == "server" && !tokenize {
		errs = append(errs, s.src.errorf("workload.prompt_sizing",
			"server: target %s has no tokenize endpoint; auto (the default) or tokenizer (with workload.tokenizer) sizes prompts without one", k))
	}
	return errors.Join(errs...)
}

// CheckCostGPU reports, at cost.gpu, what check (Known.GPU, the GPU
// catalog) refuses in the GPU the scenario prices its runs on: run records
// it as --gpu would (Cost.Stated), and refused it naming --gpu.
func (s *Scenario) CheckCostGPU(check func(stated string) error) error {
	if s.Cost.GPU == "" || check == nil {
		return nil
	}
	if err := check(s.Cost.Stated()); err != nil {
		return s.src.errorf("cost.gpu", "%v", err)
	}
	return nil
}

// CheckBaseURL reports, at target.url, what check (Known.BaseURL) refuses
// in a URL that CheckURL lets through: a URL every run would refuse passed
// scenarios validate.
func (s *Scenario) CheckBaseURL(check func(raw string) error) error {
	u := s.Target.URL
	if u == "" || CheckURL(u) != "" {
		return nil // none, or Validate has said what is wrong with it
	}
	if err := check(u); err != nil {
		return s.src.errorf("target.url", "%s", err)
	}
	return nil
}

func (t *Target) validate(c *checker) {
	if t.URL != "" {
		// The URL is not echoed: it may carry credentials.
		if msg := CheckTargetURL(t.URL); msg != "" {
			c.errorf("target.url", "%s", msg)
		}
	}
	if t.API != "" && !slices.Contains(apis, t.API) {
		c.errorf("target.api", "%s", unknownName("API", t.API, apis))
	}
	if t.APIKeyEnv != "" {
		// Never echo this value: it may be the key itself.
		if !envNameRE.MatchString(t.APIKeyEnv) || looksLikeKey(t.APIKeyEnv) {
			c.errorf("target.api_key_env", "must be the NAME of an environment variable that holds the key (such as OPENAI_API_KEY), and this looks like a key itself (value not shown)")
		}
	}
}

// CheckURL says what is wrong with an http(s) base URL, without quoting it
// ("" when nothing is): what run and targets probe say of --url.
// A kind's default URL template (bedrock's {region}, vertex's {location})
// is checked with its placeholders as plain labels: the adapter fills them.
// (targets.WithoutPlaceholders does the same for showing it; report, which
// reads scenarios, must not depend on targets: internal/archtest.)
func CheckURL(raw string) string {
	u, err := url.Parse(kindPlaceholderRE.ReplaceAllString(raw, "x"))
	switch {
	case !strings.Contains(raw, "://"):
		return "has no scheme: write http:// or https:// before the host"
	case err != nil && strings.ContainsAny(raw, " \t\r\n"):
		return "is not a valid URL: it holds white space"
	case err != nil && strings.Count(hostPart(raw), ":") > 1 && !strings.Contains(raw, "["):
		return "is not a valid URL: an IPv6 address goes in brackets, as http://[::1]:8000"
	case err != nil:
		return "is not a valid URL"
	case u.Scheme != "http" && u.Scheme != "https":
		return "must start with http:// or https://"
	case u.Host == "":
		return "has no host"
	case u.User != nil:
		return urlCredentials
	}
	return ""
}

// urlCredentials is CheckURL's word on a URL with a user or password;
// CheckTargetURL adds where a target's key goes instead.
const urlCredentials = "must not hold credentials"

// CheckTargetURL is CheckURL for a target's URL (--url, target.url): a
// URL with credentials is told where the key goes. Other URLs (a GPU
// exporter's, a /metrics page's) have no key to give.
func CheckTargetURL(raw string) string {
	msg := CheckURL(raw)
	if msg == urlCredentials {
		msg += ": name the environment variable that holds the key (--api-key-env; target.api_key_env in a scenario)"
	}
	return msg
}

// hostPart is what stands between raw's "://" and the path that follows.
func hostPart(raw string) string {
	_, rest, _ := strings.Cut(raw, "://")
	host, _, _ := strings.Cut(rest, "/")
	return host
}

// looksLikeKey reports whether s, a valid environment variable name, looks
// like an API key instead: a known provider prefix followed by a long
// tail, or a long mix of upper case, lower case and digits (variable names
// are words; keys are random).
func looksLikeKey(s string) bool {
	if len(s) >= 16 {
		for _, p := range keyPrefixes {
			if strings.HasPrefix(s, p) {
				return true
			}
		}
	}
	var upper, lower, digit bool
	for _, r := range s {
		upper = upper || unicode.IsUpper(r)
		lower = lower || unicode.IsLower(r)
		digit = digit || unicode.IsDigit(r)
	}
	return len(s) >= 20 && upper && lower && digit
}

func (w *Workload) validate(c *checker, s *Scenario) {
	w.validateStop(c)
	const pt, ot = "workload.prompt_tokens", "workload.output_tokens"
	// A trace's lines give the lengths (ApplyDefaults sets none): one given
	// by the file or a flag would be ignored unseen.
	for _, f := range []struct {
		path string
		d    *Distribution
	}{{pt, &w.PromptTokens}, {ot, &w.OutputTokens}} {
		if s.Load.Trace != nil && c.set(f.path, !f.d.IsZero()) {
			c.errorf(f.path, "not used with load.trace: each line gives its request's prompt and output tokens")
		}
	}
	if c.set(pt, !w.PromptTokens.IsZero()) {
		if w.Dataset != nil {
			c.errorf(pt, "not used with workload.dataset: the prompts come from the dataset")
		} else {
			c.problems(pt, w.PromptTokens.problems(c.written(pt)))
		}
	}
	if c.set(ot, !w.OutputTokens.IsZero()) {
		c.problems(ot, w.OutputTokens.problems(c.written(ot)))
	}
	w.validateSessions(c, s)
	if d := w.Dataset; d != nil {
		if d.Format != "" && d.Format != FormatJSONL && d.Format != FormatShareGPT {
			c.errorf("workload.dataset.format", "%s", unknownName("format", string(d.Format), []string{string(FormatJSONL), string(FormatShareGPT)}))
		}
		checkFile(c, s, "workload.dataset.file", d.File)
	}
	w.validatePrompts(c, s)
}

// checkFile reports a missing or unreadable data file.
func checkFile(c *checker, s *Scenario, path, file string) {
	if file == "" {
		c.errorf(path, "is required")
		return
	}
	if msg := fileTrouble(s.Path(file)); msg != "" {
		c.errorf(path, "%s", msg)
	}
}

// fileTrouble says why the file at p cannot be read, "" when it can be
// opened as a file.
func fileTrouble(p string) string {
	fi, err := os.Stat(p)
	var pe *fs.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist) && (strings.HasPrefix(p, "~/") || strings.Contains(p, "/~/")):
		// A shell expands ~ at a word's start only: not after
		// --dataset jsonl:, nor in a YAML file.
		return shownPath(p) + ": no such file (~ is no home directory here: no shell expands it; write the home directory's path)"
	case errors.Is(err, fs.ErrNotExist):
		// Not os's "stat …: no such file or directory"; a relative name
		// with the place looked in, which a scenario's directory (or the
		// file a linked one points to) decided.
		msg := shownPath(p) + ": no such file"
		if abs, err := filepath.Abs(p); err == nil && !filepath.IsAbs(p) && len(abs) <= maxShownPath {
			msg += " (looked for " + abs + ")"
		}
		return msg
	case errors.Is(err, fs.ErrPermission):
		return shownPath(p) + ": not readable here (permission denied)"
	case errors.Is(err, syscall.ENAMETOOLONG):
		return shownPath(p) + ": no such file: longer than a file's name can be (text where the file's name belongs?)"
	case errors.As(err, &pe):
		return shownPath(p) + ": " + pe.Err.Error()
	case err != nil:
		return err.Error()
	case fi.IsDir():
		return shownPath(p) + " is a directory, want a file"
	}
	return ""
}

// maxShownPath is the longest file name an error shows whole, in bytes.
const maxShownPath = 256

// shownPath is the file name p as an error shows it: whole, or past
// maxShownPath bytes (a prompt pasted where the file's name belongs) its
// start and its length: os's error of a 6,200-byte name was a line of
// 6,365 characters.
func shownPath(p string) string {
	if len(p) <= maxShownPath {
		return p
	}
	return fmt.Sprintf("%s (a name of %d bytes)", truncate(p, 96), len(p))
}

// loadKinds returns the load kinds set, as their YAML paths, in the order
// they were written (the schema's order for a scenario built in memory).
func (s *Scenario) loadKinds(c *checker) []string {
	l := &s.Load
	var kinds []string
	if c.set("load.concurrency", l.Concurrency != 0) {
		kinds = append(kinds, "load.concurrency")
	}
	if l.Sweep != nil {
		kinds = append(kinds, "load.sweep")
	}
	if c.set("load.rate", len(l.Rate) > 0) {
		kinds = append(kinds, "load.rate")
	}
	if l.Trace != nil {
		kinds = append(kinds, "load.trace")
	}
	// In file order, so a conflict is reported at the second one written.
	slices.SortStableFunc(kinds, func(a, b string) int {
		pa, _ := c.src.locate(a)
		pb, _ := c.src.locate(b)
		if pa.line != pb.line {
			return pa.line - pb.line
		}
		return pa.col - pb.col
	})
	return kinds
}

func (l *LoadProfile) validate(c *checker, s *Scenario) {
	kinds := s.loadKinds(c)
	if len(kinds) > 1 {
		c.errorf(kinds[1], "give one of concurrency, sweep, rate or trace, not both %s and %s",
			strings.TrimPrefix(kinds[0], "load."), strings.TrimPrefix(kinds[1], "load."))
	}
	hasRate := slices.Contains(kinds, "load.rate")
	hasTrace := l.Trace != nil
	if c.set("load.concurrency", l.Concurrency != 0) && (l.Concurrency < 1 || l.Concurrency > maxConcurrency) {
		c.errorf("load.concurrency", "must be between 1 and %d, got %d", maxConcurrency, l.Concurrency)
	}
	if l.Sweep != nil {
		l.Sweep.validate(c)
	}
	if hasRate {
		if len(l.Rate) == 0 {
			c.errorf("load.rate", "want a rate in requests per second, or a list of rates")
		}
		// The list's first bad rate only, as a sweep's.
		for i, r := range l.Rate {
			p := c.ratePath(l, i)
			switch {
			case !(r > 0) || r > MaxRate:
				c.errorf(p, "must be > 0 and at most %d requests per second, got %g", MaxRate, r)
			case r < minRate:
				c.errorf(p, "%g requests per second is less than one a day (%.3g): the first request would be expected %.3g days after the start; a slow trickle is 0.001 (one every 17 minutes)",
					r, minRate, 1/r/86400)
			case i > 0 && !(r > l.Rate[i-1]):
				c.errorf(p, "rates must increase: %g follows %g", r, l.Rate[i-1])
			default:
				continue
			}
			break
		}
		l.validateOpen(c)
	}
	if l.Arrival != "" {
		switch {
		case !slices.Contains([]Arrival{ArrivalConstant, ArrivalPoisson, ArrivalGamma}, l.Arrival):
			c.errorf("load.arrival", "%s", unknownName("arrival process", string(l.Arrival), []string{string(ArrivalConstant), string(ArrivalPoisson), string(ArrivalGamma)}))
		case !hasRate:
			c.errorf("load.arrival", "only applies with load.rate")
		}
	}
	if c.set("load.burstiness", l.Burstiness != 0) {
		switch {
		case !(l.Burstiness > 0) || math.IsInf(l.Burstiness, 0):
			c.errorf("load.burstiness", "must be > 0 (the gamma shape; 1 is Poisson), got %g", l.Burstiness)
		case l.Burstiness < minBurstiness:
			c.errorf("load.burstiness", "must be at least %g (the gamma shape: gaps' coefficient of variation 1/√shape ≤ 10; below it most gaps are exactly 0), got %g", minBurstiness, l.Burstiness)
		case l.Arrival != ArrivalGamma:
			c.errorf("load.burstiness", "only applies with arrival: gamma")
		}
	}
	if c.set("load.max_concurrency", l.MaxConcurrency != 0) {
		switch {
		case l.MaxConcurrency < 0 || l.MaxConcurrency > maxConcurrency:
			c.errorf("load.max_concurrency", "must be between 0 (no cap) and %d, got %d", maxConcurrency, l.MaxConcurrency)
		case !hasRate && !hasTrace:
			c.errorf("load.max_concurrency", "only applies with load.rate or load.trace")
		}
	}
	if c.set("load.ramp_up", l.RampUp != 0) {
		switch {
		case l.RampUp < 0:
			c.errorf("load.ramp_up", "must not be negative, got %v", l.RampUp)
		case !hasRate:
			c.errorf("load.ramp_up", "only applies with load.rate")
		}
	}
	if t := l.Trace; t != nil {
		checkFile(c, s, "load.trace.file", t.File)
		if c.set("load.trace.time_scale", t.TimeScale != 0) && (!(t.TimeScale > 0) || math.IsInf(t.TimeScale, 0)) {
			c.errorf("load.trace.time_scale", "must be > 0, got %g", t.TimeScale)
		}
		if c.set("load.trace.block_tokens", t.BlockTokens != 0) && (t.BlockTokens < 1 || t.BlockTokens > MaxLength) {
			c.errorf("load.trace.block_tokens", "must be between 1 and %d tokens, got %d", MaxLength, t.BlockTokens)
		}
	}
	if l.Requests < 0 {
		c.errorf("load.requests", "must not be negative, got %d", l.Requests)
	}
	if l.Duration < 0 {
		c.errorf("load.duration", "must not be negative, got %v", l.Duration)
	}
	if l.Warmup != nil && *l.Warmup < 0 {
		c.errorf("load.warmup", "must not be negative, got %d", *l.Warmup)
	}
	switch {
	case l.Timeout < 0:
		c.errorf("load.timeout", "must not be negative, got %v", l.Timeout)
	case l.Timeout == 0 && c.src.has("load.timeout"):
		// --timeout 0s is refused too; 0 read as unset took the default.
		c.errorf("load.timeout", "must be positive, got 0s: every request needs a deadline (leave timeout out for the default %v)", DefaultTimeout)
	}
	if cs := l.CapacitySearch; cs != nil {
		switch {
		case cs.Steps < 0 || cs.Steps > maxBisectSteps:
			c.errorf("load.capacity_search.steps", "must be between 0 and %d, got %d", maxBisectSteps, cs.Steps)
		case !cs.Bisect && c.set("load.capacity_search.steps", cs.Steps != 0):
			c.errorf("load.capacity_search.steps", "only applies with bisect: true")
		}
		if l.Sweep == nil && len(l.Rate) < 2 {
			c.errorf("load.capacity_search", "only applies after a sweep: load.sweep, or a list of load.rate")
		}
	}
	if a := l.Adaptive; a != nil {
		a.validate(c, l)
	}
}

func (sw *Sweep) validate(c *checker) {
	if sw.Levels != nil {
		if len(sw.Levels) == 0 {
			c.errorf("load.sweep", "want at least one concurrency level")
		}
		if len(sw.Levels) > maxSweepLevels {
			c.errorf("load.sweep", "at most %d levels, got %d", maxSweepLevels, len(sw.Levels))
		}
		// The list's first bad level only: the next ones are most often
		// the same mistake (64, 32, 16 is one list written backwards).
		for i, l := range sw.Levels {
			p := "load.sweep[" + strconv.Itoa(i) + "]"
			switch {
			case l < 1 || l > maxConcurrency:
				c.errorf(p, "must be between 1 and %d, got %d", maxConcurrency, l)
				return
			case i > 0 && l <= sw.Levels[i-1]:
				c.errorf(p, "levels must increase: %d follows %d", l, sw.Levels[i-1])
				return
			}
		}
		return
	}
	ok := true
	if sw.Start < 1 || sw.Start > maxConcurrency {
		c.errorf("load.sweep.start", "must be between 1 and %d, got %d", maxConcurrency, sw.Start)
		ok = false
	}
	if !(sw.Factor > 1) || math.IsInf(sw.Factor, 0) {
		c.errorf("load.sweep.factor", "must be > 1, got %g", sw.Factor)
		ok = false
	}
	if sw.Max < sw.Start || sw.Max > maxConcurrency {
		c.errorf("load.sweep.max", "must be between start (%d) and %d, got %d", sw.Start, maxConcurrency, sw.Max)
		ok = false
	}
	if ok {
		if lv := sw.Concurrencies(); len(lv) == maxSweepLevels && lv[len(lv)-1] != sw.Max {
			c.errorf("load.sweep.factor", "makes more than %d levels from %d to %d: use a larger factor", maxSweepLevels, sw.Start, sw.Max)
		}
	}
}

func (o *SLO) validate(c *checker) {
	if c.set("slo.percentile", o.Percentile != 0) && !slices.Contains(sloPercentiles, o.Percentile) {
		c.errorf("slo.percentile", "must be one of 50, 90, 95, 99, 99.9, got %g", o.Percentile)
	}
	for _, d := range []struct {
		path string
		v    Duration
	}{{"slo.ttft", o.TTFT}, {"slo.tpot", o.TPOT}, {"slo.itl", o.ITL}, {"slo.e2e", o.E2E}} {
		if d.v < 0 {
			c.errorf(d.path, "must not be negative, got %v", d.v)
		}
	}
	if r := o.MaxErrorRate; r != nil && !(*r >= 0 && *r <= 1) {
		c.errorf("slo.max_error_rate", "must be a fraction between 0 and 1, got %g", *r)
	}
}

// TakesURL reports whether the backend reads a URL: dcgm (the exporter's
// metrics page) and mock (the mock's page; the target's URL when none).
func (g *GPU) TakesURL() bool { return g.Backend == "dcgm" || g.Backend == "mock" }

func (g *GPU) validate(c *checker) {
	if g.Backend != "" && !slices.Contains(gpuBackends, g.Backend) {
		c.errorf("gpu.backend", "%s", unknownName("backend", g.Backend, gpuBackends))
	}
	if g.URL != "" {
		if msg := CheckURL(g.URL); msg != "" {
			c.errorf("gpu.url", "%s", msg)
		} else if !g.TakesURL() {
			c.errorf("gpu.url", "only applies with backend: dcgm or mock")
		}
	}
	if g.Interval < 0 {
		c.errorf("gpu.interval", "must not be negative, got %v", g.Interval)
	}
}

func (o *Cost) validate(c *checker) {
	if o.GPU != "" && !nameRE.MatchString(o.GPU) {
		c.errorf("cost.gpu", "must be a GPU catalog id such as h100-sxm, got %q", truncate(o.GPU, 64))
	}
	if c.set("cost.gpus", o.GPUs != 0) && (o.GPUs < 1 || o.GPUs > 1024) {
		c.errorf("cost.gpus", "must be between 1 and 1024, got %d", o.GPUs)
	}
	if o.Offer != "" && !slices.Contains(costOffers, o.Offer) {
		c.errorf("cost.offer", "%s", unknownName("offer", o.Offer, costOffers))
	}
}

func datasetFile(d *Dataset) string {
	if d == nil {
		return ""
	}
	return d.File
}

func traceFile(t *Trace) string {
	if t == nil {
		return ""
	}
	return t.File
}

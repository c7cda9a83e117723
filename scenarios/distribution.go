package scenarios

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"

	"github.com/inferbench/inferbench/internal/openfile"
	"github.com/inferbench/inferbench/internal/yamlguard"
)

// DistKind names a length distribution.
type DistKind string

// The length distributions.
const (
	// DistFixed: always Value. Written in YAML as a bare integer.
	DistFixed DistKind = ""
	// DistUniform: an integer drawn uniformly from [Min, Max], both included.
	DistUniform DistKind = "uniform"
	// DistNormal: Mean + Stddev·N(0,1), rounded to the nearest integer and
	// clamped to [Min, Max] (Min defaults to 1, Max to no bound).
	DistNormal DistKind = "normal"
	// DistLognormal: a log-normal variable whose values (not their logs)
	// have mean Mean and standard deviation Stddev, rounded and clamped as
	// DistNormal. With σ² = ln(1 + Stddev²/Mean²) and μ = ln(Mean) − σ²/2,
	// the value is exp(μ + σ·N(0,1)); E = exp(μ + σ²/2) = Mean and
	// Var = (exp(σ²) − 1)·Mean² = Stddev² (the log-normal moments).
	// Example: Mean 512, Stddev 300 gives σ² = ln(1.3433) = 0.2951.
	DistLognormal DistKind = "lognormal"
	// DistEmpirical: a value drawn uniformly from the integers listed in
	// File, one per line (so a value listed twice is twice as likely).
	DistEmpirical DistKind = "empirical"
)

// MaxLength bounds every length in tokens: far beyond any model's context
// window (the longest published are about 10M tokens), it keeps a sample of
// an unbounded distribution from overflowing.
const MaxLength = 1 << 24

// Distribution is a length in tokens: fixed, or drawn per request. In YAML
// it is an integer (fixed) or a mapping {dist: uniform|normal|lognormal|
// empirical, …}. The zero value is "not set".
type Distribution struct {
	// Kind is the distribution; DistFixed for a fixed length.
	Kind DistKind
	// Value is the fixed length, with DistFixed.
	Value int
	// Min and Max bound the drawn lengths (uniform: both required; normal,
	// lognormal: optional clamps, Min 0 meaning 1 and Max 0 no bound).
	Min, Max int
	// Mean and Stddev are the mean and standard deviation of the lengths
	// (normal, lognormal).
	Mean, Stddev float64
	// File lists the lengths of an empirical distribution, one per line,
	// relative to the scenario file's directory.
	File string

	// values are File's lengths, read by Load or set by Empirical.
	values []int
}

// Fixed returns the distribution that is always n.
func Fixed(n int) Distribution { return Distribution{Value: n} }

// Empirical returns the distribution that draws uniformly from values (the
// values a file would list; values is copied).
func Empirical(values []int) Distribution {
	return Distribution{Kind: DistEmpirical, values: append([]int(nil), values...)}
}

// IsZero reports whether d is unset.
func (d Distribution) IsZero() bool {
	return d.Kind == DistFixed && d.Value == 0
}

// String describes d in the YAML flow form.
func (d Distribution) String() string {
	switch d.Kind {
	case DistFixed:
		return strconv.Itoa(d.Value)
	case DistUniform:
		return fmt.Sprintf("{dist: uniform, min: %d, max: %d}", d.Min, d.Max)
	case DistEmpirical:
		return fmt.Sprintf("{dist: empirical, file: %s}", d.File)
	}
	s := fmt.Sprintf("{dist: %s, mean: %g, stddev: %g", d.Kind, d.Mean, d.Stddev)
	if d.Min != 0 {
		s += fmt.Sprintf(", min: %d", d.Min)
	}
	if d.Max != 0 {
		s += fmt.Sprintf(", max: %d", d.Max)
	}
	return s + "}"
}

// Sample draws one length from d with rng. It is a pure function of d and
// the state of rng: a generator seeded the same way gives the same lengths.
// On a Distribution that Validate rejects the result is meaningless (but
// never a panic).
func (d *Distribution) Sample(rng *rand.Rand) int {
	switch d.Kind {
	case DistFixed:
		return d.Value
	case DistUniform:
		if d.Max < d.Min {
			return d.Min
		}
		return d.Min + rng.IntN(d.Max-d.Min+1)
	case DistNormal:
		return d.clamp(d.Mean + d.Stddev*rng.NormFloat64())
	case DistLognormal:
		return d.clamp(lognormal(rng, d.Mean, d.Stddev))
	case DistEmpirical:
		if len(d.values) == 0 {
			return 0
		}
		return d.values[rng.IntN(len(d.values))]
	}
	return 0
}

// lognormal draws a log-normal value of mean mean and standard deviation
// stddev (DistLognormal's σ² and μ), for lengths and think times alike; 0,
// with nothing drawn from rng, when mean is not > 0.
func lognormal(rng *rand.Rand, mean, stddev float64) float64 {
	if !(mean > 0) {
		return 0
	}
	s2 := math.Log1p(stddev * stddev / (mean * mean))
	mu := math.Log(mean) - s2/2
	return math.Exp(mu + math.Sqrt(s2)*rng.NormFloat64())
}

// Typical is d's typical length, its mean rounded and within its bounds:
// the length a request stands for when one request stands for all (the
// auto spread's probe, the calibration of prompt sizing).
func (d *Distribution) Typical() int {
	switch d.Kind {
	case DistFixed:
		return d.Value
	case DistUniform:
		return (d.Min + d.Max) / 2
	case DistNormal, DistLognormal:
		return d.clamp(d.Mean)
	case DistEmpirical:
		if len(d.values) == 0 {
			return 0
		}
		sum := 0
		for _, v := range d.values {
			sum += v
		}
		return d.clamp(float64(sum) / float64(len(d.values)))
	}
	return 0
}

// clamp rounds x to the nearest integer within [max(Min, 1), Max or MaxLength].
func (d *Distribution) clamp(x float64) int {
	lo, hi := float64(max(d.Min, 1)), float64(MaxLength)
	if d.Max > 0 {
		hi = float64(d.Max)
	}
	x = math.Round(x)
	if !(x >= lo) { // also catches NaN
		x = lo
	}
	if x > hi {
		x = hi
	}
	return int(x)
}

// MaxClampedMeanShift and MaxClampedStddevShift bound how far the clamps
// of a normal or lognormal length (min, max, and 1 below) may move its
// draws' mean and standard deviation from those written, as fractions of
// them. The shipped scenarios move theirs by under 0.3% and 3%.
const (
	MaxClampedMeanShift   = 0.01
	MaxClampedStddevShift = 0.10
)

// clampedMoments returns the mean and standard deviation of what Sample
// draws from a normal or lognormal d: the value rounded to an integer and
// clamped into [max(Min, 1), Max] (Max 0 is MaxLength). A draw below
// lo+½ becomes lo and one from hi−½ up becomes hi; between them rounding
// keeps the mean and adds 1/12 to the variance.
func (d *Distribution) clampedMoments() (mean, stddev float64) {
	lo, hi := float64(max(d.Min, 1)), float64(MaxLength)
	if d.Max > 0 {
		hi = float64(d.Max)
	}
	a, b := lo+0.5, max(hi-0.5, lo+0.5)
	cdf := func(z float64) float64 { return math.Erfc(-z/math.Sqrt2) / 2 }
	pdf := func(z float64) float64 { return math.Exp(-z*z/2) / math.Sqrt(2*math.Pi) }
	switch d.Kind {
	case DistNormal:
		// In units of the standard normal, about the mean: stable when
		// the stddev is small against the mean.
		mu, sg := d.Mean, d.Stddev
		if !(sg > 0) {
			v := min(max(math.Round(mu), lo), hi)
			return v, 0
		}
		al, be := (a-mu)/sg, (b-mu)/sg
		l, h := (lo-mu)/sg, (hi-mu)/sg
		pl, ph := cdf(al), 1-cdf(be)
		p := max(1-pl-ph, 0)
		tail := func(z float64) float64 { // z·φ(z), 0 far out
			if math.IsInf(z, 0) || math.Abs(z) > 40 {
				return 0
			}
			return z * pdf(z)
		}
		m := l*pl + (pdf(al) - pdf(be)) + h*ph
		e2 := l*l*pl + (p + tail(al) - tail(be)) + h*h*ph
		return mu + sg*m, math.Sqrt(max(e2-m*m, 0)*sg*sg + p/12)
	case DistLognormal:
		if !(d.Mean > 0) {
			return lo, 0
		}
		s2 := math.Log1p(d.Stddev * d.Stddev / (d.Mean * d.Mean))
		if !(s2 > 0) {
			v := min(max(math.Round(d.Mean), lo), hi)
			return v, 0
		}
		mu, s := math.Log(d.Mean)-s2/2, math.Sqrt(s2)
		al, be := (math.Log(a)-mu)/s, (math.Log(b)-mu)/s
		pl, ph := cdf(al), 1-cdf(be)
		p := max(1-pl-ph, 0)
		// E[X^k; a ≤ X < b] = exp(kμ + k²σ²/2)·(Φ(β−kσ) − Φ(α−kσ)), in
		// units of the mean written.
		k1 := cdf(be-s) - cdf(al-s)
		k2 := math.Exp(s2) * (cdf(be-2*s) - cdf(al-2*s))
		l, h := lo/d.Mean, hi/d.Mean
		m := l*pl + k1 + h*ph
		e2 := l*l*pl + k2 + h*h*ph
		return d.Mean * m, math.Sqrt(max(e2-m*m, 0)*d.Mean*d.Mean + p/12)
	}
	return 0, 0
}

// roughly writes x to three significant digits, whole numbers from 100 up.
func roughly(x float64) string {
	if math.Abs(x) >= 100 {
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	return strconv.FormatFloat(x, 'g', 3, 64)
}

// Values returns the lengths of an empirical distribution, in file order.
func (d *Distribution) Values() []int { return d.values }

// distSpec is the mapping form of a Distribution, decoded strictly.
type distSpec struct {
	Dist   DistKind `yaml:"dist"`
	Mean   float64  `yaml:"mean,omitempty"`
	Stddev float64  `yaml:"stddev,omitempty"`
	Min    int      `yaml:"min,omitempty"`
	Max    int      `yaml:"max,omitempty"`
	File   string   `yaml:"file,omitempty"`
}

// MarshalYAML writes a fixed length as an integer and any other
// distribution as a mapping.
func (d Distribution) MarshalYAML() (any, error) {
	if d.Kind == DistFixed {
		return d.Value, nil
	}
	return distSpec{Dist: d.Kind, Min: d.Min, Max: d.Max, Mean: d.Mean, Stddev: d.Stddev, File: d.File}, nil
}

// UnmarshalYAML reads an integer or a {dist: …} mapping. It does not read
// an empirical distribution's file: Load does, relative to the scenario.
func (d *Distribution) UnmarshalYAML(n ast.Node) error {
	n, ok, err := nonNull(n, d)
	if !ok {
		return err
	}
	switch n := n.(type) {
	case *ast.IntegerNode:
		v, ok := nodeInt(n)
		if !ok || v > MaxLength || v < -MaxLength {
			return errAt(n, "want a length in tokens up to %d", MaxLength)
		}
		*d = Distribution{Value: int(v)}
		return nil
	case *ast.FloatNode, *ast.StringNode:
		// A length written as every other count may be: 1e3, 1024.0.
		if text, f, ok := yamlguard.PlainNumber(n); ok {
			switch {
			case f != math.Trunc(f):
				return errAt(n, "want a whole number of tokens, got %s", truncate(text, 32))
			case math.Abs(f) > MaxLength:
				return errAt(n, "want a length in tokens up to %d", MaxLength)
			}
			*d = Distribution{Value: int(f)}
			return nil
		}
	case *ast.MappingNode, *ast.MappingValueNode:
		var s distSpec
		if err := yaml.NodeToValue(n, &s, yaml.DisallowUnknownField()); err != nil {
			return err
		}
		*d = Distribution{Kind: s.Dist, Min: s.Min, Max: s.Max, Mean: s.Mean, Stddev: s.Stddev, File: s.File}
		if s.Dist == DistFixed {
			return errAt(n, "dist is required: uniform, normal, lognormal or empirical (write a fixed length as a bare number)")
		}
		return nil
	}
	return errAt(n, "want a length in tokens, or {dist: uniform|normal|lognormal|empirical, …}")
}

// Validate reports every problem of d, each prefixed with the key it
// concerns.
func (d *Distribution) Validate() error {
	var errs []error
	for _, p := range d.problems(nil) {
		if p.key != "" {
			errs = append(errs, fmt.Errorf("%s: %s", p.key, p.msg))
		} else {
			errs = append(errs, errors.New(p.msg))
		}
	}
	return errors.Join(errs...)
}

// problem is one thing wrong with a value; key is the sub-key it concerns
// ("" for the value itself).
type problem struct{ key, msg string }

// problems lists what is wrong with d as a length. present reports whether
// a sub-key was written in the file (nil: only non-zero fields count as set).
func (d *Distribution) problems(present func(key string) bool) []problem {
	return d.problemsWithin(present, lengths)
}

// A bound is what a Distribution counts and the most it may draw: a
// length in tokens up to MaxLength, or a session's turns up to MaxTurns.
type bound struct {
	unit, noun string
	limit      int
}

var (
	lengths = bound{"tokens", "a length", MaxLength}
	turns   = bound{"turns", "a number", MaxTurns}
)

// problemsWithin lists what is wrong with d as a count of b's unit, up to
// its limit.
func (d *Distribution) problemsWithin(present func(key string) bool, b bound) []problem {
	set := func(key string, nonzero bool) bool { return nonzero || (present != nil && present(key)) }
	var ps []problem
	add := func(key, format string, args ...any) { ps = append(ps, problem{key, fmt.Sprintf(format, args...)}) }
	unused := func(keys ...string) {
		for _, k := range keys {
			var nz bool
			switch k {
			case "min":
				nz = d.Min != 0
			case "max":
				nz = d.Max != 0
			case "mean":
				nz = d.Mean != 0
			case "stddev":
				nz = d.Stddev != 0
			case "file":
				nz = d.File != ""
			}
			if set(k, nz) {
				add(k, "not used by dist: %s", d.Kind)
			}
		}
	}
	bounds := func() {
		if set("min", d.Min != 0) && (d.Min < 1 || d.Min > b.limit) {
			add("min", "must be between 1 and %d %s, got %d", b.limit, b.unit, d.Min)
		}
		if set("max", d.Max != 0) && (d.Max < 1 || d.Max > b.limit) {
			add("max", "must be between 1 and %d %s, got %d", b.limit, b.unit, d.Max)
		} else if d.Max != 0 && d.Max < d.Min {
			add("max", "must be ≥ min (%d), got %d", d.Min, d.Max)
		}
	}
	switch d.Kind {
	case DistFixed:
		if d.Value < 1 || d.Value > b.limit {
			add("", "must be between 1 and %d %s, got %d", b.limit, b.unit, d.Value)
		}
	case DistUniform:
		if !set("min", d.Min != 0) {
			add("min", "is required with dist: uniform")
		}
		if !set("max", d.Max != 0) {
			add("max", "is required with dist: uniform")
		}
		bounds()
		unused("mean", "stddev", "file")
	case DistNormal, DistLognormal:
		if !(d.Mean > 0) || d.Mean > float64(b.limit) {
			add("mean", "must be %s between 1 and %d %s, got %g", b.noun, b.limit, b.unit, d.Mean)
		}
		if !(d.Stddev >= 0) || math.IsInf(d.Stddev, 0) {
			add("stddev", "must be ≥ 0, got %g", d.Stddev)
		}
		n := len(ps)
		bounds()
		// Each draw is clamped into [min, max] (clamp): a mean outside
		// them is not the draws' mean (mean 100, min 10000: every draw
		// was 10000, and the scenario said 100).
		lo, hi := max(d.Min, 1), d.Max
		if hi == 0 {
			hi = b.limit
		}
		if len(ps) == n && d.Mean > 0 && d.Mean <= float64(b.limit) && (d.Mean < float64(lo) || d.Mean > float64(hi)) {
			add("mean", "must lie between min (%d) and max (%d), got %g: draws are clamped into them, so their mean would not be %g", lo, hi, d.Mean, d.Mean)
		} else if len(ps) == n && d.Mean > 0 && d.Stddev > 0 {
			// A mean within the bounds is still not the draws' when much
			// of the distribution lies past them: {dist: normal, mean:
			// 100, stddev: 100} drew a mean of 108.5 (every draw below 1
			// was 1).
			d2 := *d
			d2.Max = hi
			if m, sd := d2.clampedMoments(); math.Abs(m-d.Mean) > MaxClampedMeanShift*d.Mean || (d.Stddev >= 1 && math.Abs(sd-d.Stddev) > MaxClampedStddevShift*d.Stddev) {
				add("", "draws are clamped into [%d, %d], so they would have mean %s and stddev %s, not %g and %g (a mean more than %g%% off, or a stddev more than %g%%): set min and max farther from the mean, or a smaller stddev",
					lo, hi, roughly(m), roughly(sd), d.Mean, d.Stddev, MaxClampedMeanShift*100, MaxClampedStddevShift*100)
			}
		}
		unused("file")
	case DistEmpirical:
		switch {
		case d.File == "" && d.values == nil:
			add("file", "is required with dist: empirical")
		case len(d.values) == 0 && d.File != "":
			// Load reads the file; a Distribution decoded without Load
			// has no values yet.
			add("file", "has not been read (load the scenario with Load or LoadFile)")
		}
		for _, v := range d.values {
			if v < 1 || v > MaxLength {
				add("file", "lengths must be between 1 and %d tokens, got %d", MaxLength, v)
				break
			}
		}
		unused("min", "max", "mean", "stddev")
	default:
		add("dist", "%s", unknownName("distribution", string(d.Kind), []string{"uniform", "normal", "lognormal", "empirical"}))
	}
	return ps
}

// ReadLengths reads an empirical length list: one positive integer a line;
// blank lines and lines starting with # are skipped. Errors give the line
// number.
func ReadLengths(r io.Reader) ([]int, error) {
	var out []int
	// A line longer than a trace's is no length (/dev/zero given by
	// mistake): refused at its line, not read into memory.
	err := eachLine(r, maxTraceLine, func(b []byte) error {
		s := string(b)
		if strings.HasPrefix(s, "#") {
			return nil
		}
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 || v > MaxLength {
			return fmt.Errorf("want a length in tokens between 1 and %d, got %q", MaxLength, truncate(s, 40))
		}
		out = append(out, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("no lengths in the file")
	}
	return out, nil
}

// readFile opens path and reads it with read; read's error is prefixed with
// the path, os.Open's names it already. A gzip-compressed file is read as
// what it decompresses to, within gunzipRatio of its size (openfile.Gunzip);
// one compressed another way is refused in words.
func readFile[T any](path string, read func(io.Reader) (T, error)) (T, error) {
	var zero T
	f, err := openData(path)
	if err != nil {
		return zero, err
	}
	defer f.Close()
	src, gz, err := openfile.Gunzip(f)
	if err != nil {
		if gz {
			err = gzipWords(err)
		}
		return zero, fmt.Errorf("%s: %w", path, err)
	}
	z := &gunzipped{r: src, in: &f.n, path: path}
	if gz {
		src = z
	}
	v, err := read(src)
	if z.err != nil {
		// Said as itself, not as the line the reader had got to.
		return zero, fmt.Errorf("%s: %w", path, z.err)
	}
	if err != nil {
		if perr := f.noWriter(); perr != nil {
			return zero, perr
		}
		return zero, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

// A gzip-compressed data file may decompress to gunzipFloor bytes, and past
// them to at most gunzipRatio times the compressed bytes read so far. Text
// compresses far less (the QA's synthetic good.jsonl, repetitive, 42-fold;
// prose about 3-fold), while a small file of zeros or of one short line
// repeated expands up to deflate's limit, 1032-fold, into memory: a QA's
// 13 MB file held 3 GB, and 7 MB of `{"prompt": "a"}` lines 1.2 GB, which
// an absolute bound of 1 GiB let take 8.6 GB of memory and a minute before
// it refused it. The floor lets any small file through whole. Variables
// for the tests.
var (
	gunzipFloor int64 = 64 << 20
	gunzipRatio int64 = 100
)

// gunzipped reads a gzip data file's decompressed bytes, within the bound
// above, keeping the first error the decompression met (the bound, a file
// cut short, a checksum that does not match) for readFile to say whole.
type gunzipped struct {
	r    io.Reader
	in   *int64 // compressed bytes read so far
	out  int64
	path string
	err  error
}

func (z *gunzipped) Read(b []byte) (int, error) {
	if z.err != nil {
		return 0, z.err
	}
	n, err := z.r.Read(b)
	z.out += int64(n)
	if z.out > gunzipFloor && z.out > gunzipRatio*(*z.in) {
		z.err = fmt.Errorf("gzip data that decompresses to more than %d times its size (%s from its first %s): refused (a gzip bomb?); to read it, decompress it first (gunzip -k %s)",
			gunzipRatio, sizeWords(z.out), sizeWords(*z.in), z.path)
		return 0, z.err
	}
	return n, z.keep(err)
}

// keep notes a decompression error and passes io.EOF on.
func (z *gunzipped) keep(err error) error {
	if err != nil && err != io.EOF {
		z.err = gzipWords(err)
		return z.err
	}
	return err
}

// gzipWords says a gzip reader's error as what it means for the file.
func gzipWords(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("gzip data cut short (unexpected EOF): the file is incomplete")
	}
	return fmt.Errorf("gzip data that does not decompress: %w", err)
}

// sizeWords says n bytes in words: KiB, MiB or GiB with one decimal, or
// bytes under a KiB.
func sizeWords(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// dataFile is a data file a scenario names (a dataset, a trace, a length
// list), open for reading, counting what it gave.
type dataFile struct {
	*os.File
	n int64
}

// openData opens path without waiting for a writer when it is a named
// pipe (openfile.Open): os.Open of one that no program writes to blocked
// the run for ever.
func openData(path string) (*dataFile, error) {
	f, err := openfile.Open(path)
	if err != nil {
		return nil, err
	}
	return &dataFile{File: f}, nil
}

func (f *dataFile) Read(b []byte) (int, error) {
	n, err := f.File.Read(b)
	f.n += int64(n)
	return n, err
}

// noWriter is a *yamlguard.NoWriterError when f gave nothing and is a named
// pipe (no program writes to it), said instead of "no prompts" or "no
// lengths"; nil otherwise.
func (f *dataFile) noWriter() error {
	if f.n > 0 {
		return nil
	}
	return yamlguard.CheckPipe(f.File)
}

// truncate shortens s to at most n bytes for an error message, on a
// character's boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

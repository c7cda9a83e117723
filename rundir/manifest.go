package rundir

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"github.com/inferbench/inferbench/internal/jsonerr"
)

// The files of a run directory (docs/design.md, "The run directory").
const (
	ManifestFile = "run.json"
	RecordsFile  = "requests.jsonl"
	GPUFile      = "gpu.jsonl"
	ServerFile   = "server.jsonl"
	ClientFile   = "client.jsonl"
	SummaryFile  = "summary.json"
)

// Files lists every file a run directory holds, in the order a run writes
// them: what `run` refuses to overwrite, what `merge` writes, what README's
// "What a run leaves" lists. Reports (report.md, plots/) are written
// elsewhere.
func Files() []string {
	return []string{ManifestFile, RecordsFile, GPUFile, ServerFile, ClientFile, SummaryFile}
}

// Format is the run directory format this package writes and the newest
// it reads, recorded in run.json. It changes only when a file's meaning
// changes (a field that means something else, a unit, a record that must
// be read differently); a field added is not a new format: readers ignore
// what they do not know, as encoding/json does. A run directory of a newer
// format is refused (ReadManifest), not read as this one: its numbers
// could be misread silently. run.json without the field is older than it
// and reads as format 1.
const Format = 1

// ExitState is how a run ended.
type ExitState string

const (
	// ExitRunning: the run has started and not yet ended (or the process died).
	ExitRunning ExitState = "running"
	// ExitComplete: the run ran to its stop condition.
	ExitComplete ExitState = "complete"
	// ExitInterrupted: the run was stopped early (Ctrl-C); its records up to
	// then are complete and reportable.
	ExitInterrupted ExitState = "interrupted"
	// ExitFailed: the run could not go on (e.g. the run directory became unwritable).
	ExitFailed ExitState = "failed"
)

// Manifest is run.json: what was run, against what, from where, and how it
// ended. It never holds a secret: only the name of the environment variable
// an API key came from.
type Manifest struct {
	// Tool and Version identify the harness that made the run.
	Tool    string `json:"tool"`
	Version string `json:"version"`
	// Format is the run directory's format (Format when written).
	Format int `json:"format,omitempty"`
	// Host is the load generator's host name, OS and CPU count.
	Host Host `json:"host"`
	// Target is the endpoint under test.
	Target TargetInfo `json:"target"`
	// Scenario is the scenario as resolved (flags and file merged).
	Scenario json.RawMessage `json:"scenario,omitempty"`
	// Load describes how load was applied (spread of worker starts, etc.).
	Load LoadInfo `json:"load"`
	// Server is what is known of the serving software: its version as the
	// server reports it (and where from) and the flags the user recorded,
	// so a comparison can tell two builds or settings apart.
	Server *ServerInfo `json:"server,omitempty"`
	// GPUs is the GPU inventory, when a sampler was running.
	GPUs json.RawMessage `json:"gpus,omitempty"`
	// GPUBackend is the telemetry backend used, "none" when telemetry was off.
	GPUBackend string `json:"gpu_backend,omitempty"`
	// GPUTelemetryOff says why GPU telemetry was off when GPUBackend is
	// "none": switched off (--gpu-backend none), or what the backend said
	// (no NVIDIA driver on the host that ran the load, …). A run without
	// it and with "none" predates the field.
	GPUTelemetryOff string `json:"gpu_telemetry_off,omitempty"`
	// GPUStated is the serving box's GPU as the user stated it (--gpu
	// ID[xN]), recorded as given; cost prefers it to telemetry.
	GPUStated string `json:"gpu_stated,omitempty"`
	// Simulated is true when the target or the GPU telemetry is the mock:
	// the numbers are simulated, not measured on the named hardware.
	Simulated bool `json:"simulated,omitempty"`
	// ServerMetricsError is set when the server's metrics were scraped and
	// no scrape succeeded (a URL that answers 404, a server without
	// metrics): how many failed and what the first failure said.
	ServerMetricsError string `json:"server_metrics_error,omitempty"`
	// Start and End are the wall-clock start and end (RFC 3339, UTC). Every
	// *_ns offset in the run directory counts from Start.
	Start time.Time  `json:"start"`
	End   *time.Time `json:"end,omitempty"`
	// ExitState is how the run ended; ExitReason says why when not complete.
	ExitState  ExitState `json:"exit_state"`
	ExitReason string    `json:"exit_reason,omitempty"`
	// Records is the number of records in requests.jsonl.
	Records int64 `json:"records"`
	// Shard is set when the run is one shard of a sharded run (--shard).
	Shard *Shard `json:"shard,omitempty"`
	// Merged is set on a run directory made by `inferbench merge`.
	Merged *Merged `json:"merged,omitempty"`
	// Adaptive is set when levels stopped adaptively (--precision).
	Adaptive *Adaptive `json:"adaptive,omitempty"`
	// Levels are the levels as the run ran them, in order, each with its
	// time on the run's clock (a merged run's: each level from its first
	// shard's start to its last shard's end). Written when the run ends
	// (complete, interrupted or failed); absent from a run still going or
	// killed, and from runs written before it was (2026-12-06).
	Levels []LevelSpan `json:"levels,omitempty"`
}

// A LevelSpan is the time one level ran, in nanoseconds from Start: from
// when its runner began (its warm-ups first; an open level's schedule
// starts there) to when its last request had finished or been given up,
// after its stop. A level's records alone cannot tell it: an open level at
// 0.0001 req/s stopped after 8 s holds one request of 1.3 s, and over its
// own send→done read 0.76 req/s.
type LevelSpan struct {
	Level float64 `json:"level"`
	// Open says the level sent on a schedule (a rate or a trace), not as
	// workers freed up.
	Open    bool  `json:"open,omitempty"`
	StartNS int64 `json:"start_ns"`
	EndNS   int64 `json:"end_ns"`
}

// Host describes the machine that generated the load.
type Host struct {
	Name string `json:"name"`
	OS   string `json:"os"`
	Arch string `json:"arch"`
	CPUs int    `json:"cpus"`
	Go   string `json:"go"`
	// PID is the process id of the `run` that writes the directory: a
	// watcher on the same host (Name) can tell a run that was killed,
	// whose run.json still says running, from one that is still going
	// (live.Follower). 0 in runs made before it was recorded.
	PID int `json:"pid,omitempty"`
}

// TargetInfo describes the endpoint under test. It holds no secret.
type TargetInfo struct {
	Kind  string `json:"kind"`
	URL   string `json:"url"`
	API   string `json:"api,omitempty"`
	Model string `json:"model"`
	// APIKeyEnv names the environment variable the API key was read from,
	// empty when none was used. The key itself is never written.
	APIKeyEnv string `json:"api_key_env,omitempty"`
	// APIKeyFile is the file the API key was read from, if not the
	// environment. The key itself is never written.
	APIKeyFile string `json:"api_key_file,omitempty"`
	// InsecureTLS records that TLS certificates were not verified.
	InsecureTLS bool `json:"insecure_tls,omitempty"`
	// HTTP names the HTTP versions the run's responses came over
	// ("HTTP/1.1"; "HTTP/2.0" where a TLS server offered it, every stream
	// then sharing a connection), written when the run ends; absent in
	// older runs and when no response came.
	HTTP string `json:"http,omitempty"`
	// HTTP1 records that the client was kept to HTTP/1.1 (--http1).
	HTTP1 bool `json:"http1,omitempty"`
}

// ServerInfo identifies the serving software of a run.
type ServerInfo struct {
	// Version is the server's version string ("0.6.3", a build id).
	Version string `json:"version,omitempty"`
	// Source says where Version came from: "GET /version", "flag", ….
	Source string `json:"source,omitempty"`
	// Args are the server's launch flags, as the user recorded them
	// (--server-args): servers do not report them.
	Args string `json:"args,omitempty"`
}

// LoadInfo records how load was applied.
type LoadInfo struct {
	Profile     string `json:"profile"`
	Concurrency int    `json:"concurrency,omitempty"`
	// Requests is the measured requests per level; for a trace without a
	// count or a duration, its lines after the warm-up (its first lines).
	// The whole run's, in a shard's run.json too.
	Requests int `json:"requests,omitempty"`
	Warmup   int `json:"warmup"`
	// TraceLastDueS is, for a trace, when its last line the run sends is
	// due, in seconds from the start of the level's window (time_scale
	// applied): what watch counts its ETA down to. The whole run's, in a
	// shard's run.json too.
	TraceLastDueS float64 `json:"trace_last_due_s,omitempty"`
	DurationS     float64 `json:"duration_s,omitempty"`
	TimeoutS      float64 `json:"timeout_s"`
	// StartSpread says how closed-loop workers' first requests were spread
	// so they do not run in lockstep (docs/design.md), e.g. "auto: 680ms".
	StartSpread string `json:"start_spread,omitempty"`
	// StartSpreadNS is the spread applied, in nanoseconds.
	StartSpreadNS int64 `json:"start_spread_ns,omitempty"`
	Seed          int64 `json:"seed"`
	// InputTokensSource says how synthetic prompts were sized
	// (docs/tokenizers.md): server-tokenize, tokenizer, calibrated or
	// estimated; absent when the prompts came from a dataset.
	InputTokensSource string `json:"input_tokens_source,omitempty"`
	// InputTokensNote says why a better method was not used, or what the
	// calibration found ("" when the method asked for was used).
	InputTokensNote string `json:"input_tokens_note,omitempty"`
	// PromptSeed seeded the synthetic prompts' text: drawn for this run
	// (unique prompts, so no prompt cache answers from an earlier run)
	// unless PromptSeedExplicit, when --seed gave it.
	PromptSeed         int64 `json:"prompt_seed"`
	PromptSeedExplicit bool  `json:"prompt_seed_explicit,omitempty"`
	// SharedPrompts names what the run's prompts share by design, which a
	// server's prompt cache answers within the run: "shared prefixes",
	// "session turns", "trace blocks" (comma-separated); absent when none.
	SharedPrompts string `json:"shared_prompts,omitempty"`
}

// WriteManifest writes m to dir/run.json atomically (WriteFile), so a
// reader never sees half a manifest and a link at run.json is replaced, not
// followed.
func WriteManifest(dir string, m *Manifest) error {
	m.Format = Format
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return WriteFile(dir, ManifestFile, append(b, '\n'))
}

// maxManifestSize bounds run.json (bytes): the run's scenario, GPU
// inventory and settings take a few KiB.
const maxManifestSize = 16 << 20

// MaxSummarySize bounds summary.json (bytes): a level takes a few KiB.
const MaxSummarySize = 64 << 20

// ReadFile reads the run file at path whole, up to limit bytes (a whole
// number of MiB); a larger one is refused, not read on: in a directory
// someone else made, the name may be a link to a device that never ends.
func ReadFile(path string, limit int) ([]byte, error) {
	f, err := OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if len(b) > limit {
		return nil, fmt.Errorf("%s: larger than %d MiB: not a %s", path, limit>>20, filepath.Base(path))
	}
	return b, nil
}

// ReadManifest reads dir/run.json.
func ReadManifest(dir string) (*Manifest, error) {
	_, m, err := ReadManifestRaw(dir)
	return m, err
}

// ReadManifestRaw reads dir/run.json and returns its bytes with the
// decoded Manifest: the bytes are what a history fingerprints and keeps.
//
// At most maxManifestSize bytes are read: run.json may be a link to
// anything in a directory someone else made.
func ReadManifestRaw(dir string) ([]byte, *Manifest, error) {
	path := filepath.Join(dir, ManifestFile)
	b, err := ReadFile(path, maxManifestSize)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, nil, err
		}
		if runs := HoldsRuns(dir); runs != "" {
			return nil, nil, &HoldsRunsError{Dir: dir, Runs: runs}
		}
		return nil, nil, err
	}
	// null decodes into an empty Manifest without error: a run of no
	// model that started in year 1. run.json is one object.
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) > 0 && t[0] != '{' {
		return nil, nil, fmt.Errorf("%s: not a JSON object (run.json holds one)", path)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, nil, manifestError(path, b, err)
	}
	if err := checkFormat(path, &m); err != nil {
		return nil, nil, err
	}
	// run writes the URL redacted; an edited or foreign run.json may hold
	// a password in it, which every report would print.
	if u, err := url.Parse(m.Target.URL); err == nil && u.User != nil {
		m.Target.URL = u.Redacted()
	}
	return b, &m, nil
}

// A FormatError is a run.json of a format this package does not read:
// the whole run directory is refused with it (Open), records included,
// whose meaning may have changed with it.
type FormatError struct {
	Path          string
	Format        int
	Tool, Version string
}

func (e *FormatError) Error() string {
	if e.Format < 0 {
		return fmt.Sprintf("%s: format %d: not a run directory format (1 and up)", e.Path, e.Format)
	}
	return fmt.Sprintf("%s: run directory format %d, written by %s %s; this inferbench reads format %d and older: read it with the inferbench that made it, or a newer one",
		e.Path, e.Format, cmp.Or(e.Tool, "an unknown tool"), cmp.Or(e.Version, "of unknown version"), Format)
}

// checkFormat refuses a run.json of a format this package does not read.
func checkFormat(path string, m *Manifest) error {
	if m.Format < 0 || m.Format > Format {
		return &FormatError{Path: path, Format: m.Format, Tool: m.Tool, Version: m.Version}
	}
	return nil
}

// manifestError says where in run.json a value has the wrong type, and
// which field, in words rather than Go's ("Go struct field Manifest.records
// of type int64").
func manifestError(path string, b []byte, err error) error {
	te, ok := errors.AsType[*json.UnmarshalTypeError](err)
	if !ok || te.Offset <= 0 || te.Offset > int64(len(b)) {
		if _, syntax := errors.AsType[*json.SyntaxError](err); !syntax {
			// A value's own decoder failed (a time that is not one): it
			// names neither the field nor the place; find the field.
			if field, ft := failingField(b); field != "" {
				if ft == reflect.TypeFor[time.Time]() {
					return fmt.Errorf("%s: %s: want a time such as \"2026-12-04T15:51:55Z\" (RFC 3339, in a string)", path, field)
				}
				return fmt.Errorf("%s: %s: %w", path, field, err)
			}
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	line, col, _ := jsonerr.Position(b, err)
	return fmt.Errorf("%s:%d:%d: %s", path, line, col, jsonerr.Words(te))
}

// MockHeader is the response header `inferbench mock` sets on every
// response, so that a run against the mock through any target kind
// (--target llamacpp --url MOCK) is recorded as simulated.
const MockHeader = "X-Inferbench-Mock"

// GPUTelemetrySwitchedOff is Manifest.GPUTelemetryOff when the user
// switched GPU telemetry off (--gpu-backend none).
const GPUTelemetrySwitchedOff = "switched off (--gpu-backend none)"

// SimulatedBy reports whether a run with this target kind and GPU telemetry
// backend is simulated: the mock target, or the mock's GPU telemetry (the
// demo drives `inferbench mock` through the vllm kind). The one rule.
func SimulatedBy(kind, gpuBackend string) bool {
	return kind == "mock" || gpuBackend == "mock"
}

// MeasuredGPUs reports whether the run's GPU telemetry read real GPUs: a
// backend ran and it was not the mock. A simulated run can have them (the
// mock target on a GPU machine), GPUs that served none of its requests.
func (m *Manifest) MeasuredGPUs() bool {
	return m != nil && m.GPUBackend != "" && m.GPUBackend != "none" && m.GPUBackend != "mock"
}

// IsSimulated reports whether the run was simulated: run.json says so, or
// (for runs written before the field) its target or telemetry is the mock.
func (m *Manifest) IsSimulated() bool {
	return m != nil && (m.Simulated || SimulatedBy(m.Target.Kind, m.GPUBackend))
}

// failingField returns the top-level field of run.json b whose value does
// not decode into its Manifest field, with that field's type (pointers
// removed); "" when each decodes alone.
func failingField(b []byte) (string, reflect.Type) {
	var raw map[string]json.RawMessage
	if json.Unmarshal(b, &raw) != nil {
		return "", nil
	}
	t := reflect.TypeFor[Manifest]()
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		v, ok := raw[name]
		if !ok || name == "" || name == "-" {
			continue
		}
		if json.Unmarshal(v, reflect.New(f.Type).Interface()) != nil {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			return name, ft
		}
	}
	return "", nil
}

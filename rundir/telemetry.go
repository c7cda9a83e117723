package rundir

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"sync"
)

// The telemetry files of a run directory: gpu.jsonl (one GPUSample per
// device per tick), server.jsonl (one ServerSample per scrape of the
// engine's /metrics) and client.jsonl (one ClientSample per tick of the load
// generator watching itself). The samplers that fill them live elsewhere
// (gpu, servermetrics, loadgen); the line types and their codec are the
// run directory's contract and live here.

// A GPUDevice is one GPU of the inventory. Pointer fields are nil when the
// backend cannot tell.
type GPUDevice struct {
	// Index is the device's index as the backend numbers it (NVML index,
	// dcgm-exporter's gpu label, nvidia-smi index, amd-smi gpu).
	Index int `json:"index"`
	// UUID is the stable device identity (e.g. "GPU-c4529c8d-…").
	UUID string `json:"uuid,omitempty"`
	// Name is the marketing name (e.g. "NVIDIA H100 80GB HBM3").
	Name string `json:"name,omitempty"`
	// Host is the host name the backend reported, for remote backends.
	Host string `json:"host,omitempty"`
	// MemoryTotalBytes is the device memory in bytes.
	MemoryTotalBytes *uint64 `json:"memory_total_bytes,omitempty"`
	// DriverVersion is the kernel driver version (e.g. "580.105.08").
	DriverVersion string `json:"driver_version,omitempty"`
	// CUDAVersion is the CUDA version the driver supports (e.g. "13.0").
	CUDAVersion string `json:"cuda_version,omitempty"`
	// PowerLimitW is the enforced board power limit in watts.
	PowerLimitW *float64 `json:"power_limit_w,omitempty"`
	// MIGEnabled says whether MIG mode is on; nil when unknown.
	MIGEnabled *bool `json:"mig_enabled,omitempty"`
}

// A GPUSample is one reading of one device: one line of gpu.jsonl. Pointer
// fields are nil (absent in JSON) when the backend does not report them; a
// zero is a measured zero.
//
// A GPUSample whose Index is -1 and whose Error is set is a gap: the whole tick
// failed and only TNS and Error mean anything.
type GPUSample struct {
	// TNS is the time of the reading in nanoseconds from the run's start.
	TNS int64 `json:"t_ns"`
	// Index, UUID and Name identify the device (see [GPUDevice]).
	Index int    `json:"index"`
	UUID  string `json:"uuid,omitempty"`
	Name  string `json:"name,omitempty"`
	// UtilizationPct is the percent of the last sample period during which
	// a kernel was running (NVML's duty cycle, not SM occupancy), 0–100.
	UtilizationPct *float64 `json:"utilization_pct,omitempty"`
	// MemoryUtilizationPct is the percent of time device memory was read or
	// written, 0–100.
	MemoryUtilizationPct *float64 `json:"memory_utilization_pct,omitempty"`
	// MemoryUsedBytes and MemoryTotalBytes are device memory in bytes.
	MemoryUsedBytes  *uint64 `json:"memory_used_bytes,omitempty"`
	MemoryTotalBytes *uint64 `json:"memory_total_bytes,omitempty"`
	// MemoryReservedBytes is memory reserved by the driver and firmware,
	// when the backend reports it separately (NVML memory info v2).
	MemoryReservedBytes *uint64 `json:"memory_reserved_bytes,omitempty"`
	// PowerW is the board power draw in watts.
	PowerW *float64 `json:"power_w,omitempty"`
	// PowerWindowNS is how long a span PowerW is the mean of, ending at
	// TNS: NVML and nvidia-smi give power averaged over 1 s on Ampere
	// (except GA100) and newer GPUs, and instantaneous power on GA100 and
	// older (docs/notes/nvml-and-cost.md A.2; nvidia-smi --help-query-gpu,
	// power.draw). 0 when the reading is
	// instantaneous or its span unknown. Energy integrated from power puts
	// each reading at the middle of its span: a 1 s average read at the
	// end of it lags the power by 0.5 s, which on an H200 going from idle
	// to its 700 W cap read 20 % low over the 10 s window that ended on the
	// ramp (report.SummarizeGPU; report/testdata/h200-transition).
	PowerWindowNS int64 `json:"power_window_ns,omitempty"`
	// EnergyMJ is the device's energy counter in millijoules since the
	// driver was last loaded (NVML's total energy consumption, which
	// DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION reads: "since the driver was last
	// reloaded", DCGM's field header). Only differences mean anything.
	EnergyMJ *uint64 `json:"energy_mj,omitempty"`
	// TemperatureC is the GPU core temperature in degrees Celsius.
	TemperatureC *float64 `json:"temperature_c,omitempty"`
	// SMClockMHz is the current SM clock in MHz.
	SMClockMHz *float64 `json:"sm_clock_mhz,omitempty"`
	// ClockEventReasons names the active clock-event (throttle) reasons, as
	// gpu.ClockEventReasons spells them. Nil (absent) when the backend does not
	// report them; empty (present as []) when none is active.
	ClockEventReasons []string `json:"clock_event_reasons,omitzero"`
	// Error says why this device's reading failed, in part or whole.
	Error string `json:"error,omitempty"`
}

// IsGap reports whether s records a failed tick rather than a reading.
func (s *GPUSample) IsGap() bool { return s.Index < 0 && s.Error != "" }

// ClientSample is the load generator watching itself: a client near its
// limit measures itself, not the server, so every run records whether it
// was. Values over an interval cover the time since the previous sample.
type ClientSample struct {
	// TNS is when the sample was taken, in ns from the run's start.
	TNS int64 `json:"t_ns"`
	// CPUSeconds is the process's cumulative CPU time (user + system).
	CPUSeconds float64 `json:"cpu_s"`
	// Cores is GOMAXPROCS: the CPUs the process may use at once.
	Cores int `json:"cores"`
	// SchedLatencyP99MS is the 99th percentile of the time goroutines
	// waited to run after becoming runnable, over the interval (Go's
	// /sched/latencies histogram): a loaded scheduler delays timestamps.
	SchedLatencyP99MS float64 `json:"sched_latency_p99_ms"`
	// SchedHist is the same interval's scheduler latencies as a sparse
	// histogram: one [upper bound in ns, count] pair per non-empty bucket of
	// /sched/latencies, in bucket order (the open last bucket is given its
	// lower bound). Summed over a level's samples it gives the percentile of
	// all the level's scheduling events, which the highest per-interval p99
	// overstates: one busy quarter-second is not a client-bound level.
	SchedHist [][2]int64 `json:"sched_hist,omitempty"`
	// GCPauseMS is the total stop-the-world GC pause time in the interval.
	GCPauseMS float64 `json:"gc_pause_ms"`
	// RunWaitSeconds is the process's threads' cumulative time runnable but
	// waiting for a CPU (Linux schedstat run_delay, summed over the threads:
	// internal/runwait), like CPUSeconds a running total whose differences
	// mean something: a difference over a span, divided by it, is the
	// average number of the client's threads the host kept off a CPU. Go's
	// scheduler latency cannot see that wait. nil where unknown (not Linux,
	// no schedstats); a run written before it has none.
	RunWaitSeconds *float64 `json:"run_wait_s,omitempty"`
	// RunSlices is the same threads' cumulative count of times put on a
	// CPU (schedstat's third field), a running total beside RunWaitSeconds:
	// the difference of the wait over the difference of this is how long a
	// thread that became runnable waited, on average. nil with it.
	RunSlices *int64 `json:"run_slices,omitempty"`
	// RunCPUSeconds is the same threads' cumulative time on a CPU
	// (schedstat's first field), read with RunWaitSeconds: the wait per
	// second run divides one by the other, so both come from one clock
	// over one set of threads (an exited thread's last reading kept in
	// both). CPUSeconds (getrusage) stands in where a sample lacks it (a
	// run written before it); nil with RunWaitSeconds.
	RunCPUSeconds *float64 `json:"run_cpu_s,omitempty"`
	// Goroutines and HeapBytes are the live goroutines and heap objects.
	Goroutines int    `json:"goroutines"`
	HeapBytes  uint64 `json:"heap_bytes"`
	// Shard is the shard whose client took the sample, in a merged run
	// directory (each shard's client is its own process); nil otherwise.
	Shard *int `json:"shard,omitempty"`
}

// Engine names, as ServerSample.Engine reports them: whose metric names the
// page used.
const (
	EngineVLLM     = "vllm"
	EngineTGI      = "tgi"
	EngineLlamaCPP = "llamacpp"
	EngineSGLang   = "sglang"
)

// CountsAtEnd reports whether engine adds a request's tokens to its
// cumulative counters when the request ends rather than token by token:
// llama.cpp when a request ends, TGI when it succeeds, SGLang when it
// finishes (its tokenizer manager's observe_one_finished_request counts
// prompt, generated and cached tokens at once). Over a window a few
// requests long such counters' rates read low against the harness's.
func CountsAtEnd(engine string) bool {
	return engine == EngineLlamaCPP || engine == EngineTGI || engine == EngineSGLang
}

// EnginesInTurn is what the Error of a failed scrape says when the
// scraper refused the page as one of several engines of one kind answering
// the URL in turn (a load balancer): their counters, carried over the
// turns as over restarts before the refusal, mean nothing, and a summary
// takes no counter rate from such a run. The scraper writes it, the
// summary reads it: one definition, as the sample's contract.
const EnginesInTurn = "the URL answers for more than one engine"

// A ServerSample is one scrape of the engine's metrics: one line of
// server.jsonl. Pointer fields are nil (absent) when the engine does not
// export them. A ServerSample with Error set and no Engine is a failed scrape.
type ServerSample struct {
	// TNS is the time of the scrape in nanoseconds from the run's start.
	TNS int64 `json:"t_ns"`
	// Engine says whose metric names the page used.
	Engine string `json:"engine,omitempty"`
	// RequestsRunning is the number of requests being processed (vLLM
	// num_requests_running, TGI batch_current_size, llama.cpp
	// requests_processing, SGLang num_running_reqs), summed over
	// data-parallel engines.
	RequestsRunning *float64 `json:"requests_running,omitempty"`
	// RequestsWaiting is the number of requests queued (vLLM
	// num_requests_waiting, TGI queue_size, llama.cpp requests_deferred,
	// SGLang num_queue_reqs).
	RequestsWaiting *float64 `json:"requests_waiting,omitempty"`
	// KVCacheUsage is the fraction of the KV cache in use, 0–1 (vLLM's
	// kv_cache_usage_perc is a ratio despite its name; SGLang's
	// token_usage), averaged over data-parallel engines. TGI and current
	// llama.cpp do not export it.
	KVCacheUsage *float64 `json:"kv_cache_usage,omitempty"`
	// PromptTokensTotal and GenerationTokensTotal are the engine's
	// cumulative token counters since it started; only differences mean
	// anything. TGI's are histogram sums: a prompt counts as the request
	// passes validation, an output as the request succeeds; llama.cpp adds
	// a request's generated tokens when it ends. Over a span shorter than
	// the requests, those engines' generation counter reads low
	// (servermetrics' engine table). Counters are carried over an engine restart, series by series
	// (servermetrics.Scraper; docs/design.md).
	PromptTokensTotal     *float64 `json:"prompt_tokens_total,omitempty"`
	GenerationTokensTotal *float64 `json:"generation_tokens_total,omitempty"`
	// PrefixCacheQueriesTotal and PrefixCacheHitsTotal are the engine's
	// cumulative prefix-cache counters, in prompt tokens looked up and found
	// cached (vLLM V1 prefix_cache_queries and prefix_cache_hits); only
	// differences mean anything.
	PrefixCacheQueriesTotal *float64 `json:"prefix_cache_queries_total,omitempty"`
	PrefixCacheHitsTotal    *float64 `json:"prefix_cache_hits_total,omitempty"`
	// SimBehindSecondsTotal is, for inferbench's mock engine only
	// (inferbench_mock_behind_schedule_seconds_total), the cumulative
	// seconds the simulated engine fell behind its schedule because the
	// host did not run it in time: while it grows, the mock's numbers read
	// slower than its GPU profile. A counter, carried over restarts like
	// the others; only differences mean anything. Absent for real engines.
	SimBehindSecondsTotal *float64 `json:"sim_behind_s_total,omitempty"`
	// MockCPUWaitSecondsTotal is, for inferbench's mock only
	// (inferbench_mock_cpu_wait_seconds_total, both timing modes), the
	// cumulative seconds the mock's threads were runnable but waiting for a
	// CPU (Linux schedstat run_delay): the host, not the simulated GPU,
	// delayed its tokens. A counter, carried over restarts; only
	// differences mean anything. Absent for real engines and where the mock
	// cannot read it (not Linux).
	MockCPUWaitSecondsTotal *float64 `json:"mock_cpu_wait_s_total,omitempty"`
	// MockCPUSlicesTotal is, beside it, the times the mock's threads were
	// put on a CPU (inferbench_mock_cpu_timeslices_total): the wait's
	// difference over this one's is the mean wait of a thread that became
	// runnable. A counter, carried over restarts.
	MockCPUSlicesTotal *float64 `json:"mock_cpu_slices_total,omitempty"`
	// MockCPUSecondsTotal is the seconds the mock's threads ran on a CPU
	// (inferbench_mock_cpu_seconds_total, schedstat's first field): the
	// wait's difference over this one's is how much of the CPU the mock
	// wanted others held. A counter, carried over restarts.
	MockCPUSecondsTotal *float64 `json:"mock_cpu_s_total,omitempty"`
	// Error says why the scrape failed.
	Error string `json:"error,omitempty"`
}

// A JSONLWriter writes telemetry samples as JSON Lines, one object a line,
// flushing after each Write so that every tick reaches the file whole. It is
// safe for concurrent use. name (the file's name) labels its errors.
//
// A write that fails (a full disk) fails every later one, and where w is
// a regular file written from its end (a run's new telemetry file), what
// the failed write left of its line is cut off, so the file ends on whole
// lines, as the record writer's does.
type JSONLWriter[T any] struct {
	mu   sync.Mutex // guards bw, buf, off, err
	bw   *bufio.Writer
	buf  []byte
	name string
	cut  cutter // nil: w is not a file it can cut
	off  int64  // the end of the last whole line in the file
	err  error
}

// cutter is a file a JSONLWriter can cut back to its last whole line
// (*os.File).
type cutter interface {
	Truncate(size int64) error
	Seek(offset int64, whence int) (int64, error)
	Stat() (fs.FileInfo, error)
}

// NewJSONLWriter returns a JSONLWriter writing to w; the caller closes w.
func NewJSONLWriter[T any](w io.Writer, name string) *JSONLWriter[T] {
	jw := &JSONLWriter[T]{bw: bufio.NewWriter(w), name: name}
	if c, ok := w.(cutter); ok {
		// Only a regular file whose writes go to its end: at a position
		// that is not its size (a file opened for appending reads 0), the
		// lines before this writer's are not known, and nothing is cut.
		pos, perr := c.Seek(0, io.SeekCurrent)
		fi, serr := c.Stat()
		if perr == nil && serr == nil && fi.Mode().IsRegular() && pos == fi.Size() {
			jw.cut, jw.off = c, pos
		}
	}
	return jw
}

// Write writes one line per value and flushes.
func (jw *JSONLWriter[T]) Write(values ...T) error {
	jw.mu.Lock()
	defer jw.mu.Unlock()
	if jw.err != nil {
		return jw.err
	}
	jw.buf = jw.buf[:0]
	for i := range values {
		b, err := json.Marshal(&values[i])
		if err != nil {
			return fmt.Errorf("%s: encode: %w", jw.name, err)
		}
		jw.buf = append(append(jw.buf, b...), '\n')
	}
	_, err := jw.bw.Write(jw.buf)
	if err == nil {
		err = jw.bw.Flush()
	}
	if err != nil {
		jw.err = fmt.Errorf("%s: write: %w", jw.name, err)
		if jw.cut != nil {
			if fi, serr := jw.cut.Stat(); serr == nil && fi.Size() > jw.off {
				_ = jw.cut.Truncate(jw.off)
			}
		}
		return jw.err
	}
	jw.off += int64(len(jw.buf))
	return nil
}

// offset is the sample's time, for readJSONL's bound.
func (s *GPUSample) offset() int64    { return s.TNS }
func (s *ServerSample) offset() int64 { return s.TNS }
func (s *ClientSample) offset() int64 { return s.TNS }

// ReadGPUSamples reads every line of a gpu.jsonl stream, gaps included. A
// line that does not decode is an error naming it, returned with the
// samples before it; a last line cut short is a *TruncatedError with every
// sample before it (EachLine's rule). So do ReadServerSamples and
// ReadClientSamples.
func ReadGPUSamples(r io.Reader) ([]GPUSample, error) { return readJSONL[GPUSample](r, GPUFile) }

// ReadServerSamples reads every line of a server.jsonl stream.
func ReadServerSamples(r io.Reader) ([]ServerSample, error) {
	return readJSONL[ServerSample](r, ServerFile)
}

// ReadClientSamples reads every line of a client.jsonl stream.
func ReadClientSamples(r io.Reader) ([]ClientSample, error) {
	return readJSONL[ClientSample](r, ClientFile)
}

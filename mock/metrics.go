package mock

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// ttftBuckets are vLLM's time_to_first_token_seconds bucket bounds
// (fixtures/telemetry/vllm-metrics-v1-busy.txt).
func ttftBuckets() []float64 {
	return []float64{0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0}
}

// BehindScheduleFamily is the counter on the engine mode's /metrics page of
// the seconds the simulated engine fell behind its schedule (EngineStats.BehindNS);
// servermetrics reads it into server.jsonl's sim_behind_s_total.
const BehindScheduleFamily = "inferbench_mock_behind_schedule_seconds_total"

// CPUWaitFamily is the counter, on both modes' /metrics page, of the
// seconds this process's threads spent runnable but waiting for a CPU
// (Linux schedstat run_delay summed over the threads: internal/runwait).
// The behind-schedule counter sees only whole engine steps lost; a late
// wake-up the next step absorbs, or handler goroutines that write a token
// late after the engine produced it on time, it does not, and fixed timing
// has no schedule at all — the OS's count sees them all. servermetrics
// reads it into server.jsonl's mock_cpu_wait_s_total. A mock running
// inside the load generator's process (tests) counts that process's
// threads, the client's too.
const CPUWaitFamily = "inferbench_mock_cpu_wait_seconds_total"

// CPUSlicesFamily counts, beside CPUWaitFamily, the times the mock's
// threads were put on a CPU (schedstat's third field): the wait over these
// is how long a thread that became runnable waited, on average.
// servermetrics reads it into server.jsonl's mock_cpu_slices_total.
const CPUSlicesFamily = "inferbench_mock_cpu_timeslices_total"

// CPUSecondsFamily counts the seconds the mock's threads ran on a CPU
// (schedstat's first field): the wait over these is how much of the CPU
// the mock wanted others held. servermetrics reads it into server.jsonl's
// mock_cpu_s_total.
const CPUSecondsFamily = "inferbench_mock_cpu_seconds_total"

// serverMetrics counts what /metrics reports, in both modes.
type serverMetrics struct {
	mu         sync.Mutex
	inFlight   int
	prompt     int64
	generation int64
	bounds     []float64
	buckets    []int64 // cumulative counts are computed at scrape time
	ttftSum    float64
	ttftCount  int64
}

func (m *serverMetrics) init() {
	m.bounds = ttftBuckets()
	m.buckets = make([]int64, len(m.bounds)+1)
}

func (m *serverMetrics) begin(promptTokens int) {
	m.mu.Lock()
	m.inFlight++
	m.prompt += int64(promptTokens)
	m.mu.Unlock()
}

func (m *serverMetrics) end() {
	m.mu.Lock()
	m.inFlight--
	m.mu.Unlock()
}

func (m *serverMetrics) tokens(n int) {
	m.mu.Lock()
	m.generation += int64(n)
	m.mu.Unlock()
}

// firstToken records a time to first token, from receipt to the first
// token's write.
func (m *serverMetrics) firstToken(d time.Duration) {
	sec := d.Seconds()
	m.mu.Lock()
	i := 0
	for i < len(m.bounds) && sec > m.bounds[i] {
		i++
	}
	m.buckets[i]++
	m.ttftSum += sec
	m.ttftCount++
	m.mu.Unlock()
}

// pyFloat formats v the way Python's prometheus_client does (repr of a
// float): integral values keep ".0".
func pyFloat(v float64) string {
	if math.IsInf(v, 1) {
		return "+Inf"
	}
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if v == math.Trunc(v) && math.Abs(v) < 1e16 {
		s = strconv.FormatFloat(v, 'f', 1, 64)
	}
	return s
}

// serveMetrics answers GET /metrics in vLLM V1's Prometheus names, labels
// engine="0" and model_name, in engine mode the mock's own
// BehindScheduleFamily, and in both modes its CPUWaitFamily. In fixed mode requests in flight count as running
// and nothing waits.
func (s *Server) serveMetrics(w http.ResponseWriter) {
	m := &s.metrics
	m.mu.Lock()
	running, waiting := float64(m.inFlight), 0.0
	prompt, gen := m.prompt, m.generation
	buckets := append([]int64(nil), m.buckets...)
	sum, count := m.ttftSum, m.ttftCount
	m.mu.Unlock()
	kv := 0.0
	var pxQueries, pxHits, behindNS int64
	if s.engine != nil {
		st := s.engine.stats()
		pxQueries, pxHits, behindNS = st.PrefixQueries, st.PrefixHits, st.BehindNS
		running, waiting = float64(st.Running), float64(st.Waiting)
		if st.KVTotalTokens > 0 {
			kv = float64(st.KVUsedTokens) / float64(st.KVTotalTokens)
		}
	}
	labels := fmt.Sprintf(`engine="0",model_name=%q`, s.cfg.Model)
	var b []byte
	gauge := func(name, help string, v float64) {
		b = fmt.Appendf(b, "# HELP %s %s\n# TYPE %s gauge\n%s{%s} %s\n", name, help, name, name, labels, pyFloat(v))
	}
	counter := func(name, help string, v float64) {
		b = fmt.Appendf(b, "# HELP %s %s\n# TYPE %s counter\n%s{%s} %s\n", name, help, name, name, labels, pyFloat(v))
	}
	gauge("vllm:num_requests_running", "Number of requests in model execution batches.", running)
	gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.", waiting)
	gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", kv)
	counter("vllm:prompt_tokens_total", "Number of prefill tokens processed.", float64(prompt))
	counter("vllm:generation_tokens_total", "Number of generation tokens processed.", float64(gen))
	if s.engine != nil && s.engine.cache != nil {
		// vLLM V1's names and help texts (testdata/telemetry/vllm-metrics-v1-busy.txt).
		counter("vllm:prefix_cache_queries_total", "Prefix cache queries, in terms of number of queried tokens.", float64(pxQueries))
		counter("vllm:prefix_cache_hits_total", "Prefix cache hits, in terms of number of cached tokens.", float64(pxHits))
	}
	if s.engine != nil {
		// The mock's own family, not vLLM's: how far the simulated engine
		// fell behind its schedule on a busy host (engine.loop). Fixed
		// timing has no schedule to fall behind: its token times are
		// absolute, and a late write is caught up at once.
		counter(BehindScheduleFamily, "Seconds the simulated engine fell behind its schedule because the host did not run it in time (inferbench mock; a busy host: its numbers read slower than its profile).", float64(behindNS)/1e9)
	}
	if st, ok := s.cpuWait.Read(); ok {
		// Unknown (not Linux, no schedstats) is no family, never a 0.
		counter(CPUWaitFamily, "Seconds the mock's threads were runnable but waiting for a CPU (Linux schedstat run_delay; inferbench mock; a busy host: its tokens reach the client late).", float64(st.WaitNS)/1e9)
		counter(CPUSlicesFamily, "Times the mock's threads were put on a CPU (Linux schedstat timeslices; inferbench mock).", float64(st.Slices))
		counter(CPUSecondsFamily, "Seconds the mock's threads ran on a CPU (Linux schedstat; inferbench mock).", float64(st.RunNS)/1e9)
	}
	const h = "vllm:time_to_first_token_seconds"
	b = fmt.Appendf(b, "# HELP %s Histogram of time to first token in seconds.\n# TYPE %s histogram\n", h, h)
	cum := int64(0)
	for i, le := range append(m.bounds, math.Inf(1)) {
		cum += buckets[i]
		b = fmt.Appendf(b, "%s_bucket{engine=\"0\",le=\"%s\",model_name=%q} %s\n", h, pyFloat(le), s.cfg.Model, pyFloat(float64(cum)))
	}
	b = fmt.Appendf(b, "%s_count{%s} %s\n%s_sum{%s} %s\n", h, labels, pyFloat(float64(count)), h, labels, strconv.FormatFloat(sum, 'g', -1, 64))
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_, _ = w.Write(b)
}

// gpuState is the modelled state of one simulated GPU.
type gpuState struct {
	utilPct, fbUsedMiB, fbFreeMiB, powerW, energyMJ, smClockMHz, tempC float64
}

// gpuStates models the simulated GPUs now (engine.read: one instant, one
// hold of the engine's lock), each as the real GPU of the profile's name
// reports it, whoever scraped the page when. Utilization is the engine's
// busy share of the second before (utilWindow: NVML's sample period).
// Power is by the load-dependent model of power.go (idle + (full load −
// idle) · activity): the mean draw over the trailing second on Ampere
// (except GA100) and newer, the draw at the instant on GA100 and older
// (gpu.PowerWindowOf). Energy integrates that model exactly to the same
// instant (so it only grows). Memory used is weights + activation reserve
// + the KV cache in use, split evenly over the tensor-parallel GPUs; clock
// and temperature follow utilization linearly (temperature 30 °C idle,
// +45 °C at full load; a modelling assumption).
func (s *Server) gpuStates() []gpuState {
	e := s.engine
	r := e.read()
	st := r.st
	elapsed := r.now.Sub(s.started).Seconds()
	util, act := min(1, max(0, r.busy)), r.act
	g := e.gpu
	dyn := fullLoadW(g) - g.IdleW
	n := float64(e.tp)
	usedBytes := (e.model.WeightBytes()+float64(st.KVUsedTokens)*float64(e.model.KVBytesPerToken()))/n + ActivationReserveBytes
	used := math.Round(usedBytes / miB)
	state := gpuState{
		utilPct:    math.Round(util * 100),
		fbUsedMiB:  used,
		fbFreeMiB:  float64(g.MemoryMiB) - used,
		powerW:     g.IdleW + dyn*act,
		energyMJ:   math.Round((g.IdleW*elapsed + dyn*st.ActiveS) * 1000),
		smClockMHz: math.Round(g.IdleClockMHz + (g.MaxClockMHz-g.IdleClockMHz)*util),
		tempC:      math.Round(30 + 45*util),
	}
	out := make([]gpuState, e.tp)
	for i := range out {
		out[i] = state
	}
	return out
}

// serveDCGM answers GET /dcgm/metrics in dcgm-exporter's text format and
// names (fixtures/telemetry/dcgm-exporter-*): one series per simulated GPU
// with labels gpu, UUID, device, modelName, Hostname. Fixed mode has no
// GPUs: 404.
func (s *Server) serveDCGM(w http.ResponseWriter) {
	if s.engine == nil {
		writeOpenAIError(w, http.StatusNotFound, "NotFoundError", "no simulated GPU in fixed-timing mode (start the mock with a GPU profile)")
		return
	}
	states := s.gpuStates()
	type family struct {
		name, typ, help string
		value           func(gpuState) float64
		integer         bool
	}
	fams := []family{
		{"DCGM_FI_DEV_SM_CLOCK", "gauge", "SM clock frequency (in MHz).", func(g gpuState) float64 { return g.smClockMHz }, true},
		{"DCGM_FI_DEV_GPU_TEMP", "gauge", "GPU temperature (in C).", func(g gpuState) float64 { return g.tempC }, true},
		{"DCGM_FI_DEV_POWER_USAGE", "gauge", "Power draw (in W).", func(g gpuState) float64 { return g.powerW }, false},
		{"DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "counter", "Total energy consumption since boot (in mJ).", func(g gpuState) float64 { return g.energyMJ }, true},
		{"DCGM_FI_DEV_GPU_UTIL", "gauge", "GPU utilization (in %).", func(g gpuState) float64 { return g.utilPct }, true},
		{"DCGM_FI_DEV_FB_FREE", "gauge", "Framebuffer memory free (in MiB).", func(g gpuState) float64 { return g.fbFreeMiB }, true},
		{"DCGM_FI_DEV_FB_USED", "gauge", "Framebuffer memory used (in MiB).", func(g gpuState) float64 { return g.fbUsedMiB }, true},
	}
	var b []byte
	for _, f := range fams {
		b = fmt.Appendf(b, "# HELP %s %s\n# TYPE %s %s\n", f.name, f.help, f.name, f.typ)
		for i, g := range states {
			b = fmt.Appendf(b, "%s{gpu=\"%d\",UUID=\"%s\",device=\"nvidia%d\",modelName=%q,Hostname=%q} ",
				f.name, i, mockUUID(s.cfg.Hostname, i), i, s.engine.gpu.ModelName, s.cfg.Hostname)
			if f.integer {
				b = strconv.AppendInt(b, int64(f.value(g)), 10)
			} else {
				b = strconv.AppendFloat(b, f.value(g), 'f', 6, 64)
			}
			b = append(b, '\n')
		}
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_, _ = w.Write(b)
}

// mockUUID is a stable GPU UUID in NVIDIA's format for GPU i of host.
func mockUUID(host string, i int) string {
	h := uint64(14695981039346656037)
	for _, c := range []byte(host) {
		h = (h ^ uint64(c)) * 1099511628211
	}
	h ^= uint64(i) * 0x9e3779b97f4a7c15
	return fmt.Sprintf("GPU-%08x-%04x-%04x-%04x-%012x", uint32(h>>32), uint16(h>>16), uint16(h), uint16(i), h&0xffffffffffff)
}

// Package rendertest writes synthetic, seeded run directories (run.json,
// requests.jsonl, gpu.jsonl, server.jsonl) for the tests of the report
// renderers and the report command: the same Spec always gives the same
// bytes, so golden files built on them are stable.
//
// The runs are simulated closed-loop sweeps: Concurrency workers per level
// send requests back to back; a request's TTFT and inter-token gaps grow
// with the level (a server that batches more requests runs slower steps),
// scaled by the Spec's speed, with seeded noise.
package rendertest

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/inferbench/inferbench/gpu"
	"github.com/inferbench/inferbench/rundir"
)

// Spec describes a synthetic run.
type Spec struct {
	// Seed seeds every random choice.
	Seed uint64
	// GPUName is the GPU reported in run.json and gpu.jsonl (e.g. "NVIDIA
	// A100-SXM4-80GB"); empty writes no GPU inventory and no gpu.jsonl.
	GPUName string
	// Model is the served model's name.
	Model string
	// Levels are the concurrency levels of the sweep.
	Levels []int
	// Requests is the number of measured requests per level; Warmup the
	// warm-up requests sent before them.
	Requests, Warmup int
	// TTFT and ITL are a lone request's time to first token and gap
	// between tokens; each grows by Slowdown per extra request in flight.
	TTFT, ITL time.Duration
	Slowdown  float64
	// OutputTokens and InputTokens are each request's token counts.
	OutputTokens, InputTokens int
	// FailEvery makes every FailEvery-th measured request of the highest
	// level fail with an HTTP 5xx; 0 never.
	FailEvery int
	// ThrottleLevel marks the GPU as power-capped during that level; 0 never.
	ThrottleLevel int
	// SendLag delays every send after its schedule (a client at its limit).
	SendLag time.Duration
	// PowerW is the GPU's power at full load; idle is a seventh of it.
	PowerW float64
	// Start is the run's wall-clock start.
	Start time.Time
	// Host names the load generator.
	Host string
}

// A100 and H100 are two GPU boxes serving the same model, the H100 about
// 1.8 times as fast: the shape of a qualification.
func A100() Spec {
	return Spec{Seed: 1, GPUName: "NVIDIA A100-SXM4-80GB", Model: "llama-3-8b", Levels: []int{1, 2, 4, 8}, Requests: 40, Warmup: 4,
		TTFT: 60 * time.Millisecond, ITL: 14 * time.Millisecond, Slowdown: 0.35, OutputTokens: 64, InputTokens: 256, FailEvery: 20,
		PowerW: 400, Start: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC), Host: "loadgen-1"}
}

// H100 is A100's counterpart: faster, on an H100.
func H100() Spec {
	s := A100()
	s.Seed, s.GPUName = 2, "NVIDIA H100 80GB HBM3"
	s.TTFT, s.ITL, s.PowerW = 35*time.Millisecond, 8*time.Millisecond, 700
	s.Start = s.Start.Add(time.Hour)
	return s
}

// WriteRun writes the run directory dir (created if needed) for spec.
func WriteRun(dir string, spec Spec) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(spec.Seed, 0x1b5))
	rw, err := rundir.CreateRecordWriter(dir)
	if err != nil {
		return err
	}
	var gpuSamples []rundir.GPUSample
	var server []rundir.ServerSample
	var id uint64
	t := int64(0) // level start, ns
	const tickNS = int64(250e6)
	for li, level := range spec.Levels {
		workers := make([]int64, level)
		for w := range workers {
			workers[w] = t + int64(w)*int64(spec.TTFT)/int64(level) // spread starts
		}
		levelStart := t
		type span struct{ from, to int64 }
		var spans []span
		total := spec.Warmup + spec.Requests
		for n := range total {
			w := n % level
			sched := workers[w]
			sent := sched + int64(spec.SendLag)
			slow := 1 + spec.Slowdown*float64(level-1)
			noise := func() float64 { return math.Exp(rng.NormFloat64() * 0.15) }
			ttft := int64(float64(spec.TTFT) * slow * noise())
			rec := &rundir.Record{ID: id, Level: float64(level), Worker: w, ScheduledNS: sched, SentNS: sent, Stage: rundir.StageMeasure}
			id++
			if n < spec.Warmup {
				rec.Stage = rundir.StageWarmup
			}
			fail := spec.FailEvery > 0 && li == len(spec.Levels)-1 && rec.Stage == rundir.StageMeasure && (n-spec.Warmup)%spec.FailEvery == spec.FailEvery-1
			rec.HeadersNS = sent + ttft/3
			if fail {
				rec.Status, rec.ErrorClass, rec.Error = 503, rundir.HTTP5xx, "503 Service Unavailable: engine overloaded"
				rec.EndNS, rec.DoneNS = rec.HeadersNS, rec.HeadersNS+1e5
			} else {
				rec.FirstByteNS = sent + ttft - 2e5
				at := sent + ttft
				rec.FirstTokenNS, rec.FirstContentNS = at, at
				rec.Chunks = append(rec.Chunks, [2]int64{at, 1})
				out := 1
				for out < spec.OutputTokens {
					k := 1
					if rng.IntN(10) == 0 && out+2 <= spec.OutputTokens {
						k = 2 // an event that carried two tokens, after two steps
					}
					at += int64(float64(spec.ITL)*slow*noise()) * int64(k)
					rec.Chunks = append(rec.Chunks, [2]int64{at, int64(k)})
					out += k
				}
				last := rec.Chunks[len(rec.Chunks)-1][0]
				rec.EndNS, rec.DoneNS = last, last+3e5
				rec.OK, rec.Status = true, 200
				rec.InputTokens, rec.OutputTokens = spec.InputTokens, spec.OutputTokens
				rec.InputTokensSource, rec.OutputTokensSource = rundir.SourceServer, rundir.SourceServer
				rec.FinishReason = "length"
			}
			if err := rw.Write(rec); err != nil {
				rw.Close()
				return err
			}
			spans = append(spans, span{sent, rec.DoneNS})
			workers[w] = rec.DoneNS
		}
		end := int64(0)
		for _, w := range workers {
			end = max(end, w)
		}
		// Telemetry of the level, one tick every 250 ms.
		for tick := (levelStart/tickNS + 1) * tickNS; tick <= end; tick += tickNS {
			inflight := 0
			for _, s := range spans {
				if s.from <= tick && tick < s.to {
					inflight++
				}
			}
			busy := math.Min(1, float64(inflight)/4)
			if spec.GPUName != "" {
				util := 100 * busy
				power := spec.PowerW * (1.0/7 + 6.0/7*busy)
				mem := uint64(70e9 + 2e9*busy)
				total := uint64(80e9)
				s := rundir.GPUSample{TNS: tick, Index: 0, UUID: "GPU-synthetic-0", Name: spec.GPUName,
					UtilizationPct: &util, PowerW: &power, MemoryUsedBytes: &mem, MemoryTotalBytes: &total, ClockEventReasons: []string{}}
				if spec.ThrottleLevel == level {
					s.ClockEventReasons = []string{gpu.ReasonSWPowerCap}
				}
				gpuSamples = append(gpuSamples, s)
			}
			kv := math.Min(1, 0.05*float64(inflight))
			running, waiting := float64(inflight), 0.0
			server = append(server, rundir.ServerSample{TNS: tick, Engine: rundir.EngineVLLM, KVCacheUsage: &kv, RequestsRunning: &running, RequestsWaiting: &waiting})
		}
		t = end + int64(500*time.Millisecond)
	}
	if err := rw.Close(); err != nil {
		return err
	}
	// Energy counters: the integral of power, in mJ, from 1e9 mJ at t = 0.
	energy := 1e9
	for i := range gpuSamples {
		if i > 0 {
			dt := float64(gpuSamples[i].TNS-gpuSamples[i-1].TNS) / 1e9
			energy += (*gpuSamples[i].PowerW + *gpuSamples[i-1].PowerW) / 2 * dt * 1000
		}
		e := uint64(energy)
		gpuSamples[i].EnergyMJ = &e
	}
	if spec.GPUName != "" {
		f, err := os.Create(filepath.Join(dir, rundir.GPUFile))
		if err != nil {
			return err
		}
		werr := rundir.NewJSONLWriter[rundir.GPUSample](f, rundir.GPUFile).Write(gpuSamples...)
		if err := f.Close(); werr != nil || err != nil {
			return fmt.Errorf("gpu.jsonl: %v %v", werr, err)
		}
	}
	f, err := os.Create(filepath.Join(dir, rundir.ServerFile))
	if err != nil {
		return err
	}
	sw := rundir.NewJSONLWriter[rundir.ServerSample](f, rundir.ServerFile)
	for _, s := range server {
		if err := sw.Write(s); err != nil {
			f.Close()
			return err
		}
	}
	if err := f.Close(); err != nil {
		return err
	}
	return writeManifest(dir, spec, id, t)
}

func writeManifest(dir string, spec Spec, records uint64, endNS int64) error {
	end := spec.Start.Add(time.Duration(endNS))
	m := &rundir.Manifest{Tool: "inferbench", Version: "test",
		Host:   rundir.Host{Name: spec.Host, OS: "linux", Arch: "amd64", CPUs: 16, Go: "go1.26"},
		Target: rundir.TargetInfo{Kind: "vllm", URL: "http://127.0.0.1:8000", API: "chat", Model: spec.Model},
		Load:   rundir.LoadInfo{Profile: "sweep", Requests: spec.Requests, Warmup: spec.Warmup, TimeoutS: 60, Seed: 7},
		Start:  spec.Start, End: &end, ExitState: rundir.ExitComplete, Records: int64(records),
		GPUBackend: "mock",
	}
	scenario := map[string]any{"name": "qualify", "target": map[string]any{"kind": "vllm", "url": "http://127.0.0.1:8000", "model": spec.Model},
		"workload": map[string]any{"prompt_tokens": spec.InputTokens, "output_tokens": spec.OutputTokens, "seed": 7},
		"load":     map[string]any{"sweep": spec.Levels, "requests": spec.Requests}}
	b, err := json.Marshal(scenario)
	if err != nil {
		return err
	}
	m.Scenario = b
	if spec.GPUName != "" {
		total := uint64(80e9)
		devs := []rundir.GPUDevice{{Index: 0, UUID: "GPU-synthetic-0", Name: spec.GPUName, MemoryTotalBytes: &total}}
		b, err := json.Marshal(devs)
		if err != nil {
			return err
		}
		m.GPUs = b
	} else {
		m.GPUBackend = "none"
	}
	return rundir.WriteManifest(dir, m)
}

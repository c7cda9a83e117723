package mock

import (
	"math"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

func scrape(t *testing.T, s *Server, path string) map[string]*dto.MetricFamily {
	t.Helper()
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), "GET", path, nil))
	if rec.Code != 200 {
		t.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String())
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(rec.Body.String()))
	if err != nil {
		t.Fatalf("%s does not parse: %v\n%s", path, err, rec.Body.String())
	}
	return fams
}

func fixtureFamilies(t *testing.T, name string) map[string]*dto.MetricFamily {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(string(b), "\n", 3) // drop the SOURCE header lines
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(lines[2]))
	if err != nil {
		t.Fatal(err)
	}
	return fams
}

// TestVLLMMetrics checks /metrics against hand-counted truth and vLLM's
// names, types, labels and buckets in the recorded page.
func TestVLLMMetrics(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newServer(t, Config{TTFT: 50 * time.Millisecond, ITL: time.Millisecond, OutputTokens: 7, Model: "served"})
		for range 2 {
			s.ServeHTTP(newFlushRecorder(), post(t.Context(), "/v1/chat/completions", `{"messages":[{"role":"user","content":"a b c"}],"stream":true}`))
		}
		got := scrape(t, s, "/metrics")
		fix := fixtureFamilies(t, "vllm-metrics-v1-busy.txt")
		for name, want := range map[string]float64{
			"vllm:num_requests_running": 0, "vllm:num_requests_waiting": 0, "vllm:kv_cache_usage_perc": 0,
			"vllm:prompt_tokens_total": 6, "vllm:generation_tokens_total": 14,
		} {
			f, ok := got[name]
			if !ok {
				t.Errorf("%s missing", name)
				continue
			}
			if ff := fix[name]; ff == nil || ff.GetType() != f.GetType() || ff.GetHelp() != f.GetHelp() {
				t.Errorf("%s: type %v help %q, recording %v", name, f.GetType(), f.GetHelp(), ff)
			}
			m := f.GetMetric()[0]
			v := m.GetGauge().GetValue() + m.GetCounter().GetValue()
			if v != want {
				t.Errorf("%s = %v, want %v", name, v, want)
			}
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName()+"="+l.GetValue())
			}
			if strings.Join(labels, ",") != "engine=0,model_name=served" {
				t.Errorf("%s labels %v", name, labels)
			}
		}
		h := got["vllm:time_to_first_token_seconds"].GetMetric()[0].GetHistogram()
		fh := fix["vllm:time_to_first_token_seconds"].GetMetric()[0].GetHistogram()
		if h.GetSampleCount() != 2 || h.GetSampleSum() != 0.1 || len(h.GetBucket()) != len(fh.GetBucket()) {
			t.Fatalf("histogram count %d sum %v buckets %d", h.GetSampleCount(), h.GetSampleSum(), len(h.GetBucket()))
		}
		for i, b := range h.GetBucket() {
			want := uint64(0)
			if b.GetUpperBound() >= 0.05 {
				want = 2 // both TTFTs were exactly 50 ms
			}
			if b.GetUpperBound() != fh.GetBucket()[i].GetUpperBound() || b.GetCumulativeCount() != want {
				t.Errorf("bucket le=%v count %d, want le=%v count %d", b.GetUpperBound(), b.GetCumulativeCount(), fh.GetBucket()[i].GetUpperBound(), want)
			}
		}
	})
}

// TestDCGMMetrics checks /dcgm/metrics: dcgm-exporter's names, types and
// labels, memory that adds up, and utilization, power and energy that
// follow the load.
func TestDCGMMetrics(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newServer(t, Config{GPU: "h100-sxm", GPUs: 2, Model: "llama-3-8b", OutputTokens: 200, Hostname: "node-1"})
		time.Sleep(10 * time.Second) // idle
		idle := scrape(t, s, "/dcgm/metrics")
		done := make(chan struct{})
		go func() {
			defer close(done)
			s.ServeHTTP(newFlushRecorder(), post(t.Context(), "/v1/chat/completions", `{"messages":[{"role":"user","content":"hi"}],"stream":true}`))
		}()
		time.Sleep(500 * time.Millisecond) // mid-generation: 200 steps of ~5 ms
		busy := scrape(t, s, "/dcgm/metrics")
		<-done
		fix := fixtureFamilies(t, "dcgm-exporter-a800x8-mig-excerpt.txt")
		val := func(fams map[string]*dto.MetricFamily, name string, gpu int) float64 {
			f := fams[name]
			if f == nil || len(f.GetMetric()) != 2 {
				t.Fatalf("%s: %v, want 2 series", name, f)
			}
			m := f.GetMetric()[gpu]
			return m.GetGauge().GetValue() + m.GetCounter().GetValue()
		}
		for name, f := range busy {
			if ff := fix[name]; ff != nil && (ff.GetType() != f.GetType() || ff.GetHelp() != f.GetHelp()) {
				t.Errorf("%s: type %v help %q, recording type %v help %q", name, f.GetType(), f.GetHelp(), ff.GetType(), ff.GetHelp())
			}
			var labels []string
			for _, l := range f.GetMetric()[1].GetLabel() {
				labels = append(labels, l.GetName())
			}
			if strings.Join(labels, ",") != "gpu,UUID,device,modelName,Hostname" {
				t.Errorf("%s labels %v", name, labels)
			}
		}
		for gpu := range 2 {
			if u := val(idle, "DCGM_FI_DEV_GPU_UTIL", gpu); u != 0 {
				t.Errorf("idle util %v", u)
			}
			if p := val(idle, "DCGM_FI_DEV_POWER_USAGE", gpu); p != 70 {
				t.Errorf("idle power %v, want the profile's 70 W", p)
			}
			// 10 s idle at 70 W = 700 J = 700,000 mJ.
			if e := val(idle, "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", gpu); e != 700000 {
				t.Errorf("idle energy %v mJ, want 700000", e)
			}
			// Busy from the request, 0.5 s of the second before the page
			// (utilWindow).
			if u := val(busy, "DCGM_FI_DEV_GPU_UTIL", gpu); u != 50 {
				t.Errorf("busy util %v%%, want 50: busy 0.5 s of the second before", u)
			}
			// One stream decoding is memory-bound: above idle, below half
			// of the 633.5 W full-load draw (power.go), never the TDP.
			p := val(busy, "DCGM_FI_DEV_POWER_USAGE", gpu)
			if p <= 70 || p > 0.5*633.5 {
				t.Errorf("busy power %v W, want a memory-bound decode's: above 70, at most half of 633.5", p)
			}
			// The energy counter integrates the same model: the H100's
			// reading is the mean over the second before it (NVML's,
			// gpu.PowerWindowOf), 0.5 s idle and 0.5 s busy, so the
			// counter is 9.5 s idle (665 J) and that second at the mean.
			if e := val(busy, "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", gpu); math.Abs(e-(665000+1.0*p*1000)) > 2 {
				t.Errorf("busy energy %v mJ, want 665000 + 1 s × %v W", e, p)
			}
			used, free := val(busy, "DCGM_FI_DEV_FB_USED", gpu), val(busy, "DCGM_FI_DEV_FB_FREE", gpu)
			// Half of 16.06 GB of weights + 2 GiB reserve ≈ 9706 MiB, plus a little KV.
			if used+free != 81559 || used < 9700 || used > 9720 {
				t.Errorf("FB used %v free %v MiB", used, free)
			}
		}
		rec := httptest.NewRecorder()
		newServer(t, Config{}).ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), "GET", "/dcgm/metrics", nil))
		if rec.Code != 404 {
			t.Errorf("fixed mode /dcgm/metrics: %d", rec.Code)
		}
	})
}

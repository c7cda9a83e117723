package mock

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	engine "github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/servermetrics"
)

// TestAgainstMockEngine reads the real mock engine (package mock, H100
// profile, 2 GPUs) idle and then under 32 concurrent streams: its GPUs'
// utilization and power, and its KV-cache use, must rise with the load.
func TestAgainstMockEngine(t *testing.T) {
	srv, err := engine.New(engine.Config{GPU: "h100-sxm", GPUs: 2, Model: "llama-3-8b", OutputTokens: 400})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	s, err := New(hs.URL, hs.Client())
	if err != nil {
		t.Fatal(err)
	}
	sm := &servermetrics.Scraper{URL: servermetrics.MetricsURL(hs.URL), Client: hs.Client()}

	read := func() ([]rundir.GPUSample, rundir.ServerSample) {
		t.Helper()
		g, err := s.Sample(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		m, err := sm.Scrape(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return g, m
	}
	time.Sleep(50 * time.Millisecond)
	idleGPU, idleSrv := read()
	if len(idleGPU) != 2 || idleGPU[0].Name != "NVIDIA H100 80GB HBM3" {
		t.Fatalf("idle GPUs = %+v; want 2 H100", idleGPU)
	}

	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	for i := range 32 {
		wg.Go(func() {
			body := fmt.Sprintf(`{"model":"llama-3-8b","stream":true,"max_tokens":400,"messages":[{"role":"user","content":"%s"}]}`, strings.Repeat("word ", 200+i))
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, hs.URL+"/v1/chat/completions", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			resp, err := hs.Client().Do(req)
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	// Wait until the engine runs requests (at most 10 s on a loaded
	// machine), then let it work 300 ms so the utilization window is busy.
	for range 100 {
		if m, err := sm.Scrape(t.Context()); err == nil && m.RequestsRunning != nil && *m.RequestsRunning > 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	busyGPU, busySrv := read()
	cancel()
	wg.Wait()

	if u0, u1 := *idleGPU[0].UtilizationPct, *busyGPU[0].UtilizationPct; !(u1 > u0) {
		t.Errorf("GPU 0 utilization idle %v%%, under 32 streams %v%%; want it to rise", u0, u1)
	}
	if p0, p1 := *idleGPU[1].PowerW, *busyGPU[1].PowerW; !(p1 > p0) {
		t.Errorf("GPU 1 power idle %v W, busy %v W; want it to rise", p0, p1)
	}
	if *busyGPU[0].EnergyMJ <= *idleGPU[0].EnergyMJ {
		t.Errorf("energy counter %v → %v mJ; want it to grow", *idleGPU[0].EnergyMJ, *busyGPU[0].EnergyMJ)
	}
	if idleSrv.Engine != "vllm" || idleSrv.KVCacheUsage == nil || busySrv.KVCacheUsage == nil {
		t.Fatalf("server metrics idle %+v busy %+v; want vLLM names with KV use", idleSrv, busySrv)
	}
	if !(*busySrv.KVCacheUsage > *idleSrv.KVCacheUsage) || !(*busySrv.RequestsRunning > *idleSrv.RequestsRunning) {
		t.Errorf("KV use %v → %v, running %v → %v; want both to rise", *idleSrv.KVCacheUsage, *busySrv.KVCacheUsage, *idleSrv.RequestsRunning, *busySrv.RequestsRunning)
	}
}

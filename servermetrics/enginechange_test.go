package servermetrics

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// A balancer alternating between a vLLM and a llama.cpp server behind one
// URL: the pages' engine changes on every scrape. Each page is kept as
// what it is (its engine, no error: nothing is lost), the change is told
// once, as the one error Scrape returns with its sample, and each engine's
// counters are carried on their own: a llama.cpp page read 5018 generated
// tokens (vLLM's 5010 carried under llama.cpp's 8) before, two engines'
// counters summed into one.
func TestWatchTellsAnEngineChangeOnceAndKeepsEachEnginesCounters(t *testing.T) {
	llama := func(gen string) []byte {
		return withSeries(t, fixture(t, "llamacpp-metrics-b9014-busy.txt"), "llamacpp:tokens_predicted_total", " "+gen)
	}
	ps := pages{vllm(t, "5000"), vllm(t, "5010"), llama("8"), vllm(t, "5030"), llama("20"), llama("31")}
	wantEngine := []string{"vllm", "vllm", "llamacpp", "vllm", "llamacpp", "llamacpp"}
	wantGen := []float64{5000, 5010, 8, 5030, 20, 31}
	synctest.Test(t, func(t *testing.T) {
		sc := &Scraper{URL: "http://engine/metrics", Client: &http.Client{Transport: &ps}}
		var told []error
		scrape := func(ctx context.Context) (rundir.ServerSample, error) {
			s, err := sc.Scrape(ctx)
			if err != nil {
				told = append(told, err)
			}
			return s, err
		}
		var got []rundir.ServerSample
		err := Watch(t.Context(), scrape, time.Now(), WatchConfig{Count: len(wantGen)}, func(s rundir.ServerSample) error {
			got = append(got, s)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(wantGen) {
			t.Fatalf("%d samples; want %d", len(got), len(wantGen))
		}
		for i, s := range got {
			if s.Error != "" || s.Engine != wantEngine[i] || s.GenerationTokensTotal == nil || *s.GenerationTokensTotal != wantGen[i] {
				t.Errorf("sample %d: engine %q, generation %v, error %q; want %s at %v, no error", i, s.Engine, ptr(s.GenerationTokensTotal), s.Error, wantEngine[i], wantGen[i])
			}
		}
		if len(told) != 1 {
			t.Fatalf("Scrape returned %d errors (%v); want the change told once", len(told), told)
		}
		var ch *EngineChange
		if !errors.As(told[0], &ch) || ch.From != "vllm" || ch.To != "llamacpp" {
			t.Errorf("told %v; want an *EngineChange from vllm to llamacpp", told[0])
		}
		for _, w := range []string{"vllm", "llamacpp", "changed", "not compared"} {
			if !strings.Contains(told[0].Error(), w) {
				t.Errorf("told %q; want it to say %q", told[0], w)
			}
		}
	})
}

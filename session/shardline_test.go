package session

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets/registry"
)

// TestShardRunBound: a shard's header line says it is a shard and the
// share of each level it sends (rundir.Share: the requests over the
// shards that run at the level, as many as its workers when fewer than the
// shards, the remainder to the lowest), not the whole run's count, which it
// read ("100 requests (+2 warm-up) per level" for a shard sending 50).
func TestShardRunBound(t *testing.T) {
	target, err := registry.New("vllm", registry.Options{URL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	base := Options{Kind: "vllm", Model: "m", API: "chat", MaxTokens: 4, PromptTokens: 4, Concurrency: 8}
	for i, c := range []struct {
		edit func(*Options)
		want string
	}{
		{func(o *Options) { o.Requests, o.Warmup = 100, 2 }, "100 requests (+2 warm-up) per level"},
		{func(o *Options) { o.Shard, o.Requests, o.Warmup = rundir.Shard{Index: 1, Count: 2}, 100, 2 },
			"shard 1 of 2: 50 of 100 requests (+1 warm-up) per level"},
		// Level 1 has one worker, for shard 0 alone.
		{func(o *Options) {
			o.Shard, o.Sweep, o.Requests, o.Warmup = rundir.Shard{Index: 1, Count: 2}, []int{1, 4, 16}, 60, 2
		}, "shard 1 of 2: 30 of 60 requests (+1 warm-up) per level, nothing at level 1"},
		// Two workers split 101 between shards 0 and 1; sixteen, over all three.
		{func(o *Options) {
			o.Shard, o.Sweep, o.Requests = rundir.Shard{Index: 0, Count: 3}, []int{2, 16, 32}, 101
		},
			"shard 0 of 3: 51 of 101 requests (+0 warm-up) at level 2, 34 (+0 warm-up) at levels 16, 32"},
		{func(o *Options) {
			o.Shard, o.Rates, o.Requests, o.Duration = rundir.Shard{Index: 0, Count: 2}, []float64{5, 10}, 101, 20*time.Second
		}, "shard 0 of 2: 51 of 101 requests (+0 warm-up) per level; a level ends at 20s if sooner"},
		{func(o *Options) { o.Shard, o.Duration = rundir.Shard{Index: 1, Count: 2}, 10*time.Second },
			"shard 1 of 2, its share of each level's load: 10s per level (+0 warm-up)"},
	} {
		o := base
		c.edit(&o)
		if got := o.runBound(target); got != c.want {
			t.Errorf("case %d: %q; want %q", i, got, c.want)
		}
	}
}

// TestShardStartLine: a shard's run says on its start line the requests it
// sends, which are those its levels plan and its records hold.
func TestShardStartLine(t *testing.T) {
	_, srv := mockServer(t, mock.Config{OutputTokens: 4, TTFT: 2 * time.Millisecond, ITL: time.Millisecond})
	rec := newRecorder()
	o := &Options{Kind: "vllm", URL: srv.URL, Model: "m", API: "chat", Sweep: []int{1, 4}, Requests: 10, Warmup: 2,
		MaxTokens: 4, PromptTokens: 4, Timeout: 10 * time.Second, Out: filepath.Join(t.TempDir(), "run"), GPUBackend: "none", GPUInterval: 20 * time.Millisecond,
		NoProbe: true, Shard: rundir.Shard{Index: 1, Count: 2, IDs: rundir.IDScheme}, Observers: []Observer{rec}}
	var log strings.Builder
	if _, err := Run(t.Context(), t.Context(), o, &log); err != nil {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	if !strings.Contains(log.String(), ": sweep [1 4], shard 1 of 2: 5 of 10 requests (+1 warm-up) per level, nothing at level 1 → ") {
		t.Errorf("start line:\n%s", log.String())
	}
	if len(rec.plans) != 1 || rec.plans[0].Level != 4 || rec.plans[0].Requests != 5 || rec.plans[0].Warmup != 1 {
		t.Errorf("plans %+v; want level 4's, 5 requests and 1 warm-up", rec.plans)
	}
	if len(rec.ids) != 6 {
		t.Errorf("%d records; want 6 (5 and 1 warm-up)", len(rec.ids))
	}
}

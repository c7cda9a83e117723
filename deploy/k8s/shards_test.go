package k8s

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/scenarios"
	"github.com/inferbench/inferbench/session"
	"github.com/inferbench/inferbench/targets"
)

// loadFlags are the run flags that shape the load (cmd/inferbench's), for
// ScenarioManifest to lay over the scenario's.
var loadFlags = []cli.Flag{
	&cli.IntFlag{Name: "concurrency", Aliases: []string{"c"}}, &cli.StringFlag{Name: "sweep"}, &cli.StringFlag{Name: "rate"},
	&cli.IntFlag{Name: "requests", Aliases: []string{"n"}}, &cli.DurationFlag{Name: "duration"}, &cli.IntFlag{Name: "max-concurrency"},
	&cli.StringFlag{Name: "precision"}, &cli.StringFlag{Name: "dataset"}, &cli.StringFlag{Name: "model"},
}

// TestScenarioManifestRefusesIdleShards: a shard sends nothing at a level
// where its share of the workers or of the requests is none (loadgen's
// applyShard: the concurrency split over the shards, the requests over the
// shards that have workers, an open loop's over all). --shards 16 over
// concurrency 8 made 8 pods that sent nothing at all; an open loop's
// max_concurrency, split at least 1 a shard, let 16 requests be in flight
// where the scenario said 4. Both are refused, by the value's key or by
// its flag after --, naming the most shards that make sense; a sweep
// whose top level gives every shard a share is taken (its lower levels
// leave some idle, as run's start line says).
func TestScenarioManifestRefusesIdleShards(t *testing.T) {
	for _, c := range []struct {
		load   string
		shards int
		args   []string
		want   []string // nil: taken
	}{
		{"{concurrency: 8, requests: 400}", 16, nil, []string{"load.concurrency 8", "16 shards", "8 of them would send nothing", "--shards 8"}},
		{"{concurrency: 8, requests: 400}", 8, nil, nil},
		{"{sweep: [1, 2, 4, 8, 16], requests: 400}", 4, nil, nil},
		{"{sweep: [1, 2, 4], requests: 400}", 8, nil, []string{"load.sweep", "4 of them would send nothing", "--shards 4"}},
		{"{concurrency: 16, requests: 4}", 8, nil, []string{"load.requests 4", "4 of them would send nothing", "--shards 4"}},
		{"{rate: 10, requests: 4}", 8, nil, []string{"load.requests 4", "4 of them would send nothing"}},
		{"{rate: 10, requests: 400, max_concurrency: 4}", 8, nil, []string{"load.max_concurrency 4", "8 requests in flight", "--shards 4"}},
		{"{rate: 10, requests: 400}", 16, nil, nil},
		{"{concurrency: 32, requests: 400}", 8, []string{"-c", "4"}, []string{"--concurrency 4 after --", "4 of them would send nothing"}},
		{"{concurrency: 4, requests: 400}", 8, []string{"--rate", "10"}, nil},
		{"{concurrency: 4, requests: 400}", 8, []string{"--sweep", "4,8"}, nil},
		{"{concurrency: 16, requests: 400}", 8, []string{"-n", "4"}, []string{"--requests 4 after --"}},
		{"{concurrency: 16, requests: 4}", 8, []string{"--duration", "30s"}, nil},
	} {
		src := "name: s\ntarget: {model: m, url: 'http://vllm:8000'}\nload: " + c.load + "\n"
		s, err := scenarios.Load("s.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		_, err = ScenarioManifest(s, "s.yaml", "", Options{Image: "i", Shards: c.shards, PVC: "p", Args: c.args, RunFlags: loadFlags})
		if c.want == nil {
			if err != nil {
				t.Errorf("%s %q over %d shards: %v; want it taken", c.load, c.args, c.shards, err)
			}
			continue
		}
		for _, w := range c.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s %q over %d shards: err %v; want it refused, saying %q", c.load, c.args, c.shards, err, w)
			}
		}
	}
}

// TestScenarioManifestRefusesAdaptiveShards: run refuses --precision (or
// load.adaptive.precision) in a shard, as each sees part of the level:
// the manifest was written, exit 0, and every pod exited 2 after its
// image pull. Refused, by where it came from, in run's words
// (session.ShardRefusal), a trace's levels too (skipped with the shard
// counts of a trace, they passed); --precision 0 after -- turns the
// scenario's off and is taken.
func TestScenarioManifestRefusesAdaptiveShards(t *testing.T) {
	for _, c := range []struct {
		load string
		args []string
		want string // "": taken
	}{
		{"{concurrency: 8, adaptive: {precision: 0.05}}", nil, "the scenario's load.adaptive.precision 0.05"},
		{"{concurrency: 8, requests: 400}", []string{"--precision", "0.05"}, "--precision 0.05 after --"},
		{"{concurrency: 8, adaptive: {precision: 0.05}}", []string{"--precision", "0"}, ""},
		{"{concurrency: 8, requests: 400}", []string{"--precision", "0.05", "--dataset", "trace:/results/t.jsonl"}, "--precision 0.05 after --"},
		{"{concurrency: 8, adaptive: {precision: 0.05}}", []string{"--dataset", "trace:/results/t.jsonl"}, "the scenario's load.adaptive.precision 0.05"},
	} {
		s, err := scenarios.Load("s.yaml", []byte("name: s\ntarget: {model: m, url: 'http://vllm:8000'}\nload: "+c.load+"\n"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = ScenarioManifest(s, "s.yaml", "", Options{Image: "i", Shards: 2, PVC: "p", Args: c.args, RunFlags: loadFlags})
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s %q: %v; want it taken", c.load, c.args, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), session.ErrShardAdaptive.Error())):
			t.Errorf("%s %q: err %v; want it refused, saying %q", c.load, c.args, err, c.want)
		}
	}
}

// TestScenarioManifestBisectWithRunFlags: run's --bisect after -- replaces
// the scenario's capacity search (0 turns it off), and run refuses a
// bisection in a shard. The manifest judged the file's alone: a shipped
// scenario that bisects was refused with -- --bisect 0, which every pod
// runs, and -- --sweep 2,4 --bisect 2 was taken, which every pod refused.
func TestScenarioManifestBisectWithRunFlags(t *testing.T) {
	flags := append([]cli.Flag{&cli.IntFlag{Name: "bisect"}}, loadFlags...)
	for _, c := range []struct {
		load string
		args []string
		want string // "": taken
	}{
		{"{sweep: [2, 4, 8], requests: 40, capacity_search: {bisect: true}}", nil, "the scenario's load.capacity_search"},
		{"{sweep: [2, 4, 8], requests: 40, capacity_search: {bisect: true}}", []string{"--bisect", "0"}, ""},
		{"{concurrency: 8, requests: 40}", []string{"--sweep", "2,4", "--bisect", "2"}, "--bisect 2 after --"},
	} {
		s, err := scenarios.Load("s.yaml", []byte("name: s\ntarget: {model: m, url: 'http://vllm:8000'}\nslo: {ttft: 1s}\nload: "+c.load+"\n"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = ScenarioManifest(s, "s.yaml", "", Options{Image: "i", Shards: 2, PVC: "p", Args: c.args, RunFlags: flags})
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s %q: %v; want it taken", c.load, c.args, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "bisect")):
			t.Errorf("%s %q: err %v; want it refused, saying %q", c.load, c.args, err, c.want)
		}
	}
}

// TestScenarioManifestEmptySweepNoPanic: a sweep of no level, which
// validation refuses but is not run when a flag after -- leaves the
// judging to the pods, made checkShards take the largest of no levels
// (slices.Max panics on an empty slice).
func TestScenarioManifestEmptySweepNoPanic(t *testing.T) {
	s, err := scenarios.Load("s.yaml", []byte("name: s\ntarget: {model: m, url: 'http://vllm:8000'}\nload: {concurrency: 4, requests: 40}\n"))
	if err != nil {
		t.Fatal(err)
	}
	s.Load.Concurrency, s.Load.Sweep = 0, &scenarios.Sweep{}
	flags := append([]cli.Flag{&cli.StringFlag{Name: "arrival"}}, loadFlags...)
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("panic: %v", r)
		}
	}()
	_, _ = ScenarioManifest(s, "s.yaml", "", Options{Image: "i", Shards: 2, PVC: "p", Args: []string{"--arrival", "constant"}, RunFlags: flags})
}

// quiet is a target that answers nothing: the shards' runners are made,
// never run.
type quiet struct{}

func (quiet) Stream(context.Context, targets.Request, func(targets.Chunk)) (targets.Final, error) {
	return targets.Final{}, nil
}

// TestScenarioManifestIdleShardsAsRunSends: the manifest refuses shards
// that would send nothing exactly when run's shards would leave one idle,
// and counts them as run does: for a table of closed and open levels,
// request counts (0: a duration) and shard counts, the runners loadgen
// makes for the pods' shards (loadgen.New with the level's load and
// --shard I/N, as session's runner makes them) are counted, and the
// refusal says how many get nothing and how many shards would all send,
// naming the value that bounds them.
// Concurrency 4 with 2 requests over 8 shards was refused as "load.concurrency
// 4 ...: 4 of them would send nothing: give at most --shards 4": 6 send
// nothing, and 4 shards leave 2 idle.
func TestScenarioManifestIdleShardsAsRunSends(t *testing.T) {
	w := loadgen.Workload{Model: "m", PromptTokens: 8, MaxTokens: 4}
	for _, open := range []bool{false, true} {
		for _, conc := range []int{1, 2, 4, 8, 16} {
			for _, reqs := range []int{0, 1, 2, 3, 4, 8, 40} {
				for _, n := range []int{1, 2, 3, 4, 8, 16} {
					load := fmt.Sprintf("{concurrency: %d", conc)
					opts := []loadgen.Option{loadgen.Concurrency(conc)}
					if open {
						load, opts = "{rate: 10", []loadgen.Option{loadgen.Rate(10, loadgen.ArrivalPoisson, 1)}
					}
					if reqs == 0 {
						load += ", duration: 30s}"
						opts = append(opts, loadgen.Duration(30*time.Second))
					} else {
						load += fmt.Sprintf(", requests: %d}", reqs)
						opts = append(opts, loadgen.Requests(reqs))
					}
					sending := 0
					for i := range n {
						sh := rundir.Shard{Index: i, Count: n, Seed: loadgen.ShardSeed(1, i), IDs: rundir.IDScheme}
						r, err := loadgen.New(quiet{}, w, append(opts, loadgen.Warmup(0), loadgen.Shard(sh))...)
						if err == nil {
							if m, _, _, _ := r.Plan(); reqs > 0 && m == 0 {
								t.Fatalf("%s shard %d of %d: runs with no request", load, i, n)
							}
							sending++
						}
					}
					s, err := scenarios.Load("s.yaml", []byte("name: s\ntarget: {model: m, url: 'http://vllm:8000'}\nload: "+load+"\n"))
					if err != nil {
						t.Fatal(err)
					}
					_, err = ScenarioManifest(s, "s.yaml", "", Options{Image: "i", Shards: n, PVC: "p", RunFlags: loadFlags})
					// The refusal names what bounds the shards that send: the
					// workers where there are as few, else the requests.
					bound := "load.requests"
					if !open && sending == conc {
						bound = "load.concurrency"
					}
					switch idle := fmt.Sprintf("%d of them would send nothing", n-sending); {
					case sending == n && err != nil:
						t.Errorf("%s over %d shards, each sending: %v; want it taken", load, n, err)
					case sending < n && (err == nil || !strings.Contains(err.Error(), idle) || !strings.Contains(err.Error(), bound) ||
						!strings.Contains(err.Error(), fmt.Sprintf("give at most --shards %d", sending))):
						t.Errorf("%s over %d shards, %d sending: err %v; want it refused by %s, saying %q and --shards %d", load, n, sending, err, bound, idle, sending)
					}
				}
			}
		}
	}
}

// TestScenarioManifestTraceIsTheLastDataset: run replays a trace only
// when the last --dataset is one, and splits the scenario's load over the
// shards otherwise; the manifest took any --dataset trace:… for a trace
// and skipped the load's shard check, so `--dataset trace:… --dataset
// jsonl:…` over 8 shards of concurrency 4 passed and 4 pods sent nothing.
func TestScenarioManifestTraceIsTheLastDataset(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string // "": taken
	}{
		{[]string{"--dataset", "trace:/results/t.jsonl"}, ""},
		{[]string{"--dataset", "jsonl:/results/x.jsonl", "--dataset", "trace:/results/t.jsonl"}, ""},
		{[]string{"--dataset", "trace:/results/t.jsonl", "--dataset", "jsonl:/results/x.jsonl"}, "4 of them would send nothing"},
		{[]string{"--dataset=trace:/results/t.jsonl", "--dataset=sharegpt:/results/x.json"}, "give at most --shards 4"},
	} {
		s, err := scenarios.Load("s.yaml", []byte("name: s\ntarget: {model: m, url: 'http://vllm:8000'}\nload: {concurrency: 4, requests: 100}\n"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = ScenarioManifest(s, "s.yaml", "", Options{Image: "i", Shards: 8, PVC: "p", Args: c.args, RunFlags: loadFlags})
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%q over 8 shards: %v; want %q", c.args, err, c.want)
		}
	}
}

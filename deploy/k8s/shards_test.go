package k8s

import (
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/scenarios"
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
// image pull. Refused, by where it came from; --precision 0 after --
// turns the scenario's off and is taken.
func TestScenarioManifestRefusesAdaptiveShards(t *testing.T) {
	for _, c := range []struct {
		load string
		args []string
		want string // "": taken
	}{
		{"{concurrency: 8, adaptive: {precision: 0.05}}", nil, "the scenario's load.adaptive.precision 0.05"},
		{"{concurrency: 8, requests: 400}", []string{"--precision", "0.05"}, "--precision 0.05 after --"},
		{"{concurrency: 8, adaptive: {precision: 0.05}}", []string{"--precision", "0"}, ""},
	} {
		s, err := scenarios.Load("s.yaml", []byte("name: s\ntarget: {model: m, url: 'http://vllm:8000'}\nload: "+c.load+"\n"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = ScenarioManifest(s, "s.yaml", "", Options{Image: "i", Shards: 2, PVC: "p", Args: c.args, RunFlags: loadFlags})
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s %q: %v; want it taken", c.load, c.args, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "sharded")):
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

package k8s

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/inferbench/inferbench/internal/cmdline"
	"github.com/inferbench/inferbench/scenarios"
)

// checkShards refuses o.Shards that the load, the scenario's with the run
// flags after -- laid over it as run lays them, cannot give each a share
// of (loadgen's applyShard): a closed loop splits each level's workers over
// the shards and its requests over those with workers, an open loop its
// requests over all of them, so a shard past the largest level or the
// request count sends nothing at any level; an open loop's in-flight cap
// is split at least 1 a shard, so more shards than the cap raise it. And
// run refuses adaptive levels (--precision) in a shard. s has its
// defaults applied; it is changed.
func checkShards(s *scenarios.Scenario, o Options) error {
	n := o.Shards
	given := map[string][]string{}
	if o.RunFlags != nil {
		var err error
		if given, err = cmdline.ParseFlags("run", o.RunFlags, o.Args); err != nil {
			return nil // checkRunFlags says why
		}
	}
	if n <= 1 || slices.ContainsFunc(given["dataset"], func(v string) bool { return strings.HasPrefix(v, "trace:") }) {
		return nil // a trace's entries are split; the file is the pods'
	}
	// named says where a value came from: its flag after --, or its key.
	named := map[string]string{}
	name := func(key, flag string, v any) string {
		if f, ok := named[key]; ok {
			return fmt.Sprintf("--%s %v after --", f, v)
		}
		return fmt.Sprintf("the scenario's %s %v", key, v)
	}
	if !layLoadFlags(s, given, named) {
		return nil // a value run refuses: its own error, in every pod
	}
	l := &s.Load
	if l.AdaptiveOn() {
		return fmt.Errorf("k8s: %s over %d shards: run stops no sharded level adaptively (each shard sees part of the level), and every pod would refuse it: "+
			"give fixed levels (--precision 0 after --) or one shard", name("load.adaptive.precision", "precision", l.Adaptive.Precision), n)
	}
	if l.Trace != nil {
		return nil
	}
	idle := func(what string, k int) error {
		return fmt.Errorf("k8s: %s over %d shards: %d of them would send nothing (a shard's share of it would be none): give at most --shards %d",
			what, n, n-k, k)
	}
	open := len(l.Rate) > 0
	if !open {
		levels := []int{l.Concurrency}
		what := name("load.concurrency", "concurrency", l.Concurrency)
		if l.Sweep != nil {
			levels = l.Sweep.Concurrencies()
			what = name("load.sweep", "sweep", strings.Trim(strings.Join(strings.Fields(fmt.Sprint(levels)), ","), "[]")) + " (its largest level)"
		}
		top := slices.Max(levels)
		if top <= 0 {
			return nil // no load kind yet: run says so
		}
		if top < n {
			return idle(what, top)
		}
	}
	if l.Requests > 0 && l.Requests < n {
		return idle(name("load.requests", "requests", l.Requests), l.Requests)
	}
	if c := l.MaxConcurrency; open && c > 0 && c < n {
		return fmt.Errorf("k8s: %s over %d shards: each shard keeps at least 1 in flight, so %d requests in flight, not %d: give at most --shards %d",
			name("load.max_concurrency", "max-concurrency", c), n, n, c, c)
	}
	return nil
}

// layLoadFlags lays the load flags in given over s's load as run does
// (cmd/inferbench's loadFromFlags): --concurrency, --sweep or --rate
// replace the load's kind, --requests its count (--duration alone lifts
// it: the level ends by time), --max-concurrency the cap, --precision
// the adaptive stopping. Each one laid is noted in named, key →
// flag. It reports false for a value run refuses.
func layLoadFlags(s *scenarios.Scenario, given map[string][]string, named map[string]string) bool {
	last := func(flag string) (string, bool) {
		v := given[flag]
		if len(v) == 0 {
			return "", false
		}
		return v[len(v)-1], true
	}
	l := &s.Load
	if v, ok := last("sweep"); ok {
		var levels []int
		for f := range strings.SplitSeq(v, ",") {
			c, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || c < 1 {
				return false
			}
			levels = append(levels, c)
		}
		s.ClearLoadKind()
		s.ClearOpenLoop()
		l.Sweep, named["load.sweep"] = &scenarios.Sweep{Levels: levels}, "sweep"
	} else if v, ok := last("rate"); ok {
		var rates scenarios.Rates
		for f := range strings.SplitSeq(v, ",") {
			r, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil || !(r > 0) {
				return false
			}
			rates = append(rates, r)
		}
		s.ClearLoadKind()
		l.Rate = rates
	} else if v, ok := last("concurrency"); ok {
		c, err := strconv.Atoi(v)
		if err != nil {
			return false
		}
		s.ClearLoadKind()
		s.ClearOpenLoop()
		l.Concurrency, named["load.concurrency"] = c, "concurrency"
	}
	if v, ok := last("max-concurrency"); ok {
		c, err := strconv.Atoi(v)
		if err != nil {
			return false
		}
		l.MaxConcurrency, named["load.max_concurrency"] = c, "max-concurrency"
	}
	if v, ok := last("precision"); ok {
		// A fraction or a percentage, as run's --precision.
		p, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), "%"), 64)
		if err != nil {
			return false
		}
		if strings.HasSuffix(strings.TrimSpace(v), "%") {
			p /= 100
		}
		if l.Adaptive == nil {
			l.Adaptive = &scenarios.Adaptive{}
		}
		l.Adaptive.Precision, named["load.adaptive.precision"] = p, "precision"
	}
	if v, ok := last("requests"); ok {
		r, err := strconv.Atoi(v)
		if err != nil {
			return false
		}
		l.Requests, named["load.requests"] = r, "requests"
	} else if _, ok := last("duration"); ok {
		l.Requests = 0 // for the duration given, no count
	}
	return true
}

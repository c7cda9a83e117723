package k8s

import (
	"strconv"
	"strings"
	"time"

	"github.com/inferbench/inferbench/internal/cmdline"
	"github.com/inferbench/inferbench/scenarios"
)

// laid is what layRunFlags did with the run flags after --.
type laid struct {
	// named maps each scenario key a flag set to the flag.
	named map[string]string
	// whole is true when every flag given was laid over the scenario or
	// leaves it as it is: s is then the pods' scenario, as far as
	// validation judges it.
	whole bool
	// trace is true for --dataset trace:…, arrivals from a file.
	trace bool
}

// unjudged are the run flags that set nothing validation judges in the
// scenario (--model is laid by ScenarioManifest itself).
var unjudged = map[string]bool{"model": true, "server-version": true, "server-args": true, "no-probe": true, "spread": true,
	"quiet": true, "retries": true, "continuous-usage": true, "grace": true, "insecure": true, "http1": true, "force": true,
	"progress": true, "progress-interval": true, "live": true, "live-linger": true, "api-key-file": true, "tokenizer": true}

// layRunFlags lays the run flags after -- (o.Args, read with o.RunFlags)
// that set the target's kind, URL and API and the load over s as run lays
// them (cmd/inferbench's loadFromFlags): --concurrency, --sweep or --rate
// replace the load's kind, --requests its count (--duration alone lifts
// it: the level ends by time), --duration, --warmup and --max-concurrency
// their values, --precision the adaptive stopping, --bisect the capacity
// search (fitted to the levels as run fits it: Scenario.FitSearches). It reports false when
// the flags cannot be read or hold a value run refuses (checkRunFlags and
// every pod's run say why).
func layRunFlags(s *scenarios.Scenario, o Options) (laid, bool) {
	f := laid{named: map[string]string{}, whole: true}
	if o.RunFlags == nil {
		return f, true
	}
	given, err := cmdline.ParseFlags("run", o.RunFlags, o.Args)
	if err != nil {
		return f, false
	}
	last := func(flag string) (string, bool) {
		v := given[flag]
		if len(v) == 0 {
			return "", false
		}
		return v[len(v)-1], true
	}
	set := func(key, flag string) {
		s.Forget(key)
		f.named[key] = flag
	}
	atoi := func(flag string, dst *int) bool {
		v, ok := last(flag)
		if !ok {
			return true
		}
		n, err := strconv.Atoi(v)
		*dst = n
		return err == nil
	}
	for flag, dst := range map[string]*string{"target": &s.Target.Kind, "api": &s.Target.API, "url": &s.Target.URL} {
		if v, ok := last(flag); ok {
			*dst = v
			set("target."+flag, flag)
		}
	}
	if o.URL != "" {
		s.Target.URL = o.URL
		s.Forget("target.url")
	}
	l := &s.Load
	if v, ok := last("sweep"); ok {
		var levels []int
		for w := range strings.SplitSeq(v, ",") {
			c, err := strconv.Atoi(strings.TrimSpace(w))
			if err != nil || c < 1 {
				return f, false
			}
			levels = append(levels, c)
		}
		s.ClearLoadKind()
		s.ClearOpenLoop()
		l.Sweep = &scenarios.Sweep{Levels: levels}
		set("load.sweep", "sweep")
	} else if v, ok := last("rate"); ok {
		var rates scenarios.Rates
		for w := range strings.SplitSeq(v, ",") {
			r, err := strconv.ParseFloat(strings.TrimSpace(w), 64)
			if err != nil || !(r > 0) {
				return f, false
			}
			rates = append(rates, r)
		}
		s.ClearLoadKind()
		l.Rate = rates
		set("load.rate", "rate")
	} else if _, ok := last("concurrency"); ok {
		s.ClearLoadKind()
		s.ClearOpenLoop()
		if !atoi("concurrency", &l.Concurrency) {
			return f, false
		}
		set("load.concurrency", "concurrency")
	}
	for _, c := range []struct {
		flag, key string
		dst       *int
	}{{"max-concurrency", "load.max_concurrency", &l.MaxConcurrency}, {"requests", "load.requests", &l.Requests}} {
		if _, ok := last(c.flag); ok {
			if !atoi(c.flag, c.dst) {
				return f, false
			}
			set(c.key, c.flag)
		}
	}
	if v, ok := last("duration"); ok {
		d, err := time.ParseDuration(v)
		if err != nil {
			return f, false
		}
		if _, ok := last("requests"); !ok {
			l.Requests = 0 // for the duration given, no count
			set("load.requests", "duration")
		}
		l.Duration = scenarios.Duration(d)
		set("load.duration", "duration")
	}
	if _, ok := last("warmup"); ok {
		w := 0
		if !atoi("warmup", &w) {
			return f, false
		}
		l.Warmup = &w
		set("load.warmup", "warmup")
	}
	if v, ok := last("precision"); ok {
		// A fraction or a percentage, as run's --precision.
		t := strings.TrimSpace(v)
		p, err := strconv.ParseFloat(strings.TrimSuffix(t, "%"), 64)
		if err != nil {
			return f, false
		}
		if strings.HasSuffix(t, "%") {
			p /= 100
		}
		if l.Adaptive == nil {
			l.Adaptive = &scenarios.Adaptive{}
		}
		l.Adaptive.Precision = p
		set("load.adaptive.precision", "precision")
	}
	if _, ok := last("bisect"); ok {
		// It replaces the file's search whole; 0 turns it off.
		b := 0
		if !atoi("bisect", &b) {
			return f, false
		}
		l.CapacitySearch = nil
		if b != 0 {
			l.CapacitySearch = &scenarios.CapacitySearch{Bisect: b > 0, Steps: b}
		}
		set("load.capacity_search", "bisect")
	}
	// A level flag laid over a file's levels leaves one level, with no
	// search over it, or the file's search over its own.
	_, sweep := given["sweep"]
	_, rate := given["rate"]
	_, conc := given["concurrency"]
	_, bisect := given["bisect"]
	_, search := given["search"]
	s.FitSearches(sweep || rate || conc, bisect, search)
	for _, v := range given["dataset"] {
		f.trace = f.trace || strings.HasPrefix(v, "trace:")
	}
	for flag := range given {
		switch flag {
		case "target", "api", "url", "sweep", "rate", "concurrency", "max-concurrency", "requests", "duration", "warmup", "precision", "bisect":
		default:
			f.whole = f.whole && unjudged[flag]
		}
	}
	return f, true
}

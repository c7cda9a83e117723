package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/scenarios"
)

// Flag names of `run`'s adaptive stopping (issue #22; docs/adaptive.md).
const (
	flagPrecision   = "precision"
	flagMinRequests = "min-requests"
	flagMaxRequests = "max-requests"
	flagSearch      = "search"
)

func adaptiveFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: flagPrecision, Usage: "stop each level once the 95% interval of every SLO percentile and of output tok/s is within ±P (0.05 or 5%), or its SLO verdict is certain; 0: fixed levels"},
		&cli.IntFlag{Name: flagMinRequests, Usage: "with --precision: judged requests a level runs at least (default 50)"},
		&cli.IntFlag{Name: flagMaxRequests, Usage: "with --precision: judged requests a level runs at most (default 1000); --duration bounds it too"},
		&cli.BoolFlag{Name: flagSearch, Usage: "with --precision and a sweep: capacity search (climb until a level fails, then bisect --bisect times) instead of every level"},
	}
}

// adaptiveFromFlags lays the adaptive flags over the scenario's
// load.adaptive.
func adaptiveFromFlags(c *cli.Context, ld *scenarios.LoadProfile) error {
	set := func(names ...string) bool {
		for _, n := range names {
			if c.IsSet(n) {
				return true
			}
		}
		return false
	}
	if !set(flagPrecision, flagMinRequests, flagMaxRequests, flagSearch) {
		return nil
	}
	if ld.Adaptive == nil {
		ld.Adaptive = &scenarios.Adaptive{}
	}
	a := ld.Adaptive
	if c.IsSet(flagPrecision) {
		p, err := parsePrecision(c.String(flagPrecision))
		if err != nil {
			return usagef("--%s: %v", flagPrecision, err)
		}
		a.Precision = p
	}
	if c.IsSet(flagMinRequests) {
		a.MinRequests = c.Int(flagMinRequests)
	}
	if c.IsSet(flagMaxRequests) {
		a.MaxRequests = c.Int(flagMaxRequests)
	}
	if c.IsSet(flagSearch) {
		a.Search = c.Bool(flagSearch)
	}
	if a.Precision == 0 {
		for _, n := range []string{flagMinRequests, flagMaxRequests, flagSearch} {
			if c.IsSet(n) {
				return usagef("--%s applies only with --precision above 0", n)
			}
		}
		ld.Adaptive = nil // fixed levels
	}
	return nil
}

// parsePrecision reads a relative half-width: a fraction (0.05) or a
// percentage (5%); 0 turns adaptive stopping off.
func parsePrecision(s string) (float64, error) {
	t := strings.TrimSpace(s)
	pct := strings.HasSuffix(t, "%")
	x, err := strconv.ParseFloat(strings.TrimSuffix(t, "%"), 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("want a fraction such as 0.05 or a percentage such as 5%%, got %q", s)
	}
	if pct {
		x /= 100
	}
	if x < 0 || x >= 1 {
		return 0, fmt.Errorf("want a half-width between 0 and 1 (100%%), e.g. 0.05 or 5%%, got %q", s)
	}
	return x, nil
}

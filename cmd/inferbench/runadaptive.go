package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/adaptive"

	"github.com/inferbench/inferbench/scenarios"
)

func adaptiveFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "precision", Usage: "stop each level once the 95% interval of every SLO percentile and of output tok/s is within ±P (0.05 or 5%), or its SLO verdict is certain; 0: fixed levels"},
		&cli.IntFlag{Name: "min-requests", DefaultText: fmt.Sprint(adaptive.DefaultMinRequests), Usage: "with --precision: judged requests a level runs at least"},
		&cli.IntFlag{Name: "max-requests", DefaultText: fmt.Sprint(adaptive.DefaultMaxRequests), Usage: "with --precision: judged requests a level runs at most; --duration bounds it too"},
		&cli.BoolFlag{Name: "search", Usage: "with --precision and a sweep: capacity search (climb until a level fails, then bisect --bisect times) instead of every level"},
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
	if !set("precision", "min-requests", "max-requests", "search") {
		return nil
	}
	if ld.Adaptive == nil {
		ld.Adaptive = &scenarios.Adaptive{}
	}
	a := ld.Adaptive
	if c.IsSet("precision") {
		p, err := parsePrecision(c.String("precision"))
		if err != nil {
			return usagef("--precision: %v", err)
		}
		a.Precision = p
	}
	assign(c.IsSet("min-requests"), &a.MinRequests, c.Int("min-requests"))
	assign(c.IsSet("max-requests"), &a.MaxRequests, c.Int("max-requests"))
	assign(c.IsSet("search"), &a.Search, c.Bool("search"))
	if a.Precision > 0 && c.IsSet(flagRequests) {
		fmt.Fprintln(c.App.ErrWriter, "inferbench: note: with --precision, --requests does not bound a level: --min-requests and --max-requests (judged requests) and --duration do")
	}
	if a.Precision == 0 {
		for _, n := range []string{"min-requests", "max-requests", "search"} {
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

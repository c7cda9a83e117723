package main

import (
	"fmt"

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

// parsePrecision reads --precision (scenarios.ParsePrecision).
var parsePrecision = scenarios.ParsePrecision

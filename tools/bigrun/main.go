// Command bigrun writes a large synthetic run directory (run.json and
// requests.jsonl, rendertest.WriteLarge) for measuring `inferbench report`'s
// memory and time on a run of a million records.
//
// Usage:
//
//	bigrun -records 1000000 -tokens 64 [-seed 3] -out DIR
//
// It lives under tools/: a measuring tool, not part of inferbench.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/inferbench/inferbench/report/render/rendertest"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "bigrun:", err)
		os.Exit(2)
	}
}

// run parses args and writes the run.
func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("bigrun", flag.ContinueOnError)
	fs.SetOutput(stderr)
	records := fs.Int("records", 100000, "records to write (warm-ups included)")
	tokens := fs.Int("tokens", 64, "output tokens per request")
	concurrency := fs.Int("concurrency", 64, "workers of the one closed-loop level")
	seed := fs.Uint64("seed", rendertest.DefaultLarge(1).Seed, "seed of the TTFTs and gaps (a second run to compare needs another)")
	out := fs.String("out", "", "run directory to write (required; must not hold requests.jsonl)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || *records < 1 || *tokens < 1 || *concurrency < 1 {
		return errors.New("-out DIR is required; -records, -tokens and -concurrency must be at least 1")
	}
	l := rendertest.DefaultLarge(*records)
	l.OutputTokens, l.Concurrency, l.Seed = *tokens, *concurrency, *seed
	return rendertest.WriteLarge(*out, l)
}

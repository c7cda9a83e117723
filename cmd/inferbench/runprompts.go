package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/scenarios"
)

// Flag names of run's prompts: shared prefixes, exact lengths, datasets (a
// contract: extend, never rename).
const (
	flagSharedPrefix  = "shared-prefix-tokens"
	flagPrefixGroups  = "prefix-groups"
	flagPromptSizing  = "prompt-sizing"
	flagTokenizer     = "tokenizer"
	flagDataset       = "dataset"
	flagDatasetSeed   = "dataset-seed"
	flagDatasetMinIn  = "dataset-min-input"
	flagDatasetMaxIn  = "dataset-max-input"
	flagDatasetMinOut = "dataset-min-output"
	flagDatasetMaxOut = "dataset-max-output"
	flagDatasetOut    = "dataset-output-tokens"
)

// promptFlags are run's flags for what the prompts are.
func promptFlags() []cli.Flag {
	return []cli.Flag{
		&cli.IntFlag{Name: flagSharedPrefix, Usage: "start every prompt with a shared prefix of N tokens (a system prompt); --prompt-tokens is then each request's own suffix"},
		&cli.IntFlag{Name: flagPrefixGroups, DefaultText: "1", Usage: "number of distinct shared prefixes, each request's drawn by the seed"},
		&cli.StringFlag{Name: flagPromptSizing, Usage: "how prompts are made exactly --prompt-tokens long: " + strings.Join(scenarios.PromptSizings, ", ") +
			" (auto: the server's tokenize endpoint, else --tokenizer, else a calibration on the warm-up, else an estimate)"},
		&cli.StringFlag{Name: flagTokenizer, Usage: "the served model's tokenizer.json (or .json.gz), to count prompts locally"},
		&cli.StringFlag{Name: flagDataset, Usage: "prompts or arrivals from a file: sharegpt:FILE, jsonl:FILE or trace:FILE (docs/workloads.md)"},
		&cli.Uint64Flag{Name: flagDatasetSeed, DefaultText: "--seed", Usage: "seed of the dataset's prompt order"},
		&cli.IntFlag{Name: flagDatasetMinIn, Usage: "dataset: keep prompts of at least N estimated tokens"},
		&cli.IntFlag{Name: flagDatasetMaxIn, Usage: "dataset: keep prompts of at most N estimated tokens"},
		&cli.IntFlag{Name: flagDatasetMinOut, Usage: "dataset: keep prompts whose output hint is at least N tokens"},
		&cli.IntFlag{Name: flagDatasetMaxOut, Usage: "dataset: keep prompts whose output hint is at most N tokens"},
		&cli.IntFlag{Name: flagDatasetOut, DefaultText: "each prompt's hint, else --max-tokens", Usage: "dataset: every prompt asks for N output tokens, whatever its hint (vLLM's --sharegpt-output-len)"},
	}
}

// promptsFromFlags lays the prompt flags over s, after the workload and
// load flags (a trace replaces the load kind they set).
func promptsFromFlags(c *cli.Context, s *scenarios.Scenario) error {
	w := &s.Workload
	assign(c.IsSet(flagSharedPrefix), &w.SharedPrefixTokens, c.Int(flagSharedPrefix))
	assign(c.IsSet(flagPrefixGroups), &w.PrefixGroups, c.Int(flagPrefixGroups))
	assign(c.IsSet(flagPromptSizing), &w.PromptSizing, c.String(flagPromptSizing))
	assign(c.IsSet(flagTokenizer), &w.Tokenizer, absPath(c.String(flagTokenizer)))
	if c.IsSet(flagDataset) {
		if err := datasetFromFlag(c, s); err != nil {
			return err
		}
	}
	if err := datasetFilterFlags(c, w.Dataset); err != nil {
		return err
	}
	if d := w.Dataset; d != nil && d.OutputTokens == 0 && c.IsSet(flagMaxTokens) {
		fmt.Fprintf(c.App.ErrWriter, "inferbench: note: with a dataset, --%s applies only to prompts without an output hint; --%s N sets every prompt's\n", flagMaxTokens, flagDatasetOut)
	}
	return nil
}

// datasetFromFlag maps --dataset FORMAT:FILE onto the scenario's dataset
// or trace; scenarios.ParseDatasetFlag refuses another format.
func datasetFromFlag(c *cli.Context, s *scenarios.Scenario) error {
	format, file, err := scenarios.ParseDatasetFlag(c.String(flagDataset))
	if err != nil {
		return usagef("--%s%v", flagDataset, err)
	}
	file = absPath(file)
	switch format {
	case string(scenarios.FormatShareGPT), string(scenarios.FormatJSONL):
		if c.IsSet(flagPromptTokens) {
			return usagef("--%s is not used with --%s %s: the prompts come from the file", flagPromptTokens, flagDataset, format)
		}
		s.Workload.PromptTokens = scenarios.Distribution{}
		s.Workload.Dataset = &scenarios.Dataset{File: file, Format: scenarios.DatasetFormat(format)}
	case "trace":
		for _, f := range []string{flagConcurrency, flagSweep, flagRate} {
			if c.IsSet(f) {
				return usagef("--%s trace: replays the file's arrivals; --%s does not apply", flagDataset, f)
			}
		}
		// Its lines give the lengths: a flag's default stands for none.
		assign(!c.IsSet(flagPromptTokens), &s.Workload.PromptTokens, scenarios.Distribution{})
		assign(!c.IsSet(flagMaxTokens), &s.Workload.OutputTokens, scenarios.Distribution{})
		ld := &s.Load
		ld.Concurrency, ld.Sweep, ld.Rate = 0, nil, nil
		ld.Trace = &scenarios.Trace{File: file}
		assign(!c.IsSet(flagRequests), &ld.Requests, 0)
	}
	return nil
}

// datasetFilterFlags sets the dataset's seed and length filters.
func datasetFilterFlags(c *cli.Context, d *scenarios.Dataset) error {
	names := []string{flagDatasetSeed, flagDatasetMinIn, flagDatasetMaxIn, flagDatasetMinOut, flagDatasetMaxOut, flagDatasetOut}
	if d == nil {
		for _, f := range names {
			if c.IsSet(f) {
				return usagef("--%s needs a dataset of prompts (--%s sharegpt:FILE or jsonl:FILE)", f, flagDataset)
			}
		}
		return nil
	}
	if c.IsSet(flagDatasetSeed) {
		seed := c.Uint64(flagDatasetSeed)
		d.Seed = &seed
	}
	for f, dst := range map[string]*int{flagDatasetMinIn: &d.MinInput, flagDatasetMaxIn: &d.MaxInput, flagDatasetMinOut: &d.MinOutput, flagDatasetMaxOut: &d.MaxOutput, flagDatasetOut: &d.OutputTokens} {
		assign(c.IsSet(f), dst, c.Int(f))
	}
	return nil
}

// absPath makes a path given on the command line absolute, so that a
// scenario file elsewhere does not resolve it against its own directory.
func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

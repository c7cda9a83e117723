package scenarios

import (
	"slices"
)

// PromptSizings are the accepted values of Workload.PromptSizing: auto (the
// server's tokenize endpoint, else the tokenizer file, else a calibration
// on the warm-up, else the estimate), or one method forced.
var PromptSizings = []string{"auto", "server", "tokenizer", "estimate"}

// DefaultPromptSizing is the sizing used when none is given.
const DefaultPromptSizing = "auto"

// validatePrompts checks the shared prefix, the prompt sizing and the
// dataset's filters.
func (w *Workload) validatePrompts(c *checker, s *Scenario) {
	const sp, pg = "workload.shared_prefix_tokens", "workload.prefix_groups"
	switch {
	case w.SharedPrefixTokens < 0:
		c.errorf(sp, "must not be negative, got %d", w.SharedPrefixTokens)
	case w.SharedPrefixTokens > 0 && w.Dataset != nil:
		c.errorf(sp, "not used with workload.dataset: its prompts are used as they are")
	case w.SharedPrefixTokens > 0:
		// The prefix is part of each prompt: 99999999999 was built until
		// memory ran out.
		own, words := w.PromptTokens.upper()
		if w.SharedPrefixTokens > MaxLength-own {
			c.errorf(sp, "must be at most %d tokens with prompt_tokens %s %d (together at most %d, the longest prompt), got %d",
				max(MaxLength-own, 0), words, own, MaxLength, w.SharedPrefixTokens)
		}
	}
	switch {
	case w.PrefixGroups < 0:
		c.errorf(pg, "must not be negative, got %d", w.PrefixGroups)
	case w.PrefixGroups > 0 && w.SharedPrefixTokens == 0:
		c.errorf(pg, "needs workload.shared_prefix_tokens: groups of what prefix?")
	case w.PrefixGroups > MaxPrefixGroups:
		c.errorf(pg, "at most %d, got %d", MaxPrefixGroups, w.PrefixGroups)
	}
	if w.PromptSizing != "" && !slices.Contains(PromptSizings, w.PromptSizing) {
		c.errorf("workload.prompt_sizing", "%s", unknownName("sizing", w.PromptSizing, PromptSizings))
	}
	if (w.PromptSizing == "server" || w.PromptSizing == "tokenizer") && w.Dataset != nil {
		c.errorf("workload.prompt_sizing", "%s sizes synthetic prompts, not used with workload.dataset: its prompts are used as they are", w.PromptSizing)
	}
	if w.PromptSizing == "tokenizer" && w.Tokenizer == "" {
		c.errorf("workload.prompt_sizing", "tokenizer needs workload.tokenizer (--tokenizer PATH): a tokenizer.json")
	}
	if w.Tokenizer != "" {
		checkFile(c, s, "workload.tokenizer", w.Tokenizer)
	}
	if d := w.Dataset; d != nil {
		for _, b := range []struct {
			key string
			v   int
		}{{"min_input", d.MinInput}, {"max_input", d.MaxInput}, {"min_output", d.MinOutput}, {"max_output", d.MaxOutput}} {
			if b.v < 0 {
				c.errorf("workload.dataset."+b.key, "must not be negative, got %d", b.v)
			}
		}
		if d.OutputTokens < 0 || d.OutputTokens > MaxLength {
			c.errorf("workload.dataset.output_tokens", "must be between 1 and %d tokens (0: each prompt's hint), got %d", MaxLength, d.OutputTokens)
		}
		if d.MaxInput > 0 && d.MinInput > d.MaxInput {
			c.errorf("workload.dataset.min_input", "%d is above max_input %d", d.MinInput, d.MaxInput)
		}
		if d.MaxOutput > 0 && d.MinOutput > d.MaxOutput {
			c.errorf("workload.dataset.min_output", "%d is above max_output %d", d.MinOutput, d.MaxOutput)
		}
	}
}

// MaxPrefixGroups bounds workload.prefix_groups: each group's prefix is
// built and held once.
const MaxPrefixGroups = 1024

// Keep returns the prompts for which keep is true, in file order (the draw
// order is Shuffle's to set afterwards), with the count dropped. A kept
// ShareGPT prompt keeps its conversation's human turns (TurnsAt), which a
// multi-turn session replays.
func (p *Prompts) Keep(keep func(Prompt) bool) (kept *Prompts, dropped int) {
	out := &Prompts{Skipped: p.Skipped}
	if p.turns != nil {
		out.turns = [][]string{}
	}
	for i, it := range p.items {
		if keep(it) {
			out.items = append(out.items, it)
			if p.turns != nil {
				out.turns = append(out.turns, p.turns[i])
			}
		} else {
			dropped++
		}
	}
	return out, dropped
}

// Within reports whether pr lies within the dataset's length filters.
func (d *Dataset) Within(pr Prompt) bool {
	in, out := pr.PromptTokens, pr.OutputTokens
	return (d.MinInput == 0 || in >= d.MinInput) && (d.MaxInput == 0 || in <= d.MaxInput) &&
		(d.MinOutput == 0 || out >= d.MinOutput) && (d.MaxOutput == 0 || out <= d.MaxOutput)
}

// upper is the most a length of d can be, with the words that say so:
// its max where it has one, else (normal and lognormal without max) its
// mean, the least a bound on it could be.
func (d *Distribution) upper() (int, string) {
	switch d.Kind {
	case DistUniform:
		return max(d.Max, 0), "up to"
	case DistNormal, DistLognormal:
		if d.Max > 0 {
			return d.Max, "up to"
		}
		return d.Typical(), "of mean"
	case DistEmpirical:
		m := 0
		for _, v := range d.values {
			m = max(m, v)
		}
		return m, "up to"
	}
	return max(d.Value, 0), "of"
}

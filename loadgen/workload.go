package loadgen

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/inferbench/inferbench/prompt"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
)

// Workload says what each request asks for. The zero value is not usable:
// set Model, PromptTokens and MaxTokens (Validate says what is missing).
type Workload struct {
	// Model is the model name sent to the server.
	Model string
	// PromptTokens is the intended prompt length in tokens. The prompt is
	// made of common English words that most tokenizers encode as one token
	// each, so the real count is close to this; it is recorded as an
	// estimate unless the server reports usage (or Synth sized it).
	PromptTokens int
	// MaxTokens caps the output length of each request.
	MaxTokens int
	// IgnoreEOS asks the server to generate exactly MaxTokens tokens, where
	// the protocol allows it (vLLM, llama.cpp, the mock).
	IgnoreEOS bool
	// Stop is the stop sequences every request sends (Request.Stop); nil
	// sends none. The requests share the slice: nothing may change it.
	Stop []string
	// Lengths, when set, gives request id's prompt and output lengths in
	// tokens (drawn from distributions, read from a dataset), overriding
	// PromptTokens and MaxTokens; it must be a pure function of id.
	Lengths func(id uint64) (promptTokens, outputTokens int)
	// Prompt, when set, gives request id's prompt text (from a dataset)
	// and its estimated token count, overriding the synthetic prompt.
	Prompt func(id uint64) (text string, promptTokens int)
	// Sessions, when set, makes every request a turn of a multi-turn
	// session (session.go); nil: independent single-turn requests.
	Sessions *Sessions
	// Synth, when set (and Prompt is not), builds request id's synthetic
	// prompt of promptTokens tokens in place of the word-count prompt: an
	// exact-length prompt, a shared prefix (session's prompt sizing). It
	// returns the text, its length as established, and whether that
	// length was counted (sized by the server's tokenize endpoint or a
	// tokenizer: recorded rundir.SourceSized where the server reports no
	// usage) rather than estimated or calibrated. It must be a pure function
	// of its arguments, but for sized: a prompt whose count failed is
	// built by the estimate. With Sessions it builds each session's first
	// message, called with the session's id.
	Synth func(id uint64, promptTokens int) (text string, tokens int, sized bool)
	// PrefixGroup, when set, gives the shared prefix group (from 1) request
	// id's prompt starts with, recorded as the record's prefix_group; with
	// Sessions, every turn of session s records PrefixGroup(s).
	PrefixGroup func(id uint64) int
	// ProbePrompt, when set, builds the spread probe's prompt of about
	// promptTokens own tokens (ProbeRequest), as Synth would but without
	// sizing it exactly; nil: the plain word prompt.
	ProbePrompt func(id uint64, promptTokens int) (text string, tokens int)
	// Seed makes the prompts reproducible: the same seed gives the same
	// prompts in the same order, so two runs (an A100 box and an H100 box)
	// see identical requests.
	Seed int64

	// global, set on a shard's runner (applyShard), gives request id's
	// prompt with its length and source as the unsharded workload gives its
	// global id, in place of Prompt and Synth.
	global func(id uint64) (text string, tokens int, src rundir.TokenSource)
	// probe, set on a shard's runner, is the unsharded workload's
	// ProbeRequest at the probe's global id: estimated as the unsharded
	// run's probe is, never sized (a sized probe moved the prompt builder's
	// window past the level's ids, and the level's were built as sent).
	probe func(id uint64) (targets.Request, int, rundir.TokenSource)
}

// Validate reports what is wrong with w.
func (w *Workload) Validate() error {
	switch {
	case w.Model == "":
		return fmt.Errorf("workload: model is required")
	case w.Lengths != nil:
		return nil
	case w.PromptTokens < 1 && w.Prompt == nil:
		return fmt.Errorf("workload: prompt tokens must be at least 1, got %d", w.PromptTokens)
	case w.MaxTokens < 1:
		return fmt.Errorf("workload: max tokens must be at least 1, got %d", w.MaxTokens)
	}
	return nil
}

// Request returns request id's generation request, its number of prompt
// tokens, and where that number comes from: rundir.SourceSized when Synth
// counted it, else rundir.SourceEstimated. It is a pure function of (w, id):
// requests are the same whatever order workers send them in.
func (w *Workload) Request(id uint64) (targets.Request, int, rundir.TokenSource) {
	prompt, output := w.PromptTokens, w.MaxTokens
	if w.Lengths != nil {
		prompt, output = w.Lengths(id)
	}
	return w.RequestWith(id, prompt, output)
}

// ProbeRequest is the auto-spread probe's request (Spread): a typical
// one, of the nominal lengths (PromptTokens, MaxTokens: the scenario's
// means), never a length drawn for its id, so that the spread, and with it
// the level's first round, is the same on every run whatever the draw. Its
// prompt is of that estimated length (ProbePrompt's, with a shared prefix):
// the probe is never measured, so it is neither sized exactly nor taken
// from the prompt builder's window. With a dataset it is an entry of the
// dataset, as it is.
func (w *Workload) ProbeRequest(id uint64) (targets.Request, int, rundir.TokenSource) {
	if w.probe != nil {
		return w.probe(id)
	}
	if w.Prompt != nil {
		return w.Request(id) // a dataset's entry, with its own lengths
	}
	req := w.outputRequest(w.MaxTokens)
	n := max(w.PromptTokens, 1)
	if w.ProbePrompt != nil {
		req.Prompt, n = w.ProbePrompt(id, n)
		return req, n, rundir.SourceEstimated
	}
	req.Prompt = synthPrompt(w.Seed, id, n)
	return req, n, rundir.SourceEstimated
}

// RequestWith returns request id with the given prompt and output lengths
// (a trace entry's), its number of prompt tokens and their source (Request).
func (w *Workload) RequestWith(id uint64, promptTokens, outputTokens int) (targets.Request, int, rundir.TokenSource) {
	req := w.outputRequest(outputTokens)
	src := rundir.SourceEstimated
	switch {
	case w.global != nil:
		req.Prompt, promptTokens, src = w.global(id)
	case w.Prompt != nil:
		req.Prompt, promptTokens = w.Prompt(id)
	case w.Synth != nil:
		var sized bool
		req.Prompt, promptTokens, sized = w.Synth(id, max(promptTokens, 1))
		src = inputSource(sized)
	default:
		promptTokens = max(promptTokens, 1)
		req.Prompt = synthPrompt(w.Seed, id, promptTokens)
	}
	return req, promptTokens, src
}

// inputSource is the record's input_tokens_source of a prompt Synth built,
// sized (counted) or not, where the server reports no prompt_tokens.
func inputSource(sized bool) rundir.TokenSource {
	if sized {
		return rundir.SourceSized
	}
	return rundir.SourceEstimated
}

// outputRequest returns a request with the model and output fields filled
// and no prompt.
func (w *Workload) outputRequest(outputTokens int) targets.Request {
	outputTokens = max(outputTokens, 1)
	req := targets.Request{Model: w.Model, MaxTokens: outputTokens, IgnoreEOS: w.IgnoreEOS, Stop: w.Stop}
	// With stop sequences min_tokens is not sent: vLLM looks for no stop
	// string before min_tokens tokens are out (its stop checker), so
	// min_tokens = max_tokens would keep every stop sequence from ending
	// an output. ignore_eos ignores the EOS token only, and is sent.
	if w.IgnoreEOS && len(w.Stop) == 0 {
		req.MinTokens = outputTokens
	}
	return req
}

// synthPrompt returns n common words drawn with a generator seeded by
// (seed, id): different for every request (no accidental prefix-cache hits)
// and identical across runs with the same seed.
func synthPrompt(seed int64, id uint64, n int) string {
	return drawWords(rand.New(rand.NewPCG(uint64(seed), id)), n)
}

// drawWords returns n words of prompt.DefaultWords drawn by rng, joined by
// spaces. The words are short and frequent: each is a single token in the
// GPT-2/cl100k/Llama-3 vocabularies when preceded by a space.
func drawWords(rng *rand.Rand, n int) string {
	var b strings.Builder
	b.Grow(n * 6)
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(prompt.DefaultWords[rng.IntN(len(prompt.DefaultWords))])
	}
	return b.String()
}

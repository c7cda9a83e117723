package scenarios

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
)

// Bounds on workload.stop. No protocol needs more: OpenAI's chat and
// completions APIs take up to 4 stop sequences ("you can pass up to four
// stop sequences", help.openai.com article 5072263), Gemini up to 5
// ("stopSequences specifies the set of character sequences (up to 5)",
// the Gemini API guide as quoted in google-gemini/generative-ai-python
// issue #592), TGI refuses more than its launcher's --max-stop-sequences
// (4 by default); vLLM, SGLang, llama.cpp and Ollama set no bound, and
// Bedrock's Converse takes 2,500 (AWS API reference,
// InferenceConfiguration). A kind that documents a bound is held to it
// (Known.Stop); the bounds here catch what is a mistake on every kind.
const (
	// MaxStopSequences is the most stop sequences a workload may give:
	// four times the common bound of 4, more than any real stop list
	// (a chat template's end markers, a role prefix, a delimiter) holds.
	MaxStopSequences = 16
	// MaxStopLength is the longest stop sequence, in bytes. A stop
	// sequence is a delimiter (</s>, <|im_end|>, "\n\nUser:"); one of
	// this length is a prompt pasted in the wrong field. No serving API
	// documents a bound on the length; the one found is Bedrock agents'
	// TextInferenceConfig, 1,000 characters.
	MaxStopLength = 1000
)

// Stop is a workload's stop sequences: generation ends where the output
// contains one, which the output leaves out (vLLM's and OpenAI's
// default). In YAML a list of strings, or one string for a list of one.
type Stop []string

// UnmarshalYAML reads a string or a list of strings; a number, a boolean
// or a mapping is refused where it stands (a number to be quoted: 42 is
// sent as the text "42" only if written so).
func (s *Stop) UnmarshalYAML(n ast.Node) error {
	n, ok, err := nonNull(n, s)
	if !ok {
		return err
	}
	if seq, isSeq := n.(*ast.SequenceNode); isSeq {
		out := make(Stop, 0, len(seq.Values))
		for _, v := range seq.Values {
			v, err := unwrapNode(v)
			if err != nil {
				return err
			}
			text, ok := stopText(v)
			if !ok {
				return errAt(v, "want a stop sequence (a string)%s", quoteHint(v))
			}
			out = append(out, text)
		}
		if len(out) == 0 {
			out = nil // stop: [] is no stop sequence: none is sent
		}
		*s = out
		return nil
	}
	text, ok := stopText(n)
	if !ok {
		return errAt(n, "want a stop sequence (a string) or a list of them%s", quoteHint(n))
	}
	*s = Stop{text}
	return nil
}

// stopText is the text of a string node (plain, quoted or a block
// scalar); false for anything else.
func stopText(n ast.Node) (string, bool) {
	switch n := n.(type) {
	case *ast.StringNode:
		return n.Value, true
	case *ast.LiteralNode:
		if n.Value != nil {
			return n.Value.Value, true
		}
		return "", true
	}
	return "", false
}

// quoteHint tells how to write a number or a boolean as the text it
// looks like.
func quoteHint(n ast.Node) string {
	switch n.(type) {
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		if tk := n.GetToken(); tk != nil {
			return fmt.Sprintf("; quote a number: %q", tk.Value)
		}
	}
	return ""
}

// validateStop checks the stop sequences against what every kind
// refuses or no workload means.
func (w *Workload) validateStop(c *checker) {
	const path = "workload.stop"
	if len(w.Stop) > MaxStopSequences {
		c.errorf(path, "at most %d stop sequences, got %d", MaxStopSequences, len(w.Stop))
		return
	}
	for i, s := range w.Stop {
		at := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case s == "":
			c.errorf(at, "an empty stop sequence matches at once and would end every output before its first token")
		case len(s) > MaxStopLength:
			c.errorf(at, "a stop sequence is at most %d bytes, got %d", MaxStopLength, len(s))
		case !utf8.ValidString(s):
			// Every API takes it in JSON, which would send U+FFFD instead.
			c.errorf(at, "not UTF-8 text: %q, which the API's JSON cannot carry", truncate(s, 32))
		case slices.Contains(w.Stop[:i], s):
			c.errorf(at, "%q is already in the list", truncate(s, 32))
		}
	}
}

// StopRules is what a target kind's API does with stop sequences (the
// registry's per-kind facts); the zero value refuses nothing.
type StopRules struct {
	// None: the API has no stop field (OpenAI's Responses API).
	None bool
	// Max is the most stop sequences the kind takes; 0: no bound of its own.
	Max int
	// NoComma: the API takes the sequences joined by commas in one string
	// (Replicate), so one holding a comma cannot be sent whole.
	NoComma bool
	// Family, when set, names the model family whose request body on the
	// API has no stop field (Meta's Llama models on Bedrock's native API,
	// where each family has its own body): the API has one, the model's
	// body not. Other names an API of the kind that sends them for the
	// model ("" when none does).
	Family, Other string
}

// CheckStop reports, at workload.stop, stop sequences the scenario's kind
// cannot send (facts: Known.Stop, the registry's per-kind facts): an API
// with no stop field (OpenAI's Responses API), more sequences than the
// kind takes (OpenAI 4, Gemini 5), or one holding a comma where the API
// joins them with commas (Replicate), or a model whose family's body has
// no stop field (Meta's Llama models on Bedrock's native API). A scenario
// that names no kind, or no stop sequences, is not judged.
func (s *Scenario) CheckStop(facts func(kind, api, model string) StopRules) error {
	k, stop := s.Target.Kind, s.Workload.Stop
	if k == "" || len(stop) == 0 || facts == nil {
		return nil
	}
	r := facts(k, s.Target.API, s.Target.Model)
	switch {
	case r.Family != "":
		other := "choose another of its APIs (target.api, --api)"
		if r.Other != "" {
			other = fmt.Sprintf("use API %s (--api %[1]s, target.api: %[1]s)", r.Other)
		}
		return s.src.errorf("workload.stop", "target %s sends no stop sequences to model %s on API %s (the request body of %s has no stop field): %s, or leave stop out",
			k, truncate(s.Target.Model, 64), cmp.Or(s.Target.API, "(its default)"), r.Family, other)
	case r.None:
		return s.src.errorf("workload.stop", "target %s sends no stop sequences on API %s (the API has no stop field): choose another of its APIs (target.api, --api), or leave stop out",
			k, cmp.Or(s.Target.API, "(its default)"))
	case r.Max > 0 && len(stop) > r.Max:
		return s.src.errorf(fmt.Sprintf("workload.stop[%d]", r.Max), "target %s takes at most %d stop sequences, got %d", k, r.Max, len(stop))
	}
	if !r.NoComma {
		return nil
	}
	if i := slices.IndexFunc(stop, func(q string) bool { return strings.Contains(q, ",") }); i >= 0 {
		return s.src.errorf(fmt.Sprintf("workload.stop[%d]", i), "target %s cannot send the stop sequence %q: its API takes stop sequences joined by commas in one string, which would split this one in two; leave the comma out",
			k, truncate(stop[i], 32))
	}
	return nil
}

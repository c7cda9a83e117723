package openai

import (
	"encoding/json"

	"github.com/inferbench/inferbench/targets"
)

// requestJSON is the body of a streaming chat or completions request.
type requestJSON struct {
	Model               string         `json:"model,omitempty"`
	Messages            []messageJSON  `json:"messages,omitempty"`
	Prompt              *string        `json:"prompt,omitempty"`
	Stream              bool           `json:"stream"`
	StreamOptions       *streamOptions `json:"stream_options,omitempty"`
	MaxTokens           int            `json:"max_tokens,omitempty"`
	MaxCompletionTokens int            `json:"max_completion_tokens,omitempty"`
	MinTokens           int            `json:"min_tokens,omitempty"`
	IgnoreEOS           bool           `json:"ignore_eos,omitempty"`
	TimingsPerToken     bool           `json:"timings_per_token,omitempty"`
	Temperature         *float64       `json:"temperature,omitempty"`
	Seed                *int64         `json:"seed,omitempty"`
	Stop                []string       `json:"stop,omitempty"`
}

type messageJSON struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type streamOptions struct {
	IncludeUsage         bool `json:"include_usage"`
	ContinuousUsageStats bool `json:"continuous_usage_stats,omitempty"`
}

// requestBody encodes req for t's API and flavor.
//
// The output cap: the completions API, vLLM and the hosted compatible
// providers take max_tokens; OpenAI's and Azure OpenAI's chat API take
// max_completion_tokens. vLLM's ignore_eos and min_tokens are
// sent only in the vLLM flavor.
func (t *Target) requestBody(req targets.Request) ([]byte, error) {
	switch t.api {
	case Native:
		return nativeRequestBody(req)
	case Responses:
		return responsesRequestBody(req)
	}
	body := requestJSON{
		Model:       req.Model,
		Stream:      true,
		Temperature: req.Temperature,
		Seed:        req.Seed,
		Stop:        req.Stop,
	}
	if t.api == Completions {
		p := req.FlatPrompt()
		body.Prompt = &p
	} else {
		body.Messages = messagesOf(req)
	}
	if t.includeUsage || t.continuous {
		body.StreamOptions = &streamOptions{IncludeUsage: t.includeUsage, ContinuousUsageStats: t.continuous}
	}
	if req.MaxTokens > 0 {
		if t.api == Chat && (t.flavor == FlavorOpenAI || t.flavor == FlavorAzure) {
			body.MaxCompletionTokens = req.MaxTokens
		} else {
			body.MaxTokens = req.MaxTokens
		}
	}
	if t.flavor == FlavorLlamaCpp {
		body.IgnoreEOS = req.IgnoreEOS
		// llama-server's only per-event token count on these APIs: its
		// timings on every event, whose predicted_n is cumulative. An
		// event can carry two tokens or more (one that ended inside a UTF-8
		// sequence goes out with the next); counted one each, a stream's
		// chunks held fewer tokens than its usage (decoder.chunk).
		body.TimingsPerToken = true
	}
	if t.flavor == FlavorVLLM {
		body.IgnoreEOS = req.IgnoreEOS
		if req.MinTokens > 0 {
			body.MinTokens = req.MinTokens
		}
	}
	return json.Marshal(body)
}

// messagesOf is the request's conversation as chat messages.
func messagesOf(req targets.Request) []messageJSON {
	conv := req.Conversation()
	out := make([]messageJSON, len(conv))
	for i, m := range conv {
		out[i] = messageJSON{Role: m.Role, Content: m.Content}
	}
	return out
}

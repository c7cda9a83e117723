// Package targets defines Target, what inferbench knows about a serving
// endpoint: how to send one generation request and how to read its response
// stream. It knows nothing of timing, load or files: the caller timestamps
// each Chunk as Stream hands it over, in the goroutine that read the bytes.
//
// Each protocol family lives in a subpackage (openai, tgi, ollama, anthropic,
// gemini); registry maps a target kind to its constructor; mock is the
// simulated serving engine used for tests and demos.
package targets

import (
	"context"
	"time"
)

// A Target sends one generation request and reports each decoded event of the
// response stream, in order, as it is read.
//
// Stream calls onChunk synchronously from the goroutine that read the bytes,
// so the caller can timestamp each chunk; onChunk must return quickly (it is
// on the read path) and must not keep the Chunk's strings beyond the call if
// it wants to avoid retaining the response buffer.
//
// Stream returns when the stream ends, ctx is done, or an error occurs. A
// non-2xx answer is a *HTTPError, an error event inside the stream a
// *StreamError, a response that breaks the protocol a *ProtocolError;
// transport failures are returned as the net/http client reports them.
// Implementations must be safe for concurrent use.
type Target interface {
	Stream(ctx context.Context, req Request, onChunk func(Chunk)) (Final, error)
}

// A LengthForcer is a Target whose protocol can force an output's length:
// it sends Request.IgnoreEOS or MinTokens to the server (vLLM's ignore_eos
// and min_tokens, llama.cpp's ignore_eos, Replicate's min_tokens).
type LengthForcer interface {
	ForcesLength() bool
}

// ForcesLength reports whether t sends Request.IgnoreEOS or MinTokens to
// its server; a target that does not say cannot. A workload that asks for
// exact lengths from one that cannot gets outputs that end where the model
// stops: fewer tokens per request, and two servers no longer given the
// same work.
func ForcesLength(t Target) bool {
	f, ok := t.(LengthForcer)
	return ok && f.ForcesLength()
}

// A Request is one generation request, independent of protocol.
type Request struct {
	// Model is the model name the server expects.
	Model string
	// Prompt is the user prompt text of a single-turn request; ignored
	// when Messages is set.
	Prompt string
	// Messages, when set, is a conversation (a multi-turn session's turns
	// so far, ending with the new user message): chat-style APIs send it as
	// their message list, completions-style APIs send FlatPrompt's text.
	// Nil: the single-turn request Prompt.
	Messages []Message
	// MaxTokens caps the output length; 0 leaves it to the server.
	MaxTokens int
	// MinTokens asks the server not to stop before this many output tokens,
	// where the protocol allows it (vLLM's min_tokens); 0 sends nothing.
	MinTokens int
	// IgnoreEOS asks the server to keep generating past end-of-sequence, so
	// the output is exactly MaxTokens long (vLLM's ignore_eos, llama.cpp's
	// ignore_eos, the mock). Protocols without it ignore the field.
	IgnoreEOS bool
	// Temperature is the sampling temperature; nil leaves it to the server.
	Temperature *float64
	// Seed asks for reproducible sampling where the protocol allows; nil sends nothing.
	Seed *int64
	// Stop is the stop sequences: generation ends where the output
	// contains one, which the output then leaves out (OpenAI's stop,
	// Anthropic's stop_sequences, Gemini's stopSequences, …; each
	// adapter sends it in its protocol's own field). Nil sends nothing.
	// A protocol with no such field (OpenAI's Responses API) does not
	// send it: the registry says so (Kind.NoStop) and a scenario
	// asking for it there is refused before anything is sent.
	Stop []string
}

// A Chunk is what one protocol event carried.
type Chunk struct {
	// Content, Reasoning and ToolArgs are the text generated on each channel:
	// visible content, reasoning / thinking, and tool-call arguments.
	Content, Reasoning, ToolArgs string
	// Tokens is the number of generated tokens the server says this event
	// carried (from a cumulative usage delta or a one-token-per-event
	// protocol); 0 when the server does not say.
	Tokens int
	// Usage is the cumulative usage the event reported, nil if none.
	Usage *Usage
}

// HasToken reports whether the chunk carries at least one generated token on
// any channel. Role-only, usage-only and empty events carry none; this is the
// event that TTFT waits for (docs/design.md, "Metric definitions").
func (c *Chunk) HasToken() bool {
	return c.Content != "" || c.Reasoning != "" || c.ToolArgs != "" || c.Tokens > 0
}

// Usage is a token count reported by the server.
type Usage struct {
	// PromptTokens is the number of input tokens; 0 when not reported.
	PromptTokens int `json:"prompt_tokens"`
	// CompletionTokens is the number of generated tokens so far (cumulative).
	CompletionTokens int `json:"completion_tokens"`
	// PromptTokensDetails is OpenAI's breakdown of the prompt tokens, nil
	// when the server sent none.
	PromptTokensDetails *PromptTokensDetails `json:"prompt_tokens_details,omitempty"`
}

// PromptTokensDetails is OpenAI's usage.prompt_tokens_details.
type PromptTokensDetails struct {
	// CachedTokens is how many prompt tokens came from the prompt cache.
	CachedTokens int `json:"cached_tokens"`
}

// Final is what Stream learned once the stream ended.
type Final struct {
	// Usage is the last usage the server reported, nil if it never did.
	Usage *Usage
	// FinishReason is the server's reason for stopping ("stop", "length", …), if given.
	FinishReason string
	// StoppedBySequence is set when the server said the output may have
	// ended at one of Request.Stop, as far as its protocol can tell: on a
	// finish that names a stop sequence (Anthropic's and Bedrock's
	// stop_sequence, TGI's stop_sequence, llama.cpp /completion's
	// stop_type word, Titan's STOP_CRITERIA_MET), and, where one finish
	// covers both a stop sequence and the model's own end (OpenAI's and
	// Ollama's "stop", Gemini's STOP, Mistral's "stop" on Bedrock) or the
	// server says no reason at all (Replicate's done), on that finish when
	// the request sent stop sequences. Never on a length finish, an end the
	// protocol tells apart from a stop sequence (llama.cpp's eos, TGI's
	// eos_token, Titan's FINISH), or by a protocol that sends no stop
	// sequences or says nothing of its end (OpenAI's Responses API,
	// Triton). Each adapter knows its protocol's words; the load generator
	// reads this, not them, to time the tokens a stop sequence held back:
	// counted by the server, their text never streamed.
	StoppedBySequence bool
	// Server is the server's own account of where the request's time went
	// (Groq's x_groq.usage, Ollama's durations, llama.cpp's timings), nil
	// when the server reported none.
	Server *ServerTiming
	// CachedTokens is how many prompt tokens the server said it answered
	// from its prompt cache (OpenAI usage.prompt_tokens_details.cached_tokens,
	// llama.cpp timings.cache_n); 0 when it said none or nothing.
	CachedTokens int
	// UsageDecreased is set when the cumulative output count the adapter
	// took its events' Chunk.Tokens from (vLLM's continuous usage,
	// llama.cpp's predicted_n and tokens_predicted, Gemini's
	// usageMetadata, Bedrock's cumulative counts) went down from one event
	// to a later one, which no generation does: those per-event counts
	// are not to be trusted. The load generator records it
	// (rundir.Record.UsageDecreased), and a report drops them.
	UsageDecreased bool
	// Model is the model the response names (the first event's "model"
	// field on the OpenAI protocol), "" when it names none or the adapter
	// does not read it. llama-server names its own alias whatever the
	// request asked.
	Model string
}

// ServerTiming is what a server reported about its own handling of one
// request. Every field is optional: zero means the server did not report it.
// Set beside the client's measurements it shows the network and client share
// of TTFT and latency.
type ServerTiming struct {
	// Queue is the time the request waited before the server started on it
	// (Groq queue_time).
	Queue time.Duration `json:"queue_ns,omitempty"`
	// Load is the time spent loading the model for this request (Ollama
	// load_duration; large on a cold start).
	Load time.Duration `json:"load_ns,omitempty"`
	// Prompt is the time spent processing the prompt, the prefill (Groq
	// prompt_time, Ollama prompt_eval_duration, llama.cpp prompt_ms).
	Prompt time.Duration `json:"prompt_ns,omitempty"`
	// Decode is the time spent generating the output tokens (Groq
	// completion_time, Ollama eval_duration, llama.cpp predicted_ms).
	Decode time.Duration `json:"decode_ns,omitempty"`
	// Total is the server's end-to-end time for the request (Groq
	// total_time, Ollama total_duration).
	Total time.Duration `json:"total_ns,omitempty"`
	// TTFT is the server's own time to first token, when it reports one.
	TTFT time.Duration `json:"ttft_ns,omitempty"`
}

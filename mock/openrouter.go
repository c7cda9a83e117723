package mock

import (
	"net/http"
	"strconv"
	"time"
)

// OpenRouter, POST /api/v1/chat/completions, /api/v1/completions and
// /api/v1/responses. OpenAI-shaped, with two differences a client must
// survive (notes on openrouter-chat-stream-comment-line-and-429; OpenRouter
// docs "API Reference, Streaming", which says the comments come on the SSE
// streams of every endpoint, chat completions, completions and responses):
// SSE comment lines (": OPENROUTER PROCESSING") before the first event, and
// on chat and completions usage always sent, on the finish chunk that still
// has its choice, not in a separate "choices": [] chunk. The Responses
// stream is OpenAI's typed events (OpenRouter's Responses API, "Beta", and
// its SDKs' stream event types: response.created … response.completed with
// usage), after the comment. Errors are {"error":{"message","code"}} with a
// numeric code.

// parseOpenRouter parses a chat or completions request.
func parseOpenRouter(ep endpoint) func(*Server, *http.Request, []byte, int64) (*call, error) {
	return func(s *Server, _ *http.Request, body []byte, seq int64) (*call, error) {
		req, g, err := s.parseOpenAI(body, ep, false)
		if err != nil {
			return nil, err
		}
		g.includeUsage, g.continuous = false, false
		c := &call{g: g, stream: req.Stream}
		c.wire = &openRouterWire{openAIWire: newOpenAIWire(ep, flavorVLLM, &c.g, seq, s.created)}
		return c, nil
	}
}

// parseOpenRouterResponses parses a Responses request: the Responses wire
// after OpenRouter's comment.
func parseOpenRouterResponses(s *Server, r *http.Request, body []byte, seq int64) (*call, error) {
	c, err := parseResponses(s, r, body, seq)
	if err != nil {
		return nil, err
	}
	c.wire = openRouterProcessing{c.wire}
	return c, nil
}

// openRouterComment opens every OpenRouter stream.
const openRouterComment = ": OPENROUTER PROCESSING\n\n"

// openRouterProcessing is a wire whose stream opens with OpenRouter's
// comment.
type openRouterProcessing struct{ wire }

func (o openRouterProcessing) start(b []byte) []byte {
	return o.wire.start(append(b, openRouterComment...))
}

type openRouterWire struct{ *openAIWire }

func (ow *openRouterWire) start(b []byte) []byte {
	return ow.openAIWire.start(append(b, openRouterComment...))
}

// end is the finish chunk with the usage, then [DONE].
func (ow *openRouterWire) end(b []byte) []byte {
	b = append(b, ow.prefix...)
	if ow.ep == endpointChat {
		b = append(b, `{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"`...)
	} else {
		b = append(b, `{"index":0,"text":"","finish_reason":"`...)
	}
	b = append(b, ow.g.finish()...)
	b = append(b, `","native_finish_reason":"`...)
	b = append(b, ow.g.finish()...)
	b = append(b, `","logprobs":null}],"usage":{"prompt_tokens":`...)
	b = strconv.AppendInt(b, int64(ow.g.promptTokens), 10)
	b = append(b, `,"completion_tokens":`...)
	b = strconv.AppendInt(b, int64(ow.g.generated()), 10)
	b = append(b, `,"total_tokens":`...)
	b = strconv.AppendInt(b, int64(ow.g.promptTokens+ow.g.generated()), 10)
	b = append(b, `,"cost":0}}`+"\n\n"...)
	return append(b, "data: [DONE]\n\n"...)
}

func writeOpenRouterError(w http.ResponseWriter, status int, msg string, _ time.Duration) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": msg, "code": status, "metadata": map[string]any{}}}, nil)
}

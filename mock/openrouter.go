package mock

import (
	"net/http"
	"strconv"
	"time"
)

// OpenRouter, POST /api/v1/chat/completions. OpenAI-shaped, with two
// differences a client must survive (notes on openrouter-chat-stream-
// comment-line-and-429; OpenRouter docs "API Reference, Streaming"): SSE
// comment lines (": OPENROUTER PROCESSING") before the first chunk, and
// usage always sent, on the finish chunk that still has its choice, not in
// a separate "choices": [] chunk. Errors are {"error":{"message","code"}}
// with a numeric code.

func parseOpenRouter(s *Server, _ *http.Request, body []byte, seq int64) (*call, error) {
	req, g, err := s.parseOpenAI(body, endpointChat)
	if err != nil {
		return nil, err
	}
	g.includeUsage, g.continuous = false, false
	c := &call{g: g, stream: req.Stream}
	c.wire = &openRouterWire{openAIWire: newOpenAIWire(endpointChat, flavorVLLM, &c.g, seq, s.created)}
	return c, nil
}

type openRouterWire struct{ *openAIWire }

func (ow *openRouterWire) start(b []byte) []byte {
	b = append(b, ": OPENROUTER PROCESSING\n\n"...)
	return ow.openAIWire.start(b)
}

// end is the finish chunk with the usage, then [DONE].
func (ow *openRouterWire) end(b []byte) []byte {
	b = append(b, ow.prefix...)
	b = append(b, `{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"`...)
	b = append(b, ow.g.finish()...)
	b = append(b, `","native_finish_reason":"`...)
	b = append(b, ow.g.finish()...)
	b = append(b, `","logprobs":null}],"usage":{"prompt_tokens":`...)
	b = strconv.AppendInt(b, int64(ow.g.promptTokens), 10)
	b = append(b, `,"completion_tokens":`...)
	b = strconv.AppendInt(b, int64(ow.g.outputTokens), 10)
	b = append(b, `,"total_tokens":`...)
	b = strconv.AppendInt(b, int64(ow.g.promptTokens+ow.g.outputTokens), 10)
	b = append(b, `,"cost":0}}`+"\n\n"...)
	return append(b, "data: [DONE]\n\n"...)
}

func writeOpenRouterError(w http.ResponseWriter, status int, msg string, _ time.Duration) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": msg, "code": status, "metadata": map[string]any{}}}, nil)
}

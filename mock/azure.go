package mock

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Azure OpenAI. POST /openai/deployments/{deployment}/chat/completions and
// …/completions (the deployment named in the path, api-version in the
// query), and the v1 shape at /azure/openai/v1/chat/completions (mounted
// under /azure because /openai/v1/chat/completions is Groq's here). The
// stream is vLLM-shaped OpenAI with Azure's content-filter annotations
// (Microsoft Learn "Content streaming", azure-ai-docs
// articles/ai-services/openai/concepts/content-streaming.md): a first chunk
// with "choices": [] and prompt_filter_results, content_filter_results on
// each content chunk, and an annotation chunk with content_filter_offsets
// and no delta before the finish chunk. None of them carries a token.
// Errors are {"error":{"code":"429","message"}} with Retry-After.

// azureRoute returns the protocol for an Azure path, nil for others.
func azureRoute(path string, _ *http.Request) *protocol {
	switch {
	case path == "/azure/openai/v1/chat/completions":
		return azureProtocol(endpointChat, "")
	case path == "/azure/openai/v1/completions":
		return azureProtocol(endpointCompletions, "")
	case strings.HasPrefix(path, "/openai/deployments/"):
		rest := strings.TrimPrefix(path, "/openai/deployments/")
		dep, op, ok := strings.Cut(rest, "/")
		if !ok || dep == "" {
			return nil
		}
		switch op {
		case "chat/completions":
			return azureProtocol(endpointChat, dep)
		case "completions":
			return azureProtocol(endpointCompletions, dep)
		}
	}
	return nil
}

func azureProtocol(ep endpoint, deployment string) *protocol {
	return &protocol{
		parse: func(s *Server, r *http.Request, body []byte, seq int64) (*call, error) {
			if deployment != "" && r.URL.Query().Get("api-version") == "" {
				return nil, fmt.Errorf("Missing required query parameter: api-version")
			}
			req, g, err := s.parseOpenAI(body, ep, false)
			if err != nil {
				return nil, err
			}
			if deployment != "" {
				g.model = deployment // the deployment names the model; the body's model is ignored
			}
			c := &call{g: g, stream: req.Stream}
			c.wire = &azureWire{openAIWire: newOpenAIWire(ep, flavorVLLM, &c.g, seq, s.created)}
			return c, nil
		},
		writeError: writeAzureError,
	}
}

// azureWire is the vLLM-shaped stream with Azure's annotations.
type azureWire struct{ *openAIWire }

// filterResults is a content-filter result with every category safe.
const filterResults = `{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}}`

// start is the prompt annotation chunk, then the role chunk (chat).
func (aw *azureWire) start(b []byte) []byte {
	b = append(b, `data: {"id":"","object":"","created":0,"model":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":`+filterResults+`}],"choices":[],"usage":null}`+"\n\n"...)
	return aw.openAIWire.start(b)
}

// token is a content chunk carrying its content_filter_results.
func (aw *azureWire) token(b []byte, k int) []byte {
	b = append(b, aw.prefix...)
	if aw.ep == endpointChat {
		b = append(b, `{"index":0,"finish_reason":null,"delta":{"content":`...)
		b = append(b, tokenJSON(k)...)
		b = append(b, `},"content_filter_results":`+filterResults+`}]`...)
	} else {
		b = append(b, `{"index":0,"text":`...)
		b = append(b, tokenJSON(k)...)
		b = append(b, `,"finish_reason":null,"content_filter_results":`+filterResults+`}]`...)
	}
	b = aw.appendUsage(b, k+1)
	return append(b, "}\n\n"...)
}

// end is an annotation chunk (offsets over the whole output, no delta),
// then the finish chunk, usage chunk and [DONE].
func (aw *azureWire) end(b []byte) []byte {
	n := len(outputText(aw.g.outputTokens))
	b = append(b, fmt.Sprintf(`data: {"id":"","object":"","created":0,"model":"","choices":[{"index":0,"finish_reason":null,"content_filter_results":%s,"content_filter_offsets":{"check_offset":%d,"start_offset":0,"end_offset":%d}}],"usage":null}`+"\n\n",
		filterResults, n, n)...)
	return aw.openAIWire.end(b)
}

// writeAzureError answers {"error":{"code","message"}} with a string code,
// as Azure does (a 429 says when to retry).
func writeAzureError(w http.ResponseWriter, status int, msg string, _ time.Duration) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": fmt.Sprint(status), "message": msg}}, nil)
}

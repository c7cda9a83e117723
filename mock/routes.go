package mock

import (
	"net/http"
	"strings"
)

// generationPaths are the generation endpoints at a fixed path, outside
// /tgi/; tgiPaths are the ones under /tgi/ (the path with /tgi stripped).
var (
	generationPaths = map[string]func() *protocol{
		"/v1/chat/completions":        openAIChatProtocol,
		"/v1/completions":             openAICompletionsProtocol,
		"/openai/v1/chat/completions": groqProtocol,
		"/generate_stream":            tgiGenerateStreamProtocol,
		"/generate":                   tgiGenerateProtocol,
		"/api/generate":               ollamaGenerateProtocol,
		"/api/chat":                   ollamaChatProtocol,
		"/v1/messages":                anthropicProtocol,
		"/v1/responses":               responsesProtocol,
		"/openai/responses":           responsesProtocol,
		"/azure/openai/v1/responses":  responsesProtocol,
		"/api/v1/chat/completions":    openRouterProtocol,
	}
	tgiPaths = map[string]func() *protocol{
		"/v1/chat/completions": tgiChatProtocol,
		"/generate_stream":     tgiGenerateStreamProtocol,
		"/generate":            tgiGenerateProtocol,
	}
)

// generationPrefixes are the generation endpoints whose path names the
// model or deployment, outside /tgi/ only: route reads the rest of the
// path and returns nil for an operation the mock does not serve.
var generationPrefixes = []struct {
	prefix string
	route  func(path string, r *http.Request) *protocol
}{
	{"/v1beta/models/", geminiRoute},
	{"/model/", bedrockRoute},
	{"/openai/deployments/", azureRoute},
	{"/azure/openai/v1/", azureRoute},
	{"/v1/projects/", vertexRoute},
	{"/v2/models/", tritonRoute},
}

// generationRoute returns the protocol of a generation endpoint, nil for
// any other path; path has /tgi stripped when tgi is set.
func generationRoute(path string, tgi bool, r *http.Request) *protocol {
	if tgi {
		if p, ok := tgiPaths[path]; ok {
			return p()
		}
		return nil
	}
	if p, ok := generationPaths[path]; ok {
		return p()
	}
	for _, g := range generationPrefixes {
		if strings.HasPrefix(path, g.prefix) {
			return g.route(path, r)
		}
	}
	return nil
}

// pages are the GET endpoints other than /tokenize: what each writes, and
// whether it answers under /tgi/ too.
var pages = map[string]struct {
	serve    func(s *Server, w http.ResponseWriter)
	underTGI bool
}{
	"/v1/models":       {(*Server).serveModels, true},
	"/health":          {func(_ *Server, w http.ResponseWriter) { w.WriteHeader(http.StatusOK) }, true},
	"/info":            {(*Server).serveTGIInfo, true},
	"/api/tags":        {(*Server).serveOllamaTags, false},
	"/metrics":         {(*Server).serveMetrics, true},
	"/get_server_info": {(*Server).serveSGLangInfo, false},
	"/v2":              {(*Server).serveTritonMetadata, false},
	"/dcgm/metrics":    {(*Server).serveDCGM, false},
}

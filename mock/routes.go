package mock

import (
	"net/http"
	"strings"
)

// The protocols served at a fixed path, each parse paired with its error
// body.
var (
	vllmChat          = protocol{parse: parseOpenAIAs(endpointChat, flavorVLLM), writeError: writeVLLMError}
	vllmCompletions   = protocol{parse: parseOpenAIAs(endpointCompletions, flavorVLLM), writeError: writeVLLMError}
	groqChat          = protocol{parse: parseOpenAIAs(endpointChat, flavorGroq), writeError: writeGroqError}
	tgiChat           = protocol{parse: parseOpenAIAs(endpointChat, flavorTGI), writeError: writeTGIError}
	tgiGenerateStream = protocol{parse: parseTGI(true), writeError: writeTGIError}
	tgiGenerate       = protocol{parse: parseTGI(false), writeError: writeTGIError}
	ollamaGenerate    = protocol{parse: parseOllama(false), writeError: writeOllamaError}
	ollamaChat        = protocol{parse: parseOllama(true), writeError: writeOllamaError}
	anthropicMessages = protocol{parse: parseAnthropic, writeError: writeAnthropicError}
	responses         = protocol{parse: parseResponses, writeError: writeVLLMError}
	openRouterChat    = protocol{parse: parseOpenRouter(endpointChat), writeError: writeOpenRouterError}
	openRouterText    = protocol{parse: parseOpenRouter(endpointCompletions), writeError: writeOpenRouterError}
	openRouterResp    = protocol{parse: parseOpenRouterResponses, writeError: writeOpenRouterError}
	llamaCppNative    = protocol{parse: parseLlamaCpp, writeError: writeLlamaCppError}
)

// generationPaths are the generation endpoints at a fixed path, outside
// /tgi/; tgiPaths are the ones under /tgi/ (the path with /tgi stripped).
// A request gets its own copy of the protocol.
var (
	generationPaths = map[string]protocol{
		"/v1/chat/completions":        vllmChat,
		"/v1/completions":             vllmCompletions,
		"/openai/v1/chat/completions": groqChat,
		"/generate_stream":            tgiGenerateStream,
		"/generate":                   tgiGenerate,
		"/api/generate":               ollamaGenerate,
		"/api/chat":                   ollamaChat,
		"/v1/messages":                anthropicMessages,
		"/v1/responses":               responses,
		"/openai/responses":           responses,
		"/azure/openai/v1/responses":  responses,
		"/api/v1/chat/completions":    openRouterChat,
		"/api/v1/completions":         openRouterText,
		"/api/v1/responses":           openRouterResp,
		"/completion":                 llamaCppNative,
	}
	tgiPaths = map[string]protocol{
		"/v1/chat/completions": tgiChat,
		"/generate_stream":     tgiGenerateStream,
		"/generate":            tgiGenerate,
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
			return &p
		}
		return nil
	}
	if p, ok := generationPaths[path]; ok {
		return &p
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

package openai

import (
	"cmp"
	"fmt"
	"log/slog"
	"net/http"
	"slices"

	"github.com/inferbench/inferbench/targets"
)

// API selects the endpoint a Target calls.
type API string

// The endpoints of an OpenAI-compatible server.
const (
	// Chat is POST /v1/chat/completions; the prompt is one user message.
	Chat API = "chat"
	// Completions is the legacy POST /v1/completions; the prompt is `prompt`.
	Completions API = "completions"
	// Native is llama.cpp's own POST /completion (FlavorLlamaCpp only): its
	// events carry tokens_predicted, so each event's token count is known,
	// and its last event the server's timings.
	Native API = "native"
	// Responses is the Responses API, POST /v1/responses, whose stream is
	// typed events (response.output_text.delta, response.completed with
	// usage; responses.go).
	Responses API = "responses"
)

// Flavor selects the request fields a Target sends beyond the common ones.
type Flavor string

// The flavors of OpenAI-compatible servers.
const (
	// FlavorOpenAI speaks to api.openai.com and servers that follow it: the
	// chat output cap is max_completion_tokens ("max_tokens is deprecated …
	// not compatible with o-series models", openai-go chatcompletion.go) and
	// no vLLM extension is sent.
	FlavorOpenAI Flavor = "openai"
	// FlavorVLLM speaks to vLLM: the output cap is max_tokens, and
	// Request.IgnoreEOS and Request.MinTokens are sent as ignore_eos and
	// min_tokens (vLLM entrypoints/openai protocol.py), the only way to force
	// an exact output length.
	FlavorVLLM Flavor = "vllm"
	// FlavorLlamaCpp speaks to llama.cpp's llama-server: the output cap is
	// max_tokens (n_predict on Native) and Request.IgnoreEOS is sent as
	// ignore_eos; llama.cpp has no min_tokens. Its `timings` become
	// targets.Final.Server.
	FlavorLlamaCpp Flavor = "llamacpp"
	// FlavorCompatible speaks to hosted OpenAI-compatible providers
	// (Together, Fireworks, DeepInfra, OpenRouter, NVIDIA NIM): the output
	// cap is max_tokens, the field every one of them documents, and no
	// vLLM extension is sent.
	FlavorCompatible Flavor = "compatible"
	// FlavorAzure speaks to Azure OpenAI (azure.go): deployment URLs or the
	// /openai/v1 path, an api-version query, the api-key header or an
	// Entra ID bearer token; requests as FlavorOpenAI.
	FlavorAzure Flavor = "azure"
)

// Config configures a Target. The zero value of each field but BaseURL is
// usable.
//
// BaseURL is the server root, e.g. http://host:8000; the Target adds
// /v1/chat/completions or /v1/completions. A root that already ends in /v1
// (https://api.groq.com/openai/v1) is accepted too. APIKey, when set, is
// sent as "Authorization: Bearer <key>"; it never appears in an error, in
// String, GoString or LogValue. Header holds extra request headers
// (organization, project, proxies); Authorization is set from APIKey and
// cannot be overridden there.
type Config struct {
	// Conn is the server root, key, client and extra headers.
	targets.Conn
	// API is the endpoint: Chat (default), Completions, or Native with
	// FlavorLlamaCpp.
	API API
	// Flavor selects the extra request fields: FlavorOpenAI (default) or
	// FlavorVLLM.
	Flavor Flavor
	// IncludeUsage sets stream_options.include_usage, which asks for a final
	// usage chunk; nil means true.
	IncludeUsage *bool
	// ContinuousUsage sets vLLM's stream_options.continuous_usage_stats:
	// cumulative usage on every chunk, from which each chunk's token count
	// is known. Servers other than vLLM may reject it.
	ContinuousUsage bool
	// APIRoot says BaseURL is already the root the endpoint paths follow
	// (DeepInfra's https://api.deepinfra.com/v1/openai): no /v1 is added.
	APIRoot bool
	// BearerToken, with FlavorAzure, is a Microsoft Entra ID access token
	// sent as "Authorization: Bearer" in place of the api-key header.
	// Like APIKey it never appears in an error or in String.
	BearerToken string
	// APIVersion, with FlavorAzure, is the api-version query of deployment
	// URLs (and of the v1 path, where it is optional); "" takes BaseURL's
	// own api-version, else DefaultAzureAPIVersion (chat, completions) or
	// DefaultAzureResponsesAPIVersion (responses).
	APIVersion string
}

// DefaultMaxIdleConnsPerHost is how many idle connections per host the
// default client keeps: targets.DefaultMaxIdleConnsPerHost.
const DefaultMaxIdleConnsPerHost = targets.DefaultMaxIdleConnsPerHost

// String describes the configuration without its API key.
func (c Config) String() string {
	return fmt.Sprintf("openai.Config{BaseURL:%s API:%s Flavor:%s APIKey:%s BearerToken:%s IncludeUsage:%s ContinuousUsage:%t Header:%s}",
		targets.RedactURL(c.BaseURL), c.api(), c.flavor(), targets.KeyString(c.APIKey), targets.KeyString(c.BearerToken), includeUsageString(c.IncludeUsage), c.ContinuousUsage, headerNames(c.Header))
}

// GoString is String, so that %#v does not print the API key either.
func (c Config) GoString() string { return c.String() }

// LogValue describes the configuration to log/slog without its API key.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("base_url", targets.RedactURL(c.BaseURL)),
		slog.String("api", string(c.api())),
		slog.String("flavor", string(c.flavor())),
		slog.String("api_key", targets.KeyString(c.APIKey)),
		slog.String("bearer_token", targets.KeyString(c.BearerToken)),
		slog.String("include_usage", includeUsageString(c.IncludeUsage)),
		slog.Bool("continuous_usage", c.ContinuousUsage),
	)
}

func (c Config) api() API { return cmp.Or(c.API, Chat) }

func (c Config) flavor() Flavor { return cmp.Or(c.Flavor, FlavorOpenAI) }

func (c Config) includeUsage() bool { return c.IncludeUsage == nil || *c.IncludeUsage }

func includeUsageString(p *bool) string {
	if p == nil {
		return "default(true)"
	}
	return fmt.Sprint(*p)
}

// headerNames lists the header names only: values may be credentials.
func headerNames(h http.Header) string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	return fmt.Sprint(names)
}

package openai

import (
	"fmt"
	"net/url"
	"strings"
)

// Azure OpenAI. Two URL shapes (Microsoft Learn, "Azure OpenAI API version
// lifecycle", MicrosoftDocs/azure-ai-docs
// articles/ai-services/openai/api-version-lifecycle.md, 2025-05):
//
//	https://RESOURCE.openai.azure.com/openai/deployments/{deployment}/chat/completions?api-version=2024-10-21
//	https://RESOURCE.openai.azure.com/openai/v1/chat/completions     (model: the deployment name)
//
// The Responses API is /openai/responses?api-version=2025-04-01-preview on
// the first shape and /openai/v1/responses on the second. A BaseURL whose
// path ends in /openai/v1 selects the second shape; a resource root the
// first. Credentials: the api-key header, or a Microsoft Entra ID token as
// "Authorization: Bearer". Streams are OpenAI's, with two kinds of chunk
// that carry no token: a first chunk with "choices": [] and
// prompt_filter_results (the prompt's content-filter annotation), and
// chunks whose choice has content_filter_results or content_filter_offsets
// and no delta (annotations of text already sent; Microsoft Learn "Content
// streaming", articles/ai-services/openai/concepts/content-streaming.md).
// The decoder already reads neither as a token: they have no delta text.

// DefaultAzureAPIVersion is the api-version of deployment URLs for chat and
// completions: the latest GA release when written (2024-10-21, which
// accepts stream_options and max_completion_tokens).
const DefaultAzureAPIVersion = "2024-10-21"

// DefaultAzureResponsesAPIVersion is the api-version of the Responses API
// on deployment-style resources (no GA version has it).
const DefaultAzureResponsesAPIVersion = "2025-04-01-preview"

// azure sets t's URL (or per-deployment URL builder) and credentials.
func (t *Target) azure(u *url.URL, endpoint string, cfg Config) error {
	q := u.Query()
	version := cfg.APIVersion
	if version == "" {
		version = q.Get("api-version")
	}
	path := strings.TrimRight(u.Path, "/")
	u.RawQuery, u.Fragment = "", ""
	switch {
	case strings.HasSuffix(path, "/openai/v1"):
		u.Path, u.RawPath = path+endpoint, ""
		if version != "" {
			u.RawQuery = url.Values{"api-version": {version}}.Encode()
		}
		t.url = u.String()
	case path == "" || path == "/openai":
		if version == "" {
			version = DefaultAzureAPIVersion
			if t.api == Responses {
				version = DefaultAzureResponsesAPIVersion
			}
		}
		query := "?" + url.Values{"api-version": {version}}.Encode()
		u.Path, u.RawPath = "", ""
		root := u.String()
		if t.api == Responses {
			t.url = root + "/openai/responses" + query
			break
		}
		t.deployment = func(model string) string {
			return root + "/openai/deployments/" + url.PathEscape(model) + endpoint + query
		}
	default:
		return fmt.Errorf("openai: Azure base URL %q: want the resource root (https://RESOURCE.openai.azure.com) or its /openai/v1 path", u.Redacted())
	}
	if cfg.BearerToken != "" {
		// The token instead of the key New set as Api-Key.
		if cfg.APIKey != "" {
			t.ep.Header.Del("Api-Key")
		}
		t.ep.Header.Set("Authorization", "Bearer "+cfg.BearerToken)
		t.ep.Redact = t.ep.Redact.With(cfg.BearerToken)
	}
	return nil
}

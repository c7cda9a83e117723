// Package registry maps a target kind ("vllm", "openai", …) to the adapter
// that speaks its protocol. It is an explicit table, not init()
// self-registration: adding a kind is one entry in table.
package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/anthropic"
	"github.com/inferbench/inferbench/targets/gemini"
	"github.com/inferbench/inferbench/targets/ollama"
	"github.com/inferbench/inferbench/targets/openai"
	"github.com/inferbench/inferbench/targets/tgi"
)

// Options configures a target, whatever its kind.
type Options struct {
	// URL is the server root, e.g. http://host:8000; the adapter adds the
	// path. "" is the kind's default URL (Kind.URL), if it has one.
	URL string
	// APIKey is the credential sent the way the protocol wants; "" sends none.
	APIKey string
	// API selects the endpoint for kinds that have several (Kind.APIs);
	// "" is the kind's default.
	API string
	// Client sends the requests; nil lets the adapter use its own. The
	// adapter follows redirects only within the server's origin
	// (targets.CheckRedirect), on a copy of Client.
	Client *http.Client
	// ContinuousUsage asks vLLM for cumulative usage on every chunk
	// (stream_options.continuous_usage_stats); other kinds ignore it.
	ContinuousUsage bool
}

// String describes o without its API key.
func (o Options) String() string {
	key := `""`
	if o.APIKey != "" {
		key = "REDACTED"
	}
	return fmt.Sprintf("registry.Options{URL:%s APIKey:%s API:%s ContinuousUsage:%t}", targets.RedactURL(o.URL), key, o.API, o.ContinuousUsage)
}

// GoString is String, so that %#v does not print the API key either.
func (o Options) GoString() string { return o.String() }

// constructor builds a target of one kind.
type constructor func(Options) (targets.Target, error)

// A Kind describes one target kind: what it speaks and what it needs.
type Kind struct {
	// Name is the kind, as --target takes it ("vllm", "anthropic", …).
	Name string
	// Protocol is the protocol family, the adapter package that speaks it.
	Protocol string
	// APIs are the endpoints Options.API may name; the first is the
	// default, used when API is "".
	APIs []string
	// KeyEnv is the environment variable that holds the API key by
	// default; "" when the server needs none.
	KeyEnv string
	// URL is the default server root, used when Options.URL is ""; empty
	// for self-hosted kinds with no usual address.
	URL string
	// Notes says, in one line, what the kind cannot do or does specially.
	Notes string
	// MetricsPath is where a self-hosted engine of this kind serves its
	// Prometheus metrics, under the server root ("" : none, or not ours to
	// scrape); `run --server-metrics auto` scrapes it into server.jsonl.
	MetricsPath string
	// Version is where the server says its version, for run.json; a zero
	// Version means it does not say.
	Version VersionEndpoint

	new constructor
}

// A VersionEndpoint is a GET path, under the server root, answering a JSON
// object whose Field holds the server's version string.
type VersionEndpoint struct {
	Path, Field string
}

// table returns the known target kinds: one entry per kind. It is built on
// each call so that nothing at package level can be changed.
//
// Key variables: vllm reads VLLM_API_KEY (the variable vLLM's server itself
// reads for --api-key), not OPENAI_API_KEY, so that an OpenAI key is never
// sent to a self-hosted server by default; tgi reads HF_TOKEN, as Hugging
// Face endpoints expect; ollama and llamacpp need none.
func table() []Kind {
	return []Kind{
		{Name: "openai", Protocol: "openai", APIs: []string{"chat", "completions"}, KeyEnv: "OPENAI_API_KEY", URL: "https://api.openai.com",
			Notes: "max_completion_tokens; no way to force the output length",
			new:   openaiFlavor(openai.FlavorOpenAI, nil)},
		{Name: "vllm", Protocol: "openai", APIs: []string{"chat", "completions"}, KeyEnv: "VLLM_API_KEY",
			Notes:       "ignore_eos and min_tokens force the output length; --continuous-usage counts multi-token chunks",
			MetricsPath: "/metrics", Version: VersionEndpoint{"/version", "version"},
			new: openaiFlavor(openai.FlavorVLLM, nil)},
		{Name: "mock", Protocol: "openai", APIs: []string{"chat", "completions"}, URL: "http://127.0.0.1:8000",
			Notes:       "inferbench mock: vLLM-shaped, honours ignore_eos and min_tokens",
			MetricsPath: "/metrics", Version: VersionEndpoint{"/info", "version"},
			new: openaiFlavor(openai.FlavorVLLM, nil)},
		{Name: "litellm", Protocol: "openai", APIs: []string{"chat", "completions"}, KeyEnv: "LITELLM_API_KEY",
			Notes: "LiteLLM proxy; errors with string codes; upstream failures arrive in-band after 200",
			new:   openaiFlavor(openai.FlavorOpenAI, nil)},
		// Groq reports usage and its own times in x_groq on every stream;
		// stream_options is not sent.
		{Name: "groq", Protocol: "openai", APIs: []string{"chat"}, KeyEnv: "GROQ_API_KEY", URL: "https://api.groq.com/openai/v1",
			Notes: "x_groq.usage gives queue, prompt and completion times",
			new:   openaiFlavor(openai.FlavorOpenAI, new(bool))},
		{Name: "llamacpp", Protocol: "openai", APIs: []string{"chat", "completions", "native"}, URL: "http://127.0.0.1:8080",
			Notes:       "llama-server; native is /completion; ignore_eos; timings give prompt and decode times",
			MetricsPath: "/metrics", Version: VersionEndpoint{"/props", "build_info"},
			new: openaiFlavor(openai.FlavorLlamaCpp, nil)},
		{Name: "tgi", Protocol: "tgi", APIs: []string{"native", "chat"}, KeyEnv: "HF_TOKEN",
			Notes:       "native is /generate_stream with details; no ignore_eos; temperature 0 sent as greedy",
			MetricsPath: "/metrics", Version: VersionEndpoint{"/info", "version"},
			new: newTGI},
		{Name: "ollama", Protocol: "ollama", APIs: []string{"chat", "completions"}, URL: "http://127.0.0.1:11434",
			Notes:   "NDJSON /api/chat, /api/generate; no ignore_eos; durations give load, prompt and decode times",
			Version: VersionEndpoint{"/api/version", "version"},
			new:     newOllama},
		{Name: "anthropic", Protocol: "anthropic", APIs: []string{"chat"}, KeyEnv: "ANTHROPIC_API_KEY", URL: "https://api.anthropic.com",
			Notes: "Messages API; output tokens from the last message_delta; no ignore_eos",
			new:   newAnthropic},
		{Name: "gemini", Protocol: "gemini", APIs: []string{"chat"}, KeyEnv: "GEMINI_API_KEY", URL: "https://generativelanguage.googleapis.com",
			Notes: "streamGenerateContent?alt=sse; multi-token events counted from usageMetadata; no ignore_eos",
			new:   newGemini},
	}
}

// openaiFlavor returns the constructor of an OpenAI-compatible kind;
// includeUsage nil leaves the adapter's default.
func openaiFlavor(f openai.Flavor, includeUsage *bool) constructor {
	return func(o Options) (targets.Target, error) {
		return openai.New(openai.Config{
			BaseURL:         o.URL,
			API:             openai.API(o.API),
			APIKey:          o.APIKey,
			Client:          o.Client,
			Flavor:          f,
			IncludeUsage:    includeUsage,
			ContinuousUsage: o.ContinuousUsage && f == openai.FlavorVLLM,
		})
	}
}

func newTGI(o Options) (targets.Target, error) {
	return tgi.New(tgi.Config{BaseURL: o.URL, API: tgi.API(o.API), APIKey: o.APIKey, Client: o.Client})
}

func newOllama(o Options) (targets.Target, error) {
	return ollama.New(ollama.Config{BaseURL: o.URL, API: ollama.API(o.API), APIKey: o.APIKey, Client: o.Client})
}

func newAnthropic(o Options) (targets.Target, error) {
	return anthropic.New(anthropic.Config{BaseURL: o.URL, APIKey: o.APIKey, Client: o.Client})
}

func newGemini(o Options) (targets.Target, error) {
	return gemini.New(gemini.Config{BaseURL: o.URL, APIKey: o.APIKey, Client: o.Client})
}

// Lookup returns the kind named name.
func Lookup(name string) (Kind, bool) {
	for _, k := range table() {
		if k.Name == name {
			return k, true
		}
	}
	return Kind{}, false
}

// All returns every known kind, sorted by name.
func All() []Kind {
	t := table()
	slices.SortFunc(t, func(a, b Kind) int { return strings.Compare(a.Name, b.Name) })
	return t
}

// DefaultKeyEnv returns the environment variable that holds kind's API key
// by default, "" for kinds that need none or are unknown.
func DefaultKeyEnv(kind string) string {
	k, _ := Lookup(kind)
	return k.KeyEnv
}

// New returns a target of the given kind. An empty o.API selects the kind's
// default API; an API the kind does not have is an error, as is an empty
// o.URL for a kind without a default URL.
func New(kind string, o Options) (targets.Target, error) {
	k, ok := Lookup(kind)
	if !ok {
		return nil, fmt.Errorf("unknown target kind %q: known kinds are %s", kind, strings.Join(Kinds(), ", "))
	}
	if o.API == "" {
		o.API = k.APIs[0]
	}
	if !slices.Contains(k.APIs, o.API) {
		return nil, fmt.Errorf("target %s: API %q: want one of %s", kind, o.API, strings.Join(k.APIs, ", "))
	}
	if o.URL == "" {
		if k.URL == "" {
			return nil, fmt.Errorf("target %s: no URL: give the server's address", kind)
		}
		o.URL = k.URL
	}
	t, err := k.new(o)
	if err != nil {
		return nil, fmt.Errorf("target %s: %w", kind, err)
	}
	return t, nil
}

// Kinds returns the names of the known target kinds, sorted.
func Kinds() []string {
	var names []string
	for _, k := range All() {
		names = append(names, k.Name)
	}
	return names
}

// FetchVersion GETs url and returns the string at field of the JSON object
// it answers (at most 1 MiB is read); "" and an error when it does not.
func FetchVersion(ctx context.Context, client *http.Client, url, field string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: HTTP %d", targets.RedactURL(url), resp.StatusCode)
	}
	var body map[string]any
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&body); err != nil {
		return "", fmt.Errorf("GET %s: %w", targets.RedactURL(url), err)
	}
	v, _ := body[field].(string)
	return v, nil
}

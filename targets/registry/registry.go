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
	"os"
	"slices"
	"strings"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/anthropic"
	"github.com/inferbench/inferbench/targets/bedrock"
	"github.com/inferbench/inferbench/targets/gemini"
	"github.com/inferbench/inferbench/targets/ollama"
	"github.com/inferbench/inferbench/targets/openai"
	"github.com/inferbench/inferbench/targets/replicate"
	"github.com/inferbench/inferbench/targets/tgi"
	"github.com/inferbench/inferbench/targets/triton"
	"github.com/inferbench/inferbench/targets/vertex"
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

	kind string // set by New: the adapter's errors name it (targets.Conn.Name)
}

// String describes o without its API key.
func (o Options) String() string {
	return fmt.Sprintf("registry.Options{URL:%s APIKey:%s API:%s ContinuousUsage:%t}", targets.RedactURL(o.URL), targets.KeyString(o.APIKey), o.API, o.ContinuousUsage)
}

// GoString is String, so that %#v does not print the API key either.
func (o Options) GoString() string { return o.String() }

// conn is where and how an adapter reaches the server: URL, key and client.
func (o Options) conn() targets.Conn {
	return targets.Conn{BaseURL: o.URL, APIKey: o.APIKey, Client: o.Client, Name: o.kind}
}

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
	// for self-hosted kinds with no usual address. It may hold a
	// placeholder the adapter fills from the environment: {region}
	// (bedrock: AWS_REGION or the profile), {location} (vertex:
	// GOOGLE_CLOUD_LOCATION).
	URL string
	// Notes says, in one line, what the kind cannot do or does specially.
	Notes string
	// SelfHosted is set for serving engines run on one's own GPUs (as
	// opposed to a hosted API): the kinds that satisfy an air-gap rule.
	SelfHosted bool
	// Engine says where a self-hosted engine reports its version, launch
	// arguments and Prometheus metrics; nil when not recorded here.
	Engine *EngineInfo
	// NoStop lists the kind's APIs that have no stop-sequence field, where
	// Request.Stop is not sent: OpenAI's Responses API (its create
	// parameters have no stop; langchain-ai/langchain #38336 strips it
	// from Responses payloads for that reason). A workload's stop
	// sequences are refused there (StopLimit).
	NoStop []string
	// MaxStop is the most stop sequences the kind's API documents taking
	// (OpenAI's and Azure OpenAI's chat and completions: 4, "up to four
	// stop sequences", help.openai.com 5072263; Gemini and Vertex: 5,
	// "up to 5"); 0 where it documents none (vLLM, SGLang, llama.cpp,
	// Ollama: no bound; TGI: its launcher's --max-stop-sequences, 4 by
	// default but the operator's to raise; Bedrock Converse: 2,500), and
	// scenarios' own bound (scenarios.MaxStopSequences) applies.
	MaxStop int
	// StopNoComma is set where the kind's API takes its stop sequences
	// joined by commas in one string (Replicate's input.stop_sequences, "a
	// comma-separated list of sequences to stop generation at" in Meta's
	// Llama models' schema): a sequence holding a comma would be sent as
	// two others, so it is refused before a run (as NoStop's are), and by
	// the adapter if it gets one.
	StopNoComma bool
	// ModelNoStop, when set, names the model family for which the kind's
	// API sends no stop sequences though the API has a stop field: each
	// family has its own body there, and this one's has none (Bedrock's
	// native API and Meta's Llama models: bedrock.NativeNoStop). "" where
	// the model's body takes them. api is never "" (StopFamily).
	ModelNoStop func(api, model string) string

	new constructor
}

// StopFamily names the model family whose body on api ("" is the kind's
// default API) has no stop field, for model (ModelNoStop); "" where the
// model's body takes stop sequences.
func (k Kind) StopFamily(api, model string) string {
	if k.ModelNoStop == nil {
		return ""
	}
	if api == "" && len(k.APIs) > 0 {
		api = k.APIs[0]
	}
	return k.ModelNoStop(api, model)
}

// StopLimit says what the kind does with stop sequences on api ("" is its
// default API): ok false where the API has no stop field (NoStop), else
// max, the most it takes (0: no bound of its own).
func (k Kind) StopLimit(api string) (max int, ok bool) {
	if api == "" && len(k.APIs) > 0 {
		api = k.APIs[0]
	}
	if slices.Contains(k.NoStop, api) {
		return 0, false
	}
	return k.MaxStop, true
}

// EngineInfo is what a serving engine exposes about itself, as data: paths
// relative to the server root ("" when the engine has none).
type EngineInfo struct {
	// MetricsPath serves the Prometheus page whose engine names package
	// servermetrics reads (vLLM's, TGI's, llama.cpp's, SGLang's): what
	// --server-metrics auto scrapes; "" where there is none.
	MetricsPath string
	// VersionPath answers JSON whose VersionField is the version.
	VersionPath, VersionField string
	// Tokenize is the shape of the engine's tokenize endpoint, a
	// targets/tokenize kind (vllm, sglang, llamacpp, tgi); "" when it has
	// none.
	Tokenize string
}

// table returns the known target kinds: one entry per kind. It is built on
// each call so that nothing at package level can be changed.
//
// Key variables: vllm reads VLLM_API_KEY (the variable vLLM's server itself
// reads for --api-key), not OPENAI_API_KEY, so that an OpenAI key is never
// sent to a self-hosted server by default; tgi reads HF_TOKEN, as Hugging
// Face endpoints expect; ollama and llamacpp need none. The hosted
// providers read the variable their own SDKs and docs name
// (TOGETHER_API_KEY, FIREWORKS_API_KEY, DEEPINFRA_API_KEY,
// OPENROUTER_API_KEY, NVIDIA_API_KEY, REPLICATE_API_TOKEN,
// AZURE_OPENAI_API_KEY, AWS_BEARER_TOKEN_BEDROCK); vertex reads
// GOOGLE_OAUTH_ACCESS_TOKEN, the name Terraform's Google provider gives an
// access token, and falls back to Application Default Credentials; sglang's
// SGLANG_API_KEY is inferbench's name for the value of its --api-key.
func table() []Kind {
	return []Kind{
		{Name: "openai", Protocol: "openai", APIs: []string{"chat", "completions", "responses"}, KeyEnv: "OPENAI_API_KEY", URL: "https://api.openai.com",
			NoStop: []string{"responses"}, MaxStop: 4,
			Notes: "max_completion_tokens; no way to force the output length",
			new:   openaiFlavor(openai.FlavorOpenAI, nil)},
		{Name: "vllm", Protocol: "openai", APIs: []string{"chat", "completions"}, KeyEnv: "VLLM_API_KEY", SelfHosted: true,
			Notes:  "ignore_eos and min_tokens force the output length; --continuous-usage counts multi-token chunks",
			Engine: &EngineInfo{MetricsPath: "/metrics", VersionPath: "/version", VersionField: "version", Tokenize: "vllm"},
			new:    openaiFlavor(openai.FlavorVLLM, nil)},
		{Name: "mock", Protocol: "openai", APIs: []string{"chat", "completions"}, URL: "http://127.0.0.1:8000",
			Notes:  "inferbench mock: vLLM-shaped, honours ignore_eos and min_tokens",
			Engine: &EngineInfo{MetricsPath: "/metrics", VersionPath: "/info", VersionField: "version", Tokenize: "vllm"},
			new:    openaiFlavor(openai.FlavorVLLM, nil)},
		{Name: "litellm", Protocol: "openai", APIs: []string{"chat", "completions"}, KeyEnv: "LITELLM_API_KEY",
			Notes: "LiteLLM proxy; errors with string codes; upstream failures arrive in-band after 200",
			new:   openaiFlavor(openai.FlavorOpenAI, nil)},
		// Groq reports usage and its own times in x_groq on every stream;
		// stream_options is not sent.
		{Name: "groq", Protocol: "openai", APIs: []string{"chat"}, KeyEnv: "GROQ_API_KEY", URL: "https://api.groq.com/openai/v1",
			Notes: "x_groq.usage gives queue, prompt and completion times",
			new:   openaiFlavor(openai.FlavorOpenAI, new(bool))},
		{Name: "llamacpp", Protocol: "openai", APIs: []string{"chat", "completions", "native"}, URL: "http://127.0.0.1:8080", SelfHosted: true,
			Notes:  "llama-server; native is /completion; ignore_eos; timings give prompt and decode times",
			Engine: &EngineInfo{MetricsPath: "/metrics", VersionPath: "/props", VersionField: "build_info", Tokenize: "llamacpp"},
			new:    openaiFlavor(openai.FlavorLlamaCpp, nil)},
		{Name: "tgi", Protocol: "tgi", APIs: []string{"native", "chat"}, KeyEnv: "HF_TOKEN", SelfHosted: true,
			Notes:  "native is /generate_stream with details; no ignore_eos; temperature 0 sent as greedy",
			Engine: &EngineInfo{MetricsPath: "/metrics", VersionPath: "/info", VersionField: "version", Tokenize: "tgi"},
			new:    newTGI},
		{Name: "ollama", Protocol: "ollama", APIs: []string{"chat", "completions"}, URL: "http://127.0.0.1:11434", SelfHosted: true,
			Notes:  "NDJSON /api/chat, /api/generate; no ignore_eos; durations give load, prompt and decode times",
			Engine: &EngineInfo{VersionPath: "/api/version", VersionField: "version"},
			new:    newOllama},
		{Name: "anthropic", Protocol: "anthropic", APIs: []string{"chat"}, KeyEnv: "ANTHROPIC_API_KEY", URL: "https://api.anthropic.com",
			Notes: "Messages API; output tokens from the last message_delta; no ignore_eos",
			new:   newAnthropic},
		{Name: "gemini", Protocol: "gemini", APIs: []string{"chat"}, KeyEnv: "GEMINI_API_KEY", URL: "https://generativelanguage.googleapis.com", MaxStop: 5,
			Notes: "streamGenerateContent?alt=sse; multi-token events counted from usageMetadata; no ignore_eos",
			new:   newGemini},
		// Issue #23: the cloud paths a buyer weighs (docs/backends.md).
		{Name: "bedrock", Protocol: "bedrock", APIs: []string{"chat", "native"}, KeyEnv: "AWS_BEARER_TOKEN_BEDROCK", URL: bedrock.DefaultEndpoint,
			Notes:       "AWS SDK: chat is ConverseStream, native InvokeModelWithResponseStream; SigV4 from the AWS credential chain unless $AWS_BEARER_TOKEN_BEDROCK holds an API key; region from AWS_REGION or the profile; usage and latencyMs from metadata; no ignore_eos",
			ModelNoStop: bedrockNoStop, new: newBedrock},
		{Name: "azure", Protocol: "openai", APIs: []string{"chat", "completions", "responses"}, KeyEnv: "AZURE_OPENAI_API_KEY",
			NoStop: []string{"responses"}, MaxStop: 4,
			Notes: "--url https://RESOURCE.openai.azure.com (deployment URLs, model = deployment) or …/openai/v1; api-key header, or an Entra ID token from $AZURE_OPENAI_AD_TOKEN; content-filter annotations carry no token; no ignore_eos",
			new:   newAzure},
		{Name: "vertex", Protocol: "gemini", APIs: []string{"chat"}, KeyEnv: "GOOGLE_OAUTH_ACCESS_TOKEN", URL: vertex.DefaultBaseURL, MaxStop: 5,
			Notes: "Gemini on Vertex AI; project and location from GOOGLE_CLOUD_PROJECT, GOOGLE_CLOUD_LOCATION (or the URL); bearer token from the key variable, else Application Default Credentials; no ignore_eos",
			new:   newVertex},
		{Name: "together", Protocol: "openai", APIs: []string{"chat", "completions"}, KeyEnv: "TOGETHER_API_KEY", URL: "https://api.together.xyz/v1",
			Notes: "Together AI serverless; max_tokens; no way to force the output length",
			new:   openaiFlavor(openai.FlavorCompatible, nil)},
		{Name: "fireworks", Protocol: "openai", APIs: []string{"chat", "completions"}, KeyEnv: "FIREWORKS_API_KEY", URL: "https://api.fireworks.ai/inference/v1",
			Notes: "Fireworks AI serverless; model ids accounts/fireworks/models/…; max_tokens; no way to force the output length",
			new:   openaiFlavor(openai.FlavorCompatible, nil)},
		{Name: "deepinfra", Protocol: "openai", APIs: []string{"chat", "completions"}, KeyEnv: "DEEPINFRA_API_KEY", URL: "https://api.deepinfra.com/v1/openai",
			Notes: "DeepInfra's OpenAI API (the URL is the API root: no /v1 added); max_tokens; no way to force the output length",
			new:   openaiRoot(openai.FlavorCompatible)},
		{Name: "openrouter", Protocol: "openai", APIs: []string{"chat", "completions", "responses"}, KeyEnv: "OPENROUTER_API_KEY", URL: "https://openrouter.ai/api/v1",
			NoStop: []string{"responses"},
			Notes:  "OpenRouter: ': OPENROUTER PROCESSING' comment lines, usage always sent on the finish chunk; routes to an upstream provider, which adds its own latency",
			new:    openaiFlavor(openai.FlavorCompatible, nil)},
		{Name: "nim", Protocol: "openai", APIs: []string{"chat", "completions"}, KeyEnv: "NVIDIA_API_KEY", URL: "https://integrate.api.nvidia.com/v1",
			Notes:  "NVIDIA NIM (hosted API catalog by default; a self-hosted NIM container is vLLM inside: --target vllm --url http://host:8000 forces the length there)",
			Engine: &EngineInfo{VersionPath: "/v1/version", VersionField: "release"},
			new:    openaiFlavor(openai.FlavorCompatible, nil)},
		{Name: "sglang", Protocol: "openai", APIs: []string{"chat", "completions"}, KeyEnv: "SGLANG_API_KEY", URL: "http://127.0.0.1:30000", SelfHosted: true,
			Notes:  "SGLang (sglang.launch_server, --api-key); ignore_eos and min_tokens force the output length; --continuous-usage; /metrics with --enable-metrics",
			Engine: &EngineInfo{MetricsPath: "/metrics", VersionPath: "/get_server_info", VersionField: "version", Tokenize: "sglang"},
			new:    openaiFlavor(openai.FlavorVLLM, nil)},
		{Name: "trtllm", Protocol: "openai", APIs: []string{"chat", "completions", "native"}, URL: "http://127.0.0.1:8000", SelfHosted: true,
			Notes:  "TensorRT-LLM: chat and completions are trtllm-serve (ignore_eos, min_tokens); native is Triton's /v2/models/MODEL/generate_stream (model ensemble; no token counts, no ignore_eos)",
			Engine: &EngineInfo{VersionPath: "/version", VersionField: "version"},
			new:    newTRTLLM},
		{Name: "replicate", Protocol: "replicate", APIs: []string{"native"}, KeyEnv: "REPLICATE_API_TOKEN", URL: replicate.DefaultBaseURL, StopNoComma: true,
			Notes: "predictions API: model owner/name, owner/name:version or deployments/owner/name; tokens stream from urls.stream, counts from the prediction's metrics; min_tokens with max_tokens fixes the length on Meta's models",
			new:   newReplicate},
	}
}

// openaiFlavor returns the constructor of an OpenAI-compatible kind;
// includeUsage nil leaves the adapter's default.
func openaiFlavor(f openai.Flavor, includeUsage *bool) constructor {
	return func(o Options) (targets.Target, error) {
		return openai.New(openai.Config{
			Conn:            o.conn(),
			API:             openai.API(o.API),
			Flavor:          f,
			IncludeUsage:    includeUsage,
			ContinuousUsage: o.ContinuousUsage && f == openai.FlavorVLLM,
		})
	}
}

// openaiRoot is openaiFlavor for a kind whose URL is the API root itself
// (no /v1 added).
func openaiRoot(f openai.Flavor) constructor {
	return func(o Options) (targets.Target, error) {
		return openai.New(openai.Config{Conn: o.conn(), API: openai.API(o.API), Flavor: f, APIRoot: true})
	}
}

// AzureADTokenEnv holds a Microsoft Entra ID access token for Azure OpenAI,
// used when the key variable is empty (the name openai-python's AzureOpenAI
// client reads).
const AzureADTokenEnv = "AZURE_OPENAI_AD_TOKEN"

// newAzure sends the key as api-key, or as an Entra ID bearer token when it
// is one (a JWT: three base64url parts, the first starting "eyJ") or when
// it is empty and $AZURE_OPENAI_AD_TOKEN holds one.
func newAzure(o Options) (targets.Target, error) {
	cfg := openai.Config{Conn: o.conn(), API: openai.API(o.API), Flavor: openai.FlavorAzure}
	switch {
	case isJWT(o.APIKey):
		cfg.APIKey, cfg.BearerToken = "", o.APIKey
	case o.APIKey != "":
	default:
		tok, err := targets.EnvKey(AzureADTokenEnv)
		if err != nil {
			return nil, fmt.Errorf("$%s: %w", AzureADTokenEnv, err)
		}
		cfg.BearerToken = tok
	}
	return openai.New(cfg)
}

// isJWT reports whether s has the shape of a JSON Web Token.
func isJWT(s string) bool {
	return strings.HasPrefix(s, "eyJ") && strings.Count(s, ".") == 2
}

// bedrockNoStop is bedrock's ModelNoStop: on the native API, the family
// of a model whose body has no stop field (bedrock.NativeNoStop); Converse
// (chat) takes stop sequences for every model.
func bedrockNoStop(api, model string) string {
	if api != string(bedrock.Native) {
		return ""
	}
	return bedrock.NativeNoStop(model)
}

func newBedrock(o Options) (targets.Target, error) {
	return bedrock.New(bedrock.Config{Endpoint: o.URL, API: bedrock.API(o.API), BearerToken: o.APIKey, Client: o.Client})
}

// newVertex fills the project and location from the environment
// (GOOGLE_CLOUD_PROJECT, GOOGLE_CLOUD_LOCATION: the variables Google's
// Gen AI SDK reads for Vertex AI); a URL that names them wins.
func newVertex(o Options) (targets.Target, error) {
	return vertex.New(vertex.Config{BaseURL: o.URL, Project: os.Getenv("GOOGLE_CLOUD_PROJECT"), Location: os.Getenv("GOOGLE_CLOUD_LOCATION"),
		AccessToken: o.APIKey, Client: o.Client})
}

// newTRTLLM is trtllm-serve's OpenAI API, or Triton's generate_stream for
// the native API.
func newTRTLLM(o Options) (targets.Target, error) {
	if o.API == "native" {
		return triton.New(triton.Config{Conn: o.conn()})
	}
	return openaiFlavor(openai.FlavorVLLM, nil)(o)
}

func newReplicate(o Options) (targets.Target, error) {
	return replicate.New(replicate.Config{Conn: o.conn()})
}

func newTGI(o Options) (targets.Target, error) {
	return tgi.New(tgi.Config{Conn: o.conn(), API: tgi.API(o.API)})
}

func newOllama(o Options) (targets.Target, error) {
	return ollama.New(ollama.Config{Conn: o.conn(), API: ollama.API(o.API)})
}

func newAnthropic(o Options) (targets.Target, error) {
	return anthropic.New(anthropic.Config{Conn: o.conn()})
}

func newGemini(o Options) (targets.Target, error) {
	return gemini.New(gemini.Config{Conn: o.conn()})
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
	o.kind = k.Name
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
// it answers (at most 1 MiB is read), redacted by r and cut short; "" and
// an error when it does not. A server can echo the key it was sent on
// another request there, and the version is recorded in run.json.
func FetchVersion(ctx context.Context, client *http.Client, url, field string, r targets.Redactor) (string, error) {
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
	return r.Clip(v), nil // the server's words, shown and recorded
}

// Package registry maps a target kind ("vllm", "openai", …) to the adapter
// that speaks its protocol. It is an explicit table, not init()
// self-registration: adding a kind is one line in kinds.
package registry

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/openai"
)

// Options configures a target, whatever its kind.
type Options struct {
	// URL is the server root, e.g. http://host:8000; the adapter adds the path.
	URL string
	// APIKey is the credential sent the way the protocol wants; "" sends none.
	APIKey string
	// API selects the endpoint for kinds that have several: "chat" (default)
	// or "completions".
	API string
	// Client sends the requests; nil lets the adapter use its own.
	Client *http.Client
	// ContinuousUsage asks vLLM for cumulative usage on every chunk
	// (stream_options.continuous_usage_stats).
	ContinuousUsage bool
}

// String describes o without its API key.
func (o Options) String() string {
	key := `""`
	if o.APIKey != "" {
		key = "REDACTED"
	}
	u := o.URL
	if pu, err := url.Parse(o.URL); err == nil {
		u = pu.Redacted()
	}
	return fmt.Sprintf("registry.Options{URL:%s APIKey:%s API:%s ContinuousUsage:%t}", u, key, o.API, o.ContinuousUsage)
}

// GoString is String, so that %#v does not print the API key either.
func (o Options) GoString() string { return o.String() }

// constructor builds a target of one kind.
type constructor func(Options) (targets.Target, error)

// kinds returns the table of known target kinds: one line per kind. It is
// built on each call so that nothing at package level can be changed.
func kinds() map[string]constructor {
	return map[string]constructor{
		"openai": openaiFlavor(openai.FlavorOpenAI),
		"vllm":   openaiFlavor(openai.FlavorVLLM),
	}
}

// openaiFlavor returns the constructor of an OpenAI-compatible kind.
func openaiFlavor(f openai.Flavor) constructor {
	return func(o Options) (targets.Target, error) {
		return openai.New(openai.Config{
			BaseURL:         o.URL,
			API:             openai.API(o.API),
			APIKey:          o.APIKey,
			Client:          o.Client,
			Flavor:          f,
			ContinuousUsage: o.ContinuousUsage,
		})
	}
}

// New returns a target of the given kind.
func New(kind string, o Options) (targets.Target, error) {
	c, ok := kinds()[kind]
	if !ok {
		return nil, fmt.Errorf("unknown target kind %q: known kinds are %s", kind, strings.Join(Kinds(), ", "))
	}
	t, err := c(o)
	if err != nil {
		return nil, fmt.Errorf("target %s: %w", kind, err)
	}
	return t, nil
}

// Kinds returns the known target kinds, sorted.
func Kinds() []string {
	table := kinds()
	ks := make([]string, 0, len(table))
	for k := range table {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

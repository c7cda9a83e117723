// Package vertex is the target adapter for Gemini on Vertex AI: POST
// https://{location}-aiplatform.googleapis.com/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:streamGenerateContent?alt=sse
// (the global location is https://aiplatform.googleapis.com/…), with an
// OAuth 2.0 access token as "Authorization: Bearer". The body and the
// stream are the Gemini API's, so the gemini adapter decodes them; this
// package builds the URL and supplies the token.
//
// The token is the one given (the output of `gcloud auth
// print-access-token`, which expires after about an hour), or else comes
// from Application Default Credentials (golang.org/x/oauth2/google:
// GOOGLE_APPLICATION_CREDENTIALS, gcloud's application-default login, or
// the metadata server on Google Cloud), refreshed as it expires. ADC is
// looked up on the first request, not in New, so that building a target
// does no network I/O. Sources: Vertex AI REST reference
// projects.locations.publishers.models.streamGenerateContent
// (https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/projects.locations.publishers.models/streamGenerateContent).
package vertex

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/gemini"
)

// Scope is the OAuth 2.0 scope Vertex AI's generation calls need.
const Scope = "https://www.googleapis.com/auth/cloud-platform"

// DefaultLocation is the location used when none is given.
const DefaultLocation = "us-central1"

// LocationPlaceholder in Config.BaseURL stands for the location: a URL that
// holds it is Google's own endpoint for the location.
const LocationPlaceholder = "{location}"

// DefaultBaseURL is Google's regional endpoint, as a template.
const DefaultBaseURL = "https://" + LocationPlaceholder + "-aiplatform.googleapis.com"

// Config configures a Target.
type Config struct {
	// BaseURL is the endpoint: "" or a URL holding {location} is Google's
	// own; a URL whose path already names /v1/projects/P/locations/L is used
	// as it is (Project and Location are then not needed); any other URL is
	// a root that /v1/projects/{Project}/locations/{Location} is added to.
	BaseURL string
	// Project is the Google Cloud project id; Location the region
	// ("us-central1", "europe-west4", "global"); "" is DefaultLocation.
	Project, Location string
	// AccessToken is an OAuth 2.0 access token sent as is; "" uses
	// TokenSource, else Application Default Credentials. It never appears
	// in an error or in String.
	AccessToken string
	// TokenSource supplies tokens when AccessToken is "".
	TokenSource oauth2.TokenSource
	// Client sends the requests; nil uses a client of its own.
	Client *http.Client
}

// String describes the configuration without its token.
func (c Config) String() string {
	return fmt.Sprintf("vertex.Config{BaseURL:%s Project:%s Location:%s AccessToken:%s}",
		targets.RedactURL(c.BaseURL), c.Project, c.location(), targets.KeyString(c.AccessToken))
}

// GoString is String, so that %#v does not print the token either.
func (c Config) GoString() string { return c.String() }

func (c Config) location() string { return cmp.Or(c.Location, DefaultLocation) }

// Root returns the URL the models' paths follow:
// …/v1/projects/P/locations/L/publishers/google.
func (c Config) Root() (string, error) {
	loc := c.location()
	base := cmp.Or(c.BaseURL, DefaultBaseURL)
	if strings.Contains(base, LocationPlaceholder) {
		if loc == "global" {
			// The global endpoint has no location in its host.
			base = strings.ReplaceAll(base, LocationPlaceholder+"-aiplatform", "aiplatform")
		}
		base = strings.ReplaceAll(base, LocationPlaceholder, loc)
	}
	u, err := targets.ParseBaseURL(base)
	if err != nil {
		return "", fmt.Errorf("vertex: %w", err)
	}
	if u.RawQuery != "" {
		return "", fmt.Errorf("vertex: base URL %q has a query", u.Redacted())
	}
	path := strings.TrimRight(u.Path, "/")
	path = strings.TrimSuffix(path, "/publishers/google")
	if !strings.Contains(path, "/projects/") {
		if c.Project == "" {
			return "", errors.New("vertex: no project: set GOOGLE_CLOUD_PROJECT, or give --url https://LOCATION-aiplatform.googleapis.com/v1/projects/PROJECT/locations/LOCATION")
		}
		path += "/v1/projects/" + url.PathEscape(c.Project) + "/locations/" + url.PathEscape(loc)
	}
	u.Path, u.RawPath = path+"/publishers/google", ""
	return u.String(), nil
}

// New returns a Gemini target on Vertex AI for cfg.
func New(cfg Config) (*gemini.Target, error) {
	root, err := cfg.Root()
	if err != nil {
		return nil, err
	}
	var token func(context.Context) (string, error)
	switch {
	case cfg.AccessToken != "":
		static := cfg.AccessToken
		token = func(context.Context) (string, error) { return static, nil }
	case cfg.TokenSource != nil:
		token = sourceToken(cfg.TokenSource)
	default:
		token = adcToken()
	}
	return gemini.New(gemini.Config{Conn: targets.Conn{BaseURL: root, Client: cfg.Client, Name: "vertex"}, Token: token})
}

// sourceToken returns the access token of ts.
func sourceToken(ts oauth2.TokenSource) func(context.Context) (string, error) {
	return func(context.Context) (string, error) {
		t, err := ts.Token()
		if err != nil {
			return "", err
		}
		return t.AccessToken, nil
	}
}

// adcToken looks up Application Default Credentials on first use (once)
// and returns their tokens, refreshed by the token source as they expire.
func adcToken() func(context.Context) (string, error) {
	var (
		once sync.Once
		ts   oauth2.TokenSource
		err  error
	)
	return func(ctx context.Context) (string, error) {
		once.Do(func() {
			// The credentials outlive this request: they are not bound to
			// its context.
			var creds *google.Credentials
			creds, err = google.FindDefaultCredentials(context.WithoutCancel(ctx), Scope)
			if err == nil {
				ts = creds.TokenSource
			}
		})
		if err != nil {
			return "", fmt.Errorf("application default credentials: %w", err)
		}
		return sourceToken(ts)(ctx)
	}
}

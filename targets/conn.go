package targets

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Conn is how an adapter reaches its server: the fields every adapter's
// Config shares. An adapter's Config embeds it and says what its BaseURL
// becomes and where its APIKey is sent.
type Conn struct {
	// BaseURL is the server root, an absolute http or https URL
	// (ParseBaseURL); the adapter adds its endpoint's path.
	BaseURL string
	// APIKey, when set, is sent the way the adapter's protocol wants. It
	// never appears in an error or in String.
	APIKey string
	// Client sends the requests; nil uses a client of its own whose
	// transport (NewTransport) keeps every idle connection, so that the
	// requests after them reuse them, and does not ask for gzip. Either way a redirect is followed only within the
	// server's origin (CheckRedirect); a given Client is copied.
	Client *http.Client
	// Header holds extra request headers; the adapter sets its credentials
	// header from APIKey over them.
	Header http.Header
	// Name leads the errors of the requests sent (Endpoint.Name): the kind
	// the user chose, so that a vLLM server that cannot be reached reads
	// "vllm: …", not the protocol's "openai: …". "" is the adapter's own
	// name.
	Name string
}

// String describes c without its API key.
func (c Conn) String() string { return c.Describe("targets.Conn") }

// GoString is String, so that %#v does not print the API key either.
func (c Conn) GoString() string { return c.String() }

// Describe is how a configuration of type name (e.g. "ollama.Config") that
// embeds c shows itself: name{BaseURL:… fields… APIKey:…}, with BaseURL as
// RedactURL shows it, then each of fields ("API:chat"), then the key as
// KeyString shows it, never the key itself.
func (c Conn) Describe(name string, fields ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s{BaseURL:%s ", name, RedactURL(c.BaseURL))
	for _, f := range fields {
		b.WriteString(f)
		b.WriteByte(' ')
	}
	fmt.Fprintf(&b, "APIKey:%s}", KeyString(c.APIKey))
	return b.String()
}

// Endpoint parses BaseURL (ParseBaseURL) and returns it with the Endpoint
// that sends to it: NewEndpoint(name, Client, Header, accept, keyHeader,
// APIKey), whose redactor also removes the credentials BaseURL carries
// (URLSecrets). Its error is led by name; c.Name, when set, stands for name
// in both.
func (c Conn) Endpoint(name, accept, keyHeader string) (*url.URL, Endpoint, error) {
	name = cmp.Or(c.Name, name)
	u, err := ParseBaseURL(c.BaseURL)
	if err != nil {
		return nil, Endpoint{}, fmt.Errorf("%s: %w", name, err)
	}
	e := NewEndpoint(name, c.Client, c.Header, accept, keyHeader, c.APIKey)
	e.Redact = e.Redact.With(URLSecrets(u)...) // a key in the URL's query too
	return u, e, nil
}

// EndpointURL sets u's path to its own without trailing slashes, then
// version unless the path already ends in it ("" adds none), then
// endpoint, and returns u as a string: the URL an adapter posts to.
func EndpointURL(u *url.URL, version, endpoint string) string {
	path := strings.TrimRight(u.Path, "/")
	if !strings.HasSuffix(path, version) {
		path += version
	}
	u.Path, u.RawPath = path+endpoint, ""
	return u.String()
}

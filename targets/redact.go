package targets

import (
	"net/url"
	"regexp"
	"strings"
)

// placeholderRE matches a {name} placeholder of a kind's default URL
// template, such as bedrock's https://bedrock-runtime.{region}.amazonaws.com
// or vertex's https://{location}-aiplatform.googleapis.com, which the
// adapter fills in (docs/backends.md). url.Parse refuses braces in a host.
var placeholderRE = regexp.MustCompile(`\{[a-z]+\}`)

// WithoutPlaceholders returns s with each {name} placeholder of a URL
// template replaced by a plain label, so that url.Parse can check the rest.
func WithoutPlaceholders(s string) string {
	return placeholderRE.ReplaceAllString(s, "x")
}

// RedactURL returns the URL s for showing or storing: the password of its
// user info replaced by xxxxx (as url.URL.Redacted does) and the value of
// every key-like query parameter (see IsKeyParam) by REDACTED, the rest as
// written. A kind's URL template with neither (see WithoutPlaceholders) is
// returned as it is. A string that does not parse as a URL is "(unparsable URL)".
func RedactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		t, terr := url.Parse(WithoutPlaceholders(s))
		if terr == nil && t.User == nil && t.RawQuery == "" {
			return s
		}
		return "(unparsable URL)"
	}
	return RedactedURL(u)
}

// RedactedURL is RedactURL for a parsed URL; u is not changed.
func RedactedURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	if u.RawQuery == "" || !strings.ContainsRune(u.RawQuery, '=') {
		return u.Redacted()
	}
	c := *u
	c.RawQuery = redactQuery(u.RawQuery)
	return c.Redacted()
}

// redactQuery replaces the value of each key-like parameter of a raw query
// by REDACTED, keeping the order and spelling of everything else (so that
// url.Values' sorting does not rewrite what the user wrote). Parameters are
// split at "&" and at ";", which some servers still accept as a separator.
func redactQuery(q string) string {
	var b strings.Builder
	for q != "" {
		end := strings.IndexAny(q, "&;")
		if end < 0 {
			end = len(q)
		}
		p := q[:end]
		if name, _, ok := strings.Cut(p, "="); ok && IsKeyParam(unescapeName(name)) {
			p = name + "=REDACTED"
		}
		b.WriteString(p)
		if end < len(q) {
			b.WriteByte(q[end])
			end++
		}
		q = q[end:]
	}
	return b.String()
}

// unescapeName is a query parameter's name unescaped, or as written when it
// does not unescape.
func unescapeName(name string) string {
	if n, err := url.QueryUnescape(name); err == nil {
		return n
	}
	return name
}

// IsKeyParam reports whether a query parameter's name is one that carries
// a credential: key, api_key, api-key, apikey, x-api-key, token,
// access_token, auth_token, password, secret, client_secret, sig and
// signature (Azure SAS), subscription-key (Azure API Management), code
// (Azure Functions' function key), x-amz-signature, x-amz-security-token
// and x-amz-credential (AWS presigned URLs). Case, "-" and "_" are
// ignored: API-Key, api_key and apikey are one name.
func IsKeyParam(name string) bool {
	n := strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(name))
	switch n {
	case "key", "apikey", "xapikey", "token", "accesstoken", "authtoken", "password", "secret", "clientsecret",
		"sig", "signature", "subscriptionkey", "code", "xamzsignature", "xamzsecuritytoken", "xamzcredential":
		return true
	}
	return false
}

// URLCredential names the credential a URL carries where a manifest or a
// shared file would expose it: "user info" for user:password@, or "query
// parameter NAME" for the first key-like parameter; "" when it carries
// none or does not parse (the URL's own checks report that). The value is
// never part of the answer.
func URLCredential(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	if u.User != nil {
		return "user info"
	}
	for _, p := range strings.FieldsFunc(u.RawQuery, func(r rune) bool { return r == '&' || r == ';' }) {
		name, _, _ := strings.Cut(p, "=")
		if name = unescapeName(name); IsKeyParam(name) {
			return "query parameter " + name
		}
	}
	return ""
}

// RedactURLError returns err with the URL that net/http's *url.Error
// quotes shown as RedactURL shows it: a client's Do error names the
// request's URL, which may carry a key. Other errors are returned as they
// are.
func RedactURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return &url.Error{Op: ue.Op, URL: RedactURL(ue.URL), Err: ue.Err}
	}
	return err
}

// minURLSecret is the shortest credential URLSecrets gives: a shorter value
// ("sig=1") is no secret worth the price of replacing every occurrence of
// it in a server's message.
const minURLSecret = 8

// URLSecrets returns the credentials u carries, for a Redactor: the
// password of its user info and the value of every key-like query
// parameter (IsKeyParam), each as written in the URL and unescaped (a
// server may echo either), those of at least minURLSecret bytes. RedactURL
// masks them where the URL itself is shown; a server's message that echoes
// the request line needs them by value.
func URLSecrets(u *url.URL) []string {
	if u == nil {
		return nil
	}
	var out []string
	add := func(v string) {
		if len(v) >= minURLSecret {
			out = append(out, v)
		}
	}
	if p, ok := u.User.Password(); ok {
		add(p)
	}
	for _, p := range strings.FieldsFunc(u.RawQuery, func(r rune) bool { return r == '&' || r == ';' }) {
		name, value, ok := strings.Cut(p, "=")
		if !ok || !IsKeyParam(unescapeName(name)) {
			continue
		}
		add(value)
		if v, err := url.QueryUnescape(value); err == nil && v != value {
			add(v)
		}
	}
	return out
}

package targets_test

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets"
)

// TestRedactURLQueryKeys: the value of every key-like query parameter is
// REDACTED, whatever its case or separator spelling; other parameters,
// their order and their escapes are kept; a password is masked as before.
func TestRedactURLQueryKeys(t *testing.T) {
	for in, want := range map[string]string{
		"http://h:8000/v1?key=AIzaSECRET":                         "http://h:8000/v1?key=REDACTED",
		"http://h/?b=2&API_KEY=s1&a=1":                            "http://h/?b=2&API_KEY=REDACTED&a=1",
		"http://h/?api-key=s1&Api-Key=s2&apikey=s3":               "http://h/?api-key=REDACTED&Api-Key=REDACTED&apikey=REDACTED",
		"http://h/?token=s1&access_token=s2&ACCESS_TOKEN=s3":      "http://h/?token=REDACTED&access_token=REDACTED&ACCESS_TOKEN=REDACTED",
		"http://h/?model=m&x=%20y":                                "http://h/?model=m&x=%20y",
		"http://h/?a=1;key=s1":                                    "http://h/?a=1;key=REDACTED",
		"http://h/?%6Bey=s1":                                      "http://h/?%6Bey=REDACTED",
		"http://u:pw@h/?token=s1":                                 "http://u:xxxxx@h/?token=REDACTED",
		"http://h/?keyword=k&monkey=m&tokens=5":                   "http://h/?keyword=k&monkey=m&tokens=5",
		"https://b.blob.core.windows.net/c?sv=1&sig=s1":           "https://b.blob.core.windows.net/c?sv=1&sig=REDACTED",
		"https://s3/o?X-Amz-Credential=s1&X-Amz-Signature=s2&x=1": "https://s3/o?X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&x=1",
		"https://apim.azure-api.net/v1?subscription-key=s1&x=1":   "https://apim.azure-api.net/v1?subscription-key=REDACTED&x=1",
		"https://f.azurewebsites.net/api/chat?code=s1":            "https://f.azurewebsites.net/api/chat?code=REDACTED",
		"http://h/?key":                                           "http://h/?key",
		"http://h/":                                               "http://h/",
	} {
		if got := targets.RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q; want %q", in, got, want)
		}
	}
	u, _ := url.Parse("http://h/?key=s1")
	if got := targets.RedactedURL(u); got != "http://h/?key=REDACTED" || u.RawQuery != "key=s1" {
		t.Errorf("RedactedURL = %q and changed its argument to %q", got, u.RawQuery)
	}
	if got := targets.RedactURL("http://h/%zz?key=s1"); strings.Contains(got, "s1") {
		t.Errorf("unparsable URL shown as %q", got)
	}
}

// TestParseBaseURLHidesQueryKeys: ParseBaseURL's errors show the URL
// without the value of a key parameter.
func TestParseBaseURLHidesQueryKeys(t *testing.T) {
	for _, s := range []string{"ftp://h/?key=s3cr3t", "http:///x?api_key=s3cr3t", "http://h/%zz?token=s3cr3t"} {
		_, err := targets.ParseBaseURL(s)
		if err == nil || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("ParseBaseURL(%q) = %v; want an error without the key", s, err)
		}
	}
}

// TestURLCredential names what a URL carries, never its value.
func TestURLCredential(t *testing.T) {
	for in, want := range map[string]string{
		"http://u:PASSWORD@h/":         "user info",
		"http://u@h/":                  "user info",
		"http://h/?x=1&Key=s1":         "query parameter Key",
		"http://h/?access_token=s1":    "query parameter access_token",
		"http://h/?model=m&keyword=1":  "",
		"http://h:8000/v1":             "",
		"not a url at all %zz://x?k=s": "",
	} {
		if got := targets.URLCredential(in); got != want {
			t.Errorf("URLCredential(%q) = %q; want %q", in, got, want)
		}
	}
}

// TestOriginOfRedirects: CheckRedirect's notion of one origin: the scheme,
// the host in any case, the port with the scheme's default made explicit.
func TestOriginOfRedirects(t *testing.T) {
	check := func(from, to string) error {
		f, _ := url.Parse(from)
		u, _ := url.Parse(to)
		return targets.CheckRedirect(&http.Request{URL: u, Response: &http.Response{StatusCode: 307}}, []*http.Request{{URL: f}})
	}
	for _, c := range []struct {
		from, to string
		same     bool
	}{
		{"http://h:8000/a", "http://h:8000/b?x=1", true},
		{"http://H/a", "http://h:80/b", true},
		{"https://h/a", "https://h:443/b", true},
		{"http://h:8000/a", "http://h:8001/a", false},
		{"https://h/a", "http://h/a", false},
		{"http://h/a", "http://h.evil/a", false},
		{"http://127.0.0.1:8000/", "http://localhost:8000/", false},
	} {
		err := check(c.from, c.to)
		if (err == nil) != c.same {
			t.Errorf("%s → %s: %v; want same origin %t", c.from, c.to, err, c.same)
		}
		var he *targets.HTTPError
		if err != nil && (!errors.As(err, &he) || he.Status != 307) {
			t.Errorf("%s → %s: %v is not an HTTPError with the redirect's status", c.from, c.to, err)
		}
	}
}

// TestNewClient: a caller's client is copied, not changed; the copy shares
// its transport, applies the policy first and then the caller's own
// CheckRedirect; nil gives a client of its own with the policy.
func TestNewClient(t *testing.T) {
	tr := targets.NewTransport()
	calls := 0
	callerErr := errors.New("caller says no")
	c := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { calls++; return callerErr }}
	nc := targets.NewClient(c)
	if nc == c || nc.Transport != tr {
		t.Fatal("NewClient did not copy the client or did not share its transport")
	}
	from, _ := url.Parse("http://h/a")
	cross, _ := url.Parse("http://other/a")
	same, _ := url.Parse("http://h/b")
	via := []*http.Request{{URL: from}}
	if err := nc.CheckRedirect(&http.Request{URL: cross}, via); err == nil || errors.Is(err, callerErr) || calls != 0 {
		t.Errorf("cross-origin: %v after %d caller calls; want the policy's refusal first", err, calls)
	}
	if err := nc.CheckRedirect(&http.Request{URL: same}, via); !errors.Is(err, callerErr) || calls != 1 {
		t.Errorf("same origin: %v after %d caller calls; want the caller's answer", err, calls)
	}
	if err := c.CheckRedirect(&http.Request{URL: cross}, via); !errors.Is(err, callerErr) {
		t.Error("NewClient changed the caller's client")
	}
	own := targets.NewClient(nil)
	if own.Transport == nil || own.CheckRedirect == nil || own.CheckRedirect(&http.Request{URL: cross}, via) == nil {
		t.Error("NewClient(nil) has no transport or no redirect policy")
	}
}

// TestURLSecrets: the credentials a URL carries, by value, as written and
// unescaped, for a Redactor; short values and other parameters are not.
func TestURLSecrets(t *testing.T) {
	u, err := url.Parse("https://u:pa55word-x@h/p?model=m&key=AIzaSy%2Babc-123&sig=1;token=tok-0123456789&api-version=2024-10-21")
	if err != nil {
		t.Fatal(err)
	}
	got := targets.URLSecrets(u)
	want := []string{"pa55word-x", "AIzaSy%2Babc-123", "AIzaSy+abc-123", "tok-0123456789"}
	if !slices.Equal(got, want) {
		t.Errorf("URLSecrets = %q; want %q", got, want)
	}
	r := targets.NewRedactor("sk-key").With(got...)
	if s := r.Redact("k=AIzaSy+abc-123 t=tok-0123456789 a=sk-key v=2024-10-21 sig=1"); s != "k=[REDACTED] t=[REDACTED] a=[REDACTED] v=2024-10-21 sig=1" {
		t.Errorf("Redact = %q", s)
	}
}

// TestRedactURLKeepsKindTemplates: a kind's default URL template (bedrock's
// {region}, vertex's {location}) is shown as it is, not as "(unparsable
// URL)", in the run's header line and run.json; a template that holds user
// info is still refused, since nothing there can be masked.
func TestRedactURLKeepsKindTemplates(t *testing.T) {
	for _, s := range []string{"https://bedrock-runtime.{region}.amazonaws.com", "https://{location}-aiplatform.googleapis.com"} {
		if got := targets.RedactURL(s); got != s {
			t.Errorf("RedactURL(%q) = %q; want it unchanged", s, got)
		}
	}
	if got := targets.RedactURL("https://u:secret@{region}.example"); got != "(unparsable URL)" {
		t.Errorf("RedactURL of a template with a password = %q; want (unparsable URL)", got)
	}
}

// TestUndecodable: the error of an undecodable unit names it, carries the
// decoder's error and quotes the unit's start with every key removed, a
// key that the snippet's cut would split too.
func TestUndecodable(t *testing.T) {
	key := "sk-SECRET-0123456789"
	data := []byte(`{"a":"` + strings.Repeat("x", 110) + key + `"`)
	err := targets.NewRedactor(key).Undecodable("event 7", errors.New("unexpected end of JSON input"), data)
	var pe *targets.ProtocolError
	if !errors.As(err, &pe) {
		t.Fatalf("%T %v: want a *ProtocolError", err, err)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "protocol: undecodable event 7: unexpected end of JSON input: {\"a\":\"xxx") {
		t.Errorf("message %q", msg)
	}
	for i := 6; i <= len(key); i++ {
		if strings.Contains(msg, key[:i]) {
			t.Errorf("%q of the key in %q", key[:i], msg)
		}
	}
	if !strings.Contains(msg, "[RED") { // the cut falls inside [REDACTED]
		t.Errorf("nothing redacted: %q", msg)
	}
}

package mock_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/mock"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/registry"
)

// redirectKey is the API key of the redirect tests: distinctive, so that
// finding it anywhere in what the other server received is a leak.
const redirectKey = "sk-redirect-test-0123456789"

// keySeen records whether a server received the key, in any header or in
// the URL.
type keySeen struct {
	mu       sync.Mutex
	requests int
	leaks    []string
}

func (k *keySeen) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.requests++
	for name, vs := range r.Header {
		for _, v := range vs {
			if strings.Contains(v, redirectKey) {
				k.leaks = append(k.leaks, name)
			}
		}
	}
	if strings.Contains(r.URL.String(), redirectKey) {
		k.leaks = append(k.leaks, "URL")
	}
	http.Error(w, "not here", http.StatusNotFound)
}

// TestCrossOriginRedirectKeepsTheKey: a server that answers 301, 302, 307
// or 308 with a Location on another port (another origin) never gets the
// key sent there, whatever the kind and its credential header
// (Authorization, x-api-key, x-goog-api-key), with the adapter's own client
// and with a caller's client (the load generator passes its own, built in
// cmd/inferbench). The request fails with an *targets.HTTPError carrying
// the redirect's status, classed http_4xx, whose message names the
// redirect without the secrets its Location holds.
func TestCrossOriginRedirectKeepsTheKey(t *testing.T) {
	setCloudEnv(t)
	other := &keySeen{}
	otherSrv := httptest.NewServer(other)
	t.Cleanup(otherSrv.Close)
	for _, k := range registry.All() {
		for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
			for _, own := range []bool{true, false} {
				t.Run(fmt.Sprintf("%s/%d/own-client=%t", k.Name, status, own), func(t *testing.T) {
					srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
						// The Location carries a token of its own, which the
						// error must not show.
						w.Header().Set("Location", otherSrv.URL+"/stolen?token=loc-secret&x=1")
						w.WriteHeader(status)
					}))
					t.Cleanup(srv.Close)
					o := registry.Options{URL: srv.URL, APIKey: redirectKey}
					if !own {
						o.Client = &http.Client{Transport: targets.NewTransport()}
					}
					tg, err := registry.New(k.Name, o)
					if err != nil {
						t.Fatal(err)
					}
					model := "m"
					if k.Name == "replicate" {
						model = "owner/name"
					}
					_, err = tg.Stream(t.Context(), targets.Request{Model: model, Prompt: "p", MaxTokens: 4}, func(targets.Chunk) {})
					var he *targets.HTTPError
					if !errors.As(err, &he) || he.Status != status {
						t.Fatalf("err = %v (%T); want an *HTTPError with status %d", err, err, status)
					}
					if c := loadgen.Classify(err); c != rundir.HTTP4xx {
						t.Errorf("class %q; want %q", c, rundir.HTTP4xx)
					}
					msg := err.Error()
					if !strings.Contains(msg, "redirect") || !strings.Contains(msg, strings.TrimPrefix(otherSrv.URL, "http://")) ||
						!strings.Contains(msg, "token=REDACTED") || strings.Contains(msg, "loc-secret") || strings.Contains(msg, redirectKey) {
						t.Errorf("message %q: want it to name the redirect to %s with its token redacted", msg, otherSrv.URL)
					}
				})
			}
		}
	}
	other.mu.Lock()
	defer other.mu.Unlock()
	if other.requests != 0 || len(other.leaks) != 0 {
		t.Errorf("the other origin got %d requests, the key in %v", other.requests, other.leaks)
	}
}

// TestSameOriginRedirectIsFollowed: a 307 or 308 to another path of the
// same server is followed, credentials and all, and the stream is read
// (a server that moved its API under a prefix still works).
func TestSameOriginRedirectIsFollowed(t *testing.T) {
	m, err := mock.New(mock.Config{OutputTokens: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		for _, kind := range []string{"vllm", "tgi", "ollama", "anthropic", "gemini"} {
			t.Run(fmt.Sprintf("%s/%d", kind, status), func(t *testing.T) {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if rest, ok := strings.CutPrefix(r.URL.Path, "/moved"); ok {
						r.URL.Path = rest
						m.ServeHTTP(w, r)
						return
					}
					http.Redirect(w, r, "/moved"+r.URL.RequestURI(), status)
				}))
				t.Cleanup(srv.Close)
				tg, err := registry.New(kind, registry.Options{URL: srv.URL, APIKey: redirectKey})
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				_, err = tg.Stream(t.Context(), targets.Request{Model: "m", Prompt: "a b", MaxTokens: 8}, func(c targets.Chunk) {
					if c.HasToken() {
						n += max(c.Tokens, 1)
					}
				})
				if err != nil || n != 3 {
					t.Fatalf("Stream: %v, %d tokens; want 3", err, n)
				}
			})
		}
	}
}

// TestTooManyRedirects: a same-origin redirect loop ends after
// targets.MaxRedirects with an *HTTPError, not net/http's plain error.
func TestTooManyRedirects(t *testing.T) {
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		http.Redirect(w, r, fmt.Sprintf("/loop%d", n), http.StatusTemporaryRedirect)
	}))
	t.Cleanup(srv.Close)
	tg, err := registry.New("vllm", registry.Options{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	_, err = tg.Stream(t.Context(), targets.Request{Model: "m", Prompt: "p"}, func(targets.Chunk) {})
	var he *targets.HTTPError
	if !errors.As(err, &he) || he.Status != http.StatusTemporaryRedirect || !strings.Contains(err.Error(), "redirects") {
		t.Fatalf("err = %v; want an *HTTPError saying it stopped after %d redirects", err, targets.MaxRedirects)
	}
	if n != targets.MaxRedirects+1 {
		t.Errorf("server answered %d requests; want %d", n, targets.MaxRedirects+1)
	}
}

// TestOptionsStringHidesURLSecrets: Options' String shows neither the
// URL's password nor a key parameter's value.
func TestOptionsStringHidesURLSecrets(t *testing.T) {
	o := registry.Options{URL: "http://u:pa55@h/?key=s3cr3t", APIKey: "k"}
	for _, s := range []string{o.String(), fmt.Sprintf("%v %+v %#v", o, o, o)} {
		if strings.Contains(s, "s3cr3t") || strings.Contains(s, "pa55") {
			t.Errorf("%s: shows a secret", s)
		}
	}
}

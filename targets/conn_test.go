package targets_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets"
)

func TestConnDescribe(t *testing.T) {
	c := targets.Conn{BaseURL: "http://user:pw@h:8000/x?api_key=sk-q", APIKey: "sk-secret"}
	got := c.Describe("x.Config", "API:chat", "Flavor:vllm")
	want := "x.Config{BaseURL:http://user:xxxxx@h:8000/x?api_key=REDACTED API:chat Flavor:vllm APIKey:REDACTED}"
	if got != want {
		t.Errorf("Describe = %s, want %s", got, want)
	}
	if got, want := (targets.Conn{BaseURL: "http://h"}).Describe("y.Config"), `y.Config{BaseURL:http://h APIKey:""}`; got != want {
		t.Errorf("Describe = %s, want %s", got, want)
	}
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, c)} {
		if strings.Contains(s, "sk-secret") || strings.Contains(s, "pw@") || strings.Contains(s, "sk-q") {
			t.Errorf("Conn shows a secret: %s", s)
		}
	}
}

func TestConnEndpoint(t *testing.T) {
	c := targets.Conn{BaseURL: "http://h:1/root/", APIKey: "k"}
	u, ep, err := c.Endpoint("x", "application/x-ndjson", "Authorization")
	if err != nil {
		t.Fatal(err)
	}
	if u.String() != "http://h:1/root/" || ep.Name != "x" || ep.Header.Get("Accept") != "application/x-ndjson" || ep.Header.Get("Authorization") != "Bearer k" {
		t.Errorf("Endpoint = %s %+v", u, ep)
	}
	if _, _, err := (targets.Conn{BaseURL: "ftp://h"}).Endpoint("x", "text/event-stream", "X-Api-Key"); err == nil || !strings.HasPrefix(err.Error(), "x: base URL") {
		t.Errorf("bad URL: %v", err)
	}
}

func TestEndpointURL(t *testing.T) {
	for _, tc := range []struct{ base, version, endpoint, want string }{
		{"http://h", "/v1", "/messages", "http://h/v1/messages"},
		{"http://h/v1/", "/v1", "/messages", "http://h/v1/messages"},
		{"http://h/proxy//", "/api", "/chat", "http://h/proxy/api/chat"},
		{"http://h/a%2Fb/", "", "/generate_stream", "http://h/a/b/generate_stream"},
		{"http://h/root?x=1", "", "/c", "http://h/root/c?x=1"},
	} {
		u, err := url.Parse(tc.base)
		if err != nil {
			t.Fatal(err)
		}
		if got := targets.EndpointURL(u, tc.version, tc.endpoint); got != tc.want {
			t.Errorf("EndpointURL(%s, %q, %q) = %s, want %s", tc.base, tc.version, tc.endpoint, got, tc.want)
		}
	}
}

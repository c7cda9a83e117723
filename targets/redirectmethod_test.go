package targets_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets"
)

// TestRedirectThatTurnsThePostIntoAGet: net/http resends a POST that met a
// 301, 302 or 303 as a GET without its body; the server then answers
// something that is no generation (here a 200 the adapter would read as a
// stream; vLLM answers 405 or 404, which named no redirect). Such a
// redirect is refused with its status and a message that says so, even
// within the origin; a 307 or 308 keeps the POST and is followed.
func TestRedirectThatTurnsThePostIntoAGet(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Method+" "+r.URL.Path)
		switch r.URL.Path {
		case "/moved":
			w.WriteHeader(http.StatusOK)
		default:
			status, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
			if err != nil {
				t.Errorf("path %s", r.URL.Path)
			}
			w.Header().Set("Location", "/moved")
			w.WriteHeader(status)
		}
	}))
	defer srv.Close()
	client := targets.NewClient(nil)
	for _, c := range []struct {
		status int
		follow bool
	}{{301, false}, {302, false}, {303, false}, {307, true}, {308, true}} {
		got = nil
		resp, err := targets.PostStream(context.Background(), client, srv.URL+"/"+strconv.Itoa(c.status), http.Header{}, []byte(`{}`))
		if c.follow {
			if err != nil || resp.StatusCode != 200 || len(got) != 2 || got[1] != "POST /moved" {
				t.Errorf("%d: err %v, requests %q; want the POST resent to /moved", c.status, err, got)
			}
			if resp != nil {
				resp.Body.Close()
			}
			continue
		}
		var he *targets.HTTPError
		if !errors.As(err, &he) || he.Status != c.status || !strings.Contains(he.Message, "GET") || len(got) != 1 {
			t.Errorf("%d: err %v, requests %q; want an HTTPError %d saying the POST would become a GET, and no GET sent", c.status, err, got, c.status)
		}
		if resp != nil {
			resp.Body.Close()
		}
	}
}

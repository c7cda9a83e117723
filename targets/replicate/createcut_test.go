package replicate_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/replicate"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestCreateAnswerCut: a connection that closes inside the create call's
// answer is the connection's failure, as one that closes inside the
// stream is: it read as "undecodable prediction: unexpected EOF", a
// protocol error (a server that sends what is no prediction), which is
// never retried. A whole answer that is no JSON stays a protocol error.
func TestCreateAnswerCut(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cut   bool
		body  string
		class rundir.ErrorClass
	}{
		{"cut", true, `{"id":"ab`, rundir.Connection},
		{"no JSON", false, `<html>bad gateway</html>`, rundir.Protocol},
		{"JSON cut short by its sender", false, `{"id":"ab`, rundir.Protocol},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if tc.cut {
					w.Header().Set("Content-Length", "500")
				}
				w.WriteHeader(201)
				w.Write([]byte(tc.body))
				if tc.cut {
					w.(http.Flusher).Flush()
					conn, _, _ := w.(http.Hijacker).Hijack()
					conn.Close()
				}
			}))
			defer srv.Close()
			r := targettest.Stream(t, replicate.New, replicate.Config{Conn: targets.Conn{BaseURL: srv.URL, APIKey: "r8_key"}},
				targets.Request{Model: "meta/meta-llama-3-8b-instruct", Prompt: "p", MaxTokens: 1})
			if got := loadgen.Classify(r.Err); got != tc.class {
				t.Errorf("class %q (%v); want %q", got, r.Err, tc.class)
			}
		})
	}
}

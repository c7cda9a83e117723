package replicate_test

import (
	"fmt"
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

// TestStatusesTold: the load generator's response hook
// (targets.WithResponse) hears each answer's status, the create call's 201
// and the stream's 200, as PostStream tells it for the other adapters: it
// heard none, so a request cut inside the create answer was recorded with
// status 200, the load generator's guess.
func TestStatusesTold(t *testing.T) {
	api := newFakeAPI(t, sseHandler("event: output\ndata: hi\n\nevent: done\ndata: {}\n\n", targettest.Whole))
	tg, err := replicate.New(replicate.Config{Conn: targets.Conn{BaseURL: api.URL, APIKey: "r8_key"}})
	if err != nil {
		t.Fatal(err)
	}
	var told []int
	ctx := targets.WithResponse(t.Context(), func(status int) { told = append(told, status) })
	if _, err := tg.Stream(ctx, targets.Request{Model: "meta/meta-llama-3-8b-instruct", Prompt: "p", MaxTokens: 1}, func(targets.Chunk) {}); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(told) != "[201 200]" {
		t.Errorf("statuses told %v; want [201 200] (create, stream; the metrics call after is bookkeeping)", told)
	}
}

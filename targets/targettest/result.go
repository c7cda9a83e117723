package targettest

import (
	"context"
	"net/http"
	"testing"

	"github.com/inferbench/inferbench/targets"
)

// Result is what one stream gave an adapter test: every chunk delivered,
// in order, the Final and the error.
type Result struct {
	Chunks []targets.Chunk
	Final  targets.Final
	Err    error
}

// TokenChunks counts the tokens of the token-bearing chunks, each counted
// as its Tokens or 1, as loadgen counts them.
func (r Result) TokenChunks() int {
	n := 0
	for _, c := range r.Chunks {
		if c.HasToken() {
			n += max(c.Tokens, 1)
		}
	}
	return n
}

// OutputTokens is the server's count when it gave one, else the counted
// tokens (docs/design.md "Output tokens").
func (r Result) OutputTokens() int {
	if r.Final.Usage != nil && r.Final.Usage.CompletionTokens > 0 {
		return r.Final.Usage.CompletionTokens
	}
	return r.TokenChunks()
}

// FirstToken returns the index among the delivered chunks of the first one
// that carries a token, and its text; -1 when none does.
func (r Result) FirstToken() (int, string) {
	for i, c := range r.Chunks {
		if c.HasToken() {
			return i, c.Content + c.Reasoning + c.ToolArgs
		}
	}
	return -1, ""
}

// Stream builds an adapter with newTarget(cfg), failing the test when it
// cannot, sends req through it and collects what it delivered.
func Stream[C any, T targets.Target](t testing.TB, newTarget func(C) (T, error), cfg C, req targets.Request) Result {
	t.Helper()
	tg, err := newTarget(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var r Result
	r.Final, r.Err = tg.Stream(context.Background(), req, func(c targets.Chunk) { r.Chunks = append(r.Chunks, c) })
	return r
}

// ReplayOnce starts a server that answers with status, header and body,
// written in the pieces split makes (nil: one per event, as Replay).
func ReplayOnce(t testing.TB, status int, header http.Header, body string, split Split) *Server {
	t.Helper()
	return NewServer(t, Replay{Response: &Response{Status: status, Header: header, Body: []byte(body)}, Split: split})
}

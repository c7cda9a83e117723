package targettest

import "github.com/inferbench/inferbench/targets"

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
// tokens (DESIGN.md "Output tokens").
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

package loadgen

import "github.com/inferbench/inferbench/targets"

// MaxServerTokens bounds a token count a server reports (an event's, a
// usage's, a cache's): no model's context holds more. A larger count, or
// a negative one, is garbage and is dropped: the record keeps what the
// load generator counted or estimated instead, as if the server had said
// nothing (2^63−1 output tokens summed into summary.json would overflow).
const MaxServerTokens = 1 << 24

// EventTokens is what an event that carries a token counts for: the
// server's count for it (Chunk.Tokens) when it gives a plausible one, else
// 1.
func EventTokens(n int) int {
	if n <= 0 || n > MaxServerTokens {
		return 1
	}
	return n
}

// plausible reports whether n is a token count a server can report.
func plausible(n int) bool { return n >= 0 && n <= MaxServerTokens }

// DropAbsurd removes from f what no server can have reported: usage and
// cache counts past MaxServerTokens or negative, and negative durations
// of its timing (zero means not reported; a timing left with none is nil).
func DropAbsurd(f *targets.Final) {
	if u := f.Usage; u != nil && (!plausible(u.CompletionTokens) || !plausible(u.PromptTokens)) {
		c := *u // the adapter's Usage may be shared with a chunk
		if !plausible(c.CompletionTokens) {
			c.CompletionTokens = 0
		}
		if !plausible(c.PromptTokens) {
			c.PromptTokens = 0
		}
		f.Usage = &c
	}
	if !plausible(f.CachedTokens) {
		f.CachedTokens = 0
	}
	if s := f.Server; s != nil {
		c := *s
		c.Queue, c.Load, c.Prompt = max(c.Queue, 0), max(c.Load, 0), max(c.Prompt, 0)
		c.Decode, c.Total, c.TTFT = max(c.Decode, 0), max(c.Total, 0), max(c.TTFT, 0)
		switch {
		case c == targets.ServerTiming{}:
			f.Server = nil // nothing true was reported
		case c != *s:
			f.Server = new(targets.ServerTiming)
			*f.Server = c
		}
	}
}

package loadgen

import (
	"time"

	"github.com/inferbench/inferbench/targets"
)

// MaxServerTokens bounds a token count a server reports (an event's, a
// usage's, a cache's): no model's context holds more. A larger count, or
// a negative one, is garbage and is dropped: the record keeps what the
// load generator counted, sized or estimated instead, as if the server had
// said nothing (2^63−1 output tokens summed into summary.json would overflow).
const MaxServerTokens = 1 << 24

// MaxServerDuration bounds a time a server reports for one request: a
// longer one (Ollama's total_duration of 2^63-1 ns, 292 years) is garbage
// and is dropped.
const MaxServerDuration = 24 * time.Hour

// duration is d, or 0 (not reported) when no server can have measured it.
func duration(d time.Duration) time.Duration {
	if d < 0 || d > MaxServerDuration {
		return 0
	}
	return d
}

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
// cache counts past MaxServerTokens or negative, and durations of its
// timing that are negative or past MaxServerDuration (zero means not
// reported; a timing left with none is nil).
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
		c.Queue, c.Load, c.Prompt = duration(c.Queue), duration(c.Load), duration(c.Prompt)
		c.Decode, c.Total, c.TTFT = duration(c.Decode), duration(c.Total), duration(c.TTFT)
		switch {
		case c == targets.ServerTiming{}:
			f.Server = nil // nothing true was reported
		case c != *s:
			f.Server = &c // a copy: the adapter's may be shared
		}
	}
}

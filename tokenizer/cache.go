package tokenizer

import (
	"strings"
	"sync"
	"sync/atomic"
)

// wordCache maps a word to its ids. Reads go to an immutable snapshot
// through one atomic load, so concurrent encoders of a warm cache share no
// written cache line (a RWMutex's reader count was a tenth of the encoding
// time); new words wait in a locked map until enough of them are there to
// publish a new snapshot, which keeps the copying linear overall.
type wordCache struct {
	snap    atomic.Pointer[map[string][]int32]
	mu      sync.Mutex
	pending map[string][]int32
	n       int // entries in snap and pending
}

func (c *wordCache) get(w string) ([]int32, bool) {
	if m := c.snap.Load(); m != nil {
		if ids, ok := (*m)[w]; ok {
			return ids, true
		}
	}
	c.mu.Lock()
	ids, ok := c.pending[w]
	c.mu.Unlock()
	return ids, ok
}

// through appends word's ids to out: the cached ones, else tokenize's,
// which it keeps when word is at most cacheWordLen bytes long.
func (c *wordCache) through(word string, out []int32, tokenize func(word string, out []int32) []int32) []int32 {
	if len(word) > cacheWordLen {
		return tokenize(word, out)
	}
	if ids, ok := c.get(word); ok {
		return append(out, ids...)
	}
	n := len(out)
	out = tokenize(word, out)
	c.put(strings.Clone(word), append([]int32(nil), out[n:]...))
	return out
}

// put keeps w's ids, up to cacheEntries words.
func (c *wordCache) put(w string, ids []int32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n >= cacheEntries {
		return
	}
	if c.pending == nil {
		c.pending = map[string][]int32{}
	}
	if _, ok := c.pending[w]; ok {
		return
	}
	c.pending[w] = ids
	c.n++
	old := c.snap.Load()
	size := 0
	if old != nil {
		size = len(*old)
	}
	if len(c.pending) < max(16, size/4) {
		return
	}
	m := make(map[string][]int32, size+len(c.pending))
	if old != nil {
		for k, v := range *old {
			m[k] = v
		}
	}
	for k, v := range c.pending {
		m[k] = v
	}
	c.snap.Store(&m)
	c.pending = map[string][]int32{}
}

package mock

import (
	"container/list"
	"encoding/json"
	"strings"
)

// The engine's prefix cache (issue #21 item 5), modelled on vLLM's
// automatic prefix caching, on by default in vLLM V1: the KV cache is kept
// in blocks of KVBlockTokens tokens, each full block named by a hash of
// every token up to its end (so a block matches only under the same
// prefix); a request whose leading blocks are cached skips their prefill.
// A prompt's blocks enter the cache when their prefill is scheduled, as
// vLLM V1 commits them when it allocates their slots
// (engine.cacheScheduled), so a request scheduled after another in the
// same step finds the blocks they share.
// Blocks are freed least recently used first. The cache holds at most the
// KV capacity of the profile (Fit.KVTokens); the blocks of running
// sequences are not held apart from it, a simplification.
//
// Like vLLM, the cache keeps the blocks of a finished sequence's output as
// well as its prompt, so a conversation's next turn, which resends the
// reply, finds it cached; and at least the last prompt token is always
// computed. The tokens are the stand-in tokenizer's (one per word, /tokenize),
// with each chat message's role mixed into the hash as a template would
// add its tokens; only the OpenAI protocol family (chat and completions)
// feeds the cache, which is what vLLM serves.
//
// vLLM's counters, exported on /metrics, count tokens: prefix_cache_queries
// the prompt tokens looked up, prefix_cache_hits those found cached
// (vllm:prefix_cache_queries_total and vllm:prefix_cache_hits_total in a
// vLLM V1 /metrics page, testdata/telemetry/vllm-metrics-v1-busy.txt).

// blockHasher hashes a token stream block by block: blocks[i] is the
// chained hash of tokens [0, (i+1)·KVBlockTokens).
type blockHasher struct {
	h      uint64
	n      int // tokens hashed
	blocks []uint64
}

// mix folds v into the running hash (FNV-1a over the value's bytes).
func (b *blockHasher) mix(v uint64) {
	h := b.h
	if h == 0 && b.n == 0 {
		h = 14695981039346656037
	}
	for range 8 {
		h = (h ^ (v & 0xff)) * 1099511628211
		v >>= 8
	}
	b.h = h
}

// token hashes one token; every KVBlockTokens tokens close a block.
func (b *blockHasher) token(id uint32) {
	b.mix(uint64(id))
	b.n++
	if b.n%KVBlockTokens == 0 {
		b.blocks = append(b.blocks, b.h)
	}
}

// role marks the start of a chat message (not a token: the count stays
// countWords's).
func (b *blockHasher) role(r string) { b.mix(uint64(wordID("<|"+r+"|>")) | 1<<40) }

// text hashes the words of s, as countWords counts them.
func (b *blockHasher) text(s string) { eachWord(s, func(w string, _, _ int) { b.token(wordID(w)) }) }

// content hashes a chat message's content: a string or an array of text
// parts.
func (b *blockHasher) content(raw json.RawMessage) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		b.text(s)
		return
	}
	var parts []struct {
		Text string `json:"text"`
	}
	_ = json.Unmarshal(raw, &parts)
	for _, p := range parts {
		b.text(p.Text)
	}
}

// output hashes an n-token response as the next turn resends it: an
// assistant message of the response's words.
func (b *blockHasher) output(n int) {
	b.role("assistant")
	for k := range n {
		b.token(wordID(strings.TrimSpace(tokenText(k))))
	}
}

// prefixCache is an LRU set of block hashes with vLLM's counters. The
// engine's mutex guards it.
type prefixCache struct {
	capacity int // blocks
	lru      *list.List
	index    map[uint64]*list.Element
	// queries and hits count prompt tokens looked up and found cached.
	queries, hits int64
}

func newPrefixCache(kvTokens int) *prefixCache {
	return &prefixCache{capacity: kvTokens / KVBlockTokens, lru: list.New(), index: map[uint64]*list.Element{}}
}

// match returns how many leading blocks of blocks are cached.
func (c *prefixCache) match(blocks []uint64) int {
	if c == nil {
		return 0
	}
	for i, h := range blocks {
		if _, ok := c.index[h]; !ok {
			return i
		}
	}
	return len(blocks)
}

// admit accounts for a sequence of prompt tokens admitted with its first
// cached blocks, marking those most recently used, and returns the
// prompt tokens it may skip: the cached blocks' tokens, keeping the last
// prompt token to compute.
func (c *prefixCache) admit(blocks []uint64, cached, prompt int) int {
	if c == nil {
		return 0
	}
	for _, h := range blocks[:cached] {
		c.lru.MoveToFront(c.index[h])
	}
	skip := min(cached*KVBlockTokens, prompt-1)
	c.queries += int64(prompt)
	c.hits += int64(max(skip, 0))
	return max(skip, 0)
}

// insert caches blocks (most recently used first), evicting the least
// recently used beyond capacity.
func (c *prefixCache) insert(blocks []uint64) {
	if c == nil || c.capacity == 0 {
		return
	}
	for _, h := range blocks {
		if e, ok := c.index[h]; ok {
			c.lru.MoveToFront(e)
			continue
		}
		c.index[h] = c.lru.PushFront(h)
		if c.lru.Len() > c.capacity {
			old := c.lru.Back()
			c.lru.Remove(old)
			delete(c.index, old.Value.(uint64))
		}
	}
}

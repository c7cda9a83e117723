package openai_test

import (
	"context"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/openai"
)

// hugeEventBody is a chat stream whose one content chunk carries text of
// size bytes: plain, or with a "\n" escape every 64 bytes.
func hugeEventBody(size int, escaped bool) []byte {
	var b strings.Builder
	b.WriteString(`data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}` + "\n\n")
	b.WriteString(`data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"`)
	for i := 0; i < size; i++ {
		if escaped && i%64 == 63 {
			b.WriteString(`\n`)
			i++
			continue
		}
		b.WriteByte('x')
	}
	b.WriteString(`"},"finish_reason":null}]}` + "\n\n")
	b.WriteString(`data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"length"}],"usage":{"prompt_tokens":1,"completion_tokens":1}}` + "\n\n")
	b.WriteString("data: [DONE]\n\n")
	return []byte(b.String())
}

// TestHugeEventMemory streams one event whose text is S bytes, its line
// just under 1 MiB, in this goroutine, and counts the bytes allocated and
// the bytes the Target holds afterwards (its pooled stream state).
//
// Allocated: the read window doubles from 4 KiB to 1 MiB, about 2S in all,
// and the chunk's Content is a string of S: 3S, escaped or not. The bound is
// 3.25S. Before, the event's data was joined into a buffer of its own (S
// more: 4S), and escaped text went to encoding/json, which copied the event
// into its kept json.Decoder's buffer (about 2S as it doubled) and unquoted
// the text into a buffer of S before the string: 9S.
//
// Held: a state keeps at most 64 KiB (linebuf.MaxKept) of buffers; before,
// it kept the 1 MiB window and the S of joined data (and the Decoder's
// buffer) for the rest of the run. The bound is S/4.
func TestHugeEventMemory(t *testing.T) {
	const size = 1<<20 - 256 // the line, with its JSON around the text, under 1 MiB
	for _, tc := range []struct {
		name    string
		escaped bool
		k       float64
	}{{"plain", false, 3.25}, {"escaped", true, 3.25}} {
		t.Run(tc.name, func(t *testing.T) {
			body := hugeEventBody(size, tc.escaped)
			tg, err := openai.New(openai.Config{Conn: targets.Conn{BaseURL: "http://replay.invalid", Client: &http.Client{Transport: memTransport{body}}}})
			if err != nil {
				t.Fatal(err)
			}
			got := 0
			onChunk := func(c targets.Chunk) { got += len(c.Content) }
			var before, after, held runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err = tg.Stream(context.Background(), targets.Request{Model: "m", Prompt: "p", MaxTokens: 1}, onChunk)
			runtime.ReadMemStats(&after)
			runtime.GC() // the pool's states move to its victim cache, still held
			runtime.ReadMemStats(&held)
			if err != nil || got < size-size/64 {
				t.Fatalf("Stream: %d bytes of content, %v", got, err)
			}
			t.Logf("allocated %.2f S, held %.3f S", float64(after.TotalAlloc-before.TotalAlloc)/size, float64(int64(held.HeapAlloc)-int64(before.HeapAlloc))/size)
			if n := after.TotalAlloc - before.TotalAlloc; float64(n) > tc.k*size {
				t.Errorf("one event of %d bytes allocated %d bytes, %.2f times the event; want at most %.2f", size, n, float64(n)/size, tc.k)
			}
			if n := int64(held.HeapAlloc) - int64(before.HeapAlloc); n > size/4 {
				t.Errorf("after the stream the Target holds %d bytes more than before, %.2f times the event; want at most 0.25", n, float64(n)/size)
			}
			runtime.KeepAlive(tg)
		})
	}
}

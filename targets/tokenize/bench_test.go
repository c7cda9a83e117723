package tokenize

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// answer is a server's tokenize answer for a prompt of n tokens, written as
// the server writes it (compact JSON): vLLM's pydantic TokenizeResponse
// (its token_strs null unless asked for), llama-server's ids, TGI's list of
// tokens with their text and byte offsets (serde). The ids are spread as a
// 128K vocabulary's are in English text: mostly 3 to 5 digits.
func answer(kind Kind, n int) []byte {
	r := rand.New(rand.NewPCG(uint64(n), 7))
	pieces := []string{" the", " of", "ing", " a", "\\n", ".", " model", " caf\u00e9", "\\\"", " 2026", "\\u0000"}
	var b strings.Builder
	switch kind {
	case VLLM, SGLang:
		fmt.Fprintf(&b, `{"count":%d,"max_model_len":131072,"tokens":[`, n)
	case LlamaCpp:
		b.WriteString(`{"tokens":[`)
	case TGI:
		b.WriteString(`[`)
	}
	at := 0
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		id := 128000
		if i > 0 {
			id = int(r.ExpFloat64()*8000) % 128000
		}
		if kind != TGI {
			b.WriteString(strconv.Itoa(id))
			continue
		}
		p := pieces[r.IntN(len(pieces))]
		fmt.Fprintf(&b, `{"id":%d,"text":"%s","start":%d,"stop":%d}`, id, p, at, at+len(p))
		at += len(p)
	}
	switch kind {
	case VLLM, SGLang:
		b.WriteString(`],"token_strs":null}`)
	case LlamaCpp:
		b.WriteString(`]}`)
	case TGI:
		b.WriteString(`]`)
	}
	return []byte(b.String())
}

// BenchmarkCount: what CountTokens spends reading an answer of n tokens,
// with scan (decode) and with encoding/json alone (decodeJSON, as before
// scan).
func BenchmarkCount(b *testing.B) {
	for _, kind := range []Kind{VLLM, LlamaCpp, TGI} {
		for _, n := range []int{128, 2048, 32768} {
			data := answer(kind, n)
			c := &Client{kind: kind}
			for _, dec := range []struct {
				name string
				f    func([]byte) ([]int, int, error)
			}{{"scan", func(d []byte) ([]int, int, error) { return c.decode(d, false) }}, {"json", c.decodeJSON}} {
				b.Run(fmt.Sprintf("%s/tokens=%d/%s", kind, n, dec.name), func(b *testing.B) {
					b.SetBytes(int64(len(data)))
					b.ReportAllocs()
					for b.Loop() {
						ids, count, err := dec.f(data)
						if count < 0 {
							count = len(ids)
						}
						if err != nil || count != n {
							b.Fatal(count, err)
						}
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/token")
				})
			}
		}
	}
}

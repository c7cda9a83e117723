package tokenizer

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// benchWords are the synthetic prompt's words (loadgen's list): about one
// token each.
var benchWords = strings.Fields(`the of and to in is that for it as was with be by on not he this are or
his from at which but have an had they you were their one all we can her has there been if more when
will would who so no time day water light house world small large river city road tree`)

// benchPrompts returns n prompts of about 512 tokens.
func benchPrompts(n int) []string {
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]string, n)
	for i := range out {
		var b strings.Builder
		for j := range 500 {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(benchWords[rng.IntN(len(benchWords))])
			if j%17 == 16 {
				b.WriteString(". ")
			}
		}
		out[i] = b.String()
	}
	return out
}

// BenchmarkCount512 counts prompts of about 512 tokens; ns/op × 10,000 is
// the cost of sizing a 10,000-request workload.
func BenchmarkCount512(b *testing.B) {
	for _, name := range []string{"qwen3", "qwen3-cl100k", "mistral", "mistral-metaspace"} {
		b.Run(name, func(b *testing.B) {
			var v variant
			for _, x := range readVariants(b, "testdata") {
				if x.Name == name {
					v = x
				}
			}
			tk := loadVariant(b, "testdata", v)
			prompts := benchPrompts(64)
			n := 0
			for _, p := range prompts {
				n += tk.Count(p, true)
			}
			i := 0
			for b.Loop() {
				tk.Count(prompts[i%len(prompts)], true)
				i++
			}
			// After the loop: b.Loop's first call resets the timer, which
			// deletes the metrics reported before it.
			b.ReportMetric(float64(n)/float64(len(prompts)), "tokens/prompt")
		})
	}
}

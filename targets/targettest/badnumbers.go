package targettest

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/inferbench/inferbench/targets"
)

// BadInts are values a hostile or broken server has written where a count
// or an integer time belongs, none of them a JSON integer that fits an
// int64: past int64 either way, past float64, a fraction, a string, a
// boolean, an object, an array. An adapter reads each as not reported
// (targets.Int), and the event that carries it still counts.
var BadInts = []string{`9223372036854775808`, `-9223372036854775809`, `1e309`, `3.7`, `"12"`, `true`, `{}`, `[]`}

// BadFloats are the values of BadInts that are no JSON number a float64
// holds, as a server has written them where a time in seconds or
// milliseconds belongs: an adapter reads each as not reported
// (targets.Float).
var BadFloats = []string{`1e309`, `-1e309`, `"12"`, `true`, `{}`, `[]`, `null`}

// CheckBadNumbers is an adapter's test that a bad number is not reported:
// for each value of BadInts (extra ones first) it streams what stream
// builds with fill, which writes the value for each {N} and the value of
// BadFloats at its index for each {T}, and checks that the stream succeeds
// with its token chunks' text text and its final final: each bad number
// read as absent, the event that carries it still counted.
func CheckBadNumbers(t *testing.T, text string, final targets.Final, stream func(t *testing.T, fill func(string) string) Result, extra ...string) {
	t.Helper()
	for i, bad := range append(slices.Clone(extra), BadInts...) {
		badTime := BadFloats[i%len(BadFloats)]
		t.Run(bad, func(t *testing.T) {
			r := stream(t, strings.NewReplacer("{N}", bad, "{T}", badTime).Replace)
			if r.Err != nil {
				t.Fatalf("count %s, time %s: %v", bad, badTime, r.Err)
			}
			var got strings.Builder
			for _, c := range r.Chunks {
				got.WriteString(c.Content)
			}
			if got.String() != text || r.TokenChunks() == 0 {
				t.Errorf("count %s, time %s: text %q in %d token chunks; want %q", bad, badTime, got.String(), r.TokenChunks(), text)
			}
			if diff := cmp.Diff(final, r.Final); diff != "" {
				t.Errorf("count %s, time %s: final (-want +got):\n%s", bad, badTime, diff)
			}
		})
	}
}

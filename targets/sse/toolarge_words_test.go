package sse_test

import (
	"strings"
	"testing"

	"github.com/inferbench/inferbench/targets/ndjson"
	"github.com/inferbench/inferbench/targets/sse"
)

// TestTooLargeSaysItInMiB: an event over the default bound said "a line of
// more than 16777222 bytes" (16 MiB of data and the "data: " field name)
// where README says 16 MiB: the bound is said in the unit people read it
// in, 16 MiB, 64 KiB, or bytes where it is no whole unit. NDJSON's too.
func TestTooLargeSaysItInMiB(t *testing.T) {
	for _, c := range []struct {
		max  int
		want string
	}{{0, "more than 16 MiB"}, {64 << 10, "more than 64 KiB"}, {1000, "more than 1000 bytes"}} {
		n := c.max
		if n == 0 {
			n = sse.DefaultMaxEventSize
		}
		r := sse.NewReader(strings.NewReader("data: " + strings.Repeat("x", n+1) + "\n\n"))
		r.SetMaxEventSize(c.max)
		if _, err := r.Next(); err == nil || !strings.HasSuffix(err.Error(), c.want) {
			t.Errorf("sse, bound %d: %v; want ...%q", n, err, c.want)
		}
		nr := ndjson.NewReader(strings.NewReader(strings.Repeat("x", n+1) + "\n"))
		nr.SetMaxLineSize(c.max)
		if _, err := nr.Next(); err == nil || !strings.HasSuffix(err.Error(), c.want) {
			t.Errorf("ndjson, bound %d: %v; want ...%q", n, err, c.want)
		}
	}
}

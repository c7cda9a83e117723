package targets_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/inferbench/inferbench/targets"
)

// A server's retry hint, whatever it writes, is a duration between 0 and
// MaxRetryAfter: before, "Retry-After: 1e308" overflowed to a negative
// duration and the record said retry_after_ms -9223372036854.
func TestRetryAfterBounds(t *testing.T) {
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		header, value string
		want          time.Duration
	}{
		{"Retry-After", "2", 2 * time.Second},
		{"Retry-After", "1e308", targets.MaxRetryAfter},
		{"Retry-After", "1e10", targets.MaxRetryAfter},
		{"Retry-After", "-5", 0},
		{"Retry-After", "NaN", 0},
		{"Retry-After", "+Inf", 0},
		{"Retry-After", "soon", 0},
		{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT", 0},                     // past
		{"Retry-After", "Thu, 03 Dec 2026 12:00:30 GMT", 30 * time.Second},      // 30 s ahead
		{"Retry-After", "Wed, 21 Oct 2099 07:28:00 GMT", targets.MaxRetryAfter}, // far future
		{"Retry-After-Ms", "1500", 1500 * time.Millisecond},
		{"Retry-After-Ms", "1e308", targets.MaxRetryAfter},
		{"Retry-After-Ms", "NaN", 0},
	} {
		h := http.Header{}
		h.Set(tc.header, tc.value)
		if got := targets.RetryAfter(h, now); got != tc.want {
			t.Errorf("%s: %s → %v; want %v", tc.header, tc.value, got, tc.want)
		}
	}
}

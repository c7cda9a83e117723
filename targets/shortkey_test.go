package targets

import (
	"errors"
	"testing"
)

// TestShortKeyRedactedAsAWordOnly: a local server's placeholder key ("x",
// "none", "test") was removed from inside every word, so a probe warning
// read "conte[REDACTED]t deadline e[REDACTED]ceeded". A key shorter than
// MinWordKey is removed where it stands alone (between characters that
// are not letters or digits, or the ends); a longer one wherever it is,
// as before.
func TestShortKeyRedactedAsAWordOnly(t *testing.T) {
	for _, tc := range []struct{ key, in, want string }{
		{"x", "context deadline exceeded", "context deadline exceeded"},
		{"x", "Authorization: Bearer x", "Authorization: Bearer [REDACTED]"},
		{"x", "x-api-key=x&y=1", "[REDACTED]-api-key=[REDACTED]&y=1"},
		{"none", "none of none1 or anone", "[REDACTED] of none1 or anone"},
		{"test", "\"test\" failed: a test", "\"[REDACTED]\" failed: a [REDACTED]"},
		{"sk-abcdefgh", "zzsk-abcdefghzz and sk-abcdefgh", "zz[REDACTED]zz and [REDACTED]"},
	} {
		r := NewRedactor(tc.key)
		if got := r.Redact(tc.in); got != tc.want {
			t.Errorf("key %q: Redact(%q) = %q; want %q", tc.key, tc.in, got, tc.want)
		}
		if err := errors.New(tc.in); (r.Err(err) != err) != (tc.in != tc.want) {
			t.Errorf("key %q: Err(%q) = %v; want it changed only where Redact changes it", tc.key, tc.in, r.Err(err))
		}
	}
}

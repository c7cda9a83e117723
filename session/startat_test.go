package session

import (
	"strings"
	"testing"
	"time"
)

// TestParseStartAt: --start-at is an RFC 3339 time with its zone, at most
// a day ahead. A time without a zone says to add one (it was "want an RFC
// 3339 time" with nothing on what was missing); one 30 days ahead is
// refused as a typo (it waited 720 h without a word).
func TestParseStartAt(t *testing.T) {
	now := time.Date(2026, 12, 6, 7, 0, 0, 0, time.UTC)
	if got, err := ParseStartAt("2026-12-06T07:03:00Z", now); err != nil || !got.Equal(now.Add(3*time.Minute)) {
		t.Errorf("3 min ahead: %v, %v", got, err)
	}
	if _, err := ParseStartAt("2026-12-01T07:03:00Z", now); err != nil {
		t.Errorf("passed: %v; want it taken (the run warns and starts)", err)
	}
	for s, want := range map[string]string{
		"2026-12-06T07:18:08":  `--start-at "2026-12-06T07:18:08" has no time zone: add Z for UTC (2026-12-06T07:18:08Z)`,
		"2027-01-05T07:00:00Z": "--start-at 2027-01-05T07:00:00Z is 30 days away, more than 24h0m0s: a typo?",
		"tomorrow":             `want an RFC 3339 time such as 2026-11-27T10:00:00Z, got "tomorrow"`,
	} {
		if _, err := ParseStartAt(s, now); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseStartAt(%q) = %v; want %q", s, err, want)
		}
	}
	if got := AgoWords(60751 * time.Hour); got != "2531 days" {
		t.Errorf("AgoWords(60751h) = %q", got)
	}
}

package history

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAddIsAllOrNone: history add A B C with B missing added A, stopped at
// B, and said nothing of C: a retried step could not tell what was
// stored (remove is all or none). Every run is read before any is added:
// one that cannot be adds none, and the error says so.
func TestAddIsAllOrNone(t *testing.T) {
	stores(t, func(t *testing.T, spec string) {
		ctx, root := t.Context(), t.TempDir()
		a, b, c := filepath.Join(root, "a"), filepath.Join(root, "b"), filepath.Join(root, "c")
		writeRun(t, a, "nightly", 50, time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), 1)
		writeRun(t, c, "nightly", 50, time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC), 3)
		var stdout, stderr bytes.Buffer
		err := RunAdd(ctx, CommandOptions{Store: spec, Args: []string{a, b, c}}, &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), b) || !strings.Contains(err.Error(), "none of the 3 runs was added") {
			t.Errorf("history add A B C, B missing: %v; want B named and none of the 3 added", err)
		}
		if strings.Contains(stdout.String(), "added") {
			t.Errorf("history add A B C, B missing, said %q", stdout.String())
		}
		entries, err := openStore(t, spec).List(ctx, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 0 {
			t.Errorf("history add A B C, B missing, stored %d runs; want none", len(entries))
		}
		writeRun(t, b, "nightly", 50, time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC), 2)
		stdout.Reset()
		if err := RunAdd(ctx, CommandOptions{Store: spec, Args: []string{a, b, c}}, &stdout, &stderr); err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(stdout.String(), "added as #"); n != 3 {
			t.Errorf("history add A B C:\n%s\nwant 3 added", stdout.String())
		}
	})
}

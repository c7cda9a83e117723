package rundir

import (
	"strings"
	"testing"
)

// TestReadJSONL: blank lines skipped, values in order, a bad line named by file
// and number with the values before it, a line longer than the scanner's
// default 64 KiB read whole.
func TestReadJSONL(t *testing.T) {
	type s struct{ A int }
	got, err := readJSONL[s](strings.NewReader("{\"A\":1}\n\n{\"A\":2}\n"), "x.jsonl")
	if err != nil || len(got) != 2 || got[0].A != 1 || got[1].A != 2 {
		t.Errorf("readJSONL = %v, %v", got, err)
	}
	got, err = readJSONL[s](strings.NewReader("{\"A\":1}\nnot json\n{\"A\":3}\n"), "x.jsonl")
	if err == nil || !strings.HasPrefix(err.Error(), "x.jsonl line 2: ") || len(got) != 1 {
		t.Errorf("readJSONL of a bad line = %v, %v; want the first value and an error naming line 2", got, err)
	}
	long := `{"A":7,"pad":"` + strings.Repeat("x", 100<<10) + `"}` + "\n"
	if got, err := readJSONL[s](strings.NewReader(long), "x.jsonl"); err != nil || len(got) != 1 || got[0].A != 7 {
		t.Errorf("readJSONL of a 100 KiB line = %v, %v", got, err)
	}
}

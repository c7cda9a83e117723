package rundir

import (
	"strings"
	"testing"
)

// TestReadJSONL: blank lines skipped, values in order, a bad line named by file
// and number with the values before it, a line longer than the scanner's
// default 64 KiB read whole, and a time more than a year from the run's
// start refused at its line as a record's is.
func TestReadJSONL(t *testing.T) {
	read := func(s string) ([]GPUSample, error) { return readJSONL[GPUSample](strings.NewReader(s), "x.jsonl") }
	got, err := read("{\"index\":1}\n\n{\"index\":2}\n")
	if err != nil || len(got) != 2 || got[0].Index != 1 || got[1].Index != 2 {
		t.Errorf("readJSONL = %v, %v", got, err)
	}
	got, err = read("{\"index\":1}\nnot json\n{\"index\":3}\n")
	if err == nil || !strings.HasPrefix(err.Error(), "x.jsonl line 2: ") || len(got) != 1 {
		t.Errorf("readJSONL of a bad line = %v, %v; want the first value and an error naming line 2", got, err)
	}
	long := `{"index":7,"name":"` + strings.Repeat("x", 100<<10) + `"}` + "\n"
	if got, err := read(long); err != nil || len(got) != 1 || got[0].Index != 7 {
		t.Errorf("readJSONL of a 100 KiB line = %v, %v", got, err)
	}
	got, err = read("{\"t_ns\":5}\n{\"t_ns\":9223372036854775807}\n")
	if want := "x.jsonl line 2: t_ns 9223372036854775807 is more than a year (31622400000000000 ns) from the run's start: the line is corrupt"; err == nil || err.Error() != want || len(got) != 1 {
		t.Errorf("readJSONL of a time past the bound = %v, %v; want the first value and %q", got, err, want)
	}
	if got, err := read("{\"t_ns\":31622400000000000}\n{\"t_ns\":-31622400000000000}\n"); err != nil || len(got) != 2 {
		t.Errorf("readJSONL of a year either side = %v, %v; want both", got, err)
	}
	for _, f := range []func(string) error{
		func(s string) error { _, err := ReadServerSamples(strings.NewReader(s)); return err },
		func(s string) error { _, err := ReadClientSamples(strings.NewReader(s)); return err },
	} {
		if err := f("{\"t_ns\":-31622400000000001}\n"); err == nil || !strings.Contains(err.Error(), "line 1: t_ns -31622400000000001 is more than a year") {
			t.Errorf("a server or client sample a year and 1 ns before the start: %v; want refused", err)
		}
	}
}

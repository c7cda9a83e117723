package rundir

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// TestReadRecordsSaysALineIsTooLong: a line past MaxRecordLine (here the
// second, a record with a runaway error text) is refused at its number with
// the bound said; it was "bufio.Scanner: token too long".
func TestReadRecordsSaysALineIsTooLong(t *testing.T) {
	first := `{"id":1,"stage":"measure","level":1,"ok":true}` + "\n"
	r := io.MultiReader(strings.NewReader(first+`{"id":2,"error":"`),
		io.LimitReader(repeatReader('x'), MaxRecordLine+1))
	var n int
	var err error
	for _, e := range ReadRecords(r) {
		if e != nil {
			err = e
			break
		}
		n++
	}
	if want := "line 2: a line longer than 64 MiB (the bound of a record)"; n != 1 || err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("%d records, %v; want 1 and an error starting %q", n, err, want)
	}
}

// repeatReader reads as an endless run of one byte.
type repeatReader byte

func (c repeatReader) Read(p []byte) (int, error) {
	copy(p, bytes.Repeat([]byte{byte(c)}, len(p)))
	return len(p), nil
}

package rundir

import (
	"bufio"
	"bytes"
	"io"
	"path/filepath"
)

// CountRecords returns how many records dir/requests.jsonl holds, as
// Run.Records yields them (a last line cut short and a repeated record not
// counted), without decoding when it can: the number of non-blank lines is
// the answer unless it differs from expect, and only then are the records
// read. It answers whether a summary of expect records is still that of
// the file.
func CountRecords(dir string, expect int64) (int64, error) {
	n, err := countLines(filepath.Join(dir, RecordsFile))
	if err != nil || n == expect {
		return n, err
	}
	rd, err := Open(dir)
	if err != nil {
		return 0, err
	}
	n = 0
	for _, err := range rd.Records() {
		if err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// countLines counts the non-blank lines of the file at path, opened as
// Run.Records opens it (OpenFile: a named pipe is refused, not waited on);
// -1 at a line longer than MaxRecordLine, which Run.Records refuses with
// its line number (a device that never ends, /dev/zero, is such a line),
// and -1 for anything but a regular file: a device of short lines
// (/dev/urandom) never ends either, and is counted by decoding, which
// stops at its first line that is no record.
func countLines(path string) (int64, error) {
	f, err := OpenFile(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return -1, nil
	}
	br := bufio.NewReaderSize(f, 256<<10)
	var n, long int64
	blank := true // the line read so far holds nothing
	for {
		chunk, err := br.ReadSlice('\n')
		if len(bytes.TrimSpace(chunk)) > 0 {
			blank = false
		}
		if long += int64(len(chunk)); long > MaxRecordLine {
			return -1, nil
		}
		if err == nil || (err == io.EOF && len(chunk) > 0) {
			if !blank {
				n++
			}
			blank, long = true, 0
		}
		switch err {
		case nil, bufio.ErrBufferFull:
		case io.EOF:
			return n, nil
		default:
			return 0, err
		}
	}
}

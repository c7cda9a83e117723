package rundir

import (
	"bytes"
	"errors"
	"io/fs"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fullFile is a file on a disk that fills: it takes room bytes, then
// writes what still fits and fails with ENOSPC, as write(2) does. It can
// be truncated, as an *os.File can.
type fullFile struct {
	data   bytes.Buffer
	room   int
	append bool // opened for appending: its position reads 0
}

func (f *fullFile) Write(p []byte) (int, error) {
	n := min(len(p), f.room-f.data.Len())
	f.data.Write(p[:n])
	if n < len(p) {
		return n, syscall.ENOSPC
	}
	return n, nil
}

func (f *fullFile) Truncate(size int64) error {
	f.data.Truncate(int(size))
	return nil
}

func (f *fullFile) Seek(offset int64, whence int) (int64, error) {
	if f.append {
		return 0, nil
	}
	return int64(f.data.Len()), nil
}

func (f *fullFile) Stat() (fs.FileInfo, error) { return fullInfo{size: int64(f.data.Len())}, nil }

type fullInfo struct{ size int64 }

func (i fullInfo) Name() string       { return ClientFile }
func (i fullInfo) Size() int64        { return i.size }
func (i fullInfo) Mode() fs.FileMode  { return 0o644 }
func (i fullInfo) ModTime() time.Time { return time.Time{} }
func (i fullInfo) IsDir() bool        { return false }
func (i fullInfo) Sys() any           { return nil }

// TestTelemetryFullDiskLeavesWholeLines: a run on a disk that filled left
// client.jsonl ending in half a line ("write client.jsonl: no space left on
// device"; report: "the last line is incomplete (run cut short?)"), and a
// write after the disk had room again (the record writer gives back the
// line it cut) would have put whole lines after that half one, which stops
// the reader there. The telemetry writer, as the record writer, cuts what
// a failed write left of its line and writes nothing after it.
func TestTelemetryFullDiskLeavesWholeLines(t *testing.T) {
	f := &fullFile{room: 300}
	jw := NewJSONLWriter[ClientSample](f, ClientFile)
	var err error
	wrote := 0
	for i := range 20 {
		if err = jw.Write(ClientSample{TNS: int64(i) * 250e6, CPUSeconds: float64(i) / 7}); err != nil {
			break
		}
		wrote++
	}
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("error %v; want ENOSPC", err)
	}
	f.room = 1 << 20 // the disk has room again
	if err := jw.Write(ClientSample{TNS: 9e9}); err == nil {
		t.Errorf("a write after the failed one succeeded")
	}
	got := f.data.String()
	if got != "" && !strings.HasSuffix(got, "\n") {
		t.Errorf("the file ends in a cut line: %q", got[strings.LastIndexByte(got, '\n')+1:])
	}
	samples, rerr := ReadClientSamples(strings.NewReader(got))
	if rerr != nil || len(samples) != wrote {
		t.Errorf("read back %d samples, %v; want the %d written whole", len(samples), rerr, wrote)
	}
}

// TestTelemetryAppendedFileNotCut: a file written after lines that are not
// the writer's (gpu watch >> FILE: its position reads 0, its size is not)
// is never cut, for where its lines begin is not known.
func TestTelemetryAppendedFileNotCut(t *testing.T) {
	f := &fullFile{room: 100, append: true}
	f.data.WriteString(`{"t_ns":1}` + "\n")
	jw := NewJSONLWriter[ClientSample](f, ClientFile)
	if err := jw.Write(ClientSample{TNS: 2, CPUSeconds: 1.0 / 3}, ClientSample{TNS: 3, CPUSeconds: 1.0 / 3}); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("error %v; want ENOSPC", err)
	}
	if f.data.Len() != 100 {
		t.Errorf("the file was cut to %d bytes: %q", f.data.Len(), f.data.String())
	}
}

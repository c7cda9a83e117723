package loadgen

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"syscall"
	"testing"
	"time"
)

// fillingFile takes room bytes, then writes what still fits and fails with
// ENOSPC, as a file on a disk that fills does; it can be cut back, as an
// *os.File can.
type fillingFile struct {
	data bytes.Buffer
	room int
}

func (f *fillingFile) Write(p []byte) (int, error) {
	n := min(len(p), f.room-f.data.Len())
	f.data.Write(p[:n])
	if n < len(p) {
		return n, syscall.ENOSPC
	}
	return n, nil
}

func (f *fillingFile) Truncate(size int64) error      { f.data.Truncate(int(size)); return nil }
func (f *fillingFile) Seek(int64, int) (int64, error) { return int64(f.data.Len()), nil }
func (f *fillingFile) Stat() (fs.FileInfo, error)     { return fillingInfo(f.data.Len()), nil }

type fillingInfo int64

func (i fillingInfo) Name() string       { return "client.jsonl" }
func (i fillingInfo) Size() int64        { return int64(i) }
func (i fillingInfo) Mode() fs.FileMode  { return 0o644 }
func (i fillingInfo) ModTime() time.Time { return time.Time{} }
func (i fillingInfo) IsDir() bool        { return false }
func (i fillingInfo) Sys() any           { return nil }

// TestWatchClientFullDiskLeavesWholeLines: client.jsonl on a disk that
// filled ended in half a sample (report: "client.jsonl: the last line is
// incomplete (run cut short?)"): WatchClient wrote through its own encoder,
// not the telemetry writer, which cuts what a failed write left.
func TestWatchClientFullDiskLeavesWholeLines(t *testing.T) {
	f := &fillingFile{room: 700}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	err := WatchClient(ctx, time.Now(), time.Millisecond, f)
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("WatchClient = %v; want ENOSPC", err)
	}
	if b := f.data.Bytes(); len(b) > 0 && !bytes.HasSuffix(b, []byte("\n")) {
		t.Errorf("client.jsonl ends in a cut line: %q", b[bytes.LastIndexByte(b, '\n')+1:])
	}
}

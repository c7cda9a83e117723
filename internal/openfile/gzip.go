package openfile

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
)

// Gunzip returns what r holds: r's bytes as they are, or, when r begins
// with gzip's magic bytes (RFC 1952 §2.3.1: 0x1f 0x8b), what they
// decompress to (gz true), whatever the file's name. A file compressed
// another way that a user may give by mistake (zstd, xz, bzip2, a zip
// archive), known by its magic bytes, is a *CompressedError rather than
// text to be read as garbage. What the gzip expands to is not bounded
// here: a caller bounds it, as each knows how large its file may be (a
// thousandfold expansion of zeros takes a few kilobytes).
func Gunzip(r io.Reader) (out io.Reader, gz bool, err error) {
	br := bufio.NewReader(r)
	head, err := br.Peek(6)
	if err != nil && err != io.EOF {
		return nil, false, err
	}
	if bytes.HasPrefix(head, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, true, fmt.Errorf("gzip: %w", err)
		}
		return zr, true, nil
	}
	if e := compressed(head); e != nil {
		return nil, false, e
	}
	return br, false, nil
}

// compressed names the format of a file that begins with head when it is
// one Gunzip does not read, by its magic bytes: zstd (RFC 8878 §3.1.1), xz
// (its file format, §2.1.1.1), bzip2 ("BZh" and the block size, 1 to 9),
// zip (APPNOTE.TXT §4.3.7, a local file header).
func compressed(head []byte) *CompressedError {
	has := func(magic string) bool { return bytes.HasPrefix(head, []byte(magic)) }
	switch {
	case has("\x28\xb5\x2f\xfd"):
		return &CompressedError{"zstd-compressed", "decompress it first (zstd -d)"}
	case has("\xfd7zXZ\x00"):
		return &CompressedError{"xz-compressed", "decompress it first (xz -dk)"}
	case has("BZh") && len(head) > 3 && '1' <= head[3] && head[3] <= '9':
		return &CompressedError{"bzip2-compressed", "decompress it first (bunzip2 -k)"}
	case has("PK\x03\x04"):
		return &CompressedError{"a zip archive", "extract the file from it first (unzip)"}
	}
	return nil
}

// CompressedError is a file compressed in a format Gunzip does not read.
type CompressedError struct {
	Kind string // "zstd-compressed", "a zip archive"
	Undo string // what to do: "decompress it first (zstd -d)"
}

func (e *CompressedError) Error() string {
	return fmt.Sprintf("the file is %s: %s", e.Kind, e.Undo)
}

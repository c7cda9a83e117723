package scenarios

import (
	"bytes"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// utf8Text returns a scenario file's text as UTF-8: UTF-8 as it is, UTF-16
// with a byte order mark (Notepad's "Unicode", Windows PowerShell 5's >;
// YAML allows it) decoded. UTF-16 without its mark (a NUL every other
// byte) is refused, and so is anything else that is not UTF-8, at its
// first such byte: a Latin-1 é became U+FFFD in run.json and in the model
// name sent.
func utf8Text(file string, data []byte) ([]byte, error) {
	if len(data) >= 2 && (data[0] == 0xff && data[1] == 0xfe || data[0] == 0xfe && data[1] == 0xff) {
		return fromUTF16(file, data)
	}
	if len(data) >= 2 && (data[0] == 0) != (data[1] == 0) {
		// "n\x00a\x00…": text of one byte a character, each with a NUL.
		return nil, &Error{File: file, Msg: "the file looks like UTF-16 without a byte order mark (a NUL byte every other byte): save it as UTF-8"}
	}
	if off := invalidUTF8(data); off >= 0 {
		line, col := textPlace(data, off)
		return nil, &Error{File: file, Line: line, Column: col, Msg: fmt.Sprintf("the file is not UTF-8 text (byte 0x%02x): save it as UTF-8", data[off])}
	}
	return data, nil
}

// fromUTF16 decodes data, UTF-16 after its byte order mark, to UTF-8.
func fromUTF16(file string, data []byte) ([]byte, error) {
	big := data[0] == 0xfe
	data = data[2:]
	if len(data)%2 != 0 {
		return nil, &Error{File: file, Msg: "the file starts with a UTF-16 byte order mark but holds an odd number of bytes: save it as UTF-8"}
	}
	units := make([]uint16, len(data)/2)
	for i := range units {
		a, b := uint16(data[2*i]), uint16(data[2*i+1])
		if big {
			units[i] = a<<8 | b
		} else {
			units[i] = b<<8 | a
		}
	}
	var out bytes.Buffer
	out.Grow(len(units))
	line, col := 1, 1
	for i := 0; i < len(units); i++ {
		u := units[i]
		r := rune(u)
		switch {
		case utf16.IsSurrogate(r) && i+1 < len(units):
			r = utf16.DecodeRune(r, rune(units[i+1]))
			i++
		case utf16.IsSurrogate(r):
			r = utf8.RuneError
		}
		if r == utf8.RuneError || r == 0 {
			return nil, &Error{File: file, Line: line, Column: col, Msg: "the file is not UTF-16 text past its byte order mark: save it as UTF-8"}
		}
		out.WriteRune(r)
		if col++; r == '\n' {
			line, col = line+1, 1
		}
	}
	return out.Bytes(), nil
}

// textPlace returns the line and column (in characters, from 1) of byte
// offset off in data.
func textPlace(data []byte, off int) (line, col int) {
	before := data[:off]
	line = 1 + bytes.Count(before, []byte("\n"))
	if i := bytes.LastIndexByte(before, '\n'); i >= 0 {
		before = before[i+1:]
	}
	return line, 1 + utf8.RuneCount(before)
}

// invalidUTF8 returns the offset of the first byte of b that is not UTF-8,
// -1 when b is UTF-8 text.
func invalidUTF8(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

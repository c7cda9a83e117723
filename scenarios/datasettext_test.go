package scenarios

import (
	"fmt"
	"strings"
	"testing"
	"testing/iotest"
)

// TestReadPromptsRefusesWhatItWouldChange: a dataset's prompt is sent as
// the file says, or the file is refused at its line. Bytes that are not
// UTF-8 (a Latin-1 é) were read as U+FFFD and that sent; a ShareGPT array
// followed by more (a second array appended, text) was read to its first
// array's end and the rest dropped without a word.
func TestReadPromptsRefusesWhatItWouldChange(t *testing.T) {
	conv := `{"conversations": [{"from": "human", "value": "hi"}]}`
	for _, c := range []struct {
		format    DatasetFormat
		data, err string
	}{
		{FormatJSONL, "{\"prompt\": \"ok\"}\n{\"prompt\": \"caf\xe9 au lait\"}\n", "dataset: line 2: not UTF-8 text (byte 0xe9 at column 16): save the file as UTF-8"},
		{FormatShareGPT, "[" + conv + ",\n {\"conversations\": [{\"from\": \"human\", \"value\": \"caf\xe9\"}]}]", "dataset: line 2: not UTF-8 text (byte 0xe9): save the file as UTF-8"},
		{FormatShareGPT, "[" + conv + "]\n[" + conv + "]\n", "dataset: line 2: more after the array of conversations: a ShareGPT file is one JSON array"},
		{FormatShareGPT, "[" + conv + "] junk", "dataset: line 1: more after the array of conversations: a ShareGPT file is one JSON array"},
		{FormatShareGPT, `[{"messages": [{"role": "user", "content": "x"}]}, {"conversations": [{"from": "gpt", "value": "y"}]}]`, `dataset: no prompts: none of the 2 conversations has a turn from "human" or "user" with text`},
	} {
		_, err := ReadPrompts(strings.NewReader(c.data), c.format)
		if err == nil || err.Error() != c.err {
			t.Errorf("%s %q:\n got %v\nwant %s", c.format, c.data, err, c.err)
		}
	}
	// A multi-byte character split across the reader's reads is text.
	long := strings.Repeat("é", 40000)
	p, err := ReadPrompts(strings.NewReader(`[{"conversations": [{"from": "human", "value": "`+long+`"}]}]`+"\n\n"), FormatShareGPT)
	if err != nil || p.At(0).Text != long {
		t.Errorf("a long prompt of é: %v", err)
	}
}

// TestShareGPTTextByteByByte: a reader that gives one byte a read cuts
// every character; the text is still text, and a stray byte is still
// found at its line.
func TestShareGPTTextByteByByte(t *testing.T) {
	text := "naïve 日本語 🙂 café"
	data := "[{\"conversations\": [{\"from\": \"human\", \"value\": \"" + text + "\"}]}]"
	p, err := ReadPrompts(iotest.OneByteReader(strings.NewReader(data)), FormatShareGPT)
	if err != nil || p.At(0).Text != text {
		t.Fatalf("one byte a read: %v", err)
	}
	for _, bad := range []string{"\xe6\x97", "\xf0\x9f\x99", "\xc3"} {
		data := "[{\"conversations\": [{\"from\": \"human\", \"value\": \"a\"}]},\n{\"conversations\": [{\"from\": \"human\", \"value\": \"x" + bad + "\"}]}]"
		_, err := ReadPrompts(iotest.OneByteReader(strings.NewReader(data)), FormatShareGPT)
		if want := fmt.Sprintf("dataset: line 2: not UTF-8 text (byte 0x%02x): save the file as UTF-8", bad[0]); err == nil || err.Error() != want {
			t.Errorf("%q cut short: %v; want %s", bad, err, want)
		}
	}
}

package scenarios

import (
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// bom is UTF-8's byte order mark, which Windows editors (Notepad before
// 2019, PowerShell 5's Out-File -Encoding utf8, Excel's "CSV UTF-8") put
// before a file's first line.
const bom = "\xef\xbb\xbf"

// TestDataFilesWithAByteOrderMark: a dataset, a trace or a length file
// saved with UTF-8's byte order mark is read as the same file without it,
// as a scenario file is (YAML allows the mark). Before, each was refused
// at line 1 with encoding/json's "invalid character 'ï' looking for
// beginning of value": a character the file does not hold (the mark's
// first byte read as Latin-1), and no word of what to change.
func TestDataFilesWithAByteOrderMark(t *testing.T) {
	jsonl := "{\"prompt\": \"hello\", \"output_tokens\": 3}\n{\"prompt\": \"world\"}\n"
	sharegpt := `[{"conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "hello there"}]}]`
	for _, c := range []struct {
		format DatasetFormat
		data   string
	}{{FormatJSONL, jsonl}, {FormatShareGPT, sharegpt}} {
		want, err := ReadPrompts(strings.NewReader(c.data), c.format)
		if err != nil {
			t.Fatalf("%s without the mark: %v", c.format, err)
		}
		for _, oneByte := range []bool{false, true} {
			name := "whole"
			var src io.Reader = strings.NewReader(bom + c.data)
			if oneByte {
				name, src = "byte by byte", iotest.OneByteReader(src)
			}
			got, err := ReadPrompts(src, c.format)
			if err != nil {
				t.Errorf("%s with the mark, %s: %v", c.format, name, err)
				continue
			}
			if got.Len() != want.Len() || got.At(0) != want.At(0) {
				t.Errorf("%s with the mark, %s: first prompt %+v of %d, want %+v of %d", c.format, name, got.At(0), got.Len(), want.At(0), want.Len())
			}
		}
	}

	trace := "{\"offset_ms\": 0, \"prompt_tokens\": 5, \"output_tokens\": 7}\n{\"offset_ms\": 10, \"prompt_tokens\": 6, \"output_tokens\": 8}\n"
	wantT, err := ReadTrace(strings.NewReader(trace))
	if err != nil {
		t.Fatal(err)
	}
	gotT, err := ReadTrace(strings.NewReader(bom + trace))
	if err != nil || !reflect.DeepEqual(gotT, wantT) {
		t.Errorf("a trace with the mark: %v, %v; want %v", gotT, err, wantT)
	}

	gotL, err := ReadLengths(strings.NewReader(bom + "12\n34\n"))
	if err != nil || !slices.Equal(gotL, []int{12, 34}) {
		t.Errorf("a length file with the mark: %v, %v; want [12 34]", gotL, err)
	}

	// The mark is taken only where it is one: at the very start. Inside a
	// line it is text like any other, and a prompt that holds it is sent
	// as written.
	p, err := ReadPrompts(strings.NewReader("{\"prompt\": \"a"+bom+"b\"}\n"), FormatJSONL)
	if err != nil || p.At(0).Text != "a"+bom+"b" {
		t.Errorf("a mark inside a prompt: %v, %q", err, p.At(0).Text)
	}
	if _, err := ReadLengths(strings.NewReader("12\n" + bom + "34\n")); err == nil {
		t.Error("a mark before line 2's length was taken")
	}
}

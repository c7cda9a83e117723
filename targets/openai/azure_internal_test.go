package openai

import (
	"bytes"
	"os"
	"reflect"
	"testing"
)

// TestAzureChunksFastPath: every data event of the Azure streams (prompt
// annotations with "choices": [], annotation chunks with
// content_filter_results / content_filter_offsets and no delta) decodes on
// the hand-written fast path exactly as encoding/json decodes it, so the
// fast path cannot count an annotation as a token.
func TestAzureChunksFastPath(t *testing.T) {
	for _, name := range []string{"azure-chat-stream-async-filter-docs", "azure-chat-stream-async-filter-blocked-docs"} {
		b, err := os.ReadFile("testdata/" + name + ".txt")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, line := range bytes.Split(b, []byte("\n")) {
			data, ok := bytes.CutPrefix(line, []byte("data: "))
			data = bytes.TrimSpace(data)
			if !ok || len(data) == 0 || data[0] != '{' {
				continue
			}
			n++
			var fast eventJSON
			if !fastDecode(data, &fast) {
				t.Errorf("%s: fast path refused %s", name, data)
				continue
			}
			slow, err := slowDecode(data)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(&fast, slow) {
				t.Errorf("%s: fast %+v, encoding/json %+v", name, fast, *slow)
			}
		}
		if n < 8 {
			t.Errorf("%s: only %d events read", name, n)
		}
	}
}

package tokenizer

import (
	"strings"
	"testing"
)

// TestTypeErrorsInWords: a tokenizer.json whose values have the wrong JSON
// types (a list where the file's object belongs, a string where a model's
// vocabulary list belongs, a number for an added token's content) is
// refused in the words internal/jsonerr gives run.json and datasets: the
// field and what belongs there. Before, Go's own words came out: "json:
// cannot unmarshal array into Go value of type tokenizer.fileJSON",
// "… into Go struct field unigramJSON.vocab of type []json.RawMessage".
func TestTypeErrorsInWords(t *testing.T) {
	for _, c := range []struct{ data, want string }{
		{`[1, 2, 3]`, "invalid tokenizer.json: 1:1: value: a JSON array where an object belongs"},
		{`{"model": {"type": "Unigram", "vocab": "x"}}`, "model: vocab: a JSON string where a list belongs"},
		{`{"model": {"type": 7}}`, "model: type: a JSON number where a string belongs"},
		{`{"model": {"type": "Unigram", "vocab": [[7, 0.5]]}}`, "model: vocab[0]: piece: value: a JSON number where a string belongs"},
		{"{\"added_tokens\": [{\"id\": 0, \"content\": 5}],\n \"model\": {\"type\": \"BPE\"}}", "invalid tokenizer.json: 1:40: added_tokens.content: a JSON number where a string belongs"},
	} {
		_, err := Parse([]byte(c.data))
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "Go ") {
			t.Errorf("Parse(%s): %v; want it to say %q, not Go's words", c.data, err, c.want)
		}
	}
}

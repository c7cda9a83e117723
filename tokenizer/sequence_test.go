package tokenizer

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestSequenceListIsAStructField: sequenceList reads a Sequence's list as
// the one-field struct each kind declared did: the key in any case, other
// keys ignored, and a list of the wrong type refused in encoding/json's
// words for that struct's field.
func TestSequenceListIsAStructField(t *testing.T) {
	for _, key := range []string{"decoders", "normalizers", "pretokenizers"} {
		raws, err := sequenceList("x Sequence", key, json.RawMessage(`{"type": "Sequence", "other": 3, "`+strings.ToUpper(key)+`": [{"type": "A"}, null]}`))
		if err != nil || len(raws) != 2 || string(raws[0]) != `{"type": "A"}` || string(raws[1]) != "null" {
			t.Errorf("%s: got %q, %v", key, raws, err)
		}
		_, err = sequenceList("x Sequence", key, json.RawMessage(`{"`+key+`": "a"}`))
		want := "x Sequence: json: cannot unmarshal string into Go struct field ." + key + " of type []json.RawMessage"
		if err == nil || err.Error() != want {
			t.Errorf("%s: error %v, want %q", key, err, want)
		}
	}
}

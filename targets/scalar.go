package targets

import (
	"bytes"
	"encoding/json"
)

// Scalar returns a JSON string's value or a number's text, "" for anything
// else (null, objects, arrays, an invalid string): how the adapters read an
// error body's code and message, which servers write either way.
func Scalar(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return ""
		}
		return s
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return string(raw)
	}
	return ""
}

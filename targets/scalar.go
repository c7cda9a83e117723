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

// JSONText returns a JSON value as text: a string's value, any other value
// (a number, an object, a string that does not decode) as it is written,
// without the space around it. ok is false when raw is absent or null. It
// is how the adapters read a field that is text or anything else, such as
// an in-stream error or tool-call arguments.
func JSONText(raw json.RawMessage) (s string, ok bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return "", false
	}
	if raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		return s, true
	}
	return string(raw), true
}

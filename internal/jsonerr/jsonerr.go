// Package jsonerr says what encoding/json's type errors mean in the words a
// user reads: the field whose value has the wrong type and what belongs
// there ("prompt: a JSON number where a string belongs"), not Go's ("Go
// struct field jsonlPrompt.prompt of type string").
package jsonerr

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"
)

// Want is how a user reads the Go type t a JSON value was decoded into:
// "a string", "a whole number" ("a whole number ≥ 0" for an unsigned one:
// -1 is a whole number), "a number", "true or false", "an object", "a
// list", else "another type".
func Want(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number ≥ 0"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Pointer:
		return Want(t.Elem())
	}
	return "another type"
}

// Words is the field and the mismatch of a type error: "prompt: a JSON
// number where a string belongs" ("value" for a value that is not a
// field's).
func Words(te *json.UnmarshalTypeError) string {
	return fmt.Sprintf("%s: a JSON %s where %s belongs", cmp.Or(te.Field, "value"), te.Value, Want(te.Type))
}

// TypeError is err in words when it is a *json.UnmarshalTypeError (Words),
// a syntax error with its non-ASCII byte said as one (Syntax), else err as
// it is. Take the error's place (Position) first: the words keep none.
func TypeError(err error) error {
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return errors.New(Words(te))
	}
	return Syntax(err)
}

// Position is the line and column (1-based) in data where a JSON syntax
// or type error of decoding data stands; false for another error, or an
// offset outside data.
func Position(data []byte, err error) (line, col int, ok bool) {
	off := int64(-1)
	if se, is := errors.AsType[*json.SyntaxError](err); is {
		off = se.Offset
	} else if te, is := errors.AsType[*json.UnmarshalTypeError](err); is {
		off = te.Offset
	}
	if off < 0 || off > int64(len(data)) {
		return 0, 0, false
	}
	// Offset counts the bytes read, the offending one included.
	pos := max(int(off)-1, 0)
	return 1 + bytes.Count(data[:pos], []byte("\n")), pos - bytes.LastIndexByte(data[:pos], '\n'), true
}

// Syntax returns err with a non-ASCII byte said as one: encoding/json
// names the byte it stopped at as a character of its own, so the first
// byte of "é" (0xc3) outside a string reads "invalid character 'Ã'", a
// character the file does not hold. Other errors are returned as they are.
func Syntax(err error) error {
	se, ok := errors.AsType[*json.SyntaxError](err)
	if !ok {
		return err
	}
	msg := se.Error()
	const prefix = "invalid character '"
	if !strings.HasPrefix(msg, prefix) {
		return err
	}
	r, size := utf8.DecodeRuneInString(msg[len(prefix):])
	if r < 0x80 || r > 0xff || !strings.HasPrefix(msg[len(prefix)+size:], "'") {
		return err
	}
	return errors.New(fmt.Sprintf("invalid byte 0x%02x (not ASCII: text outside quotes?)", r) + msg[len(prefix)+size+1:])
}

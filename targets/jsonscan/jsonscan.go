// Package jsonscan is JSON's grammar for the hand-written scanners on the
// hot path (targets/openai's fast decoder, targets/tokenize's answer
// scanner): white space, strings and their escapes, numbers, literals and
// nested values, read as RFC 8259 writes them, so that a value those
// scanners skip or check is accepted exactly when encoding/json accepts it.
// It decodes nothing: what a value means is the scanner's.
//
// Each function reads b from index i and returns the index it stopped at;
// ok false means the bytes at i are not the thing it reads (that index is
// then anywhere, for the caller to give up on).
package jsonscan

// Space returns the index of the first byte at or after i that is not
// JSON white space (space, tab, line feed, carriage return).
func Space(b []byte, i int) int {
	for uint(i) < uint(len(b)) && space[b[i]] {
		i++
	}
	return i
}

// space marks JSON's white space: a table load a byte, where a switch
// compared each byte with all four.
var space = [256]bool{' ': true, '\t': true, '\n': true, '\r': true}

// plain marks the bytes a string holds as they are: all but the control
// characters, the quote and the backslash. One table load a byte skips a
// run of them.
var plain = func() (t [256]bool) {
	for c := 0x20; c < len(t); c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// String reads the string that opens at b[i] and returns the index after
// its closing quote. Control characters are refused and escapes are those
// of RFC 8259 (\uXXXX with four hex digits); other bytes pass, UTF-8 or
// not, as encoding/json reads them (it replaces invalid UTF-8, it does not
// refuse it): a caller that decodes the string checks its UTF-8 itself.
func String(b []byte, i int) (end int, ok bool) {
	if i >= len(b) || b[i] != '"' {
		return i, false
	}
	for i++; i < len(b); {
		c := b[i]
		if plain[c] {
			i++
			continue
		}
		switch c {
		case '"':
			return i + 1, true
		case '\\':
			if i+1 >= len(b) {
				return i, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) {
					return i, false
				}
				for _, h := range b[i+2 : i+6] {
					if !isHex(h) {
						return i, false
					}
				}
				i += 6
			default:
				return i, false
			}
		default: // a control character
			return i, false
		}
	}
	return i, false
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// digits returns the index after the run of digits at i.
func digits(b []byte, i int) int {
	for i < len(b) && isDigit(b[i]) {
		i++
	}
	return i
}

// Number reads the number at b[i]:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func Number(b []byte, i int) (end int, ok bool) {
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && isDigit(b[i]):
		i = digits(b, i)
	default:
		return i, false
	}
	if i < len(b) && b[i] == '.' {
		j := digits(b, i+1)
		if j == i+1 {
			return j, false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(b, i)
		if j == i {
			return j, false
		}
		i = j
	}
	return i, true
}

// Value reads the value at b[i] (a string, number, literal, object or
// array) nested at most depth deep: a scalar is 1 deep, an array of them
// 2. Object keys are any strings; a key given twice passes, as
// encoding/json reads it.
func Value(b []byte, i, depth int) (end int, ok bool) {
	if i >= len(b) || depth <= 0 {
		return i, false
	}
	switch c := b[i]; {
	case c == '"':
		return String(b, i)
	case c == '-' || isDigit(c):
		return Number(b, i)
	case c == '{':
		return members(b, i, '}', depth)
	case c == '[':
		return members(b, i, ']', depth)
	case c == 't':
		return literal(b, i, "true")
	case c == 'f':
		return literal(b, i, "false")
	case c == 'n':
		return literal(b, i, "null")
	}
	return i, false
}

// members reads the object or array that opens at b[i] and ends with
// closing ('}' or ']'): comma-separated members, each `"key": value` in an
// object, a value in an array, the values at most depth-1 deep.
func members(b []byte, i int, closing byte, depth int) (int, bool) {
	i = Space(b, i+1)
	if i < len(b) && b[i] == closing {
		return i + 1, true
	}
	for {
		var ok bool
		if closing == '}' {
			if i, ok = String(b, i); !ok {
				return i, false
			}
			if i = Space(b, i); i >= len(b) || b[i] != ':' {
				return i, false
			}
			i = Space(b, i+1)
		}
		if i, ok = Value(b, i, depth-1); !ok {
			return i, false
		}
		switch i = Space(b, i); {
		case i < len(b) && b[i] == ',':
			i = Space(b, i+1)
		case i < len(b) && b[i] == closing:
			return i + 1, true
		default:
			return i, false
		}
	}
}

// literal reads lit (true, false or null) at b[i].
func literal(b []byte, i int, lit string) (int, bool) {
	if len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit {
		return i + len(lit), true
	}
	return i, false
}

package targets

import "strconv"

// Int is an integer a server reports about a request (a token count, a
// duration in its unit), as the adapters decode it: a JSON integer that
// fits an int64 is its value; anything else (null, a fraction, an
// exponent, a number past int64, a string, a boolean, an object, an array)
// is not reported, as if the field were absent, and never fails the event
// that carries it: 2^63 completion_tokens in a usage chunk made every
// request of a run a protocol error, while -5 or 2^63−1 were already read
// and dropped. Judging a value that decodes (a negative count, one past any
// context) is loadgen's (DropAbsurd).
type Int struct {
	// N is the value; 0 when none was reported.
	N int64
	// OK reports whether the server gave one.
	OK bool
}

// UnmarshalJSON decodes b, one JSON value as encoding/json hands it over;
// it never fails.
func (n *Int) UnmarshalJSON(b []byte) error {
	*n = Int{}
	if len(b) > 0 && (b[0] == '-' || '0' <= b[0] && b[0] <= '9') {
		if v, err := strconv.ParseInt(string(b), 10, 64); err == nil {
			*n = Int{N: v, OK: true}
		}
	}
	return nil
}

// Float is a number a server reports about a request (a time in seconds or
// milliseconds), as the adapters decode it: a JSON number that fits a
// float64 is its value; anything else (null, a number past float64 such
// as 1e309, a string, a boolean, an object, an array) is not reported, as
// if the field were absent, and never fails the event that carries it.
type Float struct {
	// F is the value; 0 when none was reported.
	F float64
	// OK reports whether the server gave one.
	OK bool
}

// UnmarshalJSON decodes b, one JSON value as encoding/json hands it over;
// it never fails.
func (f *Float) UnmarshalJSON(b []byte) error {
	*f = Float{}
	// A JSON value that starts so is a number: strconv's Inf, NaN and hex
	// forms cannot get here.
	if len(b) > 0 && (b[0] == '-' || '0' <= b[0] && b[0] <= '9') {
		if v, err := strconv.ParseFloat(string(b), 64); err == nil {
			*f = Float{F: v, OK: true}
		}
	}
	return nil
}

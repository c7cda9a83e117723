package targets

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
)

// brokenConn is how net/http's HTTP/1.x transport leads an error met
// reading a response on a connection it then closes.
const brokenConn = "net/http: HTTP/1.x transport connection broken: "

// Plain returns err with the Go client's wrapping taken out of its text,
// so that what the server did reads plainly and alike in every record of
// a run: the url.Error's `Post "URL": ` (the target's URL, the same in
// every request), net/http's "HTTP/1.x transport connection broken: ", and
// of a net.OpError its client-side address (an ephemeral port, different
// in every request) and the system call's name: "read tcp
// 127.0.0.1:59074->127.0.0.1:8000: read: connection reset by peer" reads
// "read 127.0.0.1:8000: connection reset by peer". err stays its chain
// (Unwrap), for errors.Is and As and so for loadgen.Classify.
func Plain(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	plain := msg
	var ue *url.Error
	if errors.As(err, &ue) {
		plain = strings.Replace(plain, fmt.Sprintf("%s %q: ", ue.Op, ue.URL), "", 1)
	}
	plain = strings.Replace(plain, brokenConn, "", 1)
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Source != nil && oe.Addr != nil && oe.Err != nil {
		cause := oe.Err
		var se *os.SyscallError
		if errors.As(cause, &se) {
			cause = se.Err
		}
		plain = strings.Replace(plain, oe.Error(), fmt.Sprintf("%s %s: %v", oe.Op, oe.Addr, cause), 1)
	}
	if plain == msg {
		return err
	}
	return &plainError{msg: plain, err: err}
}

// plainError is an error whose text Plain shortened.
type plainError struct {
	msg string
	err error
}

func (e *plainError) Error() string { return e.msg }
func (e *plainError) Unwrap() error { return e.err }

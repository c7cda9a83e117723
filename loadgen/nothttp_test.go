package loadgen

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// TestNotHTTPHasNoStatus: a server that answers with a line that is not an
// HTTP status line gave no response: its record is a connection failure
// with no status. Before, the bytes it sent made the record say status 200.
func TestNotHTTPHasNoStatus(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				if req, err := http.ReadRequest(bufio.NewReader(conn)); err == nil {
					io.Copy(io.Discard, req.Body)
				}
				io.WriteString(conn, "HELLO THERE\r\n\r\n")
			}()
		}
	}()
	rec := oneChatRequest(t, "http://"+ln.Addr().String())
	if rec.OK || rec.ErrorClass != rundir.Connection || rec.Status != 0 || !strings.Contains(rec.Error, "malformed HTTP") {
		t.Errorf("record: ok %v, class %q, status %d, error %q; want a connection failure with no status, naming the malformed response", rec.OK, rec.ErrorClass, rec.Status, rec.Error)
	}
}

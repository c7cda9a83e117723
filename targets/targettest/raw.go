package targettest

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"testing"
)

// RawServer listens on a loopback port and, for each connection, reads one
// HTTP request whole and hands the connection to respond, which writes
// whatever bytes it likes (a hostile server: broken framing, interim
// responses, odd statuses, a reset); the connection is closed when respond
// returns, unless respond closed it its own way. It returns the server's
// root URL; the listener closes with the test.
func RawServer(t testing.TB, respond func(c net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				req, err := http.ReadRequest(bufio.NewReader(conn))
				if err != nil {
					return
				}
				io.Copy(io.Discard, req.Body)
				respond(conn)
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// Reply is a RawServer's respond that writes s and closes.
func Reply(s string) func(net.Conn) {
	return func(c net.Conn) { io.WriteString(c, s) }
}

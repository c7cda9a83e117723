package openai_test

import (
	"github.com/inferbench/inferbench/targets/targettest"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/openai"
)

// TestTransportErrorsReadPlainly: what a broken server did reads in the
// error, and so in every record and the probe's warning, without the Go
// client's wrapping around it: no client-side address (the ephemeral port
// made every "connection reset" of a run a different message: "read tcp
// 127.0.0.1:59074->127.0.0.1:18032: read: connection reset by peer"), no
// `Post "URL": ` (the target's URL, the same in every one), no
// "net/http: HTTP/1.x transport connection broken: ". The class is
// unchanged: the error's chain is.
func TestTransportErrorsReadPlainly(t *testing.T) {
	for _, tc := range []struct {
		name, answer string
		after        func(*net.TCPConn)
		class        rundir.ErrorClass
		want         string
	}{
		{
			"reset after headers",
			"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n",
			func(c *net.TCPConn) { c.SetLinger(0) },
			rundir.Connection, "connection reset by peer",
		},
		{
			"two Content-Lengths",
			"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello",
			func(*net.TCPConn) {},
			rundir.Protocol, "http: message cannot contain multiple Content-Length headers",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := targettest.RawServer(t, func(c net.Conn) {
				io.WriteString(c, tc.answer)
				tc.after(c.(*net.TCPConn))
			})
			r := stream(t, openai.Config{Conn: targets.Conn{BaseURL: url}}, targets.Request{Model: "m", Prompt: "hi", MaxTokens: 8})
			if r.Err == nil {
				t.Fatal("no error")
			}
			msg := r.Err.Error()
			if got := loadgen.Classify(r.Err); got != tc.class {
				t.Errorf("class %q, want %q (err %v)", got, tc.class, r.Err)
			}
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q: want it to say %q", msg, tc.want)
			}
			for _, noise := range []string{"->", `Post "`, "transport connection broken", "read tcp"} {
				if strings.Contains(msg, noise) {
					t.Errorf("error %q holds %q", msg, noise)
				}
			}
		})
	}
}

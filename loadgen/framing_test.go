package loadgen

import (
	"github.com/inferbench/inferbench/targets/targettest"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// netHTTPError is the error net/http's client gives for a POST to url: Do's,
// or the body's read's when Do returned a response.
func netHTTPError(t *testing.T, client *http.Client, url string) error {
	t.Helper()
	resp, err := client.Post(url, "application/json", strings.NewReader(`{}`))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.ReadAll(resp.Body)
	return err
}

// resetAfter is a rawServer's respond that writes s and then resets the
// connection (SO_LINGER 0: an RST, not a FIN).
func resetAfter(s string) func(net.Conn) {
	return func(c net.Conn) {
		io.WriteString(c, s)
		time.Sleep(20 * time.Millisecond) // the bytes reach the client before the reset
		c.(*net.TCPConn).SetLinger(0)
	}
}

// TestClassifyFraming: a response that breaks HTTP's own framing (its
// status line, headers, chunked encoding, lengths) is protocol, as a bad
// event is: the server broke its protocol. A transport failure is still
// connection: refused, reset, closed before a response or mid-body, TLS
// not verified. Each error is the one net/http's client really gives for
// a raw server's bytes, as Classify gets it from net/http and through the
// OpenAI adapter's runner record. Before, every one was connection.
func TestClassifyFraming(t *testing.T) {
	sseHead := "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
	chunked := sseHead + "Transfer-Encoding: chunked\r\n\r\n"
	event := "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n"
	for _, c := range []struct {
		name    string
		respond func(net.Conn)
		want    rundir.ErrorClass
	}{
		// Protocol: the server broke HTTP/1.1.
		{"not HTTP", targettest.Reply("HELLO THERE\r\n\r\n"), rundir.Protocol},
		{"status code not a number", targettest.Reply("HTTP/1.1 2x0 OK\r\n\r\n"), rundir.Protocol},
		{"no status line", targettest.Reply("abc"), rundir.Protocol},
		{"header line without a colon", targettest.Reply(sseHead + "bad header line\r\n\r\n"), rundir.Protocol},
		{"headers over 10 MiB", targettest.Reply(sseHead + "X-Big: " + strings.Repeat("a", 11<<20) + "\r\n\r\n"), rundir.Protocol},
		{"two Content-Lengths", targettest.Reply(sseHead + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabc"), rundir.Protocol},
		{"bad Content-Length", targettest.Reply(sseHead + "Content-Length: x\r\n\r\nabc"), rundir.Protocol},
		{"unsupported Transfer-Encoding", targettest.Reply(sseHead + "Transfer-Encoding: gzip\r\n\r\nabc"), rundir.Protocol},
		{"chunk size not hex", targettest.Reply(chunked + "zz\r\nabc\r\n"), rundir.Protocol},
		{"chunk size line too long", targettest.Reply(chunked + strings.Repeat("0", 5000) + "1\r\na\r\n"), rundir.Protocol},
		{"chunk not ended by CRLF", targettest.Reply(chunked + "3\r\nabcXX\r\n"), rundir.Protocol},
		{"chunk line ends with bare LF", targettest.Reply(chunked + "3\nabc\r\n"), rundir.Protocol},
		{"malformed trailer", targettest.Reply(chunked + "3\r\nabc\r\n0\r\nbad trailer\r\n\r\n"), rundir.Protocol},
		// Connection: the transport failed.
		{"closed before a response", targettest.Reply(""), rundir.Connection},
		{"reset before a response", resetAfter(""), rundir.Connection},
		{"cut mid-body (Content-Length)", targettest.Reply(sseHead + "Content-Length: 1000\r\n\r\n" + event), rundir.Connection},
		{"cut mid-body (chunked)", targettest.Reply(chunked + "1000\r\n" + event), rundir.Connection},
		{"reset mid-body", resetAfter(chunked + "1000\r\n" + event), rundir.Connection},
	} {
		t.Run(c.name, func(t *testing.T) {
			url := targettest.RawServer(t, c.respond)
			err := netHTTPError(t, &http.Client{Transport: &http.Transport{}}, url)
			if got := Classify(err); got != c.want {
				t.Errorf("net/http's %q (%T) is %q, want %q", err, err, got, c.want)
			}
			rec := oneChatRequest(t, url)
			if rec.ErrorClass != c.want {
				t.Errorf("the record of a chat request: class %q (error %q), want %q", rec.ErrorClass, rec.Error, c.want)
			}
		})
	}

	t.Run("refused", func(t *testing.T) {
		// Port 1 on loopback: nothing listens there (tests elsewhere may
		// be given any port a listener closed).
		err := netHTTPError(t, &http.Client{}, "http://127.0.0.1:1")
		if got := Classify(err); got != rundir.Connection {
			t.Errorf("%q is %q, want connection", err, got)
		}
	})
	t.Run("TLS not verified", func(t *testing.T) {
		srv := httptest.NewUnstartedServer(http.NotFoundHandler())
		srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshakes it refuses
		srv.StartTLS()
		defer srv.Close()
		err := netHTTPError(t, &http.Client{Transport: &http.Transport{}}, srv.URL)
		if got := Classify(err); err == nil || got != rundir.Connection {
			t.Errorf("%v is %q, want connection", err, got)
		}
		if rec := oneChatRequest(t, srv.URL); rec.ErrorClass != rundir.Connection {
			t.Errorf("the record of a chat request: class %q (error %q), want connection", rec.ErrorClass, rec.Error)
		}
	})
}

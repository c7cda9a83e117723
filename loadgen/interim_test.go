package loadgen

import (
	"github.com/inferbench/inferbench/targets/targettest"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/rundir"
)

// TestHeadersAfterAnInterimResponse: headers_ns is the final response's
// headers, not a 1xx interim response's. A server that sends 103 Early
// Hints (or an unasked 100 Continue) at once and its 200 headers a gap
// later has its headers at least the gap after the request was sent.
// Before, httptrace's GotFirstResponseByte, which fires on the interim
// response's first byte, stamped headers_ns a millisecond after the send.
// The status is the final response's.
func TestHeadersAfterAnInterimResponse(t *testing.T) {
	const gap = 200 * time.Millisecond
	for _, interim := range []string{"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n", "HTTP/1.1 100 Continue\r\n\r\n"} {
		t.Run(interim[9:12], func(t *testing.T) {
			url := targettest.RawServer(t, func(c net.Conn) {
				io.WriteString(c, interim)
				time.Sleep(gap)
				io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"+sseOneToken)
			})
			rec := oneChatRequest(t, url)
			if !rec.OK || rec.Status != 200 {
				t.Fatalf("ok %v, status %d, error %q; want a 200 that succeeded", rec.OK, rec.Status, rec.Error)
			}
			if d := time.Duration(rec.HeadersNS - rec.SentNS); d < gap {
				t.Errorf("headers %v after the send; the final response's came at least %v after it", d, gap)
			}
			if rec.HeadersNS > rec.FirstByteNS {
				t.Errorf("headers at %d, after the body's first byte at %d", rec.HeadersNS, rec.FirstByteNS)
			}
		})
	}
}

// TestNoFinalResponseAfterAnInterim: a server that sends 103 and closes
// gave no final response: no headers, no status, a connection failure.
func TestNoFinalResponseAfterAnInterim(t *testing.T) {
	rec := oneChatRequest(t, targettest.RawServer(t, targettest.Reply("HTTP/1.1 103 Early Hints\r\n\r\n")))
	if rec.OK || rec.HeadersNS != 0 || rec.Status != 0 || rec.ErrorClass != rundir.Connection {
		t.Errorf("ok %v, headers %d, status %d, class %q (%s); want no headers, no status, connection", rec.OK, rec.HeadersNS, rec.Status, rec.ErrorClass, rec.Error)
	}
}

// TestEndlessInterimResponses: net/http bounds a response's headers, 1xx
// interim ones included, by 10 MiB, but resets the bound at each interim
// response once a ClientTrace's Got1xxResponse sees them, as the runner's
// does: the runner bounds them itself, so a server that sends 103 forever
// is a protocol failure, not a request held to its timeout.
func TestEndlessInterimResponses(t *testing.T) {
	url := targettest.RawServer(t, func(c net.Conn) {
		hint := strings.Repeat("HTTP/1.1 103 Early Hints\r\nLink: </"+strings.Repeat("a", 1000)+">; rel=preload\r\n\r\n", 64)
		for {
			if _, err := io.WriteString(c, hint); err != nil {
				return
			}
		}
	})
	start := time.Now()
	rec := oneChatRequest(t, url)
	if rec.OK || rec.ErrorClass != rundir.Protocol || rec.HeadersNS != 0 || rec.Status != 0 || !strings.Contains(rec.Error, "interim") {
		t.Errorf("ok %v, class %q, headers %d, status %d (%s); want a protocol failure with no headers, no status", rec.OK, rec.ErrorClass, rec.HeadersNS, rec.Status, rec.Error)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("took %v", d)
	}
}

package targettest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// A Split cuts a body into the pieces a replay writes, each followed by a
// flush. Joined, the pieces must equal the body.
type Split func(body []byte) [][]byte

// Whole writes the body in one piece.
func Whole(body []byte) [][]byte { return [][]byte{body} }

// ByEvent cuts the body after each event: after every empty line ("\n\n",
// "\r\n\r\n" or "\r\r"), so each write carries whole events, as most servers
// send them.
func ByEvent(body []byte) [][]byte {
	var pieces [][]byte
	for len(body) > 0 {
		end := eventEnd(body)
		pieces = append(pieces, body[:end])
		body = body[end:]
	}
	return pieces
}

// MidLine cuts every event of the body in two in the middle of its first
// line, so that no write ends on a line boundary: a reader must join a line
// across reads.
func MidLine(body []byte) [][]byte {
	var pieces [][]byte
	for _, ev := range ByEvent(body) {
		line := len(ev)
		if i := bytes.IndexAny(ev, "\r\n"); i >= 0 {
			line = i
		}
		if cut := line / 2; cut > 0 {
			pieces = append(pieces, ev[:cut], ev[cut:])
			continue
		}
		pieces = append(pieces, ev)
	}
	return pieces
}

// Every cuts the body into pieces of n bytes (the last may be shorter).
// n < 1 is taken as 1.
func Every(n int) Split {
	if n < 1 {
		n = 1
	}
	return func(body []byte) [][]byte {
		var pieces [][]byte
		for len(body) > n {
			pieces = append(pieces, body[:n])
			body = body[n:]
		}
		if len(body) > 0 {
			pieces = append(pieces, body)
		}
		return pieces
	}
}

// eventEnd returns the length of the first event of b including the empty
// line that ends it, or len(b) when no empty line ends it.
func eventEnd(b []byte) int {
	for i := 0; i < len(b); i++ {
		switch {
		case bytes.HasPrefix(b[i:], []byte("\r\n\r\n")):
			return i + 4
		case bytes.HasPrefix(b[i:], []byte("\n\n")), bytes.HasPrefix(b[i:], []byte("\r\r")):
			return i + 2
		}
	}
	return len(b)
}

// A Replay says how to answer requests with a recorded response.
type Replay struct {
	// Response is what every request gets.
	Response *Response
	// Split cuts the body into writes; nil writes Response.Pieces when the
	// recording kept them, else one piece per event (ByEvent).
	Split Split
	// Abort, when set, ends the response after the body by breaking the
	// connection, without the end of the chunked encoding: the client's
	// read of the body fails with io.ErrUnexpectedEOF.
	Abort bool
}

// A Request is what the replay server received.
type Request struct {
	Method, Path string
	Header       http.Header
	Body         []byte
}

// A Server is an httptest.Server that answers every request with a recorded
// response and keeps the requests it received.
type Server struct {
	*httptest.Server

	mu   sync.Mutex
	reqs []Request
}

// NewServer starts a replay server; it is closed when the test ends.
func NewServer(t testing.TB, rp Replay) *Server {
	t.Helper()
	s := &Server{}
	h := Handler(rp)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body})
		s.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// Requests returns the requests received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// Handler returns an http.Handler that answers with rp's response: its
// headers (less Content-Length and Transfer-Encoding, which the server sets
// itself), its status, then its body in pieces, flushing after each.
func Handler(rp Replay) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp := rp.Response
		for k, vs := range resp.Header {
			if k == "Content-Length" || k == "Transfer-Encoding" {
				continue
			}
			w.Header()[k] = append([]string(nil), vs...)
		}
		status := resp.Status
		if status == 0 {
			status = http.StatusOK
		}
		w.WriteHeader(status)
		rc := http.NewResponseController(w)
		_ = rc.Flush()
		pieces := resp.Pieces
		switch {
		case rp.Split != nil:
			pieces = rp.Split(resp.Body)
		case pieces == nil:
			pieces = ByEvent(resp.Body)
		}
		for _, p := range pieces {
			if _, err := w.Write(p); err != nil {
				return
			}
			if err := rc.Flush(); err != nil {
				return
			}
		}
		if rp.Abort {
			panic(http.ErrAbortHandler)
		}
	})
}

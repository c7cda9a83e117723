package loadgen

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/openai"
)

// h2Event is one token of a chat stream.
const h2Event = `data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"hi"}}]}` + "\n\n"

// h2Events writes a 200 event stream's headers and n events, each flushed.
func h2Events(w http.ResponseWriter, n int) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	for range n {
		fmt.Fprint(w, h2Event)
	}
	w.(http.Flusher).Flush()
}

// onlyH2 answers 505 to a request that did not come over HTTP/2, so that a
// client that fell back to HTTP/1.1 fails the test by its status.
func onlyH2(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.ProtoMajor != 2 {
			http.Error(w, "want HTTP/2, got "+r.Proto, http.StatusHTTPVersionNotSupported)
			return
		}
		h(w, r)
	}
}

// TestClassifyHTTP2: a failure over HTTP/2 (hosted APIs and TLS proxies
// speak it) is the class its HTTP/1.1 counterpart is. A stream the server
// resets (RST_STREAM INTERNAL_ERROR, CANCEL, ENHANCE_YOUR_CALM, and
// REFUSED_STREAM once the response has begun) or a
// connection it closes, after a GOAWAY or without one, is connection,
// before the response or mid-body, as a reset or cut HTTP/1.1 connection
// is; a graceful shutdown fails nothing. Frames that break HTTP/2 itself
// are protocol, as broken HTTP/1.1 framing is: a stream or connection
// error PROTOCOL_ERROR, FLOW_CONTROL_ERROR, FRAME_SIZE_ERROR or
// COMPRESSION_ERROR (no :status, a bad header field, DATA out of place, a
// window past 2^31-1, a malformed frame, a header block HPACK cannot
// decode, a header list past the client's 10 MiB), a frame over the
// client's bound, DATA past the content-length.
// Each error is net/http's own (Go's client, on the adapters' transport,
// against net/http's HTTP/2 server or one that writes raw frames), as
// Classify gets it and as the OpenAI adapter's record classes it, with the
// words each case means to make. Before, those breaking HTTP/2 were
// connection, and --retries sent them again.
func TestClassifyHTTP2(t *testing.T) {
	for _, c := range []struct {
		name string
		// one of handler (net/http's server) and respond (raw frames)
		handler func(t *testing.T, srv **httptest.Server) http.HandlerFunc
		respond func(s *h2Stream) bool
		words   string // in the record's error: net/http's, as Go 1.26 says it
		want    rundir.ErrorClass
		status  int // the record's
		chunks  int // the tokens recorded before the failure, at least
	}{
		// net/http's HTTP/2 server.
		{name: "handler aborted before the headers (RST_STREAM INTERNAL_ERROR)", handler: func(*testing.T, **httptest.Server) http.HandlerFunc {
			return func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }
		}, words: "stream error: stream ID 1; INTERNAL_ERROR; received from peer", want: rundir.Connection},
		{name: "handler aborted after 3 events (RST_STREAM INTERNAL_ERROR)", handler: func(*testing.T, **httptest.Server) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				h2Events(w, 3)
				time.Sleep(20 * time.Millisecond) // the events reach the client before the reset
				panic(http.ErrAbortHandler)
			}
		}, words: "stream error: stream ID 1; INTERNAL_ERROR; received from peer", want: rundir.Connection, status: 200, chunks: 3},
		{name: "graceful shutdown mid-stream (GOAWAY NO_ERROR): the stream finishes", handler: func(t *testing.T, srv **httptest.Server) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				h2Events(w, 2)
				go (*srv).Config.Shutdown(context.Background())
				time.Sleep(200 * time.Millisecond) // the GOAWAY goes out
				fmt.Fprint(w, h2Event+"data: [DONE]\n\n")
			}
		}, status: 200, chunks: 3},
		{name: "GOAWAY, then the connection closed mid-stream", handler: func(t *testing.T, srv **httptest.Server) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				h2Events(w, 2)
				ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
				defer cancel()
				(*srv).Config.Shutdown(ctx) // sends GOAWAY, waits for this handler until ctx ends
				(*srv).CloseClientConnections()
				<-r.Context().Done()
			}
		}, words: "http2: server sent GOAWAY and closed the connection; LastStreamID=1, ErrCode=NO_ERROR", want: rundir.Connection, status: 200, chunks: 2},
		{name: "connection closed mid-stream without a GOAWAY", handler: func(t *testing.T, srv **httptest.Server) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				h2Events(w, 2)
				time.Sleep(20 * time.Millisecond)
				(*srv).CloseClientConnections()
				<-r.Context().Done()
			}
		}, words: "unexpected EOF", want: rundir.Connection, status: 200, chunks: 2},

		// A server that writes raw frames.
		{name: "REFUSED_STREAM once: net/http sends the request again at once", respond: refuseFirst(1), status: 200, chunks: 1},
		{name: "GOAWAY NO_ERROR naming the stream, then the connection closed mid-stream", respond: func(s *h2Stream) bool {
			s.sse()
			s.data(h2Event, false)
			s.fr.WriteGoAway(s.id, http2.ErrCodeNo, nil)
			return false
		}, words: "http2: server sent GOAWAY and closed the connection; LastStreamID=1, ErrCode=NO_ERROR", want: rundir.Connection, status: 200, chunks: 1},
		{name: "RST_STREAM CANCEL after an event", respond: resetAfterEvent(http2.ErrCodeCancel), words: "stream error: stream ID 1; CANCEL; received from peer", want: rundir.Connection, status: 200, chunks: 1},
		{name: "RST_STREAM ENHANCE_YOUR_CALM after an event", respond: resetAfterEvent(http2.ErrCodeEnhanceYourCalm), words: "stream error: stream ID 1; ENHANCE_YOUR_CALM; received from peer", want: rundir.Connection, status: 200, chunks: 1},
		{name: "RST_STREAM REFUSED_STREAM after an event: not sent again, the response had begun", respond: resetAfterEvent(http2.ErrCodeRefusedStream), words: "stream error: stream ID 1; REFUSED_STREAM; received from peer", want: rundir.Connection, status: 200, chunks: 1},
		{name: "header list over the client's 10 MiB, in CONTINUATION frames of 16 KiB", respond: func(s *h2Stream) bool {
			s.buf.Reset()
			s.enc.WriteField(hpack.HeaderField{Name: ":status", Value: "200"})
			for range 11 {
				s.enc.WriteField(hpack.HeaderField{Name: "x-pad", Value: strings.Repeat("a", 1<<20)})
			}
			block := s.buf.Bytes()
			const frame = 16 << 10
			s.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: s.id, BlockFragment: block[:frame]})
			for block = block[frame:]; len(block) > 0; {
				n := min(len(block), frame)
				s.fr.WriteContinuation(s.id, n == len(block), block[:n])
				block = block[n:]
			}
			return true
		}, words: "connection error: PROTOCOL_ERROR", want: rundir.Protocol},
		{name: "RST_STREAM PROTOCOL_ERROR after an event (sent by the server)", respond: resetAfterEvent(http2.ErrCodeProtocol), words: "stream error: stream ID 1; PROTOCOL_ERROR; received from peer", want: rundir.Protocol, status: 200, chunks: 1},
		{name: "no :status", respond: func(s *h2Stream) bool {
			s.headers(false, "content-type", "text/event-stream")
			return true
		}, words: "PROTOCOL_ERROR; malformed response from server: missing status pseudo header", want: rundir.Protocol},
		{name: ":status not a number", respond: func(s *h2Stream) bool {
			s.headers(false, ":status", "2x0")
			return true
		}, words: "PROTOCOL_ERROR; malformed response from server: malformed non-numeric status pseudo header", want: rundir.Protocol},
		{name: "upper-case header name", respond: func(s *h2Stream) bool {
			s.headers(false, ":status", "200", "Content-Type", "text/event-stream")
			return true
		}, words: "PROTOCOL_ERROR; invalid header field name", want: rundir.Protocol},
		{name: "DATA before HEADERS", respond: func(s *h2Stream) bool {
			s.data(h2Event, false)
			return true
		}, words: "stream error: stream ID 1; PROTOCOL_ERROR", want: rundir.Protocol},
		{name: "DATA past the content-length", respond: func(s *h2Stream) bool {
			s.headers(false, ":status", "200", "content-type", "text/event-stream", "content-length", "10")
			s.data(h2Event, true)
			return true
		}, words: "net/http: server replied with more than declared Content-Length; truncated", want: rundir.Protocol, status: 200},
		{name: "DATA on a stream never opened (connection error PROTOCOL_ERROR)", respond: func(s *h2Stream) bool {
			s.sse()
			s.fr.WriteData(s.id+100, false, []byte(h2Event))
			return true
		}, words: "connection error: PROTOCOL_ERROR", want: rundir.Protocol, status: 200},
		{name: "WINDOW_UPDATE past the connection's 2^31-1 (connection error FLOW_CONTROL_ERROR)", respond: func(s *h2Stream) bool {
			s.sse()
			s.fr.WriteWindowUpdate(0, 1<<31-1)
			return true
		}, words: "connection error: FLOW_CONTROL_ERROR", want: rundir.Protocol, status: 200},
		{name: "PING of 7 bytes (connection error FRAME_SIZE_ERROR)", respond: func(s *h2Stream) bool {
			s.sse()
			s.fr.WriteRawFrame(http2.FramePing, 0, 0, make([]byte, 7))
			return true
		}, words: "connection error: FRAME_SIZE_ERROR", want: rundir.Protocol, status: 200},
		{name: "HEADERS HPACK cannot decode (connection error COMPRESSION_ERROR)", respond: func(s *h2Stream) bool {
			s.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: s.id, BlockFragment: []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, EndHeaders: true})
			return true
		}, words: "connection error: COMPRESSION_ERROR", want: rundir.Protocol},
		{name: "frame over the client's 1 MiB bound", respond: func(s *h2Stream) bool {
			s.sse()
			s.fr.WriteRawFrame(http2.FrameData, 0, s.id, make([]byte, 1<<20+1))
			return true
		}, words: "http2: frame too large", want: rundir.Protocol, status: 200},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, via := range []string{"net/http", "record"} {
				var srv *httptest.Server
				if c.handler != nil {
					srv = h2TLSServer(t, onlyH2(c.handler(t, &srv)))
				} else {
					srv = rawH2Server(t, c.respond)
				}
				var proto atomic.Value
				client := h2Client(srv, &proto)
				if via == "net/http" {
					err := netHTTPError(t, client, srv.URL+"/v1/chat/completions")
					if got := Classify(err); got != c.want {
						t.Errorf("net/http's %q (%T) is %q, want %q", err, err, got, c.want)
					}
				} else {
					rec := oneChatRequestWith(t, srv.URL, client)
					if rec.ErrorClass != c.want || rec.Status != c.status || len(rec.Chunks) < c.chunks || !strings.Contains(rec.Error, c.words) || (c.words == "") != rec.OK {
						t.Errorf("the record of a chat request: class %q (error %q), status %d, %d tokens; want %q (error %q), %d, at least %d", rec.ErrorClass, rec.Error, rec.Status, len(rec.Chunks), c.want, c.words, c.status, c.chunks)
					}
				}
				if p, _ := proto.Load().(string); p != "" && p != "HTTP/2.0" {
					t.Errorf("%s: a response over %s, want HTTP/2.0", via, p)
				}
			}
		})
	}
}

// resetAfterEvent is a rawH2Server's respond that begins an event stream,
// sends one event and resets the stream with code.
func resetAfterEvent(code http2.ErrCode) func(s *h2Stream) bool {
	return func(s *h2Stream) bool {
		s.sse()
		s.data(h2Event, false)
		s.fr.WriteRSTStream(s.id, code)
		return true
	}
}

// refuseFirst is a rawH2Server's respond that refuses the first n streams
// of a connection (RST_STREAM REFUSED_STREAM: not processed) and answers
// the next with one token. net/http sends a refused request again on the
// same connection.
func refuseFirst(n int) func(s *h2Stream) bool {
	return func(s *h2Stream) bool {
		if int(s.id) <= 2*n-1 { // a client's streams are 1, 3, 5, …
			s.fr.WriteRSTStream(s.id, http2.ErrCodeRefusedStream)
			return true
		}
		s.answer()
		return true
	}
}

// TestClassifyHTTP2Timeouts: over HTTP/2, a server that sends no headers
// is timeout, by the request's own deadline (--timeout, the runner's
// Timeout) and by a transport's ResponseHeaderTimeout (net/http's HTTP/2
// "timeout awaiting response headers", a net.Error whose Timeout is true),
// as over HTTP/1.1.
func TestClassifyHTTP2Timeouts(t *testing.T) {
	const wait = 100 * time.Millisecond
	silent := onlyH2(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	t.Run("request deadline", func(t *testing.T) {
		srv := h2TLSServer(t, silent)
		var proto atomic.Value
		target, err := openai.New(openai.Config{Conn: targets.Conn{BaseURL: srv.URL, Client: h2Client(srv, &proto)}})
		if err != nil {
			t.Fatal(err)
		}
		r, err := New(target, Workload{Model: "m", PromptTokens: 8, MaxTokens: 4}, Requests(1), Timeout(wait))
		if err != nil {
			t.Fatal(err)
		}
		var c collect
		if _, err := run(t.Context(), r, c.add); err != nil {
			t.Fatal(err)
		}
		if rec := c.recs[0]; rec.ErrorClass != rundir.Timeout {
			t.Errorf("class %q (error %q), want timeout", rec.ErrorClass, rec.Error)
		}
	})
	t.Run("ResponseHeaderTimeout", func(t *testing.T) {
		srv := h2TLSServer(t, silent)
		var proto atomic.Value
		client := h2Client(srv, &proto)
		client.Transport.(protoTransport).rt.(*http.Transport).ResponseHeaderTimeout = wait
		err := netHTTPError(t, client, srv.URL)
		if got := Classify(err); got != rundir.Timeout || !strings.Contains(err.Error(), "http2: timeout awaiting response headers") {
			t.Errorf("net/http's %q (%T) is %q, want timeout, the HTTP/2 transport's words", err, err, got)
		}
	})
}

// TestHTTP2RefusedStreamResent: a stream the server refuses (RST_STREAM
// REFUSED_STREAM) is sent again by net/http itself, unseen by Attempt: at
// once the first time, then after 1 s, 2 s, 4 s … (7 resends,
// h2_bundle.go's RoundTripOpt), so a request refused twice and then served
// is one successful record whose TTFT holds the 1 s wait, and its resent
// says 2. docs/design.md says so; this holds it to net/http's behaviour.
func TestHTTP2RefusedStreamResent(t *testing.T) {
	if testing.Short() {
		t.Skip("a wait of 1 s")
	}
	rec := resentOK(t, rawH2Server(t, refuseFirst(2)), 2)
	if ttft := time.Duration(rec.FirstTokenNS - rec.SentNS); ttft < time.Second {
		t.Errorf("TTFT %v; net/http waits 1 s before its second resend", ttft)
	}
}

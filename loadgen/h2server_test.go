package loadgen

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
)

// h2Client returns a client on the adapters' transport (targets.NewTransport,
// as session's client builds it: a TLS configuration of its own) that
// trusts srv's certificate, and reports the HTTP version of each response
// it got to proto.
func h2Client(srv *httptest.Server, proto *atomic.Value) *http.Client {
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	tr := targets.NewTransport()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	return &http.Client{Transport: protoTransport{tr, proto}}
}

// protoTransport notes the HTTP version of each response.
type protoTransport struct {
	rt    http.RoundTripper
	proto *atomic.Value
}

func (p protoTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := p.rt.RoundTrip(r)
	if resp != nil {
		p.proto.Store(resp.Proto)
	}
	return resp, err
}

// h2TLSServer starts h (net/http's own HTTP/2 server) over TLS, HTTP/2
// only, for the test's lifetime.
func h2TLSServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.EnableHTTP2 = true
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the aborted handlers
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// rawH2Server serves HTTP/2 over TLS (h2 by ALPN, the test certificate) by
// hand: it answers the client's preface and settings, and hands each
// request, once its body has come, to respond, which writes whatever frames
// it likes (a hostile or broken server); the connection is closed when
// respond returns false or the client leaves.
func rawH2Server(t *testing.T, respond func(s *h2Stream) bool) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.EnableHTTP2 = true
	srv.Config.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){
		"h2": func(_ *http.Server, c *tls.Conn, _ http.Handler) { serveRawH2(c, respond) },
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// serveRawH2 is rawH2Server's connection.
func serveRawH2(c *tls.Conn, respond func(s *h2Stream) bool) {
	defer c.Close()
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(c, preface); err != nil || string(preface) != http2.ClientPreface {
		return
	}
	fr := http2.NewFramer(c, c)
	fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	if fr.WriteSettings() != nil {
		return
	}
	var buf bytes.Buffer
	enc := hpack.NewEncoder(&buf)
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return
		}
		var ended uint32
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() {
				fr.WriteSettingsAck()
			}
		case *http2.PingFrame:
			if !f.IsAck() {
				fr.WritePing(true, f.Data)
			}
		case *http2.MetaHeadersFrame:
			if f.StreamEnded() {
				ended = f.StreamID
			}
		case *http2.DataFrame:
			if f.StreamEnded() {
				ended = f.StreamID
			}
		}
		if ended != 0 && !respond(&h2Stream{fr: fr, enc: enc, buf: &buf, id: ended}) {
			return
		}
	}
}

// h2Stream is one request's stream on a rawH2Server connection.
type h2Stream struct {
	fr  *http2.Framer
	enc *hpack.Encoder
	buf *bytes.Buffer
	id  uint32
}

// headers writes a HEADERS frame of the name, value pairs in kv.
func (s *h2Stream) headers(end bool, kv ...string) {
	s.buf.Reset()
	for i := 0; i+1 < len(kv); i += 2 {
		s.enc.WriteField(hpack.HeaderField{Name: kv[i], Value: kv[i+1]})
	}
	s.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: s.id, BlockFragment: s.buf.Bytes(), EndStream: end, EndHeaders: true})
}

// sse writes a 200 event stream's headers.
func (s *h2Stream) sse() { s.headers(false, ":status", "200", "content-type", "text/event-stream") }

// answer writes a 200 event stream of one token and [DONE], and ends the
// stream.
func (s *h2Stream) answer() {
	s.sse()
	s.data(h2Event+"data: [DONE]\n\n", true)
}

// resentOK sends one chat request to srv over HTTP/2 and returns its
// record, the test failed unless it is one successful attempt that
// net/http sent resent times in all more than once.
func resentOK(t *testing.T, srv *httptest.Server, resent int) *rundir.Record {
	t.Helper()
	var proto atomic.Value
	rec := oneChatRequestWith(t, srv.URL, h2Client(srv, &proto))
	if !rec.OK || rec.Attempt != 0 || rec.Resent != resent {
		t.Fatalf("record: ok %v, attempt %d, resent %d, class %q (error %q); want one successful attempt, resent %d times",
			rec.OK, rec.Attempt, rec.Resent, rec.ErrorClass, rec.Error, resent)
	}
	if p, _ := proto.Load().(string); p != "HTTP/2.0" {
		t.Errorf("response over %q, want HTTP/2.0", p)
	}
	return rec
}

// data writes a DATA frame of p on the stream.
func (s *h2Stream) data(p string, end bool) { s.fr.WriteData(s.id, end, []byte(p)) }

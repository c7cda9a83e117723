package loadgen

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestConnectIsTheNewConnectionsWait: a request that must open a
// connection records the wait for it (here a dial held 30 ms, a slow
// handshake's stand-in) inside its TTFT; the next, on the kept connection,
// records none.
func TestConnectIsTheNewConnectionsWait(t *testing.T) {
	const dialDelay = 30 * time.Millisecond
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, `data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"hi"}}]}`+"\n\n")
		fmt.Fprint(w, "data: [DONE]\n\n")
	}))
	defer srv.Close()
	tr := srv.Client().Transport.(*http.Transport).Clone()
	var d net.Dialer
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		time.Sleep(dialDelay)
		return d.DialContext(ctx, network, addr)
	}
	client := &http.Client{Transport: tr}
	first := oneChatRequestWith(t, srv.URL, client)
	if c := time.Duration(first.ConnectNS); !first.OK || c < dialDelay || c > time.Duration(first.FirstTokenNS-first.SentNS) {
		t.Errorf("first request: connect %v, TTFT %v (ok %v); want at least the dial's %v, inside the TTFT",
			c, time.Duration(first.FirstTokenNS-first.SentNS), first.OK, dialDelay)
	}
	if again := oneChatRequestWith(t, srv.URL, client); !again.OK || again.ConnectNS != 0 {
		t.Errorf("second request, on the kept connection: connect %v (ok %v); want none", time.Duration(again.ConnectNS), again.OK)
	}
}

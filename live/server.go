package live

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Defaults for ServerOptions fields left zero.
const (
	// DefaultInterval is the period of the page's points and events.
	DefaultInterval = time.Second
	// DefaultHistory is the number of points kept for the page's charts:
	// an hour at one a second (about 1 MB).
	DefaultHistory = 3600
	// DefaultClientBuffer is the number of events queued for one /events
	// client; past it the oldest is dropped, so a slow client never holds
	// up the others or the run.
	DefaultClientBuffer = 16
	// writeTimeout drops an /events client that cannot take one event in
	// this long (a stalled or vanished browser).
	writeTimeout = 10 * time.Second
)

// ServerOptions configure the live HTTP server.
type ServerOptions struct {
	// Addr is where to listen, host:port. An address without a host (":8080",
	// "8080") or empty (any free port) listens on loopback only: serving on
	// other interfaces takes naming one ("0.0.0.0:8080").
	Addr string
	// Linger keeps the final state served this long after the run ends
	// (Shutdown waits it out).
	Linger time.Duration
	// Interval is the period of points and events; 0 means DefaultInterval.
	Interval time.Duration
	// History is the number of points kept; 0 means DefaultHistory.
	History int
	// ClientBuffer is the events queued per client; 0 means DefaultClientBuffer.
	ClientBuffer int
}

//go:embed page/page.html
var pageHTML string

//go:embed page/page.js
var pageJS string

//go:embed page/page.css
var pageCSS string

// Server serves a State over HTTP: / the live page, /events its
// Server-Sent Events, /metrics the run's Prometheus metrics.
type Server struct {
	s    *State
	o    ServerOptions
	ln   net.Listener
	http *http.Server
	// page is the page around its init data; csp its policy.
	pageHead, pageTail string
	csp                string

	quit     chan struct{}
	loopDone chan struct{}
	stopOnce sync.Once

	mu      sync.Mutex // guards the fields below
	points  []Point    // ring of History
	next    int        // where the next point goes, once full
	prev    Snapshot
	clients map[*sseClient]struct{}
	seq     int64

	dropped atomic.Int64 // events dropped for slow clients
}

type sseClient struct{ ch chan []byte }

// ListenAddr is the address Start listens on for addr: loopback unless
// addr names a host.
func ListenAddr(addr string) string {
	if addr == "" {
		return "127.0.0.1:0"
	}
	if !strings.Contains(addr, ":") {
		addr = ":" + addr
	}
	if host, port, err := net.SplitHostPort(addr); err == nil && host == "" {
		return net.JoinHostPort("127.0.0.1", port)
	}
	return addr
}

// CheckAddr refuses an address Start could never listen on, without
// listening or resolving a name: one written as a URL (the page's, pasted
// from the line a run prints), naming the address in it (net said "too
// many colons in address"), and one that is not HOST:PORT. Start calls it;
// run calls it as it reads --live, before it listens (and k8s manifest on
// its pods' command lines).
func CheckAddr(addr string) error {
	if u, err := url.Parse(addr); err == nil && u.Scheme != "" && u.Host != "" {
		host := u.Host
		if u.Port() == "" {
			host = net.JoinHostPort(u.Hostname(), "PORT")
		}
		return fmt.Errorf("live: want an address to listen on (:PORT or HOST:PORT), not a URL: give %s", host)
	}
	_, port, err := net.SplitHostPort(ListenAddr(addr))
	if err != nil {
		return fmt.Errorf("live: %w", err)
	}
	// A port in digits is a number, and a port one up to 65535; a name
	// (http) is looked up where it is listened on.
	if _, err := strconv.ParseUint(port, 10, 16); err != nil && port != "" && strings.Trim(port, "0123456789") == "" {
		return fmt.Errorf("live: address %s: invalid port", addr)
	}
	return nil
}

// Start listens and serves s until Shutdown.
func Start(s *State, o ServerOptions) (*Server, error) {
	o.Interval = cmp.Or(o.Interval, DefaultInterval)
	o.History = cmp.Or(o.History, DefaultHistory)
	o.ClientBuffer = cmp.Or(o.ClientBuffer, DefaultClientBuffer)
	if err := CheckAddr(o.Addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", ListenAddr(o.Addr))
	if err != nil {
		return nil, fmt.Errorf("live: %w", err)
	}
	sv := &Server{s: s, o: o, ln: ln, quit: make(chan struct{}), loopDone: make(chan struct{}),
		clients: map[*sseClient]struct{}{}}
	sv.buildPage()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", sv.page)
	mux.HandleFunc("GET /events", sv.events)
	mux.Handle("GET /metrics", metricsHandler(s))
	sv.http = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go sv.http.Serve(ln)
	go sv.loop()
	return sv, nil
}

// metricsHandler serves s's metrics in the Prometheus exposition format.
func metricsHandler(s *State) http.Handler {
	return promhttp.HandlerFor(s.Gatherer(), promhttp.HandlerOpts{})
}

// Addr is the address the server listens on.
func (sv *Server) Addr() net.Addr { return sv.ln.Addr() }

// URL is the live page's address.
//
// Served on every interface (0.0.0.0, ::), it is this host's loopback
// address: Go listens on [::] for 0.0.0.0, and http://[::]:9464/ was
// printed, the wildcard, not the IPv4 address asked for; Linux connects
// to it as to loopback, Winsock's connect refuses it (WSAEADDRNOTAVAIL:
// "such as INADDR_ANY or in6addr_any").
func (sv *Server) URL() string {
	addr := sv.ln.Addr().String()
	if a, ok := sv.ln.Addr().(*net.TCPAddr); ok && a.IP.IsUnspecified() {
		host := "127.0.0.1"
		if h, _, err := net.SplitHostPort(ListenAddr(sv.o.Addr)); err == nil && strings.Contains(h, ":") {
			host = "::1" // [::]: asked for IPv6
		}
		addr = net.JoinHostPort(host, strconv.Itoa(a.Port))
	}
	return "http://" + addr + "/"
}

// Shutdown waits Linger (or until ctx is done), then closes the event
// streams and stops the server, waiting for its handlers up to ctx.
func (sv *Server) Shutdown(ctx context.Context) error {
	if sv.o.Linger > 0 {
		t := time.NewTimer(sv.o.Linger)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
	}
	return sv.Close(ctx)
}

// Close stops the server at once (no linger), waiting for its handlers
// up to ctx.
func (sv *Server) Close(ctx context.Context) error {
	sv.stopOnce.Do(func() { close(sv.quit) })
	<-sv.loopDone
	err := sv.http.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		err = sv.http.Close()
	}
	return err
}

// buildPage assembles the page and its content security policy: inline
// script and style only, allowed by their hashes; every fetch to this
// origin only. A page that tried to load anything from elsewhere would be
// refused by the browser, and the page reports the refusal.
func (sv *Server) buildPage() {
	html := strings.Replace(pageHTML, "/*CSS*/", pageCSS, 1)
	html = strings.Replace(html, "/*JS*/", pageJS, 1)
	sv.pageHead, sv.pageTail, _ = strings.Cut(html, "/*INIT*/")
	hash := func(s string) string {
		h := sha256.Sum256([]byte(s))
		return "'sha256-" + base64.StdEncoding.EncodeToString(h[:]) + "'"
	}
	sv.csp = "default-src 'none'; script-src " + hash(pageJS) + "; style-src " + hash(pageCSS) +
		"; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

// page serves the live page with the points so far, so it draws at once.
func (sv *Server) page(w http.ResponseWriter, r *http.Request) {
	sv.mu.Lock()
	init := sv.initPayload(sv.s.Snapshot())
	sv.mu.Unlock()
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", sv.csp)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	var b bytes.Buffer
	b.Grow(len(sv.pageHead) + len(init) + len(sv.pageTail))
	b.WriteString(sv.pageHead)
	b.Write(init) // json.Marshal escapes <, > and &: no "</script>" inside
	b.WriteString(sv.pageTail)
	w.Write(b.Bytes())
}

// initPayload is the state a new page or event stream starts from. sv.mu held.
func (sv *Server) initPayload(snap Snapshot) []byte {
	b, _ := json.Marshal(struct {
		Snapshot Snapshot `json:"snapshot"`
		Points   []Point  `json:"points"`
	}{snap, sv.orderedPoints()})
	return b
}

// orderedPoints returns the kept points, oldest first. sv.mu held.
func (sv *Server) orderedPoints() []Point {
	if len(sv.points) < sv.o.History {
		return append([]Point(nil), sv.points...)
	}
	return append(append([]Point(nil), sv.points[sv.next:]...), sv.points[:sv.next]...)
}

// loop takes a point every Interval and sends it to every event stream.
func (sv *Server) loop() {
	defer close(sv.loopDone)
	t := time.NewTicker(sv.o.Interval)
	defer t.Stop()
	for {
		select {
		case <-sv.quit:
			return
		case <-t.C:
			sv.tick()
		}
	}
}

// tick takes one point. Once the run ended its snapshot stops moving: the
// streams then get a comment, which keeps proxies from closing them.
func (sv *Server) tick() {
	snap := sv.s.Snapshot()
	sv.mu.Lock()
	defer sv.mu.Unlock()
	if snap.NowNS == sv.prev.NowNS && len(sv.points) > 0 {
		sv.publish([]byte(": idle\n\n"))
		return
	}
	p := pointOf(&sv.prev, &snap)
	sv.prev = snap
	if len(sv.points) < sv.o.History {
		sv.points = append(sv.points, p)
	} else {
		sv.points[sv.next] = p
		sv.next = (sv.next + 1) % sv.o.History
	}
	sv.seq++
	data, _ := json.Marshal(struct {
		Snapshot Snapshot `json:"snapshot"`
		Point    Point    `json:"point"`
	}{snap, p})
	sv.publish(sseEvent("tick", sv.seq, data))
}

// sseEvent frames one event (the data is one line of JSON).
func sseEvent(name string, id int64, data []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "event: %s\n", name)
	if id > 0 {
		fmt.Fprintf(&b, "id: %d\n", id)
	}
	b.WriteString("data: ")
	b.Write(data)
	b.WriteString("\n\n")
	return b.Bytes()
}

// publish queues msg for every client without blocking: a client whose
// queue is full loses its oldest event. sv.mu held.
func (sv *Server) publish(msg []byte) {
	for c := range sv.clients {
		select {
		case c.ch <- msg:
			continue
		default:
		}
		select {
		case <-c.ch:
			sv.dropped.Add(1)
		default:
		}
		select {
		case c.ch <- msg:
		default:
			sv.dropped.Add(1)
		}
	}
}

// events streams the state: an init event with every point kept, then a
// tick event per point.
func (sv *Server) events(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	c := &sseClient{ch: make(chan []byte, sv.o.ClientBuffer)}
	sv.mu.Lock()
	init := sseEvent("init", sv.seq, sv.initPayload(sv.s.Snapshot()))
	sv.clients[c] = struct{}{}
	sv.mu.Unlock()
	defer func() {
		sv.mu.Lock()
		delete(sv.clients, c)
		sv.mu.Unlock()
	}()
	rc := http.NewResponseController(w)
	send := func(b []byte) error {
		rc.SetWriteDeadline(time.Now().Add(writeTimeout))
		if _, err := w.Write(b); err != nil {
			return err
		}
		return rc.Flush()
	}
	if send(append([]byte("retry: 2000\n"), init...)) != nil {
		return
	}
	for {
		select {
		case <-r.Context().Done():
			return
		case <-sv.quit:
			return
		case m := <-c.ch:
			if send(m) != nil {
				return
			}
		}
	}
}

package mock

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"text/tabwriter"
	"time"
)

// ShutdownGrace is how long Serve waits for connections to close after
// an interrupt before it closes them. Streams in flight end with the
// interrupt; what remains are idle keep-alive connections, which Shutdown
// closes at once, and connections a client's pool dialled but never used,
// which net/http counts as busy until they are 5 s old: waiting for those
// held every `calibrate` step 3 s, so the mock closes them after this.
const ShutdownGrace = 300 * time.Millisecond

// WriteProfiles prints the GPU and model profiles (inferbench mock --list).
func WriteProfiles(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "GPU\tMEMORY\tBANDWIDTH\tBF16 DENSE\tTDP\tDEVICE NAME")
	for _, g := range GPUProfiles() {
		fmt.Fprintf(tw, "%s\t%d MiB\t%.0f GB/s\t%.0f TFLOP/s\t%.0f W\t%s\n", g.Name, g.MemoryMiB, g.BandwidthBps/1e9, g.FLOPS/1e12, g.TDPW, g.ModelName)
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "MODEL\tPARAMS\tWEIGHTS\tKV/TOKEN\tLAYERS\tCONTEXT")
	for _, m := range ModelProfiles() {
		fmt.Fprintf(tw, "%s\t%.1f B\t%.1f GB\t%d KiB\t%d\t%d\n", m.Name, m.Params/1e9, m.WeightBytes()/1e9, m.KVBytesPerToken()/1024, m.Layers, m.MaxModelLen)
	}
	return tw.Flush()
}

// CheckListen says what is wrong with a listen address ("8032", a bare
// port: net says "address 8032: missing port in address"); nil when it is
// HOST:PORT.
func CheckListen(addr string) error {
	if _, _, err := net.SplitHostPort(addr); err == nil {
		return nil
	}
	example := "127.0.0.1:8000"
	if _, err := strconv.Atoi(addr); err == nil {
		example = "127.0.0.1:" + addr
	}
	return fmt.Errorf("%s: want HOST:PORT, e.g. %s (port 0 picks a free one)", addr, example)
}

// Serve serves a mock configured by cfg on the address listen until ctx is
// done, saying "listening on http://ADDR" on stdout first (the line scripts
// and tests wait for), then shuts down gracefully.
func Serve(ctx context.Context, listen string, cfg Config, stdout io.Writer) error {
	srv, err := New(cfg)
	if err != nil {
		return err
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", listen)
	if err != nil {
		return fmt.Errorf("mock: %w", err)
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		// Request contexts derive from ctx, so an interrupt ends the
		// streams in flight and Shutdown does not wait for them.
		BaseContext: func(net.Listener) context.Context { return ctx },
	}
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("mock: serving: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ShutdownGrace)
	defer cancel()
	err = hs.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = hs.Close()
	}
	if serr := <-served; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		return fmt.Errorf("mock: shutting down: %w", err)
	}
	return nil
}

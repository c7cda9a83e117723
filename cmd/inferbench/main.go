// Command inferbench qualifies LLM serving hardware and software: it drives
// load against an inference endpoint, measures what its users feel, watches
// the GPUs and turns measured throughput into cost.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stopRun := context.WithCancelCause(context.Background())
	abort := make(chan struct{})
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		// First signal: stop sending; requests in flight get --grace to
		// finish. Second: cancel them now (the run directory is still
		// completed). Third: exit at once.
		s := <-sigs
		stopRun(fmt.Errorf("%w by signal %v", context.Canceled, s))
		<-sigs
		fmt.Fprintln(os.Stderr, "inferbench: second signal: cancelling requests in flight")
		close(abort)
		<-sigs
		os.Exit(exitInterrupted)
	}()
	err := newApp(os.Stdout, os.Stderr).RunContext(withAbort(ctx, abort), os.Args)
	os.Exit(exitCode(err, os.Stderr))
}

// abortKey carries the channel closed on a second signal.
type abortKey struct{}

// withAbort returns ctx carrying abort, the channel closed on a second signal.
func withAbort(ctx context.Context, abort <-chan struct{}) context.Context {
	return context.WithValue(ctx, abortKey{}, abort)
}

// abortOf returns ctx's abort channel; nil (never closed) when it has none.
func abortOf(ctx context.Context) <-chan struct{} {
	ch, _ := ctx.Value(abortKey{}).(<-chan struct{})
	return ch
}

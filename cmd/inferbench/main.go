// Command inferbench qualifies LLM serving hardware and software: it drives
// load against an inference endpoint, measures what its users feel, watches
// the GPUs and turns measured throughput into cost.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first signal cancels ctx so the run drains and writes a complete run
	// directory; stop then restores the default behaviour, so a second signal
	// kills the process.
	context.AfterFunc(ctx, stop)
	err := newApp(os.Stdout, os.Stderr).RunContext(ctx, os.Args)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

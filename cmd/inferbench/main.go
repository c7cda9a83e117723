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
	// Two contexts stop a command: the first SIGINT or SIGTERM ends drain,
	// which every command runs under (a run stops sending and gives
	// requests in flight --grace); the second ends hard, which cancels a
	// run's requests in flight at once; the third exits.
	hard, cancelHard := context.WithCancelCause(context.Background())
	drain, cancelDrain := context.WithCancelCause(hard)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-sigs
		cancelDrain(fmt.Errorf("%w by signal %v", context.Canceled, s))
		s = <-sigs
		fmt.Fprintln(os.Stderr, "inferbench: second signal: cancelling requests in flight")
		cancelHard(fmt.Errorf("%w by a second signal %v", context.Canceled, s))
		<-sigs
		os.Exit(exitInterrupted)
	}()
	err := runArgs(drain, newAppWith(os.Stdout, os.Stderr, hard), os.Args)
	os.Exit(exitCode(err, os.Stderr))
}

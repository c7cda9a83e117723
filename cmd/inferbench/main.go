// Command inferbench qualifies LLM serving hardware and software: it drives
// load against an inference endpoint, measures what its users feel, watches
// the GPUs and turns measured throughput into cost.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/internal/cmdline"
	"github.com/inferbench/inferbench/internal/printable"
)

func main() {
	// Two contexts stop a command: the first SIGINT or SIGTERM ends drain,
	// which every command runs under (a run stops sending and gives
	// requests in flight --grace); the second ends hard, which cancels a
	// run's requests in flight at once; the third exits. A command that
	// does not drain (report, merge, history, …) has stopBound after the
	// first signal to return on its own, then the process exits 130.
	log.SetFlags(0)
	log.SetOutput(&printable.LibraryLog{W: os.Stderr})
	hard, cancelHard := context.WithCancelCause(context.Background())
	drain, cancelDrain := context.WithCancelCause(hard)
	app := newAppWith(os.Stdout, os.Stderr, hard)
	args := cmdline.Reorder(app, os.Args)
	drains := drainsOnSignal(app, args)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-sigs
		cancelDrain(signalCause{s})
		if !drains() {
			select {
			case <-time.After(stopBound):
				fmt.Fprintf(os.Stderr, "inferbench: interrupted by signal %v\n", s)
				os.Exit(exitInterrupted)
			case s = <-sigs:
			}
		} else {
			s = <-sigs
		}
		if !runBegun.Load() { // a run says it through its log, which redraws its live line
			fmt.Fprintln(os.Stderr, "inferbench: second signal: cancelling requests in flight")
		}
		cancelHard(signalCause{s})
		<-sigs
		os.Exit(exitInterrupted)
	}()
	err := app.RunContext(drain, args)
	if err == nil && drain.Err() != nil && !runBegun.Load() {
		// Stopped early, though it returned no error (a run that began
		// says itself whether it was cut: one complete, its live page's
		// linger ended by Ctrl-C, exits as its verdict says).
		err = context.Cause(drain)
	}
	os.Exit(exitCode(err, os.Stderr))
}

// signalCause is what a signal cancels the contexts with: errors.Is
// context.Canceled (exit 130), and it says what happened.
type signalCause struct{ os.Signal }

func (s signalCause) Error() string { return "interrupted by signal " + s.Signal.String() }
func (signalCause) Unwrap() error   { return context.Canceled }

// stopBound is how long a command that does not drain may take to return
// after the first signal.
const stopBound = time.Second

// runBegun is set once a run's setup — reading the scenario, its datasets
// and trace, the key file, all blind to the context — is done and
// session.Run, which stops on its own when drain ends, has the command. A
// signal before then stops the process as any non-draining command's does.
var runBegun atomic.Bool

// drainsOnSignal returns whether the command args name finishes its own
// work on the first signal (a run drains its requests in flight, once it has
// begun; the mock and the watchers shut down cleanly); the others are
// stopped at once.
func drainsOnSignal(app *cli.App, args []string) func() bool {
	var path []string
	cmds := app.Commands
	for _, a := range args[1:] {
		c := cmdline.FindCommand(cmds, a)
		if c == nil {
			continue
		}
		path = append(path, c.Name)
		cmds = c.Subcommands
	}
	switch strings.Join(path, " ") {
	case "run":
		return runBegun.Load
	case "mock", "watch", "gpu watch", "k8s hold", "calibrate":
		return func() bool { return true }
	}
	return func() bool { return false }
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/inferbench/inferbench/cost"
	"github.com/inferbench/inferbench/internal/cmdline"
	"github.com/inferbench/inferbench/live"
	"github.com/inferbench/inferbench/targets"
)

// Exit codes, in one table (README, "Exit codes"), after diff's and grep's
// convention: 1 answers the question the command was asked, 2 says it
// could not be answered. A run that was interrupted still leaves a complete,
// reportable run directory.
const (
	// exitOK: success; the thing asked about is fine.
	exitOK = 0
	// exitFailed: the thing asked about is bad: compare found a regression;
	// run met no SLO at any level, or every measured request failed.
	exitFailed = 1
	// exitUsage: the command could not do what was asked: a usage or input
	// error (unknown or missing flag, bad file, runs that cannot be
	// compared), an operational one (unreachable store, disk full), or a
	// run that measured no request (session.ErrNothingMeasured).
	exitUsage = 2
	// exitInterrupted: stopped by SIGINT or SIGTERM.
	exitInterrupted = 130
)

// usagef is the one-line usage error (exit 2) every command returns.
var usagef = cmdline.Usagef

// exitCodeError carries an exit code chosen by a command (e.g. compare's
// regression verdict) without being an error message of its own.
type exitCodeError struct {
	code int
	err  error
}

func (e *exitCodeError) Error() string { return e.err.Error() }
func (e *exitCodeError) Unwrap() error { return e.err }

// exitCode maps err to the process exit code and prints it, once.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	// Each line made printable: an error may quote what a server or a file
	// said, and no escape sequence in it may reach the terminal.
	lines := strings.Split(err.Error(), "\n")
	for i, l := range lines {
		lines[i] = targets.Printable(l)
	}
	fmt.Fprintln(stderr, "inferbench:", strings.Join(lines, "\n"))
	var ue *cmdline.UsageError
	var ce *exitCodeError
	switch {
	case errors.As(err, &ce):
		return ce.code
	case errors.As(err, &ue), errors.Is(err, cost.ErrQuote):
		return exitUsage
	case errors.Is(err, context.Canceled), errors.Is(err, live.ErrInterrupted):
		return exitInterrupted
	case errors.Is(err, live.ErrFailed):
		return exitFailed
	}
	return exitUsage
}

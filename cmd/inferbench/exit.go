package main

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// Exit codes, in one table. A run that was interrupted still leaves a
// complete, reportable run directory.
const (
	exitOK          = 0
	exitError       = 1
	exitUsage       = 2
	exitRegression  = 3
	exitInterrupted = 130
)

// usageError marks an error in how the command was called.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

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
	fmt.Fprintln(stderr, "inferbench:", err)
	var ue *usageError
	var ce *exitCodeError
	switch {
	case errors.As(err, &ce):
		return ce.code
	case errors.As(err, &ue):
		return exitUsage
	case errors.Is(err, context.Canceled):
		return exitInterrupted
	}
	return exitError
}

// Package smi holds the gpu.Samplers that run a vendor command-line tool
// and parse its output: nvidia-smi for NVIDIA hosts without the NVML
// bindings (a CGO_ENABLED=0 build), and amd-smi / rocm-smi for AMD hosts
// (MI300X included). The parsers are pure functions over the tools'
// recorded outputs; the process runs behind [Runner], the one seam.
package smi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// A Runner runs the named program with args and returns its standard
// output. Tests replace it; [Exec] is the real one.
type Runner func(ctx context.Context, name string, args ...string) ([]byte, error)

// CallTimeout bounds one run of a tool. An nvidia-smi that never answers
// (a wedged driver: the tool blocks in the kernel) held `gpu list`, `gpu
// watch` and a run's start (its GPU inventory) for as long as it hung;
// nvidia-smi on an 8-GPU host without persistence mode takes seconds, not
// tens of them.
var CallTimeout = 30 * time.Second

// Exec runs the program and returns its standard output. A non-zero exit
// is an error that carries the first 512 bytes of standard error; a run
// past CallTimeout is killed, and its error says so and wraps
// context.DeadlineExceeded. The tool prints its numbers in the C locale
// (LC_NUMERIC=C; an LC_ALL, which would override it, is passed as LANG), so
// that a decimal comma cannot split a value of the comma-separated query.
func Exec(ctx context.Context, name string, args ...string) ([]byte, error) {
	cctx, cancel := context.WithTimeout(ctx, CallTimeout)
	defer cancel()
	cmd := exec.CommandContext(cctx, name, args...)
	cmd.Env = cLocale(os.Environ())
	// A child of the tool (a wrapper script's) that keeps standard output
	// open after the tool was killed must not hold the call.
	cmd.WaitDelay = time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil && ctx.Err() == nil && errors.Is(cctx.Err(), context.DeadlineExceeded) {
		return out, fmt.Errorf("%s: no answer within %v, killed: %w", name, CallTimeout, context.DeadlineExceeded)
	}
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = strings.TrimSpace(string(out))
		}
		if len(msg) > 512 {
			msg = msg[:512]
		}
		if msg != "" {
			return out, fmt.Errorf("%s: %w: %s", name, err, msg)
		}
		return out, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// cLocale returns env with numbers in the C locale: LC_NUMERIC=C. An
// LC_ALL overrides every LC_* variable, LC_NUMERIC included, so it becomes
// LANG (and the other LC_* variables, which it overrode, go): the user's
// character set stays, which a Python tool's output needs.
func cLocale(env []string) []string {
	all, hasAll := "", false
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "LC_ALL="); ok {
			all, hasAll = v, true
		}
	}
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if strings.HasPrefix(kv, "LC_NUMERIC=") || (hasAll && (strings.HasPrefix(kv, "LC_") || strings.HasPrefix(kv, "LANG="))) {
			continue
		}
		out = append(out, kv)
	}
	if hasAll && all != "" {
		out = append(out, "LANG="+all)
	}
	return append(out, "LC_NUMERIC=C")
}

// errNotFound says a tool is not on PATH; it wraps gpu.ErrUnavailable at
// the call sites.
var errNotFound = errors.New("not found on PATH")

// lookPath reports whether name is on PATH.
func lookPath(name string) error {
	if _, err := exec.LookPath(name); err != nil {
		return fmt.Errorf("%s %w", name, errNotFound)
	}
	return nil
}

// split parses a value as a tool prints it into its number and its unit:
// after a space ("19818 MiB", "631.95 W", "0 %"), glued on ("300Mhz"), in
// parentheses or not ("(300Mhz)"); the unit is "" where there is none. It
// reports false for the tools' spellings of "no value" and for what is no
// number.
func split(v string) (float64, string, bool) {
	v = strings.TrimSpace(v)
	if isNull(v) {
		return 0, "", false
	}
	v = strings.Trim(v, "()")
	// The number ends at the first space or where a unit is glued on, as
	// rocm-smi prints "300Mhz".
	end := strings.IndexByte(v, ' ')
	if end < 0 {
		end = len(v)
	}
	for end > 0 && (v[end-1] < '0' || v[end-1] > '9') && v[end-1] != '.' {
		end--
	}
	f, err := strconv.ParseFloat(v[:end], 64)
	if err != nil {
		return 0, "", false
	}
	return f, strings.TrimSpace(v[end:]), true
}

// number parses a value printed without a unit (an index); one with a unit
// is not a number.
func number(v string) (float64, bool) {
	f, unit, ok := split(v)
	return f, ok && unit == ""
}

// isNull reports whether v is one of the tools' "no value" spellings:
// nvidia-smi's [N/A], [Not Supported], [Requested functionality has been
// deprecated] (any bracketed text), bare N/A, or an empty field.
func isNull(v string) bool {
	return v == "" || v == "N/A" || (strings.HasPrefix(v, "[") && strings.HasSuffix(v, "]"))
}

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/internal/cmdline"
)

// runArgs runs app on args as main does: every command's flags moved
// before its positional arguments (cmdline.Reorder).
func runArgs(ctx context.Context, app *cli.App, args []string) error {
	return app.RunContext(ctx, cmdline.Reorder(app, args))
}

// TestReorderArgs: flags after positional arguments are moved before them,
// with their values; "--" ends the flags; the command path stays.
func TestReorderArgs(t *testing.T) {
	app := newApp(nil, nil)
	for _, tt := range []struct{ in, want []string }{
		{[]string{"ib", "merge", "s0", "s1", "--out", "m"}, []string{"ib", "merge", "--out", "m", "s0", "s1"}},
		{[]string{"ib", "compare", "A", "B", "--junit", "out.xml"}, []string{"ib", "compare", "--junit", "out.xml", "A", "B"}},
		{[]string{"ib", "history", "add", "RUN", "--store", "x.db"}, []string{"ib", "history", "add", "--store", "x.db", "RUN"}},
		{[]string{"ib", "report", "r1", "--format=md", "r2", "-q"}, []string{"ib", "report", "--format=md", "-q", "r1", "r2"}},
		{[]string{"ib", "run", "-c", "4", "--ignore-eos", "--out", "d"}, []string{"ib", "run", "-c", "4", "--ignore-eos", "--out", "d"}},
		{[]string{"ib", "merge", "--out", "m", "--", "-s0", "--out"}, []string{"ib", "merge", "--out", "m", "--", "-s0", "--out"}},
		{[]string{"ib", "--cpuprofile", "p", "report", "r", "--format", "md"}, []string{"ib", "--cpuprofile", "p", "report", "--format", "md", "r"}},
	} {
		if got := cmdline.Reorder(app, tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("cmdline.Reorder(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// TestUsageErrorsOneLine: every usage error is one line on stderr with exit
// 2 — an unknown flag (with "did you mean"), a missing required flag, an
// unknown command, a stray argument — on every command, including compare,
// whose exit 1 means a regression; the flag as typed and the help of the
// command as typed (inferbench k8s manifest --help).
func TestUsageErrorsOneLine(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"compare", "--junt", "x", "a", "b"}, "compare: unknown flag --junt (did you mean --junit?); see inferbench compare --help"},
		{[]string{"run", "--concurency", "3"}, "run: unknown flag --concurency (did you mean --concurrency?)"},
		{[]string{"run", "--url", "http://127.0.0.1:1", "--model", "m"}, "run: --out is required"},
		{[]string{"merge", "s0", "s1"}, "merge: --out is required"},
		{[]string{"k8s", "manifest", "--shards", "2"}, "k8s manifest: --scenario is required; see inferbench k8s manifest --help"},
		{[]string{"targets", "probe", "--url", "http://127.0.0.1:1"}, "targets probe: --model is required; see inferbench targets probe --help"},
		// A password in the URL is refused before anything is sent, as run refuses it.
		{[]string{"targets", "probe", "--target", "vllm", "--url", "http://u:secret@127.0.0.1:1", "--model", "m"}, "--url: must not hold credentials"},
		{[]string{"runn"}, `unknown command "runn" (did you mean run?)`},
		{[]string{"report", "--nope"}, "unknown flag --nope"},
		{[]string{"history", "list", "--nope"}, "history list: unknown flag --nope; see inferbench history list --help"},
		{[]string{"scenarios", "validate", "--nope"}, "unknown flag --nope"},
		{[]string{"run", "-z"}, "run: unknown flag -z (did you mean -c?)"},
		{[]string{"version", "x"}, "version takes no arguments"},
		{[]string{"calibrate", "x"}, "calibrate takes no arguments"},
		{[]string{"k8s", "hold", "x"}, `k8s hold takes no arguments, got "x"`},
		{[]string{"k8s", "hold", "--for=-1s"}, "k8s hold: --for must be more than 0, got -1s"},
		{[]string{"k8s", "hold", "--for", "0"}, "k8s hold: --for must be more than 0, got 0s"},
		{[]string{"k8s", "collector", "--image", "i", "x", "y"}, `k8s collector takes no arguments, got "x"`},
		{[]string{"history", "list", "x"}, `history list takes no arguments, got "x"`},
		{[]string{"history", "trend", "--metric", "ttft_p95_ms", "x"}, `history trend takes no arguments, got "x"`},
		{[]string{"run", "--slo-ttft", "1"}, `run: --slo-ttft: invalid value "1": want a duration with its unit, such as 250ms, 1s or 2m`},
		{[]string{"run", "-n", "1e9"}, `run: -n: invalid value "1e9": want a whole number`},
		{[]string{"run", "--concurrency", "1,8"}, `run: --concurrency: invalid value "1,8": want a whole number; for several levels, --sweep 1,8`},
		{[]string{"run", "--concurrency", "1,2,,4"}, `run: --concurrency: invalid value "1,2,,4": want a whole number; for several levels, --sweep 1,2,4`},
		{[]string{"run", "--concurrency", "1,x"}, `run: --concurrency: invalid value "1,x": want a whole number`},
		{[]string{"run", "--ignore-eos=maybe"}, `run: --ignore-eos: invalid value "maybe": want true or false`},
		{[]string{"report", "--tokens-per-day", "lots", "r"}, `report: --tokens-per-day: invalid value "lots": want a number`},
		{[]string{"history", "lst"}, `history: unknown command "lst" (did you mean list?); see inferbench history --help`},
		{[]string{"gpu", "wach"}, `gpu: unknown command "wach" (did you mean watch?); see inferbench gpu --help`},
		{[]string{"k8s", "manifes"}, `k8s: unknown command "manifes" (did you mean manifest?)`},
		{[]string{"compare", "a"}, "compare takes BASELINE_RUN CANDIDATE_RUN, or --baseline B CANDIDATE_RUN (1 given)"},
		{[]string{"watch"}, "watch takes one RUN_DIR (0 given)"},
		{[]string{"watch", "--poll", "0s", "d"}, "--poll must be at least 10ms, got 0s"},
		{[]string{"watch", "--progress-interval", "0s", "d"}, "--progress-interval must be positive, got 0s"},
		{[]string{"watch", "--live-linger", "-1s", "d"}, "--live-linger must not be negative, got -1s"},
		{[]string{"targets", "nope"}, `targets: unknown command "nope"; see inferbench targets --help`},
	} {
		checkUsageError(t, tt.want, tt.args...)
	}
}

// mainArgs runs `inferbench ARGS…` as main does (flags anywhere, the
// exit-code table) and returns stdout, stderr and the exit code.
func mainArgs(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := runArgs(t.Context(), newApp(&stdout, &stderr), append([]string{"inferbench"}, args...))
	code := exitCode(err, &stderr)
	return stdout.String(), stderr.String(), code
}

// checkUsageError checks that `inferbench ARGS…` is a usage error: exit 2,
// nothing on stdout, one line on stderr containing want.
func checkUsageError(t *testing.T, want string, args ...string) {
	t.Helper()
	stdout, stderr, code := mainArgs(t, args...)
	if line := strings.TrimSpace(stderr); code != exitUsage || !strings.Contains(line, want) || strings.Contains(line, "\n") || stdout != "" {
		t.Errorf("inferbench %s: exit %d, stderr %q, stdout %d bytes; want exit 2 and one line with %q", strings.Join(args, " "), code, stderr, len(stdout), want)
	}
}

// TestFlagsAfterArguments: flags after the positional arguments work as
// before them (merge's --out, report's --format).
func TestFlagsAfterArguments(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := runArgs(t.Context(), newApp(&stdout, &stderr), []string{"inferbench", "scenarios", "show", "nightly", "--help"})
	if err != nil || !strings.Contains(stdout.String(), "show") {
		t.Errorf("scenarios show nightly --help: %v, %q", err, stdout.String())
	}
}

// TestExitCodePrintsPrintable: the one line (or lines) an error prints on
// stderr carries no control character that could drive the terminal, even
// when it quotes a server; the lines of a joined error stay lines.
func TestExitCodePrintsPrintable(t *testing.T) {
	var stderr bytes.Buffer
	err := errors.Join(errors.New("probe: key rejected: http 401: bad \x1b]0;PWNED\x07key"), errors.New("second"))
	if code := exitCode(err, &stderr); code != exitUsage {
		t.Errorf("exit %d; want %d", code, exitUsage)
	}
	want := "inferbench: probe: key rejected: http 401: bad \\x1b]0;PWNED\\x07key\nsecond\n"
	if stderr.String() != want {
		t.Errorf("stderr %q; want %q", stderr.String(), want)
	}
}

// TestNonFiniteNumberFlags: every number flag of every command refuses NaN
// and ±Inf, which strconv.ParseFloat reads, as a one-line usage error;
// `cost --output-tokens-per-s Inf --gpu a100-80gb` printed a table of
// dashes with exit 0, and `crossover --tokens-per-day Inf` one too.
func TestNonFiniteNumberFlags(t *testing.T) {
	var walk func(path []string, cmds []*cli.Command)
	n := 0
	walk = func(path []string, cmds []*cli.Command) {
		for _, c := range cmds {
			p := append(slices.Clone(path), c.Name)
			for _, f := range c.Flags {
				if _, ok := f.(*cli.Float64Flag); !ok && !isQuantity(f) {
					continue
				}
				name := f.Names()[0]
				for _, v := range []string{"NaN", "Inf", "-Inf"} {
					n++
					// Under a context already cancelled: a command that
					// took the value (mock, gpu watch) returns at once
					// instead of serving until the test times out.
					ctx, cancel := context.WithCancel(t.Context())
					cancel()
					args := append([]string{"inferbench"}, append(slices.Clone(p), cmdline.Dashed(name)+"="+v)...)
					var stdout, stderr bytes.Buffer
					code := exitCode(runArgs(ctx, newApp(&stdout, &stderr), args), &stderr)
					want := cmdline.Dashed(name) + ": invalid value"
					if line := strings.TrimSpace(stderr.String()); code != exitUsage || !strings.Contains(line, want) || strings.Contains(line, "\n") {
						t.Errorf("%s: exit %d, stderr %q; want exit 2 and one line with %q", strings.Join(args, " "), code, stderr.String(), want)
					}
				}
			}
			walk(p, c.Subcommands)
		}
	}
	walk(nil, newApp(nil, nil).Commands)
	if n == 0 {
		t.Fatal("no number flag found")
	}
	t.Logf("%d cases", n)
}

// isQuantity reports whether f is a count or money flag (cmdline.Count,
// cmdline.Money): a number flag too.
func isQuantity(f cli.Flag) bool {
	g, ok := f.(*cli.GenericFlag)
	if !ok {
		return false
	}
	_, ok = g.Value.(*cmdline.Quantity)
	return ok
}

// TestTargetFlagsNamedInErrors: a target value typed on the command line is
// refused by the flag's name, as the load flags are; it was named by the
// YAML path it lands in ("target.kind: unknown kind \"olama\""), a key the
// user never typed. From a file the path stays, at its file:line:col.
func TestTargetFlagsNamedInErrors(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	base := []string{"run", "--url", "http://127.0.0.1:1", "--model", "m", "--out", out}
	checkUsageError(t, `--target: unknown kind "olama" (did you mean "ollama"?)`, append(base, "--target", "olama")...)
	checkUsageError(t, `--api: unknown API "chatt" (did you mean "chat"?)`, append(base, "--api", "chatt")...)
	checkUsageError(t, `--target: unknown kind "olama"`, append(base, "--scenario", "nightly", "--target", "olama")...)
	checkUsageError(t, "--url: must start with http:// or https://", "run", "--url", "ftp://x", "--model", "m", "--out", out)
	file := filepath.Join(t.TempDir(), "k.yaml")
	if err := os.WriteFile(file, []byte("name: k\ntarget:\n  kind: olama\nload:\n  concurrency: 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	checkUsageError(t, `k.yaml:3:9: target.kind: unknown kind "olama"`, append(base, "--scenario", file)...)
}

// TestRunRefusesABusyOut: run into a directory that holds other files and
// no run is a usage error (exit 2), before anything is sent; the files stay.
func TestRunRefusesABusyOut(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	checkUsageError(t, "--out "+dir+" is not empty and holds no run (notes.txt): name a new or empty directory",
		"run", "--url", "http://127.0.0.1:1", "--model", "m", "--out", dir)
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the refused directory holds %d entries; want its one", len(entries))
	}
}

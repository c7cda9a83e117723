package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/scenarios"
)

// runScenariosCLI runs `inferbench scenarios ARGS…` in an app holding only
// the scenarios command (app.go's table is the lead's) and returns stdout
// and the exit code main would use.
func runScenariosCLI(t *testing.T, args ...string) (string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	app := newApp(&stdout, &stderr)
	app.Commands = []*cli.Command{scenariosCommand()}
	err := app.RunContext(t.Context(), append([]string{"inferbench", "scenarios"}, args...))
	return stdout.String(), exitCode(err, io.Discard)
}

func TestScenariosList(t *testing.T) {
	out, code := runScenariosCLI(t, "list")
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1+len(scenarios.Shipped()) || !strings.HasPrefix(lines[0], "NAME") {
		t.Fatalf("list:\n%s", out)
	}
	for i, name := range scenarios.Shipped() {
		s, err := scenarios.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		if f := strings.Fields(lines[i+1]); f[0] != name || !strings.HasSuffix(lines[i+1], s.Description) {
			t.Errorf("line %q; want %s and its description", lines[i+1], name)
		}
	}
}

// TestScenariosShowRoundTrips: show prints every field with defaults, and
// what it prints validates and loads back as the same scenario.
func TestScenariosShowRoundTrips(t *testing.T) {
	for _, name := range scenarios.Shipped() {
		out, code := runScenariosCLI(t, "show", name)
		if code != exitOK {
			t.Fatalf("show %s: exit %d:\n%s", name, code, out)
		}
		for _, key := range []string{"name: " + name, "kind: openai", "percentile:", "timeout:", "interval: 250ms"} {
			if !strings.Contains(out, key) {
				t.Errorf("show %s lacks %q:\n%s", name, key, out)
			}
		}
		path := filepath.Join(t.TempDir(), name+".yaml")
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		if again, code := runScenariosCLI(t, "show", path); code != exitOK || again != out {
			t.Errorf("show of the shown %s (exit %d) differs:\n%s\n---\n%s", name, code, out, again)
		}
	}
	if _, code := runScenariosCLI(t, "show"); code != exitUsage {
		t.Errorf("show without a name: exit %d; want %d", code, exitUsage)
	}
	if _, code := runScenariosCLI(t, "show", "no-such-scenario"); code != exitUsage {
		t.Errorf("show of an unknown name: exit %d; want %d", code, exitUsage)
	}
}

// TestScenariosValidate: `scenarios validate scenarios/*.yaml` passes; a
// file with a typo'd key fails with file:line:col and exit code 2 (a bad
// file: README's exit codes), which the command's usage line names (it
// said exit 1).
func TestScenariosValidate(t *testing.T) {
	shipped, err := filepath.Glob("../../scenarios/*.yaml")
	if err != nil || len(shipped) != len(scenarios.Shipped()) {
		t.Fatalf("glob of shipped files = %v, %v", shipped, err)
	}
	out, code := runScenariosCLI(t, append([]string{"validate"}, shipped...)...)
	if code != exitOK || strings.Count(out, ": ok\n") != len(shipped) {
		t.Errorf("validate shipped: exit %d:\n%s", code, out)
	}

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("name: bad\nload:\n  concurency: 8\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code = runScenariosCLI(t, "validate", shipped[0], bad)
	want := shipped[0] + ": ok\n" + bad + `:3:3: load.concurency: unknown key "concurency" (did you mean "concurrency"?)` + "\n"
	if code != exitUsage || out != want {
		t.Errorf("validate with a bad file: exit %d, output\n%s\nwant exit %d, output\n%s", code, out, exitUsage, want)
	}
	if _, code := runScenariosCLI(t, "validate"); code != exitUsage {
		t.Errorf("validate without files: exit %d; want %d", code, exitUsage)
	}

	// A file run would refuse with its defaults (1 req/s for 10 s: 10
	// requests, all of them the default 16 warm-up) fails validate too;
	// it said ok. With warmup: 0 written it is fine.
	dir := t.TempDir()
	short, zero := filepath.Join(dir, "short.yaml"), filepath.Join(dir, "zero.yaml")
	os.WriteFile(short, []byte("name: short\nload:\n  rate: 1\n  duration: 10s\n"), 0o644)
	os.WriteFile(zero, []byte("name: zero\nload:\n  rate: 1\n  duration: 10s\n  warmup: 0\n"), 0o644)
	out, code = runScenariosCLI(t, "validate", short, zero)
	want = short + ":3:9: load.rate: 1 requests per second over 10s expects 10 requests: the level would send 10, all of them warm-up (16, the default: set load.warmup or --warmup), and measure none; give a longer duration or a higher rate\n" +
		zero + ": ok\n"
	if code != exitUsage || out != want {
		t.Errorf("validate of a level the default warm-up takes whole: exit %d, output\n%s\nwant exit %d, output\n%s", code, out, exitUsage, want)
	}
	// A gate compare could not judge by is said as the file loads: a
	// mistyped metric ran a nightly job that failed only at compare.
	gated := filepath.Join(dir, "gated.yaml")
	os.WriteFile(gated, []byte("name: gated\nload: {concurrency: 1, requests: 2}\ngate:\n  ttft_p59: 10%\n  output_tokens_per_s: 150%\n"), 0o644)
	out, code = runScenariosCLI(t, "validate", gated)
	if code != exitUsage || !strings.Contains(out, gated+":4:13: gate.ttft_p59: unknown metric, did you mean ttft_p50?") ||
		!strings.Contains(out, gated+":5:24: gate.output_tokens_per_s: want less than 100%") {
		t.Errorf("validate of a gate compare cannot judge by: exit %d, output\n%s", code, out)
	}
	// A URL every run refuses (the API endpoint, not the server root) is
	// refused by validate in run's words, at its place; it said ok.
	endpoint := filepath.Join(dir, "endpoint.yaml")
	os.WriteFile(endpoint, []byte("name: e\ntarget:\n  kind: vllm\n  url: http://vllm:8000/v1/chat/completions\n  model: m\n"), 0o644)
	out, code = runScenariosCLI(t, "validate", endpoint)
	if code != exitUsage || !strings.Contains(out, endpoint+`:4:8: target.url: base URL "http://vllm:8000/v1/chat/completions" ends in the API endpoint /v1/chat/completions, which inferbench adds itself: give the server root, "http://vllm:8000"`) {
		t.Errorf("validate of an endpoint URL: exit %d, output\n%s", code, out)
	}
	for _, sub := range scenariosCommand().Subcommands {
		if sub.Name == "validate" && !strings.Contains(sub.Usage, fmt.Sprintf("exit %d if any fails", exitUsage)) {
			t.Errorf("validate's usage %q does not name the exit code it returns, %d", sub.Usage, exitUsage)
		}
	}
}

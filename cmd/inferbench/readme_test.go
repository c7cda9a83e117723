package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/mock"
)

// TestREADMEExamples runs every command of the README's ```sh blocks, in
// order, in one scratch directory, against the mock: the README's examples
// must work as written (issue #20 item 16). Substitutions, each logged: the
// server URLs (http://gpu-box:8000, $SERVER, "--url …") become the mock's,
// $MODEL and "--model …" the model m, a bare "…" the mock target, the
// PostgreSQL store a SQLite file, $(date …) a fixed date, and a minute of
// --duration a few seconds. Commands that need what a test cannot have
// are skipped with the reason (skipReason): make (CI runs the targets;
// make test runs this test), Docker, a Kubernetes cluster and what only
// it produces, a second GPU box's run (a copy of the first stands in), a
// mock started in the background and its kill (the test's mock stands in
// at http://127.0.0.1:8000); --live listens on a free port and does not
// linger; the tokenizer.json and ShareGPT file a user brings are stand-ins
// from test data (readmeUserFiles).
func TestREADMEExamples(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	cmds := readmeCommands(readme)
	if len(cmds) < 10 {
		t.Fatalf("found %d README commands; the extraction is broken", len(cmds))
	}
	m, err := mock.New(mock.Config{OutputTokens: 8})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	userFiles := readmeUserFiles(t)
	t.Chdir(t.TempDir())
	for name, data := range userFiles {
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("INFERBENCH_STORE", filepath.Join(".", "history.db"))
	ran := 0
	vars := map[string]string{}
	for i, line := range cmds {
		line, tolerated, why := shellGlue(line, vars)
		if why != "" {
			t.Logf("skip %q: %s", line, why)
			continue
		}
		for _, part := range splitCommandLine(line) {
			if why := skipReason(part); why != "" {
				t.Logf("skip %q: %s", part, why)
				continue
			}
			if dir, ok := strings.CutPrefix(part, "mkdir -p "); ok {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				continue
			}
			args := readmeArgs(t, part, srv.URL, i)
			out, errOut, err := runApp(t, args...)
			if code := exitCode(err, new(bytes.Buffer)); code != 0 && code != tolerated {
				t.Errorf("README command %q (run as %q): exit %d: %v\n%s", part, args, code, err, errOut)
				continue
			}
			if args[0] == "k8s" && args[1] == "manifest" && !strings.Contains(out, "- --model") {
				t.Errorf("README k8s manifest: pods without --model:\n%s", out)
			}
			ran++
		}
	}
	if ran < 8 {
		t.Errorf("only %d README commands ran", ran)
	}
}

// readmeUserFiles are the files the README's commands take from the user,
// with stand-ins from the repository's test data: a model's tokenizer.json
// (Mistral's, gzipped, which the reader takes as it is), a ShareGPT file
// and a Mooncake trace (twelve of its published lines).
func readmeUserFiles(t *testing.T) map[string][]byte {
	t.Helper()
	files := map[string]string{
		"tokenizer.json":       "../../tokenizer/testdata/mistral.json.gz",
		"ShareGPT_V3.json":     "testdata/prompts/sharegpt.json",
		"mooncake_trace.jsonl": "../../scenarios/testdata/mooncake-conversation-sample.jsonl",
	}
	out := map[string][]byte{}
	for name, src := range files {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = b
	}
	return out
}

// readmeCommands are the command lines of the README's ```sh blocks, line
// continuations joined, comments and blank lines dropped.
func readmeCommands(readme []byte) []string {
	var cmds []string
	in, cont := false, ""
	sc := bufio.NewScanner(bytes.NewReader(readme))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "```sh"):
			in = true
			continue
		case strings.HasPrefix(line, "```"):
			in = false
			continue
		case !in:
			continue
		}
		line = stripComment(line)
		if strings.HasSuffix(line, "\\") {
			cont += strings.TrimSuffix(line, "\\") + " "
			continue
		}
		line = strings.TrimSpace(cont + line)
		cont = ""
		if line != "" {
			cmds = append(cmds, line)
		}
	}
	return cmds
}

// stripComment drops a # comment outside quotes (and a line that is one).
func stripComment(line string) string {
	var q rune
	for i, r := range line {
		switch {
		case q != 0 && r == q:
			q = 0
		case q != 0:
		case r == '"' || r == '\'':
			q = r
		case r == '#' && (i == 0 || line[i-1] == ' '):
			return strings.TrimRight(line[:i], " ")
		}
	}
	return line
}

var (
	shellAssign = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)=(.*)$`)
	shellVar    = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?`)
	// shellGuard is a job script's "[ "$gate" -ne 0 ] || inferbench …":
	// the command runs when the test it follows fails (here, always: the
	// test's nightly passes its gate).
	shellGuard = regexp.MustCompile(`^\[ [^]]* \] \|\| `)
	// shellTolerates is a job script's "inferbench … || [ $? -eq 1 ]" or
	// "inferbench … || gate=$?": exit 1 goes on.
	shellTolerates = regexp.MustCompile(` \|\| (\[ \$\? -eq 1 \]|[a-z]+=\$\?)$`)
)

// shellGlue reads the shell around a job script's commands (the nightly
// gate's): an assignment is kept in vars (its value with $(date …) as
// readmeArgs writes it) and not run, exit is not run, $NAME is replaced
// by vars' value, a guard "[ … ] ||" is dropped, and a trailing "|| …"
// that tolerates exit 1 makes tolerated 1 (else -1: only 0 passes). why
// says why the line is not run, "" when it is.
func shellGlue(line string, vars map[string]string) (cmd string, tolerated int, why string) {
	if m := shellAssign.FindStringSubmatch(line); m != nil {
		v := dateSub.ReplaceAllString(strings.Trim(m[2], `"`), "2026-01-02")
		vars[m[1]] = shellVar.ReplaceAllStringFunc(v, func(s string) string { return vars[shellVar.FindStringSubmatch(s)[1]] })
		return line, -1, "a shell variable of the job script, kept for the lines after it"
	}
	if strings.HasPrefix(line, "exit ") {
		return line, -1, "the job script's exit status: the gate's"
	}
	line = shellVar.ReplaceAllStringFunc(line, func(s string) string {
		if v, ok := vars[shellVar.FindStringSubmatch(s)[1]]; ok {
			return v
		}
		return s // $SERVER, $MODEL: readmeArgs
	})
	line = shellGuard.ReplaceAllString(line, "")
	tolerated = -1
	if shellTolerates.MatchString(line) {
		line, tolerated = shellTolerates.ReplaceAllString(line, ""), 1
	}
	return line, tolerated, ""
}

// splitCommandLine splits a line at && and |, which the README uses to
// chain a command with mkdir, kubectl or tar.
func splitCommandLine(line string) []string {
	var out []string
	for _, a := range strings.Split(line, " && ") {
		for _, b := range strings.Split(a, " | ") {
			out = append(out, strings.TrimSpace(b))
		}
	}
	return out
}

// skipReason says why a README command cannot run in a test, "" when it
// can.
func skipReason(cmd string) string {
	switch {
	case strings.HasPrefix(cmd, "make "):
		return "a make target: CI runs them, and make test runs this test"
	case strings.HasPrefix(cmd, "docker "):
		return "needs Docker and an image registry"
	case strings.HasPrefix(cmd, "kubectl "), strings.HasPrefix(cmd, "tar "):
		return "needs a Kubernetes cluster (kubectl)"
	case strings.Contains(cmd, "runs/inferbench/shard-"), strings.Contains(cmd, "runs/nightly-4x"):
		return "needs the shards' run directories, which only the cluster's pods write"
	case strings.HasPrefix(cmd, "vllm serve"):
		return "needs a GPU and vLLM"
	case strings.HasSuffix(cmd, " &") && strings.Contains(cmd, "inferbench mock "):
		return "a mock server in the background: the test's mock stands in at its address"
	case strings.HasPrefix(cmd, "kill %"):
		return "stops the background mock, which the test's mock stands in for"
	}
	return ""
}

var (
	dateSub    = regexp.MustCompile(`\$\(date [^)]*\)`)
	longDurSub = regexp.MustCompile(`--duration ([0-9]+m|[1-9][0-9]+s)\b`)
)

// readmeArgs substitutes the mock for the README's servers and splits the
// command into inferbench's arguments.
func readmeArgs(t *testing.T, cmd, url string, i int) []string {
	t.Helper()
	orig := cmd
	if v, ok := strings.CutPrefix(cmd, "export INFERBENCH_STORE="); ok {
		// Nothing is added before the job's first night: history list
		// would say the store does not exist.
		t.Logf("%q: the store is a SQLite file here, not %s", orig, v)
		return []string{"history", "list", "--help"}
	}
	cmd = strings.NewReplacer("http://gpu-box:8000", url, "http://vllm.serving:8000", url, "$SERVER", url, "$MODEL", "m",
		"http://127.0.0.1:8000", url, "--url …", "--url "+url, "--model …", "--model m",
		"--live :9464", "--live 127.0.0.1:0", "--live-linger 10s", "--live-linger 0s").Replace(cmd)
	cmd = strings.ReplaceAll(cmd, "…", fmt.Sprintf("--target mock --url %s --model m --out runs/example-%d", url, i))
	cmd = dateSub.ReplaceAllStringFunc(cmd, func(s string) string {
		if strings.Contains(s, "+3 min") {
			return time.Now().Add(3 * time.Minute).UTC().Format(time.RFC3339)
		}
		return "2026-01-02"
	})
	cmd = longDurSub.ReplaceAllString(cmd, "--duration 3s")
	args := shellWords(cmd)
	if len(args) > 0 && (args[0] == "inferbench" || args[0] == "bin/inferbench") {
		args = args[1:]
	}
	if len(args) > 0 && args[0] == "run" && !slicesContains(args, "--out") {
		args = append(args, "--out", fmt.Sprintf("runs/example-%d", i))
	}
	if len(args) > 0 && args[0] == "report" {
		ensureRunDirs(t, args[1:])
	}
	if cmd != orig {
		t.Logf("%q runs as %q", orig, args)
	}
	return args
}

// ensureRunDirs stands a copy of the last run in for a run directory the
// README takes from a second GPU box (runs/h100-c32).
func ensureRunDirs(t *testing.T, args []string) {
	t.Helper()
	for i, a := range args {
		if !strings.HasPrefix(a, "runs/") || i > 0 && args[i-1] == "--out" {
			continue // the report's own directory is no run
		}
		if _, err := os.Stat(a); err == nil {
			continue
		}
		src := "runs/a100-c32"
		if err := os.CopyFS(a, os.DirFS(src)); err != nil {
			t.Fatalf("%s stands in for %s: %v", src, a, err)
		}
		t.Logf("%s: a second box's run; a copy of %s stands in", a, src)
	}
}

// shellWords splits s as a shell would for the README's commands: blanks
// separate words, quotes group and are removed.
func shellWords(s string) []string {
	var words []string
	var w strings.Builder
	var q rune
	have := false
	for _, r := range s {
		switch {
		case q != 0 && r == q:
			q = 0
		case q != 0:
			w.WriteRune(r)
		case r == '"' || r == '\'':
			q, have = r, true
		case r == ' ' || r == '\t':
			if have || w.Len() > 0 {
				words = append(words, w.String())
			}
			w.Reset()
			have = false
		default:
			w.WriteRune(r)
		}
	}
	if have || w.Len() > 0 {
		words = append(words, w.String())
	}
	return words
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

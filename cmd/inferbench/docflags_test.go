package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestDocsCommandsUseRealFlags: every inferbench command shown in README.md
// and docs/*.md — in a code block or inline in backticks — names commands
// and flags that exist: each subcommand word resolves in the app's command
// tree and each --flag is one of that command's flags (or a global one).
// TestREADMEExamples runs the README's blocks; this catches the pages it
// does not run, and a flag renamed under prose that still names the old one.
func TestDocsCommandsUseRealFlags(t *testing.T) {
	pages, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	app := newApp(io.Discard, io.Discard)
	checked := 0
	for _, page := range append([]string{"../../README.md"}, pages...) {
		b, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range docCommands(b) {
			for _, part := range regexp.MustCompile(`\s*(?:&&|\|\||\||;)\s*`).Split(c.text, -1) {
				if msg := checkDocCommand(app, part); msg != "" {
					t.Errorf("%s:%d: %q: %s", filepath.Base(page), c.line, part, msg)
				}
				checked++
			}
		}
	}
	if checked < 60 {
		t.Errorf("checked %d commands; the extraction is broken", checked)
	}
}

// docCommand is a command found in a page, with its line.
type docCommand struct {
	text string
	line int
}

var inlineCommand = regexp.MustCompile("`((?:bin/)?inferbench [^`]*)`")

// docCommands are a page's code-block lines (continuations joined,
// comments dropped; yaml, json and go blocks skipped) and the inline
// `inferbench …` spans of its prose.
func docCommands(page []byte) []docCommand {
	var out []docCommand
	in, shell, cont, n := false, false, "", 0
	sc := bufio.NewScanner(bytes.NewReader(page))
	for sc.Scan() {
		n++
		line := sc.Text()
		if lang, ok := strings.CutPrefix(line, "```"); ok {
			in, shell = !in, lang == "" || lang == "sh"
			continue
		}
		if !in {
			for _, m := range inlineCommand.FindAllStringSubmatch(line, -1) {
				out = append(out, docCommand{m[1], n})
			}
			continue
		}
		if !shell {
			continue
		}
		line = stripComment(line)
		if s, ok := strings.CutSuffix(line, "\\"); ok {
			cont += s + " "
			continue
		}
		if s := strings.TrimSpace(cont + line); s != "" {
			out = append(out, docCommand{s, n})
		}
		cont = ""
	}
	return out
}

// checkDocCommand says what in cmd is not a command or flag of the app, ""
// when all of it is (or cmd does not call inferbench: bin/inferbench, or
// /inferbench after a kubectl exec's --).
func checkDocCommand(app *cli.App, cmd string) string {
	words := strings.Fields(cmd)
	for len(words) > 0 && regexp.MustCompile(`^[A-Z_]+=`).MatchString(words[0]) {
		words = words[1:] // VAR=value before the command
	}
	if i := slices.Index(words, "--"); i >= 0 && i+1 < len(words) && strings.HasSuffix(words[i+1], "/inferbench") {
		words = words[i+1:] // kubectl exec POD -- /inferbench …
	}
	if len(words) == 0 || filepath.Base(words[0]) != "inferbench" {
		return ""
	}
	cmds, flags := app.Commands, slices.Clone(app.Flags)
	path := "inferbench"
	resolved := false
	for _, w := range words[1:] {
		if strings.HasPrefix(w, "-") {
			break
		}
		w = strings.TrimSuffix(w, "\\") // add\|list in a Markdown table
		i := slices.IndexFunc(cmds, func(c *cli.Command) bool { return c.HasName(w) })
		if i < 0 && resolved && len(cmds) > 0 {
			return "no command " + path + " " + w
		}
		if i < 0 {
			break // a positional argument or a placeholder (RUN…, COMMAND)
		}
		flags = append(flags, cmds[i].Flags...)
		path += " " + w
		cmds, resolved = cmds[i].Subcommands, true
	}
	if !resolved && len(words) > 1 && !strings.HasPrefix(words[1], "-") && words[1] != "COMMAND" {
		return "no command " + words[1]
	}
	var missing []string
	for _, w := range words[1:] {
		if w == "--" && path == "inferbench k8s manifest" {
			// The flags after -- are the pods' inferbench run flags.
			i := slices.IndexFunc(app.Commands, func(c *cli.Command) bool { return c.Name == "run" })
			flags, path = slices.Concat(app.Flags, app.Commands[i].Flags), "inferbench k8s manifest … -- (inferbench run)"
			continue
		}
		name, ok := strings.CutPrefix(w, "--")
		name, _, _ = strings.Cut(name, "=")
		if !ok || name == "" || name == "help" || !regexp.MustCompile(`^[a-z][a-z0-9-]*$`).MatchString(name) {
			continue
		}
		if !slices.ContainsFunc(flags, func(f cli.Flag) bool { return slices.Contains(f.Names(), name) }) {
			missing = append(missing, "--"+name)
		}
	}
	if len(missing) > 0 {
		return path + " has no flag " + strings.Join(missing, ", ")
	}
	return ""
}

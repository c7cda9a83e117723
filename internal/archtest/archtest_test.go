package archtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/inferbench/inferbench"

// pkg is what `go list -json` says of one package.
type pkg struct {
	ImportPath   string
	Name         string
	Imports      []string
	Deps         []string
	TestImports  []string
	XTestImports []string
}

// list runs `go list -deps=false -json ./...` from the module root.
func list(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", "./...")
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 20 {
		t.Fatalf("go list found %d packages; the test is not looking at the module", len(pkgs))
	}
	return pkgs
}

func rel(importPath string) string {
	return strings.TrimPrefix(strings.TrimPrefix(importPath, module), "/")
}

func ours(importPath string) bool {
	return importPath == module || strings.HasPrefix(importPath, module+"/")
}

func under(p, dir string) bool { return p == dir || strings.HasPrefix(p, dir+"/") }

// TestReportNeedsNoNetwork: report/... reads run directories only: no
// net/http, no load generator, nothing under targets/.
func TestReportNeedsNoNetwork(t *testing.T) {
	for _, p := range list(t) {
		if !under(rel(p.ImportPath), "report") {
			continue
		}
		for _, d := range p.Deps {
			if d == "net/http" || d == module+"/loadgen" || under(rel(d), "targets") && ours(d) {
				t.Errorf("%s depends on %s", rel(p.ImportPath), d)
			}
		}
	}
}

// TestRundirImportsNoNetwork: the run directory imports no network package.
func TestRundirImportsNoNetwork(t *testing.T) {
	for _, p := range list(t) {
		if rel(p.ImportPath) != "rundir" {
			continue
		}
		for _, d := range p.Deps {
			if d == "net" || d == "net/http" || under(d, "crypto/tls") {
				t.Errorf("rundir depends on %s", d)
			}
		}
		return
	}
	t.Fatal("no rundir package")
}

// TestAdaptersStayInTargets: packages under targets/ import nothing of
// ours outside targets/; nothing under targets/ imports the mock, tests
// included.
func TestAdaptersStayInTargets(t *testing.T) {
	for _, p := range list(t) {
		r := rel(p.ImportPath)
		if !under(r, "targets") {
			continue
		}
		for _, imp := range p.Imports {
			if ours(imp) && !under(rel(imp), "targets") {
				t.Errorf("%s imports %s", r, rel(imp))
			}
		}
		for _, imp := range slices.Concat(p.Imports, p.TestImports, p.XTestImports) {
			if imp == module+"/mock" {
				t.Errorf("%s imports the mock (in its tests?): the mock is the server side", r)
			}
		}
	}
}

// TestNothingImportsCmd and TestNoGrabBagPackages: commands are leaves; no
// package is a util/common/helpers grab bag.
func TestNothingImportsCmd(t *testing.T) {
	for _, p := range list(t) {
		for _, imp := range slices.Concat(p.Imports, p.TestImports, p.XTestImports) {
			if ours(imp) && under(rel(imp), "cmd") {
				t.Errorf("%s imports %s", rel(p.ImportPath), rel(imp))
			}
		}
	}
}

// TestCommandLineStaysThin: cmd/inferbench is flags → options → one call
// → exit code (docs/design.md), which issue #18 sized: under 2,500 lines
// without its tests, no function over 80. Logic that grows there belongs in
// the package that owns it (the command-line grammar itself is
// internal/cmdline's).
func TestCommandLineStaysThin(t *testing.T) {
	const maxLines, maxFuncLines = 2500, 80
	files, err := filepath.Glob("../../cmd/inferbench/*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	total := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		total += bytes.Count(src, []byte("\n"))
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			if n := fset.Position(fd.End()).Line - fset.Position(fd.Pos()).Line + 1; n > maxFuncLines {
				t.Errorf("%s: %s is %d lines; at most %d", filepath.Base(name), fd.Name.Name, n, maxFuncLines)
			}
		}
	}
	if total == 0 {
		t.Fatal("no source read: the test is not looking at cmd/inferbench")
	}
	if total >= maxLines {
		t.Errorf("cmd/inferbench has %d lines without its tests; under %d", total, maxLines)
	}
	t.Logf("cmd/inferbench: %d lines without its tests", total)
}

func TestNoGrabBagPackages(t *testing.T) {
	for _, p := range list(t) {
		switch strings.ToLower(path.Base(p.ImportPath)) {
		case "util", "utils", "common", "helpers", "helper", "misc":
			t.Errorf("%s: a package named after no noun", rel(p.ImportPath))
		}
	}
}

// TestDesignListsEveryPackage: docs/design.md's package table names
// exactly the packages `go list ./...` prints.
func TestDesignListsEveryPackage(t *testing.T) {
	f, err := os.Open("../../docs/design.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	row := regexp.MustCompile("^\\| (`[^|]+`) \\| ([^|]+) \\|")
	code := regexp.MustCompile("`([^`]+)`")
	listed := map[string]bool{}
	sc := bufio.NewScanner(f)
	inTable := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## Packages"):
			inTable = true
		case strings.HasPrefix(line, "## "):
			inTable = false
		}
		m := row.FindStringSubmatch(line)
		if !inTable || m == nil {
			continue
		}
		if strings.TrimSpace(m[2]) == "" {
			t.Errorf("design.md: %s owns nothing", m[1])
		}
		for _, c := range code.FindAllStringSubmatch(m[1], -1) {
			listed[c[1]] = true
		}
	}
	var missing []string
	for _, p := range list(t) {
		r := rel(p.ImportPath)
		if !listed[r] {
			missing = append(missing, r)
		}
		delete(listed, r)
	}
	if len(missing) > 0 {
		t.Errorf("docs/design.md does not list %s", strings.Join(missing, ", "))
	}
	for stale := range listed {
		t.Errorf("docs/design.md lists %s, which is not a package", stale)
	}
}

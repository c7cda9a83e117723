package main

import (
	"strings"
	"testing"
)

// TestCompareFormatMarkdown: compare --format markdown (and MD) prints what
// --format md prints, as cost and report take "markdown" too; before, it
// was refused. An unknown format is one usage line, exit 2.
func TestCompareFormatMarkdown(t *testing.T) {
	a100, h100 := reportRuns(t)
	md, _, code := gateApp(t, "compare", "--resamples", "200", "--format", "md", a100, h100)
	if code > 1 || !strings.HasPrefix(md, "### inferbench compare: ") {
		t.Fatalf("compare --format md: exit %d:\n%s", code, md)
	}
	for _, f := range []string{"markdown", "MD"} {
		out, stderr, c := gateApp(t, "compare", "--resamples", "200", "--format", f, a100, h100)
		if c != code || out != md {
			t.Errorf("compare --format %s: exit %d (md: %d), stdout same as md's: %v\n%s", f, c, code, out == md, stderr)
		}
	}
	_, stderr, c := gateApp(t, "compare", "--format", "html", a100, h100)
	if want := "inferbench: --format \"html\": must be text, md (markdown) or json\n"; c != 2 || stderr != want {
		t.Errorf("compare --format html: exit %d, stderr %q; want 2, %q", c, stderr, want)
	}
}

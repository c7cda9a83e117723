// Package chromiumtest runs headless Chromium for tests that load a page
// as a user's browser would (the HTML report, the live page): where the
// binary is, and one headless run of it.
package chromiumtest

import (
	"bytes"
	"cmp"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Path is Debian's headless Chromium, or $INFERBENCH_CHROMIUM. Without it
// the test is skipped, unless INFERBENCH_REQUIRE_CHROMIUM is set (CI sets
// it, so there the tests cannot skip), when it fails.
func Path(t testing.TB) string {
	t.Helper()
	p := cmp.Or(os.Getenv("INFERBENCH_CHROMIUM"), "/usr/bin/chromium")
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("INFERBENCH_REQUIRE_CHROMIUM") != "" {
			t.Fatalf("chromium required (INFERBENCH_REQUIRE_CHROMIUM is set) but %s: %v", p, err)
		}
		t.Skipf("headless Chromium not found at %s: install Debian's chromium (apt-get install chromium) or set INFERBENCH_CHROMIUM; .ci/run does", p)
	}
	return p
}

// Run loads url in headless Chromium bin with the extra flags (--dump-dom,
// --screenshot=…, --virtual-time-budget=…), within 90 s, and returns its
// stdout and the console lines it logged.
func Run(t testing.TB, bin, url string, flags ...string) (stdout string, console []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + t.TempDir(),
		"--enable-logging=stderr", "--v=0"}, flags...)
	cmd := exec.CommandContext(ctx, bin, append(args, url)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, errb.String())
	}
	for _, line := range strings.Split(errb.String(), "\n") {
		if strings.Contains(line, "CONSOLE") {
			console = append(console, line)
		}
	}
	return out.String(), console
}

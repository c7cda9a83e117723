package cmdline

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// Version is the version a run records in run.json and `inferbench version`
// prints: stamped (a release build's -ldflags "-X main.version=…"), else the
// module version from the build info, else "dev"; then the VCS revision the
// binary was built from, its first 12 digits, with "-dirty" when the tree
// had changes: "dev (0123456789ab-dirty)".
func Version(stamped string) string {
	v := stamped
	info, ok := debug.ReadBuildInfo()
	if v == "" && ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v = info.Main.Version
	}
	if v == "" {
		v = "dev"
	}
	if !ok {
		return v
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = "-dirty"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" {
		v += " (" + rev + modified + ")"
	}
	return v
}

// PrintVersion writes the version line of `inferbench version` and
// `inferbench --version`: the version, the Go release and the platform.
func PrintVersion(w io.Writer, version string) error {
	_, err := fmt.Fprintf(w, "inferbench %s %s %s/%s\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return err
}

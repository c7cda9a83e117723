package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/internal/cmdline"
)

// version is stamped by release builds with -ldflags "-X main.version=…".
var version = ""

// toolVersion returns the version string written to run.json and printed by
// `inferbench version`: the stamped version, else the module version and VCS
// revision from the build info.
func toolVersion() string {
	v := version
	info, ok := debug.ReadBuildInfo()
	if v == "" && ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v = info.Main.Version
	}
	if v == "" {
		v = "dev"
	}
	if ok {
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
	}
	return v
}

func versionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the version of inferbench",
		Action: func(c *cli.Context) error {
			if err := cmdline.NoArgs(c, "version"); err != nil {
				return err
			}
			_, err := fmt.Fprintf(c.App.Writer, "inferbench %s %s %s/%s\n", toolVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}

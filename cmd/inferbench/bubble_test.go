package main

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/internal/pipetest"
)

// serveOnPipe serves h on a new in-memory network until the test ends
// (pipetest: the run, HTTP and the mock on a synctest bubble's clock).
func serveOnPipe(t *testing.T, h http.Handler) *pipetest.Net { return pipetest.Serve(t, h) }

// runOnPipe runs `inferbench run ARGS…` with every connection going to pn.
func runOnPipe(ctx context.Context, pn *pipetest.Net, args ...string) (stdout, stderr string, err error) {
	var out, errw bytes.Buffer
	cmd := runCommand(nil)
	cmd.Action = func(c *cli.Context) error {
		o, err := runOptionsFrom(c)
		if err != nil {
			return err
		}
		o.Dial = pn.Dial
		return runRun(c.Context, c.Context, o, c.Bool(flagQuiet), c.App.Writer, c.App.ErrWriter)
	}
	app := &cli.App{Name: "inferbench", Writer: &out, ErrWriter: &errw, Commands: []*cli.Command{cmd},
		ExitErrHandler: func(*cli.Context, error) {}}
	err = app.RunContext(ctx, append([]string{"inferbench", "run"}, args...))
	return out.String(), errw.String(), err
}

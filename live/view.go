package live

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// ViewOptions configure the views of a run (StartView).
type ViewOptions struct {
	// State configures the State the run feeds.
	State Options
	// Stderr is where progress goes (never stdout, which carries results).
	Stderr io.Writer
	// Quiet draws no progress (--quiet); Progress configures it otherwise.
	Quiet    bool
	Progress ProgressOptions
	// Serve, when set, serves the live page, /events and /metrics (--live).
	Serve *ServerOptions
}

// View is what a run starts to be watched: its State, the terminal
// progress and, if asked, the live server. It is the whole hookup a run
// needs besides feeding the State.
type View struct {
	// State is fed by the run: LevelStarted, Add (in the record sink), the
	// telemetry, LevelFinished; targets go through State.Track.
	State    *State
	stderr   io.Writer
	progress *Progress
	server   *Server
	stop     context.CancelFunc
	done     chan error
}

// StartView starts the views of a run. The server, if any, is listening
// when it returns, and its address is printed on Stderr.
func StartView(o ViewOptions) (*View, error) {
	v := &View{State: New(o.State), stderr: o.Stderr}
	if o.Serve != nil {
		sv, err := Start(v.State, *o.Serve)
		if err != nil {
			return nil, err
		}
		v.server = sv
		fmt.Fprintf(o.Stderr, "inferbench: live view at %s (metrics at %smetrics)\n", sv.URL(), sv.URL())
	}
	if !o.Quiet {
		v.progress = NewProgress(o.Stderr, v.State, o.Progress)
		ctx, stop := context.WithCancel(context.Background())
		v.stop, v.done = stop, make(chan error, 1)
		go func() { v.done <- v.progress.Run(ctx) }()
	}
	return v, nil
}

// Stderr is where the run's other messages go while the view runs, so
// they do not tear the live lines.
func (v *View) Stderr() io.Writer {
	if v.progress != nil {
		return v.progress.Writer()
	}
	return v.stderr
}

// URL is the live page's address, "" without a server.
func (v *View) URL() string {
	if v.server == nil {
		return ""
	}
	return v.server.URL()
}

// StopProgress ends the State with the run's exit state (if the run has
// not), draws the last result lines and stops drawing, so that what the
// caller prints next is not torn by a redraw. The server, if any, goes on
// until Close. It returns the progress's first write error; calling it
// again returns nil.
func (v *View) StopProgress(exit string) error {
	v.State.End(exit)
	if v.progress == nil || v.stop == nil {
		return nil
	}
	v.stop()
	v.stop = nil
	return <-v.done
}

// Close ends the State with the run's exit state, draws the last result
// lines, and stops the server after its Linger (or when ctx is done).
func (v *View) Close(ctx context.Context, exit string) error {
	err := v.StopProgress(exit)
	if v.server != nil {
		if l := v.server.o.Linger; l > 0 && ctx.Err() == nil {
			// The results are out; say why the command has not returned.
			fmt.Fprintf(v.stderr, "inferbench: live view stays up at %s for %s (--live-linger; Ctrl-C ends it)\n", v.server.URL(), l)
		}
		err = errors.Join(err, v.server.Shutdown(ctx))
	}
	return err
}

package scenarios

import (
	"cmp"
	"errors"
	"strings"
	"time"

	"github.com/inferbench/inferbench/tokenizer"
)

// CheckData reads the dataset, the trace and the tokenizer s names as run
// reads them and returns what run would refuse in them, each an *Error at
// the scenario's line of the file's key, naming the data file and its line
// ("s.yaml:4:34: workload.dataset.file: data.jsonl: line 5000: …");
// nil when all read (or s names none). `scenarios validate` checked
// only that the files exist, and passed a dataset with a bad line or a
// trace going back in time that run then refused. Call it on a scenario
// with its defaults applied (a dataset's format follows its file name).
func (s *Scenario) CheckData() error {
	var errs []error
	if d := s.Workload.Dataset; d != nil && d.File != "" {
		if _, err := s.DatasetPrompts(); err != nil {
			errs = append(errs, err)
		}
	}
	if t := s.Load.Trace; t != nil && t.File != "" {
		entries, err := s.TraceEntries()
		switch w := s.Load.Warmup; {
		case err != nil:
			errs = append(errs, err)
		case w != nil && *w >= len(entries):
			// Its first arrivals are the warm-up (run says the same).
			errs = append(errs, s.src.errorf("load.trace.file", "the trace's %d arrivals would all be warm-up (a warm-up of %d) and none measured: give a warm-up below %d (--warmup, load.warmup)",
				len(entries), *w, len(entries)))
		}
	}
	if err := s.checkTokenizer(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// checkTokenizer reads workload.tokenizer where run reads it (Tokenizer)
// and says why it is not one at the key.
func (s *Scenario) checkTokenizer() error {
	if _, err := s.Tokenizer(); err != nil {
		if _, located := errors.AsType[*Error](err); !located {
			return s.src.errorf("workload.tokenizer", "%v", err)
		}
		return err
	}
	return nil
}

// Tokenizer reads the tokenizer.json workload.tokenizer names where run
// reads it: for synthetic prompts (no dataset) sized auto or by the
// tokenizer, run refusing a file that is no tokenizer before the load. nil,
// nil where run reads none. Its error is an *Error at the key when the
// scenario file holds the value; a value the file does not hold (run's
// --tokenizer laid over it, which Forget's the file's place of it, or a
// scenario built without a file) gets the tokenizer's own error, for the
// caller to name the flag.
func (s *Scenario) Tokenizer() (*tokenizer.Tokenizer, error) {
	w := &s.Workload
	if w.Tokenizer == "" || w.Dataset != nil || (w.PromptSizing != "" && w.PromptSizing != "auto" && w.PromptSizing != "tokenizer") {
		return nil, nil
	}
	t, err := tokenizer.Load(s.Path(w.Tokenizer))
	if err != nil {
		if s.src != nil {
			if _, held := s.src.vals["workload.tokenizer"]; held {
				return nil, s.src.errorf("workload.tokenizer", "%v", err)
			}
		}
		return nil, err
	}
	return t, nil
}

// DatasetPrompts reads the dataset s names (workload.dataset), as run and
// validate both read it: its prompts, or an *Error at the scenario's line
// of workload.dataset.file naming the data file and its line. nil, nil
// when s names none.
func (s *Scenario) DatasetPrompts() (*Prompts, error) {
	d := s.Workload.Dataset
	if d == nil || d.File == "" {
		return nil, nil
	}
	p, err := ReadPromptsFile(s.Path(d.File), d.Format)
	if err != nil {
		return nil, s.src.errorf("workload.dataset.file", "%v", err)
	}
	return p, nil
}

// TraceEntries reads the trace s names (load.trace), as run and validate
// both read it: its entries, or an *Error at the scenario's line of
// load.trace.file naming the trace file and its line. nil, nil when s
// names none.
func (s *Scenario) TraceEntries() ([]TraceEntry, error) {
	t := s.Load.Trace
	if t == nil || t.File == "" {
		return nil, nil
	}
	e, err := ReadTraceFile(s.Path(t.File))
	if err != nil {
		return nil, s.src.errorf("load.trace.file", "%v", err)
	}
	// The file's arrivals are bounded (maxTraceMS); scaled, they must be
	// too: time_scale 1e300 over 10 ms overflowed the schedule's ns.
	if scale := cmp.Or(t.TimeScale, 1); len(e) > 0 && float64(e[len(e)-1].Offset)*scale > maxTraceMS*float64(time.Millisecond) {
		return nil, s.src.errorf("load.trace.time_scale", "%g puts the trace's last arrival (%v) past the %.0f ms (about %.0f days) a trace may last",
			scale, e[len(e)-1].Offset, maxTraceMS, maxTraceMS/86400e3)
	}
	return e, nil
}

// unprefixed is err without the word its reader leads it with: the key
// the error is located at says what the file is.
func unprefixed(err error, prefix string) error {
	if err == nil {
		return nil
	}
	return errors.New(strings.TrimPrefix(err.Error(), prefix))
}

// ErrorAt is err said at path's value in the scenario's file, an *Error
// ("s.yaml:4:34: workload.dataset.file: …"); without a file, at path
// alone. For what a caller finds in a file the scenario names (run reads
// the dataset and trace itself): its error then leads to the line that
// named the file, as validate's do.
func (s *Scenario) ErrorAt(path string, err error) error {
	return s.src.errorf(path, "%v", err)
}

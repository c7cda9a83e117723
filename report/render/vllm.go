package render

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/inferbench/inferbench/report"
	"github.com/inferbench/inferbench/rundir"
)

// writeVLLM writes dir/vllm/<run>-<level>.json for every run and level of
// r: the JSON `vllm bench serve --save-result` writes (report.VLLMExport),
// so that dashboards fed by vLLM's benchmark take inferbench runs.
func writeVLLM(dir string, r *Report) ([]string, error) {
	out := filepath.Join(dir, VLLMDir)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	var files []string
	for _, run := range r.runs {
		written, err := writeVLLMRun(out, run, r.Version, r.vllmPercentiles)
		files = append(files, written...)
		if err != nil {
			return files, err
		}
	}
	return files, nil
}

// vllmMeta is what run's vLLM export takes from run.json.
func vllmMeta(run *Run) report.VLLMMeta {
	meta := report.VLLMMeta{Label: run.Label}
	if m := run.Manifest; m != nil {
		meta.Kind, meta.API, meta.Model, meta.Profile, meta.Start = m.Target.Kind, m.Target.API, m.Target.Model, m.Load.Profile, m.Start
	}
	return meta
}

// writeVLLMRun writes run's export: the one LoadRun collected with the
// summary (WithVLLMExport), else requests.jsonl read again (VLLMExport.Add
// bounds each record as the summary did).
func writeVLLMRun(out string, run *Run, version string, percentiles []float64) ([]string, error) {
	e := run.vllm
	if e == nil {
		rd, err := rundir.Open(run.Dir)
		if err != nil {
			return nil, err
		}
		e = report.NewVLLMExport(vllmMeta(run), nil)
		for rec, err := range rd.Records() {
			if err != nil {
				return nil, err
			}
			e.Add(rec)
		}
	}
	e = e.WithOutput(version, percentiles)
	var files []string
	for _, lv := range e.Levels() {
		b, err := e.Result(lv)
		if err != nil {
			return files, err
		}
		name := run.Label + "-" + strconv.FormatFloat(lv, 'f', -1, 64) + ".json"
		path := filepath.Join(out, name)
		if err := rundir.WriteFile(out, name, b); err != nil {
			return files, fmt.Errorf("report: %w", err)
		}
		files = append(files, path)
	}
	return files, nil
}
